//! Obsidian_to_Anki's custom regexes, compiled as the plugin compiles them, from JavaScript syntax.

/// How many steps a search of a custom regex may take before the engine gives up. The plugin runs
/// in a browser's engine, which has no such limit: a regex whose repetitions can match the same
/// text in many ways is slow there too, but it finishes. Measured on a real vault whose regex is
/// `((?:[^\n][\n]?)+) #flashcard …` (46 notes): with 200,000 steps the engine gave up in 30 notes,
/// 2 of its 471 cards were missing and 35 more lost their plugin IDs. With 5,000,000, and no search
/// where a match cannot be ([`Variant::may_match`]), it gives up nowhere and finds every card and
/// ID that 50,000,000 steps find, in 0.09 s. A regex that backtracks without end costs at most
/// about 0.1 s a note.
pub const STEP_LIMIT: usize = 5_000_000;

/// One of the four forms of a custom regex.
#[derive(Debug, Clone)]
pub struct Variant {
    /// The pattern with its suffix, compiled with [`STEP_LIMIT`].
    pub regex: fancy_regex::Regex,
    /// Whether it ends with a `Tags:` group.
    pub with_tags: bool,
    /// Whether it ends with an ID group.
    pub with_id: bool,
    /// Texts every match holds ([`required_literals`], and the suffix's `Tags: ` and `ID: `).
    required: Vec<String>,
}

impl Variant {
    /// Whether it can match in `text` at all: every text a match must hold is there. A form that
    /// cannot match is not searched, which spares the slowest searches, those that match nowhere
    /// (most notes have no `Tags:` line, and many no `#flashcard`).
    pub fn may_match(&self, text: &str) -> bool {
        self.required.iter().all(|r| text.contains(r.as_str()))
    }
}

/// Compiles a custom regex the way Obsidian_to_Anki does: the pattern, then with `(Tags: .*)` and
/// an ID line after it, in four variants, all with the `m` flag. JavaScript syntax that Rust's
/// engine spells differently is translated first.
///
/// A search first skips to where the pattern's regular part (without its look-arounds and
/// back-references) can match, found in linear time, before the backtracking engine tries there:
/// regexes of the form `((?:[^\n][\n]?)+\n)—…(?<!<!--)…` otherwise try every position of every
/// paragraph, which took 12 s to check a real vault of 1,200 notes (0.6 s with the skip) and gave up
/// in ten of them. The skip finds the same matches: a property test compares it with the plain
/// search on the regexes of real vaults.
pub fn compile_custom(source: &str) -> Result<Vec<Variant>, String> {
    compile_with(source, true)
}

/// [`compile_custom`], with or without the skip to where the regular part can match.
fn compile_with(source: &str, seek: bool) -> Result<Vec<Variant>, String> {
    const TAG: &str = r"(Tags: .*)";
    const ID: &str = r"\n?(?:<!--)?(?:ID: (\d+).*)";
    let re = from_javascript(source);
    let required = required_literals(&re);
    let mut out = Vec::new();
    for (suffix, with_tags, with_id) in [
        (format!("{TAG}{ID}"), true, true),
        (ID.to_owned(), false, true),
        (TAG.to_owned(), true, false),
        (String::new(), false, false),
    ] {
        let full = format!("(?m){re}{suffix}");
        let regex = fancy_regex::RegexBuilder::new(&full)
            .backtrack_limit(STEP_LIMIT)
            .seek(seek)
            .build()
            .map_err(|e| e.to_string())?;
        let mut required = required.clone();
        required.extend(with_tags.then(|| "Tags: ".to_owned()));
        required.extend(with_id.then(|| "ID: ".to_owned()));
        out.push(Variant { regex, with_tags, with_id, required });
    }
    Ok(out)
}

/// Texts every match of the pattern `re` holds: the runs of literal characters that a match must
/// contain, found in its syntax tree, through groups and required repetitions but not through
/// alternatives, optional parts, lookarounds or case-insensitive text. It errs only by finding
/// fewer (none when the pattern does not parse).
fn required_literals(re: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(tree) = fancy_regex::Expr::parse_tree(re) {
        let mut run = String::new();
        required_in(&tree.expr, &mut run, &mut out);
        flush(&mut run, &mut out);
    }
    out
}

/// Adds to `run` the literal text `e` must match, where it continues the text before; a part that
/// may match other texts ends the run (into `out`).
fn required_in(e: &fancy_regex::Expr, run: &mut String, out: &mut Vec<String>) {
    use fancy_regex::Expr;
    match e {
        Expr::Literal { val, casei: false } => run.push_str(val),
        Expr::Concat(parts) => parts.iter().for_each(|p| required_in(p, run, out)),
        Expr::Group(inner) => required_in(inner, run, out),
        Expr::AtomicGroup(inner) => required_in(inner, run, out),
        // Matched at least once: its own text is required, but not next to its neighbours'.
        Expr::Repeat { child, lo, .. } if *lo >= 1 => {
            flush(run, out);
            required_in(child, run, out);
            flush(run, out);
        }
        _ => flush(run, out),
    }
}

fn flush(run: &mut String, out: &mut Vec<String>) {
    if !run.is_empty() {
        out.push(std::mem::take(run));
    }
}

/// Rewrites what JavaScript regexes accept and Rust's do not: a `{` or `}` that is not part of a
/// `{n,m}` repetition is a literal, and `\/` is a slash.
fn from_javascript(re: &str) -> String {
    let chars: Vec<char> = re.chars().collect();
    let mut out = String::with_capacity(re.len() + 8);
    let mut i = 0;
    let mut class = false;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => {
                let next = chars.get(i + 1).copied();
                if next == Some('/') {
                    out.push('/');
                } else {
                    out.push('\\');
                    out.extend(next);
                }
                i += 2;
                continue;
            }
            '[' if !class => class = true,
            ']' if class => class = false,
            '{' if !class => {
                let rest: String = chars.get(i..).unwrap_or_default().iter().take(24).collect();
                let repetition = rest.find('}').map(|end| &rest[1..end]).is_some_and(|inner| {
                    let (a, b) = inner.split_once(',').unwrap_or((inner, "0"));
                    !a.is_empty() && a.chars().all(|c| c.is_ascii_digit()) && b.chars().all(|c| c.is_ascii_digit())
                });
                if !repetition {
                    out.push_str("\\{");
                    i += 1;
                    continue;
                }
                let end = rest.find('}').unwrap_or(0);
                out.push_str(&rest[..=end]);
                i += rest[..=end].chars().count();
                continue;
            }
            '}' if !class => {
                out.push_str("\\}");
                i += 1;
                continue;
            }
            _ => {}
        }
        out.push(c);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn javascript_regexes_compile() {
        for re in [
            r"^#+(.+)\n*((?:\n(?:^[^\n#].{0,2}$|^[^\n#].{3}(?<!<!--).*))+)",
            r"((?:[^\n][\n]?)+) #flashcard ?\n*((?:\n(?:^.{1,3}$|^.{4}(?<!<!--).*))+)",
            r"^Q: (.*)\nA: (.*)",
            r"{{c1::(.*)}}",
            r"<\/?b>(.*)",
        ] {
            assert!(compile_custom(re).is_ok(), "{re}: {:?}", compile_custom(re).err());
        }
        assert_eq!(from_javascript(r"a{2,3}{x}[{]\/"), r"a{2,3}\{x\}[{]/");
    }

    #[test]
    fn the_texts_every_match_holds() {
        let cases: [(&str, &[&str]); 15] = [
            (r"caf\u00e9: (.+)", &["café: "]),
            (r"\x41bc \d+ x(.+)", &["Abc ", " x"]),
            (r"(a)\1b (.+)", &["a", "b "]),
            (r"((?:[^\n][\n]?)+) #flashcard ?\n*((?:\n(?:^.{1,3}$|^.{4}(?<!<!--).*))+)", &[" #flashcard", "\n"]),
            (r"^Q: (.+)\nA: (.+)", &["Q: ", "\nA: "]),
            (r"^(.+) \#card\?$", &[" #card?"]),
            (r"Q[:;] (.+)", &["Q", " "]),
            (r"ab*c", &["a", "c"]),
            (r"(?i)question: (.+)", &[]),
            (r"one|two", &[]),
            (r"(a|b)::(.+)", &["::"]),
            (r"x{2}y", &["x", "y"]),
            // Inside the groups a whole pattern is often wrapped in (two real vaults' cloze types).
            (r"((?:.+\n)*(?:.*{.*)(?:\n(?:^.{1,3}$|^.{4}(?<!<!--).*))*)", &["{"]),
            (r"((?:.+\n)*(?:.*==.*)(?:\n(?:^.{1,3}$|^.{4}(?<!<!--).*))*)", &["=="]),
            (r"(?:(Q): )+(?=x)(.+)(?:\n)?", &["Q: "]),
        ];
        for (re, expected) in cases {
            assert_eq!(required_literals(&from_javascript(re)), expected, "{re}");
        }
        // Each holds in every match of its pattern, and a note without them has none.
        let text = "Q: What is a saddle?\nA: A point of mixed curvature.\n";
        for (re, _) in cases {
            let variants = compile_custom(re).unwrap();
            let bare = variants.last().unwrap();
            if let Ok(Some(m)) = bare.regex.find(text) {
                assert!(bare.may_match(m.as_str()), "{re} matched {:?}", m.as_str());
            }
        }
        assert!(!compile_custom(r"^Q: (.+)\nA: (.+)").unwrap()[3].may_match("no question here"));
    }

    /// Every match, with its groups, from the start of `text` on, as the scan takes them.
    fn all_matches(re: &fancy_regex::Regex, text: &str) -> Vec<Vec<Option<(usize, usize)>>> {
        let mut out = Vec::new();
        let mut at = 0;
        while at <= text.len() {
            let Ok(Some(c)) = re.captures_from_pos(text, at) else { break };
            let Some(m) = c.get(0) else { break };
            out.push(c.iter().map(|g| g.map(|g| (g.start(), g.end()))).collect());
            at = if m.end() > m.start() {
                m.end()
            } else {
                m.end() + text[m.end()..].chars().next().map_or(1, char::len_utf8)
            };
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// The skip to where a pattern's regular part can match finds every match the plain
        /// search finds, with the same groups, for the regexes of real vaults (each with its
        /// four forms) on notes made of the pieces they look for.
        #[test]
        fn the_skip_finds_what_the_plain_search_finds(pieces in proptest::collection::vec(0usize..PIECES.len(), 0..60)) {
            let text: String = pieces.iter().map(|&i| PIECES[i]).collect();
            for re in REAL_REGEXES {
                let (fast, plain) = (compile_with(re, true).unwrap(), compile_with(re, false).unwrap());
                for (f, p) in fast.iter().zip(&plain) {
                    proptest::prop_assert_eq!(all_matches(&f.regex, &text), all_matches(&p.regex, &text), "{} on {:?}", re, text);
                }
            }
        }
    }

    /// Custom regexes of real vaults.
    const REAL_REGEXES: [&str; 9] = [
        r"((?:[^\n][\n]?)+\n)—{1,}((?:\n(?:^.{1,3}$|^.{4}(?<!<!--).*))*)",
        r"^Q: ((?:.+\n)*)\n*A: (.+(?:\n(?:^.{1,3}$|^.{4}(?<!<!--).*))*)",
        r"^#{3,}(.+)\n*([\s\S]*?)\nEND$",
        r"((?:[^\n][\n]?)+)\s#flashcard\s+\n*((?:\n(?:^.{1,3}$|^.{4}(?<!<!--).*))+)",
        r"^\- ((?:.+\n)*?)\n*[\t ]+((\- )?.+(?:\n(?:^.{4}(?<!<!--)(?<!\- ..).*))*)(?:\n^$)?",
        r"^#{4}\s(.+)\n*((?:\n(?:^[^\n#].{0,2}$|^[^\n#].{3}(?<!<!--).*))+)",
        r"((?:.+\n)*(?:.*{.*)(?:\n(?:^.{1,3}$|^.{4}(?<!<!--).*))*)",
        r"((?:.+\n)*(?:.*==.*)(?:\n(?:^.{1,3}$|^.{4}(?<!<!--).*))*)",
        r"^(.*[^\n:]{1}):{2}([^\n:]{1}.*)",
    ];

    /// What the notes those regexes read are made of.
    const PIECES: [&str; 24] = [
        "\n",
        "\n\n",
        "Q: ",
        "A: ",
        "—",
        "——\n",
        "<!--ID: 1700000000001-->",
        "ID: 17",
        "Tags: a b",
        "#flashcard ",
        " #flashcard\n",
        "####",
        "### ",
        "END",
        "==x==",
        "{c}",
        "- ",
        "\t",
        "a::b",
        "::",
        "word ",
        "ab",
        "é ",
        "<!-- c -->",
    ];
}
