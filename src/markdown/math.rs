//! Math that CommonMark's parser would mangle, handled around it:
//!
//! * display math `$$ … $$` that spans a blank line (common around `\begin{align*}`), which the
//!   parser would split into paragraphs and feed to emphasis;
//! * `\( … \)` and `\[ … \]` written by the user, whose backslashes the parser would eat;
//! * `$…$` inside raw HTML (`<center>$x$</center>`), which the parser leaves alone.
//!
//! The first two are swapped for placeholders before parsing and put back, as MathJax math,
//! after rendering. Code spans and fences are never touched.

use std::sync::LazyLock;

use regex::Regex;

const OPEN: char = '\u{E002}';
const CLOSE: char = '\u{E003}';

/// Math taken out of the markdown: (LaTeX, display).
pub(super) type Kept = Vec<(String, bool)>;

/// Replaces protected math in `md` with placeholders; `\( … \)` and `\[ … \]` only with
/// `backslash_math` (else they are CommonMark's escaped brackets).
pub(super) fn protect(md: &str, backslash_math: bool) -> (std::borrow::Cow<'_, str>, Kept) {
    let mut kept = Kept::new();
    // Only `\(`, `\[` and display math that spans a blank line need it: most fields have none.
    let blank_line = md.contains("$$") && md.split('\n').skip(1).any(|l| l.trim().is_empty());
    let backslash = backslash_math && (md.contains("\\(") || md.contains("\\["));
    if !(backslash || blank_line) {
        return (md.into(), kept);
    }
    let code = code_ranges(md);
    let in_code = |i: usize| code.iter().any(|r| r.contains(&i));
    let mut out = String::with_capacity(md.len());
    let mut i = 0;
    let mut last = 0;
    let bytes = md.as_bytes();
    while i < bytes.len() {
        if in_code(i) {
            i += 1;
            continue;
        }
        let rest = &md[i..];
        let found = if backslash && rest.starts_with("\\(") {
            find_close(md, i + 2, "\\)").map(|end| (i + 2, end, end + 2, false))
        } else if backslash && rest.starts_with("\\[") {
            find_close(md, i + 2, "\\]").map(|end| (i + 2, end, end + 2, true))
        } else if rest.starts_with("$$") && (i == 0 || bytes[i - 1] != b'\\') {
            // Only display math that spans a blank line is protected: the parser reads the rest
            // right. Either way, the pair is passed over as a whole.
            match find_close(md, i + 2, "$$") {
                Some(end) if spans_blank_line(&md[i + 2..end]) => Some((i + 2, end, end + 2, true)),
                Some(end) => {
                    i = end + 2;
                    continue;
                }
                None => None,
            }
        } else {
            None
        };
        match found {
            Some((start, end, after, display)) if !(start..end).any(&in_code) => {
                out.push_str(&md[last..i]);
                out.push(OPEN);
                out.push_str(&kept.len().to_string());
                out.push(CLOSE);
                kept.push((md[start..end].to_owned(), display));
                i = after;
                last = after;
            }
            Some((_, _, after, _)) => i = after,
            None => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    if kept.is_empty() {
        return (md.into(), kept);
    }
    out.push_str(&md[last..]);
    (out.into(), kept)
}

fn find_close(md: &str, from: usize, close: &str) -> Option<usize> {
    md.get(from..)?.find(close).map(|p| p + from)
}

fn spans_blank_line(s: &str) -> bool {
    s.split('\n')
        .skip(1)
        .collect::<Vec<_>>()
        .split_last()
        .is_some_and(|(_, inner)| inner.iter().any(|l| l.trim().is_empty()))
}

/// Byte ranges of code spans and code blocks.
fn code_ranges(md: &str) -> Vec<std::ops::Range<usize>> {
    use pulldown_cmark::{Event, Tag, TagEnd};
    let mut out = Vec::new();
    let mut block: Option<usize> = None;
    for (ev, range) in super::parser(md).into_offset_iter() {
        match ev {
            Event::Code(_) => out.push(range),
            Event::Start(Tag::CodeBlock(_)) => block = Some(range.start),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(s) = block.take() {
                    out.push(s..range.end);
                }
            }
            _ => {}
        }
    }
    out
}

/// Puts the math back into rendered HTML, rendered by `math`.
pub(super) fn restore(html: &str, kept: &Kept, math: impl Fn(&str, bool) -> String) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + OPEN.len_utf8()..];
        let Some(end) = after.find(CLOSE) else { break };
        match after[..end].parse::<usize>().ok().and_then(|i| kept.get(i)) {
            Some((latex, display)) => out.push_str(&math(latex, *display)),
            None => out.push_str(&rest[start..start + OPEN.len_utf8() + end + CLOSE.len_utf8()]),
        }
        rest = &after[end + CLOSE.len_utf8()..];
    }
    out.push_str(rest);
    out
}

static HTML_MATH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)\$\$(.+?)\$\$|\$([^\s$](?:[^$\n]*[^\s$\\])?)\$").unwrap());

/// Converts `$…$` and `$$…$$` inside raw HTML.
pub(super) fn in_html(html: &str, math: impl Fn(&str, bool) -> String) -> String {
    HTML_MATH
        .replace_all(html, |c: &regex::Captures<'_>| match (c.get(1), c.get(2)) {
            (Some(d), _) => math(d.as_str(), true),
            (_, Some(i)) => math(i.as_str(), false),
            _ => String::new(),
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::super::tests::html;

    #[test]
    fn display_math_across_blank_lines_is_one_block() {
        let h = html("$$\n\\begin{align*}\na_*b &= c_*d \\\\\n\ne &= f\n\\end{align*}\n$$");
        assert!(h.contains("\\[\n\\begin{align*}\na_*b &amp;= c_*d \\\\\n\ne &amp;= f\n\\end{align*}\n\\]"), "{h}");
        assert!(!h.contains("<em>"), "{h}");
    }

    #[test]
    fn user_written_delimiters_pass_through() {
        assert_eq!(html("radius \\( r_*x \\) and \\[ a_*b \\]"), "<p>radius \\( r_*x \\) and \\[ a_*b \\]</p>");
        assert_eq!(html("`\\(code\\)`"), "<p><code>\\(code\\)</code></p>");
    }

    #[test]
    fn math_in_html_lists_tables_quotes_and_callouts() {
        assert_eq!(html("<center>$x^2$</center>"), "<center>\\(x^2\\)</center>");
        assert!(html("- item $a_1$").contains("<li>item \\(a_1\\)</li>"));
        assert!(html("| h |\n|---|\n| $a_1$ |").contains("<td>\\(a_1\\)</td>"));
        assert!(html("> quote $q$").contains("\\(q\\)"));
        assert!(html("> [!note]\n> callout $c$").contains("\\(c\\)"));
        assert_eq!(html("costs $5 and $10"), "<p>costs $5 and $10</p>");
    }
}
