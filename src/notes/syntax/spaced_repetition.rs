//! obsidian-spaced-repetition syntaxes: `question::answer`, `question:::answer` (reversed),
//! multi-line cards split by a `?` or `??` line, and paragraphs with cloze deletions
//! (`==highlights==` by default; `**bold**` and `{{curly}}` when the plugin is set so). Separators
//! and patterns come from the plugin's settings. They apply only in notes that carry one of the
//! plugin's flashcard tags; elsewhere a line that would be a card is only remembered, for a hint.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use super::cloze_patterns::cloze_regex;
use super::{CardSpec, Context, NoteKind, Scanned, Syntax};
use crate::diagnostics::{Code, Diagnostic};

static SR_COMMENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s*<!--SR:[^>]*-->").unwrap());

/// Reads the spaced-repetition syntaxes as the block scanner walks a note's lines.
pub struct Reader<'a> {
    cx: Context<'a>,
    /// Indices of the plain lines of the current paragraph (a question, or a cloze paragraph).
    para: Vec<usize>,
    /// Of those, the lines of fenced code blocks: part of a question or a cloze paragraph's text,
    /// never read for deletions.
    code: Vec<usize>,
    clozes: Vec<Regex>,
    /// Whether the lines read are inside an HTML comment that a line started (see [`Reader::line`]).
    html_comment: bool,
}

impl<'a> Reader<'a> {
    /// A reader for one note.
    pub fn new(cx: Context<'a>) -> Self {
        let clozes = cx.settings.spaced_repetition.clozes.iter().filter_map(|p| cloze_regex(p)).collect();
        Reader { cx, para: Vec::new(), code: Vec::new(), clozes, html_comment: false }
    }

    /// Takes the line `i` of a fenced code block (its fences too) into the current paragraph: as in
    /// the plugin, a question may show code, `What does this print?` over a block, then `?`.
    pub fn code_line(&mut self, i: usize) {
        self.para.push(i);
        self.code.push(i);
    }

    /// Ends the current paragraph, which becomes a cloze card if it has deletions.
    pub fn end_paragraph(&mut self, lines: &[&str], first_line: usize, out: &mut Scanned) {
        let para = std::mem::take(&mut self.para);
        let code = std::mem::take(&mut self.code);
        // Lines come in order: a search keeps a long code block from costing its length squared.
        if para.iter().all(|i| code.binary_search(i).is_ok()) {
            return;
        }
        // Highlights in an untagged note are ordinary Obsidian text: no card, and no hint either.
        if self.cx.spaced_repetition
            && let Some(card) = self.cloze(lines, &para, &code, first_line)
        {
            out.cards.push(card);
        }
    }

    /// Whether the blank line `lines[i]` stays in the current paragraph rather than ending it: with
    /// `multilineCardEndMarker` set, the plugin runs a cloze paragraph over blank lines up to the
    /// marker, once the paragraph holds a deletion.
    pub fn keeps_blank(&mut self, lines: &[&str], i: usize) -> bool {
        if self.cx.settings.spaced_repetition.multi_end.is_empty() || !self.cx.spaced_repetition {
            return false;
        }
        let text = |j: &usize| (self.code.binary_search(j).is_err()).then(|| lines.get(*j)).flatten();
        let deletion = self.para.iter().filter_map(text).any(|l| self.clozes.iter().any(|re| re.is_match(l)));
        if deletion {
            self.para.push(i);
        }
        deletion
    }

    /// Reads the line `lines[i]`; returns the index of the next line to read.
    pub fn line(&mut self, lines: &[&str], i: usize, first_line: usize, out: &mut Scanned) -> usize {
        let sr = &self.cx.settings.spaced_repetition;
        let raw = lines.get(i).copied().unwrap_or("");
        let line = raw.trim();
        let lineno = first_line + i;
        // An HTML comment that starts a line holds no card, as in the plugin: its lines, up to the
        // one that closes it, are left out (a card's scheduling comment `<!--SR:...-->` aside).
        // The plugin also skips the line after a one-line comment, and every line after one left
        // open on its first line; here the comment ends where its `-->` is.
        if self.html_comment || (raw.starts_with("<!--") && !raw.starts_with("<!--SR:")) {
            let rest = if self.html_comment { raw } else { raw.get(4..).unwrap_or("") };
            self.html_comment = !rest.contains("-->");
            return i + 1;
        }
        // The end marker ends a cloze paragraph, and is no text of one.
        if !sr.multi_end.is_empty() && line == sr.multi_end {
            self.end_paragraph(lines, first_line, out);
            return i + 1;
        }
        if !line.is_empty() && (line == sr.multi || line == sr.multi_reversed) {
            let para = std::mem::take(&mut self.para);
            self.code.clear();
            return self.multi_line(lines, i, &para, first_line, out);
        }
        if let Some(card) = self.inline(raw, lineno, &mut out.diagnostics) {
            if self.cx.spaced_repetition {
                out.cards.push(card);
            } else if !dataview_field(&card.fields) && !split_inside_brackets(&card.fields) {
                out.untagged_cards.push(lineno);
            }
        } else if is_heading(line) {
            // A heading is text of the paragraph it is in: `## What is X?` right above a `?` line
            // is (the end of) the question, as the plugin reads it.
            self.para.push(i);
        } else if !line.is_empty() && !is_tag_line(line) {
            // A line of tags alone is left out; one that goes on after its tags
            // (`#flashcards/optics What is a lens?`) is text, whose first tag the card leaves out.
            self.para.push(i);
        }
        i + 1
    }

    /// A `?` (or `??`, reversed) card: the question is the paragraph above, the answer the lines
    /// below up to a blank line (or the end marker, when one is set).
    fn multi_line(&self, lines: &[&str], at: usize, question: &[usize], first_line: usize, out: &mut Scanned) -> usize {
        let sr = &self.cx.settings.spaced_repetition;
        let reversed = lines.get(at).is_some_and(|l| l.trim() == sr.multi_reversed);
        let ends = |l: &str| if sr.multi_end.is_empty() { l.trim().is_empty() } else { l.trim() == sr.multi_end };
        // Display math and code fences inside the answer are taken whole, blank lines and all.
        let mut open: Option<&str> = None;
        let end = (at + 1..lines.len())
            .find(|&j| {
                let l = lines.get(j).map_or("", |l| l.trim());
                let toggles = if l.starts_with("```") {
                    Some("```")
                } else if l.starts_with("~~~") {
                    Some("~~~")
                } else if l.matches("$$").count() % 2 == 1 {
                    Some("$$")
                } else {
                    None
                };
                match (open, toggles) {
                    (None, Some(t)) => open = Some(t),
                    (Some(o), Some(t)) if o == t => open = None,
                    _ => {}
                }
                open.is_none() && ends(l)
            })
            .unwrap_or(lines.len());
        let next = if sr.multi_end.is_empty() { end } else { end + 1 };
        let front: Vec<&str> = question.iter().filter_map(|&j| lines.get(j).copied()).collect();
        let back = lines.get(at + 1..end).unwrap_or_default().join("\n");
        let back = SR_COMMENT.replace_all(&back, "");
        let start = question.first().copied().unwrap_or(at);
        if !self.cx.spaced_repetition {
            out.untagged_cards.push(first_line + start);
            return next;
        }
        // A heading as the question shows as its text, and the tag the question starts with is
        // left out of it, as in the plugin (it names the card's deck).
        let mut front: Vec<Cow<'_, str>> =
            front.iter().map(|l| if is_heading(l.trim()) { heading_text(l) } else { Cow::Borrowed(*l) }).collect();
        if let Some(Cow::Borrowed(first)) = front.first_mut() {
            *first = without_leading_tag(first);
        }
        if front.iter().all(|l| l.trim().is_empty()) {
            // A blank line between the question and the separator ends the question: the plugin
            // makes no card of either.
            let blank_above = at > 0
                && lines.get(at - 1).is_some_and(|l| l.trim().is_empty())
                && lines.get(..at).is_some_and(|above| above.iter().any(|l| !l.trim().is_empty()));
            // Written `question`, blank, `?`, blank, `answer`: the answer needs its blank line gone too.
            let blank_below = lines.get(at + 1).is_some_and(|l| l.trim().is_empty())
                && lines.get(at + 1..).is_some_and(|below| below.iter().any(|l| !l.trim().is_empty()));
            let hint = if blank_above && blank_below {
                format!(
                    "a blank line ends a card's text: remove the blank lines just above and below `{}`, so the paragraph above is the question and the one below the answer",
                    sr.multi
                )
            } else if blank_above {
                format!(
                    "a blank line ends a card's text: remove the blank line just above `{}`, so the paragraph above is the question",
                    sr.multi
                )
            } else {
                format!("write the question on the lines just above `{}`", sr.multi)
            };
            // Review history on the card: a plugin before 1.13 made a card with no question of it
            // (the note's headings, shown above a card, served as one); the plugin now makes none.
            let history = lines.get(at + 1..end).is_some_and(|l| l.iter().any(|l| l.contains("<!--SR:")));
            let message = if history {
                format!(
                    "empty front: nothing above the `{}` line; its review history (`<!--SR:`) is from a version of the plugin before 1.13, which made a card with no question of it: the plugin makes none now",
                    sr.multi
                )
            } else {
                format!("empty front: nothing above the `{}` line", sr.multi)
            };
            out.diagnostics.push(
                Diagnostic::error(Code::CardEmptyFront, self.cx.file, first_line + at, 1, message).with_hint(hint),
            );
            return next;
        }
        let kind = if reversed { NoteKind::Reversed } else { NoteKind::Basic };
        let mut card = CardSpec::new(
            kind,
            vec![front.join("\n").trim().to_owned(), back.trim().to_owned()],
            first_line + start,
            Syntax::SpacedRepetition,
        );
        card.field_lines = vec![first_line + start, first_line + at + 1];
        card.end_line = first_line + end.saturating_sub(1).max(at);
        if card.fields[1].is_empty() {
            out.diagnostics.push(
                Diagnostic::warning(
                    Code::CardEmptyBack,
                    self.cx.file,
                    first_line + at,
                    1,
                    format!("empty back: nothing below the `{}` line", sr.multi),
                )
                .with_hint("write the answer on the lines below it"),
            );
        }
        out.cards.push(card);
        next
    }

    /// A paragraph with deletions as a cloze card, one deletion per match (a number shared by
    /// several deletions makes them one card).
    fn cloze(&self, lines: &[&str], para: &[usize], code: &[usize], first_line: usize) -> Option<CardSpec> {
        let is_code = |j: &usize| code.binary_search(j).is_ok();
        // A heading in the paragraph is its text, as in a question.
        let mut text: Vec<Cow<'_, str>> = para
            .iter()
            .filter_map(|j| {
                let line = lines.get(*j).copied()?;
                Some(if !is_code(j) && is_heading(line.trim()) { heading_text(line) } else { Cow::Borrowed(line) })
            })
            .collect();
        if let (Some(Cow::Borrowed(first)), Some(j)) = (text.first_mut(), para.first())
            && !is_code(j)
        {
            *first = without_leading_tag(first);
        }
        let joined = text.join("\n");
        // The same text with its code lines blanked out, byte for byte: the deletions are searched
        // for in it, so that none is made in code, and the card shows the code as it is (as the
        // plugin does: `**Structure**:` over a diagram in a fence is one card).
        let masked: String = para
            .iter()
            .zip(&text)
            .map(|(j, line)| if is_code(j) { " ".repeat(line.len()) } else { line.to_string() })
            .collect::<Vec<_>>()
            .join("\n");
        // The plugin shows the card's text without its first line's indent (`front.trimStart()`):
        // a paragraph of an indented list is the list item, not an indented code block.
        let skip = joined.len() - joined.trim_start().len();
        let (text, masked) = (joined.get(skip..)?, masked.get(skip..)?);
        // (A block quote, callout or table is a paragraph like any other: the plugin makes a
        // cloze card of one that holds a deletion.)
        if !self.clozes.iter().any(|re| re.is_match(masked)) {
            return None;
        }
        // Explicit numbers are kept; the others count up in text order, skipping those.
        let explicit: Vec<u32> = self
            .clozes
            .iter()
            .flat_map(|re| {
                re.captures_iter(masked).filter_map(|c| c.name("seq")?.as_str().parse().ok()).collect::<Vec<u32>>()
            })
            .collect();
        let mut next = 1;
        let mut cloze = String::with_capacity(text.len() + 16);
        let mut pos = 0;
        while let Some(c) = self
            .clozes
            .iter()
            .filter_map(|re| re.captures_at(masked, pos))
            .min_by_key(|c| c.get(0).map_or(usize::MAX, |m| m.start()))
        {
            let Some(m) = c.get(0) else { break };
            let n = c.name("seq").and_then(|m| m.as_str().parse::<u32>().ok()).unwrap_or_else(|| {
                while explicit.contains(&next) {
                    next += 1;
                }
                next += 1;
                next - 1
            });
            cloze.push_str(text.get(pos..m.start()).unwrap_or(""));
            let answer = c.name("answer").map_or("", |m| m.as_str());
            match c.name("hint") {
                Some(hint) => cloze.push_str(&format!("{{{{c{n}::{answer}::{}}}}}", hint.as_str())),
                None => cloze.push_str(&format!("{{{{c{n}::{answer}}}}}")),
            }
            pos = m.end();
        }
        cloze.push_str(text.get(pos..).unwrap_or(""));
        let line = first_line + para.first().copied().unwrap_or(0);
        let mut card = CardSpec::new(NoteKind::Cloze, vec![cloze, String::new()], line, Syntax::SpacedRepetition);
        card.field_lines = vec![line, 0];
        card.end_line = first_line + para.last().copied().unwrap_or(0);
        Some(card)
    }

    /// A `question::answer` or `question:::answer` line, if this is one.
    fn inline(&self, raw: &str, lineno: usize, diags: &mut Vec<Diagnostic>) -> Option<CardSpec> {
        let sr = &self.cx.settings.spaced_repetition;
        let (at, len, reversed) = find_separator(raw, &sr.single, &sr.single_reversed)?;
        let front = raw.get(..at)?.trim();
        let back = SR_COMMENT.replace_all(raw.get(at + len..)?, "").trim().to_owned();
        let front = front.strip_prefix("- ").or_else(|| front.strip_prefix("* ")).unwrap_or(front).trim();
        // A tag the question starts with (`#flashcards/science Question::Answer`) is not part of it:
        // the plugin takes it for the card's deck (see `notes::decks`), and shows the rest.
        let front = without_leading_tag(front);
        if !self.cx.spaced_repetition {
            let fields = vec![front.to_owned(), back];
            return Some(CardSpec::new(NoteKind::Basic, fields, lineno, Syntax::SpacedRepetition));
        }
        if front.is_empty() {
            diags.push(
                Diagnostic::error(
                    Code::CardEmptyFront,
                    self.cx.file,
                    lineno,
                    1,
                    format!("empty front: nothing before `{}`", sr.single),
                )
                .with_hint(empty_front_hint(raw, sr)),
            );
            return None;
        }
        if back.is_empty() {
            diags.push(
                Diagnostic::warning(
                    Code::CardEmptyBack,
                    self.cx.file,
                    lineno,
                    at + 1,
                    format!("empty back: nothing after `{}`", sr.single),
                )
                .with_hint(format!("write the answer after `{}`", sr.single)),
            );
        }
        let kind = if reversed { NoteKind::Reversed } else { NoteKind::Basic };
        Some(CardSpec::new(kind, vec![front.to_owned(), back], lineno, Syntax::SpacedRepetition))
    }
}

/// The hint for a `question::answer` line with nothing before the separator. A line holding the
/// separator alone was meant to split the lines around it, as the multi-line separator does.
fn empty_front_hint(raw: &str, sr: &crate::settings::SpacedRepetition) -> String {
    let pairs = [(&sr.single, &sr.multi), (&sr.single_reversed, &sr.multi_reversed)];
    match pairs.into_iter().find(|(single, multi)| raw.trim() == single.as_str() && !multi.is_empty()) {
        Some((single, multi)) => format!(
            "`{single}` joins a question and an answer on one line; to split the lines above from the lines below, write `{multi}` on this line instead"
        ),
        _ => format!("write the question before `{}`, as in `question{}answer`", sr.single, sr.single),
    }
}

/// The tag a question starts with, as the plugin finds it (`#` and what follows up to white space
/// or another `#`): it is left out of the question, and names the card's deck.
/// A Dataview field holding a number, a date or nothing yet (`Date:: 2022-08-31 Wednesday`,
/// `**Sleep**:: 7.5`, `**Study**:: 5/6`, `Mood::`): a short label and a typed value or none. In a note without the flashcard tag such a line is the note's
/// metadata (a daily note's, most often), not a card its author forgot to tag, and is worth no
/// hint. (With the tag, the plugin makes a card of it, and so does studygen.)
fn dataview_field(fields: &[String]) -> bool {
    static TYPED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:|[-+]?\d+(?:[.,]\d+)?(?:/\d+)?|\d{4}-\d{2}-\d{2}(?:[T ].*)?)$").expect("valid regex")
    });
    let [label, value] = fields else { return false };
    let label = label.trim_matches(|c: char| c == '*' || c == '_' || c.is_whitespace());
    let short = !label.is_empty() && label.split_whitespace().count() <= 2 && !label.contains('?');
    short && TYPED.is_match(value.trim())
}

/// Whether the separator splits a bracket open on its left (`(3.0 :: Integer) + (5 :: Integer)`,
/// Haskell's type annotations in a note about it): code in the prose, not a card its author forgot
/// to tag, and worth no hint. (With the tag, the plugin makes a card of it, and so does studygen.)
fn split_inside_brackets(fields: &[String]) -> bool {
    let Some(question) = fields.first() else { return false };
    let open = |o: char, c: char| question.matches(o).count() > question.matches(c).count();
    open('(', ')') || open('[', ']') || open('{', '}')
}

static LEADING_TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^#[^\s#]+").expect("valid regex"));

/// `text` without the tag it starts with, if it starts with one, as the plugin reads a question.
fn without_leading_tag(text: &str) -> &str {
    let trimmed = text.trim_start();
    match LEADING_TAG.find(trimmed) {
        Some(tag) => trimmed.get(tag.end()..).unwrap_or_default().trim_start(),
        None => text,
    }
}

/// The tag the card whose first line is `line` starts with, after a list marker (`- `), if any.
pub(crate) fn question_tag(line: &str) -> Option<&str> {
    let line = line.trim_start();
    let line = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")).unwrap_or(line).trim_start();
    LEADING_TAG.find(line).map(|m| m.as_str())
}

/// Whether `line` (trimmed) holds tags and nothing else: `#clue #en`.
fn is_tag_line(line: &str) -> bool {
    line.starts_with('#') && line.split_whitespace().all(|word| word.starts_with('#'))
}

/// A heading line's text, as a card shows it: without its `#`s, and with a leading `1.` or `-`
/// escaped, so that `### 1. Vectors` reads as the heading's words, not as a list.
fn heading_text(line: &str) -> Cow<'_, str> {
    let text = line.trim().trim_start_matches('#').trim();
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let numbered = digits > 0
        && matches!(text.as_bytes().get(digits), Some(b'.' | b')'))
        && text.as_bytes().get(digits + 1).is_none_or(|b| *b == b' ');
    if numbered {
        Cow::Owned(format!("{}\\{}", &text[..digits], &text[digits..]))
    } else if text.starts_with("- ") || text.starts_with("+ ") || text.starts_with("* ") {
        Cow::Owned(format!("\\{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A Markdown heading (`## Title`), not a `#tag` line.
pub(super) fn is_heading(line: &str) -> bool {
    let level = line.chars().take_while(|c| *c == '#').count();
    (1..=6).contains(&level) && line.get(level..).is_some_and(|r| r.starts_with(' '))
}

/// The byte offset and length of the first separator outside code, math and `{{...}}`, and
/// whether it is the reversed one. The longer separator is tried first; a separator made of one
/// repeated character must not be part of a longer run (`::::` is neither `::` nor `:::`).
fn find_separator(line: &str, single: &str, reversed: &str) -> Option<(usize, usize, bool)> {
    // Most lines hold neither separator: one substring search each says so.
    if [single, reversed].iter().all(|sep| sep.is_empty() || !line.contains(sep)) {
        return None;
    }
    let mut seps = [(reversed, true), (single, false)];
    seps.sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
    let bytes = line.as_bytes();
    let (mut code, mut math, mut braces, mut mark) = (false, false, 0usize, false);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let rest = line.get(i..).unwrap_or("");
        if !code && !math && braces == 0 && !mark {
            for (sep, rev) in seps {
                if sep.as_bytes().first() != Some(&b) || !rest.starts_with(sep) {
                    continue;
                }
                let first = sep.as_bytes()[0];
                if sep.bytes().all(|c| c == first) {
                    let run = rest.bytes().take_while(|c| *c == first).count();
                    if run != sep.len() {
                        if seps.iter().any(|(s, _)| s.len() == run && s.bytes().all(|c| c == first)) {
                            continue;
                        }
                        return None;
                    }
                }
                return Some((i, sep.len(), rev));
            }
        }
        match b {
            // A backslash escapes the next character, but in code, where it is itself (`` `\` ``).
            b'\\' if !code => i += 1,
            b'`' => code = !code,
            b'$' if !code => math = !math,
            // `==c1::text==` is a highlight holding a cloze, not a card.
            b'=' if !code
                && !math
                && bytes.get(i + 1) == Some(&b'=')
                && (mark || line.get(i + 2..).is_some_and(|r| r.contains("=="))) =>
            {
                mark = !mark;
                i += 1;
            }
            b'{' if !code && !math && bytes.get(i + 1) == Some(&b'{') => {
                braces += 1;
                i += 1;
            }
            b'}' if !code && !math && braces > 0 && bytes.get(i + 1) == Some(&b'}') => {
                braces -= 1;
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::{Context, scan};
    use super::*;
    use crate::settings::Settings;

    fn run(text: &str, settings: &Settings, tagged: bool) -> Scanned {
        let lines: Vec<&str> = text.lines().collect();
        scan(text, &lines, 1, Context { file: "t.md", settings, spaced_repetition: tagged, obsidian_to_anki: true })
    }

    #[test]
    fn multi_line_and_reversed_cards() {
        let s = run(
            "intro\n\nWhat is a saddle\npoint?\n?\nA critical point\nwith mixed curvature\n\nTerm\n??\nDefinition\n",
            &Settings::default(),
            true,
        );
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let got: Vec<_> = s.cards.iter().map(|c| (c.kind, c.fields.clone(), c.line)).collect();
        assert_eq!(
            got,
            [
                (
                    NoteKind::Basic,
                    vec!["What is a saddle\npoint?".to_owned(), "A critical point\nwith mixed curvature".to_owned()],
                    3
                ),
                (NoteKind::Reversed, vec!["Term".to_owned(), "Definition".to_owned()], 9),
            ]
        );
    }

    #[test]
    fn a_heading_right_above_the_separator_is_the_question() {
        let s = run(
            "#flashcards\n## What is a saddle?\n?\nA critical point with mixed curvature.\n",
            &Settings::default(),
            true,
        );
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(s.cards[0].fields, ["What is a saddle?", "A critical point with mixed curvature."]);
        assert_eq!(s.cards[0].line, 2);
        // Only a blank line ends a question, headings included (a real vault's exam questions:
        // a heading with the case, its text, a heading with what is asked, then `??`); and a
        // heading is text of a cloze paragraph, as the plugin shows them.
        let s = run(
            "#flashcards\n\n#### A process runs on the hardware.\nVOLTZ, 2018.\n##### Which is right?\n- I only\n??\n- I only\n\n## The ==Hessian==\nis ==symmetric==.\n",
            &Settings::default(),
            true,
        );
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let fields: Vec<&[String]> = s.cards.iter().map(|c| c.fields.as_slice()).collect();
        assert_eq!(fields[0][0], "A process runs on the hardware.\nVOLTZ, 2018.\nWhich is right?\n- I only");
        assert_eq!(s.cards[0].line, 3);
        assert_eq!(fields[1][0], "The {{c1::Hessian}}\nis {{c2::symmetric}}.");
        // A numbered heading keeps its number as text, not as a list's.
        let mut bold = Settings::default();
        bold.spaced_repetition.clozes.push("**[123;;]answer[;;hint]**".to_owned());
        let s = run("#flashcards\n\n### 1. **Vectors**\n\n## 2) What is a saddle?\n?\nA point.\n", &bold, true);
        let fronts: Vec<&str> = s.cards.iter().map(|c| c.fields[0].as_str()).collect();
        assert_eq!(fronts, ["1\\. {{c1::Vectors}}", "2\\) What is a saddle?"]);
        // A line of tags between them, as real vaults write it, is no paragraph of its own: the
        // plugin ends a card's text at a blank line only.
        let s = run(
            "#flashcards

## 2.2 Lambda syntax
#clue 
?
capture list, parameters, body

First line
#tag
second line
?
answer
",
            &Settings::default(),
            true,
        );
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let fronts: Vec<&str> = s.cards.iter().map(|c| c.fields[0].as_str()).collect();
        assert_eq!(fronts, ["2.2 Lambda syntax", "First line\nsecond line"]);
        assert_eq!(s.cards.iter().map(|c| c.line).collect::<Vec<_>>(), [3, 8]);
        // A question may hold a code block, as the plugin reads it (a real vault's JavaScript
        // quiz); so may a cloze paragraph, whose code is shown but never read for deletions.
        let s = run(
            "#flashcards\n\nWhat does this print?\n```javascript\nconsole.log(3 === '3');\n```\n?\n```console\nfalse\n```\n\n```\nx ==a== y\n```\nThe ==Hessian== is symmetric.\n",
            &Settings::default(),
            true,
        );
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let fields: Vec<&[String]> = s.cards.iter().map(|c| c.fields.as_slice()).collect();
        assert_eq!(fields.len(), 2, "{fields:?}");
        assert_eq!(
            fields[0],
            ["What does this print?\n```javascript\nconsole.log(3 === '3');\n```", "```console\nfalse\n```"]
        );
        assert_eq!(s.cards[0].line, 3);
        assert_eq!(fields[1][0], "```\nx ==a== y\n```\nThe {{c1::Hessian}} is symmetric.");
        // A real vault's bold-to-cloze paragraph over a diagram: the diagram is the card's point.
        let mut bold = Settings::default();
        bold.spaced_repetition.clozes.push("**[123;;]answer[;;hint]**".to_owned());
        let s = run(
            "#flashcards\n\n**Structure**:\n```\nInput → **Rules** → Action\n```\n\n```python\nx = 1\n```\n",
            &bold,
            true,
        );
        let fronts: Vec<&str> = s.cards.iter().map(|c| c.fields[0].as_str()).collect();
        assert_eq!(fronts, ["{{c1::Structure}}:\n```\nInput → **Rules** → Action\n```"], "code alone is no card");
        // A blank line above the separator ends the question: no card, and the hint says why.
        let s = run("#flashcards\n\nWhat is a saddle?\n\n?\nA critical point.\n", &Settings::default(), true);
        assert!(s.cards.is_empty());
        assert_eq!(s.diagnostics.len(), 1, "{:?}", s.diagnostics);
        assert!(s.diagnostics[0].hint.as_deref().unwrap_or_default().contains("remove the blank line just above `?`"));
        assert!(!s.diagnostics[0].message.contains("review history"));
        // Blank lines on both sides of the separator: both must go.
        let s = run("#flashcards\n\nWhat is a saddle?\n\n?\n\nA critical point.\n", &Settings::default(), true);
        assert!(s.cards.is_empty());
        let hint = s.diagnostics[0].hint.as_deref().unwrap_or_default();
        assert!(hint.contains("remove the blank lines just above and below `?`"), "{hint}");
        // With review history, the card was one before the plugin's 1.13, and the message says so.
        let s = run(
            "# A/B testing\nCreated: 2022-09-27\n\n?\nHalf the users test it.\n<!--SR:!2024-02-27,329,270-->\n",
            &Settings::default(),
            true,
        );
        assert!(s.cards.is_empty());
        assert!(
            s.diagnostics[0].message.ends_with("its review history (`<!--SR:`) is from a version of the plugin before 1.13, which made a card with no question of it: the plugin makes none now"),
            "{}",
            s.diagnostics[0].message
        );
    }

    /// A paragraph of a loose list nested under another item keeps its indent in the note; the
    /// plugin shows it without its first line's indent, as a list item, not as indented code.
    /// With `multilineCardEndMarker` set, a cloze paragraph runs over blank lines to the marker,
    /// which is no text of it; a paragraph without a deletion still ends at a blank line.
    #[test]
    fn with_an_end_marker_a_cloze_runs_to_the_marker() {
        let mut settings = Settings::default();
        settings.spaced_repetition.multi_end = "---".into();
        let text = "Intro line.\n\nA ==secret== here\nand more.\n\nStill the card.\n---\n\nQ::A\n\nPlain\n\n---\n";
        let s = run(text, &settings, true);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let got: Vec<_> = s.cards.iter().map(|c| (c.kind, c.fields[0].clone(), c.line)).collect();
        assert_eq!(
            got,
            [
                (NoteKind::Cloze, "A {{c1::secret}} here\nand more.\n\nStill the card.".to_owned(), 3),
                (NoteKind::Basic, "Q".to_owned(), 9),
            ]
        );
        // Without the marker, the blank line ends the cloze paragraph.
        let s = run(text, &Settings::default(), true);
        assert_eq!(s.cards[0].fields[0], "A {{c1::secret}} here\nand more.");
    }

    #[test]
    fn an_indented_cloze_paragraph_is_shown_without_its_indent() {
        let s =
            run("- Algebra\n\n    - every ==field== has a closure\n      over itself\n", &Settings::default(), true);
        let clozes: Vec<_> = s.cards.iter().map(|c| c.fields[0].clone()).collect();
        assert_eq!(clozes, ["- every {{c1::field}} has a closure\n      over itself"]);
    }

    #[test]
    fn highlight_paragraphs_become_clozes() {
        let s = run(
            "The ==Hessian== has ==mixed== signs at a saddle.\nSecond line.\n\nNo highlight here.\n\nq::a ==not a cloze==\n",
            &Settings::default(),
            true,
        );
        let clozes: Vec<_> =
            s.cards.iter().filter(|c| c.kind == NoteKind::Cloze).map(|c| c.fields[0].clone()).collect();
        assert_eq!(clozes, ["The {{c1::Hessian}} has {{c2::mixed}} signs at a saddle.\nSecond line."]);
        let off = run("a ==b== c\n\nq::a\n", &Settings::default(), false);
        assert!(off.cards.is_empty(), "without the tag, no spaced-repetition cards");
        assert_eq!(off.untagged_cards, [3], "only `::` lines get the hint, not highlights");
    }

    /// Without the flashcard tag, a Dataview field with a number or a date is the note's metadata
    /// and gets no hint; a line that reads as a card does, and with the tag every one is a card.
    #[test]
    fn dataview_fields_of_an_untagged_note_are_no_forgotten_cards() {
        let text = "Date:: 2022-08-31 Wednesday\n**Sleep**:: 7.5\n- Sleep hours:: 8\nCreated:: 2023-01-02T10:00\n\
                    **Study**:: 5/6\nMood::\n\
                    Saddle point:: a critical point that is no extremum\nWhat year did it end?:: 1945\n\
                    Battle of Hastings:: 1066\nStatus:: done\n";
        let off = run(text, &Settings::default(), false);
        assert_eq!(off.untagged_cards, [7, 8, 9, 10], "the fields of lines 1 to 6 get no hint");
        let on = run(text, &Settings::default(), true);
        assert_eq!(on.cards.len(), 10, "with the tag, every line is read as a card, as before");
    }

    /// Without the flashcard tag, a separator inside brackets (a Haskell note's `(3 :: Int)`) is
    /// code and gets no hint; with the tag the line is read as a card, as the plugin reads it.
    #[test]
    fn a_separator_inside_brackets_of_an_untagged_note_is_no_forgotten_card() {
        let text =
            "- [ ] (3.0 :: Integer) + (5 :: Integer)\n- [x] (3 :: Int)\nf(x):: the derivative\n[x]:: a list of x\n";
        let off = run(text, &Settings::default(), false);
        assert_eq!(off.untagged_cards, [3, 4], "lines 1 and 2 split an open bracket");
        let on = run(text, &Settings::default(), true);
        assert_eq!(on.cards.len(), 4, "with the tag, every line is read as a card, as before");
    }

    #[test]
    fn inline_cards_skip_code_math_and_cloze() {
        let s = run(
            "Saddle::index 1\nRev:::erse\n`a::b` no\n$a::b$ no\n{{c1::x}} no\n```\nin::code\n```\n",
            &Settings::default(),
            true,
        );
        let fronts: Vec<_> = s.cards.iter().map(|c| (c.fields[0].as_str(), c.kind)).collect();
        assert_eq!(fronts, [("Saddle", NoteKind::Basic), ("Rev", NoteKind::Reversed)]);
    }

    #[test]
    fn custom_separators_and_cloze_patterns() {
        let mut settings = Settings::default();
        let sr = &mut settings.spaced_repetition;
        sr.single = ";;".into();
        sr.single_reversed = ";;;".into();
        sr.multi = "%%?".into();
        sr.clozes = vec!["**[123;;]answer[;;hint]**".into(), "{{[123;;]answer[;;hint]}}".into()];
        let text = "Saddle;;index 1\nTerm;;;Def\nold::style\n\nQuestion\n%%?\nAnswer\n\nThe **Hessian** and {{2;;eigen;;hint}} and **x**.\n";
        let s = run(text, &settings, true);
        let got: Vec<_> = s.cards.iter().map(|c| (c.kind, c.fields[0].as_str(), c.fields[1].as_str())).collect();
        assert_eq!(
            got,
            [
                (NoteKind::Basic, "Saddle", "index 1"),
                (NoteKind::Reversed, "Term", "Def"),
                (NoteKind::Basic, "Question", "Answer"),
                (NoteKind::Cloze, "The {{c1::Hessian}} and {{c2::eigen::hint}} and {{c3::x}}.", ""),
            ]
        );
    }

    #[test]
    fn a_tag_before_the_question_is_not_part_of_it() {
        // As in the plugin, one tag of any kind: the first it starts with.
        let text = "#flashcards/science Question ::Answer\n#other Q2::A2\n- #a #b Q3::A3\nC# or F#::languages\n";
        let s = run(text, &Settings::default(), true);
        let fronts: Vec<_> = s.cards.iter().map(|c| c.fields[0].as_str()).collect();
        assert_eq!(fronts, ["Question", "Q2", "#b Q3", "C# or F#"]);
    }

    #[test]
    fn a_separator_alone_on_its_line_is_an_empty_front_whose_hint_names_the_multi_line_one() {
        let s = run("Question above\n::\nAnswer below\n\n::answer\n", &Settings::default(), true);
        let hints: Vec<_> = s.diagnostics.iter().map(|d| (d.line, d.hint.clone().unwrap_or_default())).collect();
        assert_eq!(hints.len(), 2, "{hints:?}");
        assert!(hints[0].0 == 2 && hints[0].1.contains("write `?` on this line instead"), "{hints:?}");
        assert!(hints[1].0 == 5 && hints[1].1.contains("write the question before `::`"), "{hints:?}");
    }

    /// As in the plugin, a multi-line question or a cloze paragraph may start with a tag, which
    /// is left out of it; a line of tags alone is no part of a question.
    #[test]
    fn a_multi_line_question_or_cloze_may_start_with_a_tag() {
        let text = "#flashcards/optics What is a lens?\n?\nA curved glass.\n\n#clue #en\nWhat bends light?\n?\nA prism.\n\n\
                    #important The ==Hessian== is symmetric.\n";
        let s = run(text, &Settings::default(), true);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let cards: Vec<(usize, &str)> = s.cards.iter().map(|c| (c.line, c.fields[0].as_str())).collect();
        assert_eq!(
            cards,
            [(1, "What is a lens?"), (6, "What bends light?"), (10, "The {{c1::Hessian}} is symmetric.")]
        );
    }

    #[test]
    fn an_empty_separator_switches_its_syntax_off() {
        let mut settings = Settings::default();
        settings.spaced_repetition.single = String::new();
        settings.spaced_repetition.multi = String::new();
        let s = run("Question::Answer\n\nQ\n?\nA\n\nQ2\n\nA2\n", &settings, true);
        assert!(s.cards.is_empty(), "{:?}", s.cards);
    }

    #[test]
    fn separators_inside_highlights_do_not_count() {
        assert_eq!(find_separator("==c1::text== more", "::", ":::"), None);
        assert_eq!(find_separator("a == b::c", "::", ":::"), Some((6, 2, false)));
        assert_eq!(find_separator("==x== q::a", "::", ":::"), Some((7, 2, false)));
    }

    #[test]
    fn separators_inside_longer_runs_do_not_count() {
        assert_eq!(find_separator("a::::b", "::", ":::"), None);
        assert_eq!(find_separator("a:::b", "::", ":::"), Some((1, 3, true)));
        assert_eq!(find_separator("a<br class=\"f\">b", "<br class=\"f\">", ":::"), Some((1, 14, false)));
    }

    #[test]
    fn a_block_quote_callout_or_table_with_a_highlight_is_a_cloze_card() {
        // The plugin's parser reads a paragraph's lines as they are: `>` and `|` lines too.
        let s = run(
            "#flashcards\n\n> chlorides\n> - exception(s): ==Ag<sup>+</sup>==\n\n> [!note] Saddles\n> The Hessian is ==indefinite==.\n\n| term | meaning |\n| --- | --- |\n| saddle | ==mixed curvature== |\n",
            &Settings::default(),
            true,
        );
        let fronts: Vec<&str> = s.cards.iter().map(|c| c.fields[0].as_str()).collect();
        assert_eq!(
            fronts,
            [
                "> chlorides\n> - exception(s): {{c1::Ag<sup>+</sup>}}",
                "> [!note] Saddles\n> The Hessian is {{c1::indefinite}}.",
                "| term | meaning |\n| --- | --- |\n| saddle | {{c1::mixed curvature}} |",
            ]
        );
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    }

    #[test]
    fn a_backslash_in_code_escapes_nothing() {
        // Published regex flashcards write `\`:::Escape character.
        assert_eq!(find_separator("`\\`:::Escape character", "::", ":::"), Some((3, 3, true)));
        assert_eq!(find_separator("`a\\`::b", "::", ":::"), Some((4, 2, false)));
        assert_eq!(find_separator("\\`::b`", "::", ":::"), Some((2, 2, false)), "an escaped backtick opens no code");
        assert_eq!(find_separator("`::`", "::", ":::"), None);
    }
}
