//! Obsidian_to_Anki's CurlyCloze: in note types whose name contains "Cloze", `{x}` becomes
//! `{{c1::x}}`, numbered per field; `{2:x}` and `{c2|x}` keep their number, and `{{c1::x}}` stays
//! as it is. With "Highlights to Clozes", `==x==` becomes a deletion first. Math and code are never
//! touched, so `$x_{1}$` keeps its braces.

use std::sync::LazyLock;

use fancy_regex::Regex;

/// The plugin's own pattern, with JavaScript's literal braces escaped.
static CURLY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:(?<!\{)\{(?:c?(\d+)[:|])?(?!\{))((?:[^\n][\n]?)+?)(?:(?<!\})\}(?!\}))").unwrap());
static HIGHLIGHT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"==(.*?)==").unwrap());
/// Math and code, which are masked: display math, inline math, fences, inline code.
static PROTECTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\$\$[\s\S]*?\$\$|(?<!\$)\$(?=\S)(?=[^$])[\s\S]*?\S\$|```[\s\S]*?```|(?<!`)`(?=[^`])[\s\S]*?`|\\\([\s\S]*?\\\)|\\\[[\s\S]*?\\\]")
        .unwrap()
});

const MASK_OPEN: char = '\u{E000}';
const MASK_CLOSE: char = '\u{E001}';

/// Converts the curly deletions of one field.
pub fn convert(field: &str, highlights: bool) -> String {
    let mut kept: Vec<String> = Vec::new();
    let masked = replace(&PROTECTED, field, |c| {
        kept.push(c.get(0).map_or("", |m| m.as_str()).to_owned());
        format!("{MASK_OPEN}{}{MASK_CLOSE}", kept.len() - 1)
    });
    let masked = if highlights { replace(&HIGHLIGHT, &masked, |c| format!("{{{}}}", group(c, 1))) } else { masked };
    let mut next = 1;
    let converted = replace(&CURLY, &masked, |c| match c.get(1) {
        Some(n) => format!("{{{{c{}::{}}}}}", n.as_str(), group(c, 2)),
        None => {
            let s = format!("{{{{c{next}::{}}}}}", group(c, 2));
            next += 1;
            s
        }
    });
    unmask(&converted, &kept)
}

fn group<'t>(c: &fancy_regex::Captures<'t, str>, i: usize) -> &'t str {
    c.get(i).map_or("", |m| m.as_str())
}

/// Replaces every match; a match the engine gives up on (its backtracking limit) is left as it is.
fn replace(re: &Regex, text: &str, mut f: impl FnMut(&fancy_regex::Captures<'_, str>) -> String) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut last = 0;
    for c in re.captures_iter(text).map_while(Result::ok) {
        let Some(m) = c.get(0) else { continue };
        out.push_str(text.get(last..m.start()).unwrap_or(""));
        out.push_str(&f(&c));
        last = m.end();
    }
    out.push_str(text.get(last..).unwrap_or(""));
    out
}

fn unmask(text: &str, kept: &[String]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(MASK_OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + MASK_OPEN.len_utf8()..];
        let Some(end) = after.find(MASK_CLOSE) else {
            out.push_str(&rest[start..]);
            return out;
        };
        match after[..end].parse::<usize>().ok().and_then(|i| kept.get(i)) {
            Some(k) => out.push_str(k),
            None => out.push_str(&rest[start..start + MASK_OPEN.len_utf8() + end + MASK_CLOSE.len_utf8()]),
        }
        rest = &after[end + MASK_CLOSE.len_utf8()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curly_braces_become_numbered_deletions() {
        assert_eq!(convert("{a} and {b}", false), "{{c1::a}} and {{c2::b}}");
        assert_eq!(convert("{2:a} {c3|b} {c}", false), "{{c2::a}} {{c3::b}} {{c1::c}}");
        assert_eq!(convert("{{c1::kept}} {new}", false), "{{c1::kept}} {{c1::new}}");
    }

    #[test]
    fn math_and_code_keep_their_braces() {
        assert_eq!(convert("$x_{1}$ is {small}", false), "$x_{1}$ is {{c1::small}}");
        assert_eq!(convert("$$\\frac{a}{b}$$ `{x}` {y}", false), "$$\\frac{a}{b}$$ `{x}` {{c1::y}}");
        assert_eq!(convert("\\(a_{i}\\) {y}", false), "\\(a_{i}\\) {{c1::y}}");
    }

    #[test]
    fn highlights_become_deletions_when_asked() {
        assert_eq!(convert("==Hessian== and {b}", true), "{{c1::Hessian}} and {{c2::b}}");
        assert_eq!(convert("==Hessian==", false), "==Hessian==");
    }
}
