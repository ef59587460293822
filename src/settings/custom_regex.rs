//! Obsidian_to_Anki's custom regexes, compiled as the plugin compiles them, from JavaScript syntax.

/// Compiles a custom regex the way Obsidian_to_Anki does: the pattern, then with `(Tags: .*)` and
/// an ID line after it, in four variants, all with the `m` flag. JavaScript syntax that Rust's
/// engine spells differently is translated first.
pub fn compile_custom(source: &str) -> Result<Vec<(fancy_regex::Regex, bool, bool)>, String> {
    const TAG: &str = r"(Tags: .*)";
    const ID: &str = r"\n?(?:<!--)?(?:ID: (\d+).*)";
    let re = from_javascript(source);
    let mut out = Vec::new();
    for (suffix, tags, id) in [
        (format!("{TAG}{ID}"), true, true),
        (ID.to_owned(), false, true),
        (TAG.to_owned(), true, false),
        (String::new(), false, false),
    ] {
        let full = format!("(?m){re}{suffix}");
        let compiled =
            fancy_regex::RegexBuilder::new(&full).backtrack_limit(200_000).build().map_err(|e| e.to_string())?;
        out.push((compiled, tags, id));
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
