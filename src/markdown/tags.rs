//! Obsidian's inline `#tags`: found in a note's text (outside code and links), and shown as tags
//! on cards.

use std::sync::LazyLock;

use pulldown_cmark::{Event, Tag, TagEnd};
use regex::Regex;

use super::parser;

static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[\s(,])#([\p{L}\p{M}\p{N}_\-/]*[\p{L}_\-/][\p{L}\p{M}\p{N}_\-/]*)").unwrap());

/// Whether `text` (a line, or lines) may hold an inline `#tag`: a `#` at its start or after white
/// space, followed by something other than `#` or white space (so not a heading, and not
/// `[[note#heading]]`).
pub fn may_hold_tag(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr_iter(b'#', b).any(|i| {
        let before_ok = i == 0 || b.get(i - 1).is_some_and(|c| c.is_ascii_whitespace() || *c == b'(' || *c == b',');
        let after_ok = b.get(i + 1).is_some_and(|c| *c != b'#' && !c.is_ascii_whitespace());
        before_ok && after_ok
    })
}

/// Inline `#tags` in `md`, outside code and math, without the `#`.
pub fn inline_tags(md: &str) -> Vec<String> {
    let mut tags = Vec::new();
    let mut skip = 0usize; // inside code blocks and links
    for ev in parser(md) {
        match ev {
            Event::Start(Tag::CodeBlock(_) | Tag::Link { .. } | Tag::Image { .. }) => skip += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::Link | TagEnd::Image) => skip = skip.saturating_sub(1),
            Event::Text(t) if skip == 0 => {
                tags.extend(TAG.captures_iter(&t).filter_map(|c| c.get(1)).map(|m| m.as_str().to_owned()));
            }
            _ => {}
        }
    }
    tags
}

/// Shows inline `#tags` as tags, as Obsidian does: `<span class="tag">#tag</span>`.
pub(super) fn tag_spans(escaped: String) -> String {
    if !escaped.contains('#') {
        return escaped;
    }
    TAG.replace_all(&escaped, |c: &regex::Captures<'_>| {
        let whole = c.get(0).map_or("", |m| m.as_str());
        let at = whole.find('#').unwrap_or(0);
        format!("{}<span class=\"tag\">{}</span>", &whole[..at], &whole[at..])
    })
    .into_owned()
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        /// A text may hold a tag exactly when one of its lines may: the parse asks once of the
        /// whole body what it would ask of each line.
        #[test]
        fn a_text_may_hold_a_tag_when_a_line_may(text in "[#a (,\\r\\n\\t]{0,24}") {
            let by_line = text.lines().any(super::may_hold_tag);
            proptest::prop_assert_eq!(super::may_hold_tag(&text), by_line);
        }
    }

    #[test]
    fn a_tag_is_a_hash_after_white_space_before_a_word() {
        for (text, may) in [
            ("#tag", true),
            ("x #t", true),
            ("(#t)", true),
            ("## H", false),
            ("[[n#h]]", false),
            ("# ", false),
            ("a#b", false),
        ] {
            assert_eq!(super::may_hold_tag(text), may, "{text:?}");
        }
    }
}
