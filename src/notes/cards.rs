//! Card syntaxes, read line by line as users write them today:
//!
//! * Obsidian_to_Anki blocks: `START`, a note-type line, fields (`Back:`, ...), `Tags:`,
//!   `<!--ID: n-->`, `END`; and file-level `TARGET DECK` / `FILE TAGS` lines.
//! * obsidian-spaced-repetition one-liners: `question::answer`, and `question:::answer` for a
//!   reversed pair.
//!
//! Lines inside fenced code blocks are never read as cards.

use std::sync::LazyLock;

use regex::Regex;

use super::spaced_repetition;
use crate::config::NoteTypes;
use crate::diagnostics::Diagnostic;

/// The built-in kinds of card, each with fixed fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum NoteKind {
    /// Front and back, one card.
    Basic,
    /// Front and back, two cards (front→back and back→front).
    Reversed,
    /// A text with `{{c1::...}}` deletions, one card per number.
    Cloze,
}

impl NoteKind {
    /// The names written after `START`.
    pub const NAMES: [&str; 3] = ["Basic", "Basic (and reversed card)", "Cloze"];

    /// The kind a `START` block's type line names, ignoring case and surrounding space.
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim();
        [NoteKind::Basic, NoteKind::Reversed, NoteKind::Cloze].into_iter().find(|k| k.name().eq_ignore_ascii_case(name))
    }

    /// The name as written after `START`.
    pub fn name(self) -> &'static str {
        match self {
            NoteKind::Basic => Self::NAMES[0],
            NoteKind::Reversed => Self::NAMES[1],
            NoteKind::Cloze => Self::NAMES[2],
        }
    }

    /// The field names, in order. The first is the one the block's first lines fill.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            NoteKind::Basic | NoteKind::Reversed => &["Front", "Back"],
            NoteKind::Cloze => &["Text", "Back Extra"],
        }
    }

    /// The index of the field a label names (`Extra` is accepted for `Back Extra`).
    pub fn field_index(self, label: &str) -> Option<usize> {
        let label = label.trim();
        let label = if self == NoteKind::Cloze && label.eq_ignore_ascii_case("extra") { "Back Extra" } else { label };
        self.fields().iter().position(|f| f.eq_ignore_ascii_case(label))
    }
}

/// Which syntax a card was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Syntax {
    /// An Obsidian_to_Anki `START`/`END` block.
    Block,
    /// A `question::answer` line.
    Inline,
}

/// A card as written in a note, before rendering.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CardSpec {
    /// The card's kind.
    pub kind: NoteKind,
    /// Field markdown in the kind's field order.
    pub fields: Vec<String>,
    /// The 1-based line where each field starts (0 for an absent field).
    pub field_lines: Vec<usize>,
    /// Tags from the card's own `Tags:` line.
    pub tags: Vec<String>,
    /// The number of an `<!--ID: n-->` line, which anchors the card's identity.
    pub anchor: Option<u64>,
    /// The 1-based line where the card starts.
    pub line: usize,
    /// The syntax it was written in.
    pub syntax: Syntax,
    /// For a note type that is not built in: its name and field names.
    pub custom: Option<Custom>,
}

/// What the card scanner found in a note's body.
#[derive(Debug, Default)]
pub struct Scanned {
    /// The cards, in order.
    pub cards: Vec<CardSpec>,
    /// `TARGET DECK`, if given.
    pub target_deck: Option<String>,
    /// `FILE TAGS`, if given.
    pub file_tags: Vec<String>,
    /// Problems found.
    pub diagnostics: Vec<Diagnostic>,
}

static ID_LINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*<!--\s*ID:\s*(\d+)\s*-->\s*$").unwrap());
/// A field label: one to three capitalized words and a colon, at the start of a line (`Back:`,
/// `Back Extra:`, `Reverso:`). `Tags:` is matched case-insensitively.
static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^((?:[Tt]ags)|\p{Lu}[\p{L}0-9]*(?: \p{Lu}[\p{L}0-9]*){0,2}):(?:[ \t]+(.*)|[ \t]*$)").unwrap()
});
static CLOZE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\{\{c\d+::").unwrap());

/// Which syntaxes a note's scan reads.
#[derive(Debug, Clone, Copy)]
pub struct Syntaxes<'a> {
    /// obsidian-spaced-repetition syntaxes: `::`, `:::`, `?`, `??` (the note carries the tag).
    pub spaced_repetition: bool,
    /// With those: a paragraph with `==highlights==` is a cloze card.
    pub highlight_clozes: bool,
    /// Note types beyond the built-in ones; `None` for the defaults.
    pub types: Option<&'a NoteTypes>,
}

impl Default for Syntaxes<'_> {
    fn default() -> Self {
        Syntaxes { spaced_repetition: true, highlight_clozes: true, types: None }
    }
}

/// A card of a note type that is not built in: its type and its field names, in the block's order.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Custom {
    /// The note type's name.
    pub name: String,
    /// The names of `CardSpec::fields`.
    pub field_names: Vec<String>,
}

/// Scans `lines` (the body of note `file`; `first_line` is the 1-based number of `lines[0]`).
pub fn scan(lines: &[&str], first_line: usize, file: &str, syntaxes: Syntaxes<'_>) -> Scanned {
    let mut out = Scanned::default();
    let mut fence: Option<String> = None;
    let mut anki_fence: Option<String> = None;
    // Indices of the plain lines of the current paragraph (a multi-line question, or a cloze paragraph).
    let mut para: Vec<usize> = Vec::new();
    let mut i = 0;
    while let Some(&raw) = lines.get(i) {
        let line = raw.trim();
        let lineno = first_line + i;
        if let Some(f) = &fence {
            if line.starts_with(f.as_str()) && line.trim_start_matches(f.chars().next().unwrap_or('`')).is_empty() {
                fence = None;
            }
            i += 1;
            continue;
        }
        let structural = line.is_empty() || line.starts_with('#') || fence_opener(line).is_some() || line == "START";
        if structural && !para.is_empty() {
            if syntaxes.spaced_repetition && syntaxes.highlight_clozes {
                out.cards.extend(spaced_repetition::highlight_cloze(lines, &para, first_line));
            }
            para.clear();
        }
        if anki_fence.as_deref().is_some_and(|f| line == f) {
            anki_fence = None;
            i += 1;
            continue;
        }
        if let Some(f) = fence_opener(line) {
            // Obsidian_to_Anki reads cards inside ```anki fences: scan their lines, skip the fence lines.
            let lang = line.trim_start_matches(['`', '~']).trim();
            if lang.eq_ignore_ascii_case("anki") {
                anki_fence = Some(f);
            } else {
                fence = Some(f);
            }
            i += 1;
            continue;
        }
        if let Some(value) = file_setting(line, "TARGET DECK") {
            let (deck, used) = value_or_next(value, lines, i);
            out.target_deck = deck.filter(|d| !d.is_empty());
            i += used;
            continue;
        }
        if let Some(value) = file_setting(line, "FILE TAGS") {
            let (tags, used) = value_or_next(value, lines, i);
            out.file_tags = tags.map(|t| split_tags(&t)).unwrap_or_default();
            i += used;
            continue;
        }
        if line == "START" {
            i = block(lines, i, first_line, file, syntaxes.types, &mut out);
            continue;
        }
        if syntaxes.spaced_repetition && (line == "?" || line == "??") {
            i = spaced_repetition::multi_line(lines, i, &std::mem::take(&mut para), first_line, file, &mut out);
            continue;
        }
        if line == "END" {
            out.diagnostics.push(
                Diagnostic::error(file, lineno, 1, "END without a START")
                    .with_hint("every card block opens with START"),
            );
        } else if line.contains("STARTI") {
            if let Some(card) = starti(raw, lineno, file, &mut out.diagnostics) {
                out.cards.push(card);
            }
        } else if let Some(card) = if syntaxes.spaced_repetition {
            spaced_repetition::inline(raw, lineno, file, &mut out.diagnostics)
        } else {
            None
        } {
            out.cards.push(card);
        } else if !line.is_empty() && !line.starts_with('#') {
            para.push(i);
        }
        i += 1;
    }
    if syntaxes.spaced_repetition && syntaxes.highlight_clozes && !para.is_empty() {
        out.cards.extend(spaced_repetition::highlight_cloze(lines, &para, first_line));
    }
    out
}

/// Obsidian_to_Anki's one-line `STARTI [Type] front Back: back ENDI`, with an optional ID comment.
fn starti(raw: &str, lineno: usize, file: &str, diags: &mut Vec<Diagnostic>) -> Option<CardSpec> {
    let start = raw.find("STARTI")?;
    let Some(end) = raw.find("ENDI").filter(|e| *e > start) else {
        diags.push(
            Diagnostic::error(file, lineno, start + 1, "STARTI without ENDI on the same line")
                .with_hint("an inline card is `STARTI [Basic] front Back: back ENDI`"),
        );
        return None;
    };
    let mut body = raw[start + 6..end].trim();
    let mut kind = NoteKind::Basic;
    if let Some(rest) = body.strip_prefix('[') {
        let (name, after) = rest.split_once(']')?;
        let Some(k) = NoteKind::from_name(name) else {
            diags.push(
                Diagnostic::error(file, lineno, start + 1, format!("unknown note type `{}`", name.trim()))
                    .with_hint(format!("STARTI [Type] names one of: {}", NoteKind::NAMES.join(", "))),
            );
            return None;
        };
        kind = k;
        body = after.trim();
    }
    let anchor = ID_INLINE.captures(raw).and_then(|c| c.get(1)?.as_str().parse().ok());
    let body = ID_INLINE.replace_all(body, "");
    let mut fields = vec![String::new(); kind.fields().len()];
    let mut rest: &str = &body;
    let mut current = 0;
    loop {
        // The next ` Label: ` of this type's fields.
        let next = kind
            .fields()
            .iter()
            .enumerate()
            .skip(1)
            .filter_map(|(i, f)| rest.find(&format!("{f}:")).map(|at| (at, i, f.len() + 1)))
            .min();
        let (text, after) = match next {
            Some((at, i, len)) => {
                let t = &rest[..at];
                fields[current].push_str(t.trim());
                current = i;
                (None, &rest[at + len..])
            }
            None => (Some(rest), ""),
        };
        if let Some(t) = text {
            fields[current].push_str(t.trim());
            break;
        }
        rest = after;
    }
    let front = fields.first().map(|f| f.trim().trim_start_matches("Front:").trim().to_owned()).unwrap_or_default();
    if front.is_empty() {
        diags.push(
            Diagnostic::error(file, lineno, start + 1, "empty front in STARTI card")
                .with_hint("write the question after STARTI [Type]"),
        );
        return None;
    }
    fields[0] = front;
    Some(CardSpec {
        kind,
        field_lines: vec![lineno; fields.len()],
        fields,
        tags: Vec::new(),
        anchor,
        line: lineno,
        syntax: Syntax::Block,
        custom: None,
    })
}

static ID_INLINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<!--\s*ID:\s*(\d+)\s*-->").unwrap());

fn fence_opener(line: &str) -> Option<String> {
    let ch = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = line.chars().take_while(|c| *c == ch).count();
    (n >= 3).then(|| ch.to_string().repeat(n))
}

fn file_setting<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = line.strip_prefix(key)?;
    if rest.is_empty() {
        return Some("");
    }
    rest.strip_prefix(':').map(str::trim)
}

/// The setting's value from the same line, or else from the next line. Returns lines consumed.
fn value_or_next(value: &str, lines: &[&str], i: usize) -> (Option<String>, usize) {
    if !value.is_empty() {
        return (Some(value.to_owned()), 1);
    }
    match lines.get(i + 1).map(|l| l.trim()) {
        Some(next) if !next.is_empty() && next != "START" => (Some(next.to_owned()), 2),
        _ => (None, 1),
    }
}

/// Splits a `Tags:` or `FILE TAGS` value on white space and commas.
pub fn split_tags(value: &str) -> Vec<String> {
    value
        .split(|c: char| c == ',' || c.is_whitespace())
        .map(|t| t.trim_start_matches('#'))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Parses the block whose `START` is at `lines[start]`; returns the index of the line after it.
fn block(
    lines: &[&str],
    start: usize,
    first_line: usize,
    file: &str,
    types: Option<&NoteTypes>,
    out: &mut Scanned,
) -> usize {
    let start_line = first_line + start;
    let Some(end) =
        lines.iter().skip(start + 1).position(|l| matches!(l.trim(), "END" | "START")).map(|p| p + start + 1)
    else {
        out.diagnostics.push(unterminated(file, start_line));
        return start + 1;
    };
    if lines.get(end).map(|l| l.trim()) == Some("START") {
        out.diagnostics.push(unterminated(file, start_line));
        return end;
    }
    let body = lines.get(start + 1..end).unwrap_or_default();
    let Some((type_off, type_line)) = body.iter().enumerate().find(|(_, l)| !l.trim().is_empty()) else {
        out.diagnostics.push(
            Diagnostic::error(file, start_line, 1, "empty card block: expected a note type after START")
                .with_hint(format!("write one of: {}", NoteKind::NAMES.join(", "))),
        );
        return end + 1;
    };
    let type_lineno = start_line + 1 + type_off;
    let type_name = type_line.trim();
    let type_name = types.and_then(|t| t.map.get(type_name)).map_or(type_name, String::as_str);
    let Some(kind) = NoteKind::from_name(type_name) else {
        let declared = types.and_then(|t| t.declare.get(type_name));
        if declared.is_some() || types.is_none_or(|t| t.create_unknown) {
            let content = body.get(type_off + 1..).unwrap_or_default();
            if let Some(card) =
                custom_block(content, type_lineno + 1, start_line, type_name, declared, file, &mut out.diagnostics)
            {
                out.cards.push(card);
            }
            return end + 1;
        }
        out.diagnostics.push(
            Diagnostic::error(file, type_lineno, 1, format!("unknown note type `{}`", type_line.trim()))
                .with_hint(format!("the line after START names the note type: {}", NoteKind::NAMES.join(", "))),
        );
        return end + 1;
    };
    let mut card = CardSpec {
        kind,
        fields: vec![String::new(); kind.fields().len()],
        field_lines: vec![0; kind.fields().len()],
        tags: Vec::new(),
        anchor: None,
        line: start_line,
        syntax: Syntax::Block,
        custom: None,
    };
    let mut current = 0;
    let mut ok = true;
    for (off, raw) in body.iter().enumerate().skip(type_off + 1) {
        let lineno = start_line + 1 + off;
        let mut content: &str = raw;
        match classify(raw) {
            BlockLine::Id(id) => {
                card.anchor = id;
                continue;
            }
            BlockLine::Tags(tags) => {
                card.tags.extend(tags);
                continue;
            }
            BlockLine::Content => {}
            BlockLine::Field(label, rest) => {
                if let Some(idx) = kind.field_index(label) {
                    current = idx;
                    if card.field_lines.get(idx).is_some_and(|l| *l == 0)
                        && let Some(l) = card.field_lines.get_mut(idx)
                    {
                        *l = lineno;
                    }
                    content = rest;
                } else {
                    ok = false;
                    out.diagnostics.push(
                        Diagnostic::error(
                            file,
                            lineno,
                            1,
                            format!("`{label}:` is not a field of note type `{}`", kind.name()),
                        )
                        .with_hint(format!(
                            "its fields are: {}; if the line is content, write it another way, such as `**{label}:**`",
                            kind.fields().join(", ")
                        )),
                    );
                    continue;
                }
            }
        }
        if let Some(field) = card.fields.get_mut(current) {
            if field.is_empty() && content.trim().is_empty() {
                continue;
            }
            if let Some(l) = card.field_lines.get_mut(current).filter(|l| **l == 0) {
                *l = lineno;
            }
            field.push_str(content);
            field.push('\n');
        }
    }
    for f in &mut card.fields {
        *f = f.trim_end().to_owned();
    }
    if card.fields.first().is_none_or(|f| f.trim().is_empty()) {
        ok = false;
        out.diagnostics.push(
            Diagnostic::error(file, type_lineno, 1, format!("empty {}: the card has no question", kind.fields()[0]))
                .with_hint("write the question on the lines after the note type"),
        );
    } else if kind == NoteKind::Cloze && !CLOZE.is_match(&card.fields[0]) {
        ok = false;
        out.diagnostics.push(
            Diagnostic::error(file, type_lineno, 1, "Cloze block has no cloze deletion")
                .with_hint("mark what to hide as {{c1::text}}, or use the Basic type"),
        );
    } else if ok && kind != NoteKind::Cloze && card.fields.get(1).is_some_and(|b| b.trim().is_empty()) {
        out.diagnostics.push(
            Diagnostic::warning(file, start_line, 1, "empty Back: the card has no answer")
                .with_hint("add a `Back:` line with the answer"),
        );
    }
    if ok {
        out.cards.push(card);
    }
    end + 1
}

/// A block of a type that is not built in. Its fields are the first field plus every `Label:` its
/// lines use (or, for a declared type, exactly the declared fields).
fn custom_block(
    content: &[&str],
    first_lineno: usize,
    start_line: usize,
    name: &str,
    declared: Option<&crate::config::Declared>,
    file: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<CardSpec> {
    let named_cloze = name.to_lowercase().contains("cloze") || declared.is_some_and(|d| d.cloze);
    let default_first = if named_cloze { "Text" } else { "Front" };
    let mut names: Vec<String> = declared.map(|d| d.fields.clone()).unwrap_or_default();
    let mut values: Vec<String> = vec![String::new(); names.len()];
    let mut lines_of: Vec<usize> = vec![0; names.len()];
    let (mut tags, mut anchor, mut current, mut ok) = (Vec::new(), None, None::<usize>, true);
    for (off, raw) in content.iter().enumerate() {
        let lineno = first_lineno + off;
        let mut text: &str = raw;
        let line = classify(raw);
        if let BlockLine::Id(id) = line {
            anchor = id;
            continue;
        }
        if let BlockLine::Tags(t) = line {
            tags.extend(t);
            continue;
        }
        if let BlockLine::Field(label, rest) = line {
            let idx = match names.iter().position(|n| n.eq_ignore_ascii_case(label)) {
                Some(i) => i,
                None if declared.is_some() => {
                    ok = false;
                    diags.push(
                        Diagnostic::error(file, lineno, 1, format!("`{label}:` is not a field of note type `{name}`"))
                            .with_hint(format!("studygen.toml declares its fields: {}", names.join(", "))),
                    );
                    continue;
                }
                None => {
                    if names.is_empty() && current.is_none() {
                        // The first label names the first field.
                    } else if names.is_empty() {
                        names.push(default_first.to_owned());
                        values.push(String::new());
                        lines_of.push(0);
                    }
                    names.push(label.to_owned());
                    values.push(String::new());
                    lines_of.push(0);
                    names.len() - 1
                }
            };
            current = Some(idx);
            text = rest;
        }
        if current.is_none() {
            if text.trim().is_empty() {
                continue;
            }
            if names.is_empty() {
                names.push(default_first.to_owned());
                values.push(String::new());
                lines_of.push(0);
            }
            current = Some(0);
        }
        let Some(i) = current else { continue };
        if let (Some(v), Some(l)) = (values.get_mut(i), lines_of.get_mut(i)) {
            if v.is_empty() && text.trim().is_empty() {
                continue;
            }
            if *l == 0 {
                *l = lineno;
            }
            v.push_str(text);
            v.push('\n');
        }
    }
    for v in &mut values {
        *v = v.trim_end().to_owned();
    }
    if values.first().is_none_or(|f| f.trim().is_empty()) {
        diags.push(
            Diagnostic::error(
                file,
                start_line,
                1,
                format!("empty {}: the card has no question", names.first().map_or(default_first, String::as_str)),
            )
            .with_hint("write the question on the lines after the note type"),
        );
        return None;
    }
    let cloze = named_cloze || values.first().is_some_and(|f| CLOZE.is_match(f));
    ok.then(|| CardSpec {
        kind: if cloze { NoteKind::Cloze } else { NoteKind::Basic },
        fields: values,
        field_lines: lines_of,
        tags,
        anchor,
        line: start_line,
        syntax: Syntax::Block,
        custom: Some(Custom { name: name.to_owned(), field_names: names }),
    })
}

/// What one line inside a `START`/`END` block is.
enum BlockLine<'a> {
    /// `<!--ID: n-->`
    Id(Option<u64>),
    /// `Tags: a b`
    Tags(Vec<String>),
    /// `Label: rest`
    Field(&'a str, &'a str),
    /// Anything else.
    Content,
}

fn classify(raw: &str) -> BlockLine<'_> {
    if let Some(c) = ID_LINE.captures(raw) {
        return BlockLine::Id(c.get(1).and_then(|m| m.as_str().parse().ok()));
    }
    let Some(c) = LABEL.captures(raw) else { return BlockLine::Content };
    let label = c.get(1).map_or("", |m| m.as_str());
    let rest = c.get(2).map_or("", |m| m.as_str());
    if label.eq_ignore_ascii_case("tags") { BlockLine::Tags(split_tags(rest)) } else { BlockLine::Field(label, rest) }
}

fn unterminated(file: &str, line: usize) -> Diagnostic {
    Diagnostic::error(file, line, 1, "START block has no END")
        .with_hint("close the card block with a line that holds only END")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_str(text: &str) -> Scanned {
        let lines: Vec<&str> = text.lines().collect();
        scan(&lines, 1, "t.md", Syntaxes::default())
    }

    #[test]
    fn multi_line_and_reversed_cards() {
        let s = scan_str(
            "intro\n\nWhat is a saddle\npoint?\n?\nA critical point\nwith mixed curvature\n\nTerm\n??\nDefinition\n",
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
    fn highlight_paragraphs_become_clozes() {
        let s = scan_str(
            "The ==Hessian== has ==mixed== signs at a saddle.\nSecond line.\n\nNo highlight here.\n\nq::a ==not a cloze==\n",
        );
        let clozes: Vec<_> =
            s.cards.iter().filter(|c| c.kind == NoteKind::Cloze).map(|c| c.fields[0].clone()).collect();
        assert_eq!(clozes, ["The {{c1::Hessian}} has {{c2::mixed}} signs at a saddle.\nSecond line."]);
        let off = scan(
            &["a ==b== c", "q::a"],
            1,
            "t.md",
            Syntaxes { spaced_repetition: false, highlight_clozes: true, types: None },
        );
        assert!(off.cards.is_empty(), "without the tag, no spaced-repetition cards");
    }

    #[test]
    fn starti_inline_blocks() {
        let s = scan_str(
            "STARTI [Basic] Front text Back: back text ENDI <!--ID: 99-->\nSTARTI [Cloze] A {{c1::cloze}} ENDI\nSTARTI no end\n",
        );
        assert_eq!(s.cards.len(), 2);
        assert_eq!(s.cards[0].fields, ["Front text", "back text"]);
        assert_eq!(s.cards[0].anchor, Some(99));
        assert_eq!((s.cards[1].kind, s.cards[1].fields[0].as_str()), (NoteKind::Cloze, "A {{c1::cloze}}"));
        assert_eq!(s.diagnostics[0].message, "STARTI without ENDI on the same line");
    }

    #[test]
    fn block_with_labels_tags_and_id() {
        let s =
            scan_str("START\nBasic\nWhat is $x$?\nmore\nBack: it is\nmultiline\nTags: a, b/c\n<!--ID: 42-->\nEND\n");
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let c = &s.cards[0];
        assert_eq!(c.kind, NoteKind::Basic);
        assert_eq!(c.fields, ["What is $x$?\nmore", "it is\nmultiline"]);
        assert_eq!(c.field_lines, [3, 5]);
        assert_eq!(c.tags, ["a", "b/c"]);
        assert_eq!(c.anchor, Some(42));
    }

    #[test]
    fn front_label_and_cloze_extra() {
        let s = scan_str("START\nCloze\nText: {{c1::a}} b\nExtra: more\nEND");
        assert_eq!(s.cards[0].fields, ["{{c1::a}} b", "more"]);
        let s = scan_str("START\nBasic\nFront: q\nBack: a\nEND");
        assert_eq!(s.cards[0].fields, ["q", "a"]);
    }

    #[test]
    fn file_settings_in_both_forms() {
        let s = scan_str("TARGET DECK\nDL::Opt\nFILE TAGS: x y\n");
        assert_eq!(s.target_deck.as_deref(), Some("DL::Opt"));
        assert_eq!(s.file_tags, ["x", "y"]);
        let s = scan_str("TARGET DECK: A::B\nFILE TAGS\nx, y\n");
        assert_eq!(s.target_deck.as_deref(), Some("A::B"));
        assert_eq!(s.file_tags, ["x", "y"]);
    }

    #[test]
    fn inline_cards_skip_code_math_and_cloze() {
        let s = scan_str("Saddle::index 1\nRev:::erse\n`a::b` no\n$a::b$ no\n{{c1::x}} no\n```\nin::code\n```\n");
        let fronts: Vec<_> = s.cards.iter().map(|c| (c.fields[0].as_str(), c.kind)).collect();
        assert_eq!(fronts, [("Saddle", NoteKind::Basic), ("Rev", NoteKind::Reversed)]);
    }

    #[test]
    fn errors_carry_lines() {
        let strict = NoteTypes { create_unknown: false, ..NoteTypes::default() };
        let text = "x\nSTART\nBasic\nq\n\nSTART\nWeird\nq\nEND\nSTART\nBasic\nBack: a\nEND\nSTART\nBasic\nq\nReverso: no\nEND\n::a\n";
        let lines: Vec<&str> = text.lines().collect();
        let s = scan(&lines, 1, "t.md", Syntaxes { types: Some(&strict), ..Syntaxes::default() });
        let got: Vec<_> = s.diagnostics.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(
            got,
            [
                (2, "START block has no END"),
                (7, "unknown note type `Weird`"),
                (11, "empty Front: the card has no question"),
                (17, "`Reverso:` is not a field of note type `Basic`"),
                (19, "empty front: nothing before `::`"),
            ]
        );
        assert!(s.cards.is_empty());
    }

    #[test]
    fn cards_inside_an_anki_fence_are_read() {
        let s = scan_str("```anki\nSTART\nBasic\nq\nBack: a\nEND\n```\n```\nSTART\nBasic\nno\nEND\n```\n");
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(s.cards.len(), 1);
        assert_eq!(s.cards[0].fields, ["q", "a"]);
    }

    #[test]
    fn custom_types_take_their_fields_from_labels() {
        let s = scan_str(
            "START\nBásico\nAnverso: pregunta\nReverso: respuesta\nEND\nSTART\nFIT-Card\nq\nBack: a\nMnemonic: m\nEND\nSTART\nCloze+\n{{c1::x}} y\nEND\n",
        );
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let got: Vec<_> =
            s.cards.iter().map(|c| (c.custom.clone().unwrap().field_names, c.fields.clone(), c.kind)).collect();
        assert_eq!(got[0].0, ["Anverso", "Reverso"]);
        assert_eq!(got[0].1, ["pregunta", "respuesta"]);
        assert_eq!(got[1].0, ["Front", "Back", "Mnemonic"]);
        assert_eq!(got[1].1, ["q", "a", "m"]);
        assert_eq!((got[2].0.clone(), got[2].2), (vec!["Text".to_owned()], NoteKind::Cloze));
        let strict = NoteTypes { create_unknown: false, ..NoteTypes::default() };
        let lines: Vec<&str> = "START\nFIT-Card\nq\nEND".lines().collect();
        let s = scan(&lines, 1, "t.md", Syntaxes { types: Some(&strict), ..Syntaxes::default() });
        assert_eq!(s.diagnostics[0].message, "unknown note type `FIT-Card`");
    }

    #[test]
    fn cloze_without_deletion_is_an_error() {
        let s = scan_str("START\nCloze\nno deletion here\nEND");
        assert_eq!(s.diagnostics[0].message, "Cloze block has no cloze deletion");
    }
}
