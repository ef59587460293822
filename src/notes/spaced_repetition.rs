//! obsidian-spaced-repetition syntaxes: `question::answer`, `question:::answer` (reversed), multi-line
//! cards split by a `?` or `??` line, and paragraphs whose `==highlights==` become cloze deletions.
//! [`super::cards::scan`] reads them only in notes that carry the plugin's tag.

use std::sync::LazyLock;

use regex::Regex;

use super::cards::{CardSpec, NoteKind, Scanned, Syntax};
use crate::diagnostics::Diagnostic;

static SR_COMMENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s*<!--SR:[^>]*-->").unwrap());

/// A `?` (or `??`, reversed) card: the question is the paragraph above, the answer the lines below
/// up to a blank line. Returns the index of the line after the answer.
pub(super) fn multi_line(
    lines: &[&str],
    at: usize,
    question: &[usize],
    first_line: usize,
    file: &str,
    out: &mut Scanned,
) -> usize {
    let reversed = lines.get(at).is_some_and(|l| l.trim() == "??");
    let end = (at + 1..lines.len()).find(|&j| lines[j].trim().is_empty()).unwrap_or(lines.len());
    let front: Vec<&str> = question.iter().filter_map(|&j| lines.get(j).copied()).collect();
    let back = lines.get(at + 1..end).unwrap_or_default().join("\n");
    let start = question.first().copied().unwrap_or(at);
    if front.iter().all(|l| l.trim().is_empty()) {
        out.diagnostics.push(
            Diagnostic::error(file, first_line + at, 1, "empty front: nothing above the `?` line")
                .with_hint("write the question on the lines just above `?`"),
        );
        return end;
    }
    out.cards.push(CardSpec {
        kind: if reversed { NoteKind::Reversed } else { NoteKind::Basic },
        fields: vec![front.join("\n").trim().to_owned(), back.trim().to_owned()],
        field_lines: vec![first_line + start, first_line + at + 1],
        tags: Vec::new(),
        anchor: None,
        line: first_line + start,
        syntax: Syntax::Inline,
        custom: None,
    });
    end
}

static HIGHLIGHT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"==([^=\s](?:[^=]*[^=\s])?)==").unwrap());

/// A paragraph with `==highlights==` as a cloze card, one deletion per highlight.
pub(super) fn highlight_cloze(lines: &[&str], para: &[usize], first_line: usize) -> Option<CardSpec> {
    let text: Vec<&str> = para.iter().filter_map(|&j| lines.get(j).copied()).collect();
    let text = text.join("\n");
    if !HIGHLIGHT.is_match(&text) || text.trim_start().starts_with(['>', '|']) {
        return None;
    }
    let mut n = 0;
    let cloze = HIGHLIGHT.replace_all(&text, |c: &regex::Captures<'_>| {
        n += 1;
        format!("{{{{c{n}::{}}}}}", c.get(1).map_or("", |m| m.as_str()))
    });
    let line = first_line + para.first().copied().unwrap_or(0);
    Some(CardSpec {
        kind: NoteKind::Cloze,
        fields: vec![cloze.into_owned(), String::new()],
        field_lines: vec![line, 0],
        tags: Vec::new(),
        anchor: None,
        line,
        syntax: Syntax::Inline,
        custom: None,
    })
}

/// A `question::answer` or `question:::answer` line, if this is one.
pub(super) fn inline(raw: &str, lineno: usize, file: &str, diags: &mut Vec<Diagnostic>) -> Option<CardSpec> {
    let (at, reversed) = find_separator(raw)?;
    let sep_len = if reversed { 3 } else { 2 };
    let front = raw.get(..at)?.trim();
    let back = SR_COMMENT.replace_all(raw.get(at + sep_len..)?, "").trim().to_owned();
    let front = front.strip_prefix("- ").or_else(|| front.strip_prefix("* ")).unwrap_or(front).trim();
    if front.is_empty() {
        diags.push(
            Diagnostic::error(file, lineno, 1, "empty front: nothing before `::`")
                .with_hint("write the question before `::`, as in `question::answer`"),
        );
        return None;
    }
    if back.is_empty() {
        diags.push(
            Diagnostic::warning(file, lineno, at + 1, "empty back: nothing after `::`")
                .with_hint("write the answer after `::`"),
        );
    }
    Some(CardSpec {
        kind: if reversed { NoteKind::Reversed } else { NoteKind::Basic },
        fields: vec![front.to_owned(), back],
        field_lines: vec![lineno, lineno],
        tags: Vec::new(),
        anchor: None,
        line: lineno,
        syntax: Syntax::Inline,
        custom: None,
    })
}

/// The byte offset of the first `::` or `:::` that is outside code, math and `{{...}}`.
fn find_separator(line: &str) -> Option<(usize, bool)> {
    let bytes = line.as_bytes();
    let (mut code, mut math, mut braces) = (false, false, 0usize);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 1,
            b'`' => code = !code,
            b'$' if !code => math = !math,
            b'{' if !code && !math && bytes.get(i + 1) == Some(&b'{') => {
                braces += 1;
                i += 1;
            }
            b'}' if !code && !math && braces > 0 && bytes.get(i + 1) == Some(&b'}') => {
                braces -= 1;
                i += 1;
            }
            b':' if !code && !math && braces == 0 && bytes.get(i + 1) == Some(&b':') => {
                let n = bytes.get(i..).map_or(0, |s| s.iter().take_while(|c| **c == b':').count());
                return match n {
                    2 => Some((i, false)),
                    3 => Some((i, true)),
                    _ => None,
                };
            }
            _ => {}
        }
        i += 1;
    }
    None
}
