//! Obsidian_to_Anki's custom regexes, compiled as the plugin compiles them, from JavaScript syntax.

/// How many steps a search of a custom regex may take before the engine gives up. The plugin runs
/// in a browser's engine, which has no such limit: a regex whose repetitions can match the same
/// text in many ways is slow there too, but it finishes. Measured on a real vault whose regex is
/// `((?:[^\n][\n]?)+) #flashcard …` (46 notes): with 200,000 steps the engine gave up in 30 notes,
/// 2 of its 471 cards were missing and 35 more lost their plugin IDs. With 5,000,000 (and the forms
/// that cannot match not searched, [`Variant::may_match`]) it gives up in 3 notes but finds every
/// card and ID that 50,000,000 steps find, in 0.8 s instead of 0.3 s. A regex that backtracks
/// without end costs about 0.1 s a note.
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
}

impl Variant {
    /// Whether it can match in `text` at all: its `Tags:` and ID groups each need their words
    /// there. A form that cannot is not searched, which spares the slowest searches, those that
    /// match nowhere (most notes have no `Tags:` line).
    pub fn may_match(&self, text: &str) -> bool {
        (!self.with_tags || text.contains("Tags: ")) && (!self.with_id || text.contains("ID: "))
    }
}

/// Compiles a custom regex the way Obsidian_to_Anki does: the pattern, then with `(Tags: .*)` and
/// an ID line after it, in four variants, all with the `m` flag. JavaScript syntax that Rust's
/// engine spells differently is translated first.
pub fn compile_custom(source: &str) -> Result<Vec<Variant>, String> {
    const TAG: &str = r"(Tags: .*)";
    const ID: &str = r"\n?(?:<!--)?(?:ID: (\d+).*)";
    let re = from_javascript(source);
    let mut out = Vec::new();
    for (suffix, with_tags, with_id) in [
        (format!("{TAG}{ID}"), true, true),
        (ID.to_owned(), false, true),
        (TAG.to_owned(), true, false),
        (String::new(), false, false),
    ] {
        let full = format!("(?m){re}{suffix}");
        let regex =
            fancy_regex::RegexBuilder::new(&full).backtrack_limit(STEP_LIMIT).build().map_err(|e| e.to_string())?;
        out.push(Variant { regex, with_tags, with_id });
    }
    Ok(out)
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
}
