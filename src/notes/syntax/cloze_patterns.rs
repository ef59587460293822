//! obsidian-spaced-repetition's cloze patterns (`clozePatterns`), in the plugin's notation,
//! turned into regexes.

use regex::Regex;

/// The regex of one cloze pattern, compiled once per thread. See [`pattern_to_regex`].
pub fn cloze_regex(pattern: &str) -> Option<Regex> {
    thread_local! {
        static COMPILED: std::cell::RefCell<std::collections::HashMap<String, Option<Regex>>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    COMPILED.with(|c| {
        c.borrow_mut().entry(pattern.to_owned()).or_insert_with(|| Regex::new(&pattern_to_regex(pattern)?).ok()).clone()
    })
}

/// Translates the plugin's cloze notation to a regex with the groups `seq`, `answer` and `hint`:
/// `answer` is the hidden text, `[...]` an optional part whose `123` is the deletion's number and
/// whose `hint` is a hint, `\[` a literal bracket; everything else is literal text.
/// `==[123;;]answer[;;hint]==` becomes `==(?:(?P<seq>\d+);;)?(?P<answer>.+?)(?:;;(?P<hint>.+?))?==`:
/// the answer and hint are the shortest text that completes the pattern, on one line, as the
/// plugin's (clozecraft's) regexes read them, so `{@{F}@} and {@{G}@}` is two deletions.
fn pattern_to_regex(pattern: &str) -> Option<String> {
    fn literal_or_tokens(text: &str, out: &mut String) {
        let mut rest = text;
        while !rest.is_empty() {
            let next = [("answer", r"(?P<answer>.+?)"), ("hint", r"(?P<hint>.+?)"), ("123", r"(?P<seq>\d+)")]
                .iter()
                .filter_map(|(tok, re)| rest.find(tok).map(|at| (at, *tok, *re)))
                .min_by_key(|(at, _, _)| *at);
            match next {
                Some((at, tok, re)) => {
                    out.push_str(&regex::escape(&rest[..at]));
                    out.push_str(re);
                    rest = &rest[at + tok.len()..];
                }
                None => {
                    out.push_str(&regex::escape(rest));
                    rest = "";
                }
            }
        }
    }
    let mut out = String::new();
    let mut text = String::new();
    let mut chars = pattern.chars();
    let mut group: Option<String> = None;
    while let Some(c) = chars.next() {
        match c {
            '[' if group.is_none() => {
                literal_or_tokens(&std::mem::take(&mut text), &mut out);
                group = Some(String::new());
            }
            ']' if group.is_some() => {
                out.push_str("(?:");
                literal_or_tokens(&group.take().unwrap_or_default(), &mut out);
                out.push_str(")?");
            }
            c => {
                // `\[` and `\]` are literal brackets.
                let c = if c == '\\' { chars.next().unwrap_or('\\') } else { c };
                group.as_mut().unwrap_or(&mut text).push(c);
            }
        }
    }
    literal_or_tokens(&text, &mut out);
    out.contains("(?P<answer>").then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloze_patterns_in_the_plugins_notation() {
        let re = |p: &str| Regex::new(&pattern_to_regex(p).unwrap()).unwrap();
        let c = re("{{[123::]answer[::hint]}}").captures("speak {{1::Portuguese::language}}").unwrap();
        assert_eq!((&c["seq"], &c["answer"], &c["hint"]), ("1", "Portuguese", "language"));
        let c = re(r"==answer==[^\[hint\]][\[^123\]]").captures("speak ==Portuguese==^[language][^2]").unwrap();
        assert_eq!((&c["seq"], &c["answer"], &c["hint"]), ("2", "Portuguese", "language"));
        assert!(re("**[123;;]answer[;;hint]**").captures("lorem **p\ndolor won**").is_none());
        assert!(pattern_to_regex("no placeholder").is_none());
        // The shortest answer that completes the pattern: a one-letter answer ends at its own
        // closing marks, not at the next deletion's.
        let answers = |p: &str, text: &str| -> Vec<String> {
            re(p).captures_iter(text).map(|c| c["answer"].to_owned()).collect()
        };
        assert_eq!(answers("{@{[123;;]answer[;;hint]}@}", "denoted {@{F}@} and {@{G}@} is"), ["F", "G"]);
        assert_eq!(answers("==[123;;]answer[;;hint]==", "==a== then ==bb;;hint== and ==c=="), ["a", "bb", "c"]);
    }
}
