//! Obsidian_to_Anki blocks, read line by line: the begin marker (`START`), a note-type line,
//! fields (`Back:`, ...), `Tags:`, an ID line, the end marker (`END`); and the file's
//! `TARGET DECK` and `FILE TAGS` lines. This scan also drives the line-based syntaxes of
//! [`super::inline_blocks`] and [`super::spaced_repetition`], so a note is read once.
//!
//! Where the plugin goes wrong, this reads better and says so: an `END` indented into a list item
//! still ends the block (with a warning), a second `START` before `END` is an error naming both
//! lines, and an ID line written as a list item (`- <!--ID: n-->`) is the card's ID.

use super::typed::{At, typed_card};
use super::{Context, NoteKind, Scanned, fields, inline_blocks, spaced_repetition};
use crate::diagnostics::{Code, Diagnostic};

/// The least id of an Anki note made since 2001: Anki gives a note the time it was made, in
/// milliseconds since 1970.
const ANKI_NOTE_IDS: u64 = 1_000_000_000_000;

/// Scans the body `lines` (`first_line` is the 1-based number of `lines[0]`).
pub fn scan(lines: &[&str], first_line: usize, cx: Context<'_>) -> Scanned {
    let b = &cx.settings.blocks;
    let mut out = Scanned::default();
    // The open code fence, and its line's index.
    let mut fence: Option<String> = None;
    let mut fence_at = 0;
    let mut anki_fence: Option<String> = None;
    // The last end marker's index, once a block in code asks (looked for once, not at each).
    let mut last_end: Option<Option<usize>> = None;
    let mut sr = spaced_repetition::Reader::new(cx);
    let mut i = 0;
    while let Some(&raw) = lines.get(i) {
        let line = raw.trim();
        let lineno = first_line + i;
        if let Some(f) = &fence {
            let closes = |l: &str| {
                let l = l.trim();
                l.starts_with(f.as_str()) && l.trim_start_matches(f.chars().next().unwrap_or('`')).is_empty()
            };
            if closes(line) {
                fence = None;
            } else if cx.obsidian_to_anki
                && raw.trim_end() == b.begin_note
                && *last_end.get_or_insert_with(|| lines.iter().rposition(|l| l.trim() == b.end_note)) > Some(i)
            {
                // Obsidian_to_Anki finds its blocks with one regex over the whole file, code and
                // all (it leaves code alone only for custom regexes): a block written inside a
                // code block (a syntax example, most often) is a card it made, and wrote the ID of.
                sr.end_paragraph(lines, first_line, &mut out);
                let next = block(lines, i, first_line, cx, &mut out);
                // The block may run past the code block's end.
                if lines.get(i + 1..next).is_some_and(|read| read.iter().any(|l| closes(l))) {
                    fence = None;
                }
                i = next;
                continue;
            } else if cx.obsidian_to_anki
                && let Some(at) = raw.find(b.begin_inline.as_str())
                && raw[at..].contains(b.end_inline.as_str())
            {
                // Its inline notes are found the same way; code that only names the markers
                // is code.
                let mut said = Vec::new();
                if let Some(card) = inline_blocks::parse(raw, lineno, cx, &mut said) {
                    out.cards.push(card);
                    out.diagnostics.append(&mut said);
                }
            }
            sr.code_line(i);
            i += 1;
            continue;
        }
        let opener = fence_opener(line);
        // Only a blank line ends a paragraph, as the spaced-repetition plugin reads them: a
        // heading, a line of tags or a code block does not (a question may run from a heading
        // over its text to `?`, and hold code).
        let structural = line.is_empty() || line == b.begin_note;
        if structural && !(line.is_empty() && sr.keeps_blank(lines, i)) {
            sr.end_paragraph(lines, first_line, &mut out);
        }
        if anki_fence.as_deref().is_some_and(|f| line == f) {
            anki_fence = None;
            i += 1;
            continue;
        }
        // Markers may be fences themselves (`Begin Note: ```anki`, `End Note: ````): a block first.
        if cx.obsidian_to_anki && line == b.begin_note && opener.is_some() {
            i = block(lines, i, first_line, cx, &mut out);
            continue;
        }
        if let Some(f) = opener {
            // Obsidian_to_Anki reads cards inside ```anki fences: scan their lines, skip the fence lines.
            let lang = line.trim_start_matches(['`', '~']).trim();
            if lang.eq_ignore_ascii_case("anki") {
                sr.end_paragraph(lines, first_line, &mut out);
                anki_fence = Some(f);
            } else {
                sr.code_line(i);
                fence = Some(f);
                fence_at = i;
            }
            i += 1;
            continue;
        }
        if !cx.obsidian_to_anki {
            i = sr.line(lines, i, first_line, &mut out);
            continue;
        }
        if let Some(value) = file_setting(raw, &b.target_deck) {
            let (deck, used) = value_or_next(value, lines, i);
            // The plugin takes the first deck line of the file.
            if out.target_deck.is_none() {
                out.target_deck = deck.filter(|d| !d.is_empty());
                out.target_deck_line = lineno;
            }
            i += used;
            continue;
        }
        if let Some(value) = file_setting(raw, &b.file_tags) {
            let (tags, used) = value_or_next(value, lines, i);
            if out.file_tags.is_empty() {
                out.file_tags = tags.map(|t| split_tags(&t)).unwrap_or_default();
            }
            i += used;
            continue;
        }
        if line == b.begin_note {
            i = block(lines, i, first_line, cx, &mut out);
            continue;
        }
        if let Some(type_name) = raw
            .strip_prefix(b.frozen.as_str())
            .and_then(|r| r.strip_prefix(" - "))
            .and_then(|r| r.trim_end().strip_suffix(':'))
        {
            i = frozen(lines, i, first_line, type_name, cx, &mut out);
            continue;
        }
        if line == b.delete {
            // `DELETE` and an ID line: the plugin deletes that note in Anki. An .apkg cannot.
            // Without an ID (a template's `DELETE` over an empty `ID:`) it deletes nothing.
            let id = lines.get(i + 1).and_then(|l| fields::id_line(l)).flatten();
            out.diagnostics.push(match id {
                Some(_) => deleted(cx, lineno, id),
                None => Diagnostic::info(
                    Code::BlockDeleted,
                    cx.file,
                    lineno,
                    1,
                    format!("{} outside every card, with no ID line below it, deletes nothing", b.delete),
                )
                .with_hint(
                    "the plugin deletes the note whose ID line follows the marker; remove the line if it deletes none",
                ),
            });
            i += if id.is_some() { 2 } else { 1 };
            continue;
        }
        if line == b.end_note {
            // Reported once the custom regexes had their say: one may end its cards with it.
            out.stray_ends.push(lineno);
            i += 1;
            continue;
        }
        // (An `ID: n` line the plugin did not write in its form, and whose number is no Anki
        // note's, is the note's own text.)
        if let Some(Some(id)) = fields::id_line(raw)
            && (raw.contains("<!--") || !b.id_comments || id >= ANKI_NOTE_IDS)
        {
            out.loose_ids.push((lineno, id));
            i += 1;
            continue;
        }
        if raw.contains(b.begin_inline.as_str()) {
            if let Some(card) = inline_blocks::parse(raw, lineno, cx, &mut out.diagnostics) {
                out.cards.push(card);
            }
            i += 1;
            continue;
        }
        i = sr.line(lines, i, first_line, &mut out);
    }
    sr.end_paragraph(lines, first_line, &mut out);
    if let Some(f) = fence {
        out.diagnostics.extend(unclosed_fence(lines, fence_at, first_line, &f, cx));
    }
    out
}

/// The warning for a code fence at `lines[at]` that is never closed, when the code it makes of
/// the rest of the note holds a spaced-repetition card's separator (a line that is only `?` or
/// `??`, in a flashcard note): a stray fence, most often, that silently took those cards away, in
/// the plugin as here. (Obsidian_to_Anki's blocks are read inside code too.)
fn unclosed_fence(lines: &[&str], at: usize, first_line: usize, fence: &str, cx: Context<'_>) -> Option<Diagnostic> {
    let sr = &cx.settings.spaced_repetition;
    let begins_card =
        |line: &str| cx.spaced_repetition && !line.is_empty() && (line == sr.multi || line == sr.multi_reversed);
    let marker = lines.iter().enumerate().skip(at + 1).find(|(_, l)| begins_card(l.trim()))?;
    let rest = lines.len() - at - 1;
    Some(
        Diagnostic::warning(
            Code::FenceUnclosed,
            cx.file,
            first_line + at,
            1,
            format!(
                "this code fence ({fence}) opens a code block that is never closed: Obsidian shows the rest of the note ({rest} lines) as code, and the card begun on line {} makes no card",
                first_line + marker.0
            ),
        )
        .with_hint(format!("close the block with a line of {fence} where its code ends, or remove this fence if it is a stray one")),
    )
}

/// Appends frozen fields to every card of their type, before or after the `FROZEN` block.
pub fn apply_frozen(out: &mut Scanned) {
    for (type_name, values) in &out.frozen {
        for card in &mut out.cards {
            let (name, names): (&str, Vec<String>) = match &card.custom {
                Some(c) => (c.name.as_str(), c.field_names.clone()),
                None => (card.kind.name(), card.kind.fields().iter().map(|f| (*f).to_owned()).collect()),
            };
            if name != type_name {
                continue;
            }
            for (field, value) in values.iter().filter(|(_, v)| !v.is_empty()) {
                if let Some(i) = names.iter().position(|n| n == field)
                    && let Some(f) = card.fields.get_mut(i)
                {
                    // Appended as the plugin appends it: directly, so `<br>` in the frozen text
                    // decides the layout.
                    f.push_str(value);
                }
            }
        }
    }
}

fn fence_opener(line: &str) -> Option<String> {
    let ch = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = line.chars().take_while(|c| *c == ch).count();
    (n >= 3).then(|| ch.to_string().repeat(n))
}

/// `KEY: value` or `KEY` alone (the value on the next line), at the start of a line.
fn file_setting<'a>(raw: &'a str, key: &str) -> Option<&'a str> {
    let rest = raw.strip_prefix(key)?;
    if rest.trim().is_empty() {
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
        Some(next) if !next.is_empty() => (Some(next.to_owned()), 2),
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

/// The hint for a block left open because its end marker was written at the end of a line of
/// text (`![](a.png)END`), where Obsidian_to_Anki does not see it either: the first such line of
/// `lines[within]`.
fn glued_end(lines: &[&str], within: std::ops::Range<usize>, first_line: usize, end_note: &str) -> Option<String> {
    let at = within.clone().find(|&i| {
        let t = lines.get(i).map_or("", |l| l.trim_end());
        let Some(before) = t.strip_suffix(end_note) else { return false };
        // `BACKEND` is a word, not a glued marker.
        let word = before.chars().next_back().is_none_or(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        !word && !before.trim().is_empty()
    })?;
    Some(format!(
        "line {} ends with {end_note}, which must stand on a line of its own: put a line break before it",
        first_line + at
    ))
}

/// Parses the block whose begin marker is at `lines[start]`; returns the index of the line after it.
fn block(lines: &[&str], start: usize, first_line: usize, cx: Context<'_>, out: &mut Scanned) -> usize {
    let b = &cx.settings.blocks;
    let file = cx.file;
    let start_line = first_line + start;
    let Some(end) = lines
        .iter()
        .skip(start + 1)
        .position(|l| {
            let t = l.trim();
            t == b.end_note || t == b.begin_note || t.trim_start_matches(['-', '*', '+', ' ']) == b.end_note
        })
        .map(|p| p + start + 1)
    else {
        out.diagnostics.push(
            Diagnostic::error(
                Code::BlockUnclosed,
                file,
                start_line,
                1,
                format!("{} block has no {}", b.begin_note, b.end_note),
            )
            .with_hint(
                glued_end(lines, start + 1..lines.len(), first_line, &b.end_note)
                    .unwrap_or_else(|| format!("close the card block with a line that holds only {}", b.end_note)),
            ),
        );
        return start + 1;
    };
    let end_raw = lines.get(end).copied().unwrap_or("");
    if end_raw.trim() == b.begin_note {
        out.diagnostics.push(
            Diagnostic::error(
                Code::BlockUnclosed,
                file,
                start_line,
                1,
                format!(
                    "{} at line {start_line} has no {}: another {} follows at line {}",
                    b.begin_note,
                    b.end_note,
                    b.begin_note,
                    first_line + end
                ),
            )
            .with_hint(glued_end(lines, start + 1..end, first_line, &b.end_note).unwrap_or_else(|| {
                format!("close the first block with {} before the next one opens; it was left out", b.end_note)
            })),
        );
        return end;
    }
    // The plugin finds the end marker at the start of a line, whatever follows it (trailing
    // spaces too): only one that does not start its line is unseen there.
    if !end_raw.starts_with(b.end_note.as_str()) {
        out.diagnostics.push(
            Diagnostic::warning(Code::BlockIndentedEnd,
                file,
                first_line + end,
                1,
                format!("indented {} is read as the end of the block from line {start_line}", b.end_note),
            )
            .with_hint(format!(
                "write {} at the start of its own line; Obsidian_to_Anki does not see an indented one and merges this card with the next",
                b.end_note
            )),
        );
    }
    let body = lines.get(start + 1..end).unwrap_or_default();
    let Some((type_off, type_line)) = body.iter().enumerate().find(|(_, l)| !l.trim().is_empty()) else {
        out.diagnostics.push(
            Diagnostic::error(
                Code::BlockEmpty,
                file,
                start_line,
                1,
                format!("empty card block: expected a note type after {}", b.begin_note),
            )
            .with_hint(format!("write one of: {}", NoteKind::NAMES.join(", "))),
        );
        return end + 1;
    };
    let type_lineno = start_line + 1 + type_off;
    let mut content: Vec<(usize, String)> = Vec::new();
    let (mut tags, mut anchor, mut delete) = (Vec::new(), None, None);
    for (off, raw) in body.iter().enumerate().skip(type_off + 1) {
        if raw.trim() == b.delete {
            delete = Some(start_line + 1 + off);
        } else if let Some(id) = fields::id_line(raw) {
            anchor = id.or(anchor);
        } else if let Some(t) = fields::tags_line(raw) {
            tags.extend(t);
        } else {
            content.push((start_line + 1 + off, (*raw).to_owned()));
        }
    }
    if let Some(line) = delete {
        out.diagnostics.push(deleted(cx, line, anchor));
        return end + 1;
    }
    let at = At { file, start_line, type_lineno };
    if let Some(mut card) = typed_card(type_line.trim(), content, at, cx, &mut out.diagnostics) {
        card.end_line = first_line + end;
        card.tags.extend(tags);
        card.anchor = anchor;
        out.cards.push(card);
    }
    end + 1
}

/// The warning for a card marked with the delete marker, which is left out of the deck.
fn deleted(cx: Context<'_>, line: usize, id: Option<u64>) -> Diagnostic {
    let b = &cx.settings.blocks;
    let what = id.map_or_else(|| "the card".to_owned(), |id| format!("note {id}"));
    Diagnostic::warning(Code::BlockDeleted, cx.file, line, 1, format!("{} marks {what} for deletion: it is left out of the deck", b.delete))
        .with_hint(format!(
            "a deck file cannot delete: Anki keeps {what} until you delete it there (search `nid:{}`), then remove the block",
            id.map_or_else(|| "…".to_owned(), |i| i.to_string())
        ))
}

/// A `FROZEN - Type:` block: its fields are appended to the same fields of every card of that
/// type in the note. Returns the index of the line after it.
fn frozen(
    lines: &[&str],
    start: usize,
    first_line: usize,
    type_name: &str,
    cx: Context<'_>,
    out: &mut Scanned,
) -> usize {
    let end =
        (start + 1..lines.len()).find(|&j| lines.get(j).is_none_or(|l| l.trim().is_empty())).unwrap_or(lines.len());
    let content: Vec<(usize, String)> =
        (start + 1..end).filter_map(|j| lines.get(j).map(|l| (first_line + j, (*l).to_owned()))).collect();
    let types = &cx.settings.note_types;
    let name = types.map.get(type_name).map_or(type_name, String::as_str);
    let fields: Vec<String> = match (types.known.get(name), NoteKind::from_name(name)) {
        (Some(k), _) => k.fields.clone(),
        (None, Some(kind)) => kind.fields().iter().map(|f| (*f).to_owned()).collect(),
        (None, None) => {
            out.diagnostics.push(
                Diagnostic::warning(Code::NoteTypeUnknown, cx.file, first_line + start, 1, format!("{} fields of unknown note type `{type_name}` are ignored", cx.settings.blocks.frozen))
                    .with_hint("frozen fields need a type whose fields are known: built in, declared in studygen.toml or in the plugin's fields_dict"),
            );
            return end;
        }
    };
    let split = fields::split(&content, &fields, &[], name, cx.file, &mut out.diagnostics);
    out.frozen.push((name.to_owned(), fields.into_iter().zip(split.values).collect()));
    end
}

#[cfg(test)]
mod tests {
    use super::super::{Context, scan as scan_all};
    use super::*;
    use crate::settings::Settings;

    fn scan_with(text: &str, settings: &Settings) -> Scanned {
        let lines: Vec<&str> = text.lines().collect();
        scan_all(text, &lines, 1, Context { file: "t.md", settings, spaced_repetition: true, obsidian_to_anki: true })
    }

    fn scan_str(text: &str) -> Scanned {
        scan_with(text, &Settings::default())
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
    fn content_labels_stay_in_the_answer() {
        let s = scan_str("START\nBasic\nq\nBack: a\nStatement: x\nNote: y\nEND\n");
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(s.cards[0].fields, ["q", "a\nStatement: x\nNote: y"]);
    }

    #[test]
    fn front_label_and_cloze_extra() {
        let s = scan_str("START\nCloze\nText: {{c1::a}} b\nExtra: more\nEND");
        assert_eq!(s.cards[0].fields, ["{{c1::a}} b", "more"]);
        let s = scan_str("START\nBasic\nFront: q\nBack: a\nEND");
        assert_eq!(s.cards[0].fields, ["q", "a"]);
    }

    #[test]
    fn file_settings_in_both_forms_first_wins() {
        let s = scan_str("TARGET DECK\nDL::Opt\nFILE TAGS: x y\nTARGET DECK: Other\n");
        assert_eq!(s.target_deck.as_deref(), Some("DL::Opt"));
        assert_eq!(s.file_tags, ["x", "y"]);
        let s = scan_str("TARGET DECK: A::B\nFILE TAGS\nx, y\n");
        assert_eq!(s.target_deck.as_deref(), Some("A::B"));
        assert_eq!(s.file_tags, ["x", "y"]);
    }

    /// The plugin writes IDs as `<!--ID: n-->` unless its "ID Comments" is off: a bare `ID: n` line
    /// outside every card (a customer number in a note) is then the note's own text, unless its
    /// number is an Anki note's (written while the setting was off). Inside a block, either form
    /// is the card's ID, as the plugin reads both.
    #[test]
    fn a_bare_id_line_is_an_orphan_only_where_the_plugin_writes_ids_bare() {
        let text = "START\nBasic\nq\nBack: a\nID: 1700000000002\nEND\n\nSperrmüll:\nID: 1206039\n\n<!--ID: 99-->\nID: 1713263558472\n";
        let orphans = |s: &Scanned| -> Vec<usize> { s.diagnostics.iter().map(|d| d.line).collect() };
        let s = scan_str(text);
        assert_eq!(s.cards[0].anchor, Some(1_700_000_000_002));
        assert_eq!(orphans(&s), [11, 12], "{:?}", s.diagnostics);
        let mut bare = Settings::default();
        bare.blocks.id_comments = false;
        let s = scan_with(text, &bare);
        assert_eq!(s.cards[0].anchor, Some(1_700_000_000_002));
        assert_eq!(orphans(&s), [9, 11, 12], "{:?}", s.diagnostics);
    }

    /// A vault kept in git often leaves `.obsidian/` out: an ID line that no card reads then most
    /// likely ended a custom regex's card, and the hint names the settings file that is missing.
    #[test]
    fn an_orphan_id_without_the_plugins_settings_names_the_missing_file() {
        let text = "### Capillarity\nthe ratio of viscous stress to surface tension\n<!--ID: 1695826630662-->\n";
        let hint = |settings: &Settings| {
            let s = scan_with(text, settings);
            let d = s.diagnostics.iter().find(|d| d.code == Code::IdOrphan).expect("an orphan ID");
            assert_eq!(d.line, 3);
            d.hint.clone().unwrap_or_default()
        };
        let missing = hint(&Settings::default());
        assert!(missing.contains(crate::settings::obsidian_to_anki::PATH), "{missing}");
        let read =
            Settings { read: vec![format!("../{}", crate::settings::obsidian_to_anki::PATH)], ..Settings::default() };
        let found = hint(&read);
        assert!(!found.contains("data.json"), "{found}");
        assert!(found.contains("before the end marker"), "{found}");
    }

    /// A block whose type line was left out reads its question as the type: Obsidian_to_Anki finds
    /// no such type in Anki and skips the card, so studygen does not make a note type of the
    /// question, and says which line it read as the type.
    #[test]
    fn a_block_without_its_type_line_is_no_note_type_named_after_its_question() {
        let text = "START\nWhat is a saddle point?\nBack: a critical point that is no extremum\nEND\n\n\
                    START\n\nDefinice: **tranzitivní závislost**\nBack:\nA -> B -> C\nEND\n\n\
                    START\nFIT-Card\nWhat is a minimum?\nBack: no direction goes down\nEND\n";
        let s = scan_str(text);
        let errors: Vec<(usize, &str)> =
            s.diagnostics.iter().filter(|d| d.is_error()).map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(
            errors,
            [
                (2, "`What is a saddle point?` is read as the card's note type, but it reads as text"),
                (8, "`Definice: **tranzitivní závislost**` is read as the card's note type, but it reads as text"),
            ]
        );
        assert!(s.diagnostics.iter().all(|d| d.code == Code::NoteTypeUnknown), "{:?}", s.diagnostics);
        // The card with its type line is made, of the type it names.
        assert_eq!(s.cards.len(), 1);
        assert_eq!(s.cards[0].custom.as_ref().map(|c| c.name.as_str()), Some("FIT-Card"));
        // A statement as long as a sentence is text; a long name of a real note type is not.
        let long = scan_str(
            "START\nGradient descent on a quadratic diverges once the step exceeds two over the largest eigenvalue\nBack: yes\nEND\n\n\
             START\nAnKing Overhaul for Step 1 & 2 (AnKingMaster)\nWhat is a saddle point\nBack: a critical point\nEND\n",
        );
        let errors: Vec<usize> = long.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.line).collect();
        assert_eq!(errors, [2]);
        assert_eq!(long.cards.len(), 1);
        assert_eq!(
            long.cards[0].custom.as_ref().map(|c| c.name.as_str()),
            Some("AnKing Overhaul for Step 1 & 2 (AnKingMaster)")
        );
    }

    #[test]
    fn list_ids_indented_end_and_orphans() {
        let s = scan_str("- START\nSTART\nBasic\nq\nBack: a\n- <!--ID: 1700000000001-->\n  END\n\n<!--ID: 99-->\n");
        assert_eq!(s.cards.len(), 1);
        assert_eq!(s.cards[0].anchor, Some(1_700_000_000_001));
        let msgs: Vec<_> = s.diagnostics.iter().map(|d| (d.line, d.is_error(), d.message.as_str())).collect();
        assert_eq!(
            msgs,
            [
                (7, false, "indented END is read as the end of the block from line 2"),
                (9, false, "ID 99 belongs to no card"),
            ]
        );
    }

    #[test]
    fn an_end_marker_with_trailing_spaces_ends_its_block_as_the_plugin_reads_it() {
        let s = scan_str("START\nBasic\nq\nBack: a\nEND  \n\nSTART\nBasic\nr\nBack: b\nEND\t\n");
        assert_eq!(s.cards.len(), 2);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
    }

    /// A card with no question is left out; the hint tells a skeleton (`Back: -`, a real vault's
    /// template left in a note) from a card whose text went under the wrong label.
    #[test]
    fn an_empty_front_hints_at_where_the_text_is() {
        let hint = |text: &str| {
            let s = scan_str(text);
            let d = s.diagnostics.iter().find(|d| d.code == Code::CardEmptyFront).expect("an empty front");
            assert!(s.cards.is_empty());
            d.hint.clone().unwrap_or_default()
        };
        assert!(hint("START\nBasic\n\nBack: \n- \n\nEND\n").contains("write the question"));
        assert!(hint("START\nBasic\nBack: the answer alone\nEND\n").contains("sits in other fields"));
    }

    /// A vault without template settings keeps a skeleton card to copy (Kroid/learn_english_notes:
    /// `draft/templates/anki card skeleton.md`): in a folder named as template folders are, an
    /// empty skeleton is left out with a warning, not an error; a card with text there is still
    /// an error when its question is missing.
    #[test]
    fn an_empty_skeleton_in_a_template_folder_is_a_warning() {
        let settings = Settings::default();
        let scan_at = |file: &str, text: &str| {
            let lines: Vec<&str> = text.lines().collect();
            let cx = Context { file, settings: &settings, spaced_repetition: true, obsidian_to_anki: true };
            scan_all(text, &lines, 1, cx)
        };
        let skeleton = "START\nBasic\nFront: \nBack: \nTags: \nEND\n";
        let s = scan_at("draft/templates/anki card skeleton.md", skeleton);
        assert!(s.cards.is_empty());
        let d: Vec<_> = s.diagnostics.iter().map(|d| (d.code, d.line, d.is_error(), d.is_warning())).collect();
        assert_eq!(d, [(Code::CardEmptyFront, 2, false, true)]);
        // Elsewhere it is an error; and in the template folder, a card whose text is all in its
        // back is one too.
        assert!(scan_at("notes/anki card skeleton.md", skeleton).diagnostics.iter().any(|d| d.is_error()));
        let misplaced = scan_at("Templates/card.md", "START\nBasic\nBack: the answer alone\nEND\n");
        assert!(misplaced.diagnostics.iter().any(|d| d.code == Code::CardEmptyFront && d.is_error()));
    }

    #[test]
    fn delete_and_frozen_blocks() {
        let text = "FROZEN - Basic:\nBack: (This is a Test)\n\nSTART\nBasic\nIndia\nBack: a country\nEND\n\nSTART\nBasic\nold card\nDELETE\n<!--ID: 1600000000000-->\nEND\n\nDELETE\n<!--ID: 1600000000001-->\n\nDELETE\nID: \n";
        let s = scan_str(text);
        assert_eq!(s.cards.len(), 1);
        assert_eq!(s.cards[0].fields, ["India", "a country(This is a Test)"]);
        let d: Vec<_> = s.diagnostics.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(
            d,
            [
                (13, "DELETE marks note 1600000000000 for deletion: it is left out of the deck"),
                (17, "DELETE marks note 1600000000001 for deletion: it is left out of the deck"),
                (20, "DELETE outside every card, with no ID line below it, deletes nothing"),
            ]
        );
        assert!(!s.diagnostics[2].is_error() && !s.diagnostics[2].is_warning(), "an info");
        assert!(s.diagnostics[0].hint.as_deref().unwrap().contains("nid:1600000000000"));
        assert!(!s.cards.iter().any(|c| c.fields.iter().any(|f| f.contains("DELETE"))));
    }

    #[test]
    fn add_obsidian_tags_moves_tags_from_text_to_the_card() {
        let mut settings = Settings::default();
        settings.blocks.add_obsidian_tags = true;
        let s = scan_with(
            "START\nBasic\nWhat is #saddle a point of?\nBack: mixed curvature #hessian/index\nEND\n",
            &settings,
        );
        assert_eq!(s.cards[0].fields, ["What is a point of?", "mixed curvature"]);
        assert_eq!(s.cards[0].tags, ["saddle", "hessian/index"]);
        let s = scan_str("START\nBasic\nWhat is #saddle?\nBack: a [[note#heading]]\nEND\n");
        assert_eq!(s.cards[0].fields[0], "What is #saddle?", "without the setting the text stays");
    }

    #[test]
    fn a_type_missing_from_the_users_anki_types_warns() {
        let mut settings = Settings::default();
        settings.note_types.from_anki = true;
        let s = scan_with("START\nBasci\nq\nBack: a\nEND\n", &settings);
        assert_eq!(s.cards.len(), 1, "the card is still made");
        assert_eq!(s.diagnostics[0].message, "note type `Basci` is not one of your Anki note types");
        assert!(scan_str("START\nBasci\nq\nBack: a\nEND\n").diagnostics.is_empty());
    }

    #[test]
    fn fence_markers_make_blocks() {
        let mut settings = Settings::default();
        settings.blocks.begin_note = "```anki-card".into();
        settings.blocks.end_note = "```".into();
        let s = scan_with("```anki-card\nBasic\nq\nBack: a\n```\n\n```python\nSTART\n```\n", &settings);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(s.cards.len(), 1);
        assert_eq!(s.cards[0].fields, ["q", "a"]);
    }

    #[test]
    fn cloze_numbers_outside_anki_range_are_errors() {
        let s = scan_str(
            "START\nCloze\n{{c0::zero}}\nEND\nSTART\nCloze\n{{c4294967295::big}}\nEND\nSTART\nCloze\n{{c500::ok}}\nEND\n",
        );
        assert_eq!(s.cards.len(), 1);
        let d: Vec<_> = s.diagnostics.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(
            d,
            [
                (1, "cloze number 0 is out of range: Anki numbers deletions 1 to 500"),
                (5, "cloze number 4294967295 is out of range: Anki numbers deletions 1 to 500"),
            ]
        );
    }

    #[test]
    fn second_start_names_both_lines() {
        let s = scan_str("START\nBasic\nq\nSTART\nBasic\nq2\nBack: a2\nEND\n");
        assert_eq!(s.cards.len(), 1);
        assert_eq!(s.cards[0].fields[0], "q2");
        assert_eq!(s.diagnostics[0].message, "START at line 1 has no END: another START follows at line 4");
    }

    /// An end marker typed at the end of a line of text (`![](a.png)END`) closes nothing, in the
    /// plugin or here: the hint names that line. A word that ends in the marker is no such line.
    #[test]
    fn an_end_marker_glued_to_text_is_named_in_the_hint() {
        let hint = |text: &str| scan_str(text).diagnostics.first().and_then(|d| d.hint.clone()).unwrap_or_default();
        let glued = hint("START\nBasic\nq\nBack:\n![](a.png)END\n\nSTART\nBasic\nq2\nBack: a2\nEND\n");
        assert!(glued.contains("line 5 ends with END"), "{glued}");
        let at_eof = hint("x\nSTART\nBasic\nq\nBack: the answerEND  \n");
        assert!(at_eof.contains("line 5 ends with END"), "{at_eof}");
        for word in ["BACKEND", "END2", "the END is near"] {
            let text = format!("START\nBasic\nq\nBack:\n{word}\nSTART\nBasic\nq2\nBack: a2\nEND\n");
            assert!(hint(&text).contains("before the next one opens"), "{word}: {}", hint(&text));
        }
    }

    #[test]
    fn errors_carry_lines() {
        let mut strict = Settings::default();
        strict.note_types.create_unknown = false;
        let text = "x\nSTART\nBasic\nq\n\nSTART\nWeird\nq\nEND\nSTART\nBasic\nBack: a\nEND\nSTART\nBasic\nq\nEND\n";
        let s = scan_with(text, &strict);
        let got: Vec<_> = s.diagnostics.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(
            got,
            [
                (2, "START at line 2 has no END: another START follows at line 6"),
                (7, "unknown note type `Weird`"),
                (11, "empty Front: the card has no question"),
                (14, "empty back: the card has no answer"),
            ]
        );
        assert_eq!(s.cards.len(), 1);
    }

    #[test]
    fn a_fence_never_closed_over_card_markers_is_reported_once() {
        let settings = Settings::default();
        let cx = Context { file: "n.md", settings: &settings, spaced_repetition: true, obsidian_to_anki: true };
        let scan = |md: &str| scan(&md.lines().collect::<Vec<_>>(), 1, cx);
        let s = scan("#flashcards\n\n```\n\nWhat is a saddle?\n?\nA critical point.\n\nQ2\n?\nA2\n");
        assert!(s.cards.is_empty(), "the rest of the note is code");
        let unclosed: Vec<_> = s.diagnostics.iter().filter(|d| d.code == Code::FenceUnclosed).collect();
        assert_eq!(unclosed.len(), 1, "{:?}", s.diagnostics);
        assert_eq!(unclosed[0].line, 3);
        let message = &unclosed[0].message;
        assert!(message.contains("(8 lines)") && message.contains("line 6"), "{message}");
        // Code left open at the end, with no card in it, is only code; a closed block is no matter;
        // an Obsidian_to_Anki block inside code is read, as the plugin reads it.
        for md in ["# T\n\n```python\n# a comment\nx = 1\n", "```\n?\n```\n", "```\nSTART\nBasic\nq\nBack: a\nEND\n"] {
            assert!(scan(md).diagnostics.iter().all(|d| d.code != Code::FenceUnclosed), "{md}");
        }
    }

    #[test]
    fn cards_inside_an_anki_fence_are_read() {
        let s = scan_str("```anki\nSTART\nBasic\nq\nBack: a\nEND\n```\n");
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(s.cards.len(), 1);
        assert_eq!(s.cards[0].fields, ["q", "a"]);
    }

    #[test]
    fn a_block_inside_any_code_block_is_read_as_obsidian_to_anki_reads_it() {
        // The plugin's block regex runs over the whole file: a syntax example in a code block is
        // a card, whose ID the plugin wrote into the example (as a real vault's schema note has).
        let s = scan_str(
            "Write cards so:\n\n```markdown\nSTART\nBasic\nFront: q\nBack: a\n<!--ID: 1777473574585-->\nEND\n```\n\nSTART\nBasic\nq2\nBack: b\nEND\n",
        );
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let fields: Vec<&[String]> = s.cards.iter().map(|c| c.fields.as_slice()).collect();
        assert_eq!(fields, [&["q".to_owned(), "a".to_owned()][..], &["q2".to_owned(), "b".to_owned()][..]]);
        assert_eq!((s.cards[0].anchor, s.cards[0].line), (Some(1_777_473_574_585), 4));
        // Indented (the regex wants the marker at the line's start), or with no END after it: code.
        for md in ["```\n  START\n  Basic\n  q\n  END\n```\n", "```python\nSTART\n```\n"] {
            let s = scan_str(md);
            assert!(s.cards.is_empty() && s.diagnostics.is_empty(), "{md}: {:?}", s.diagnostics);
        }
        // So is an inline note.
        let s = scan_str("```\nSTARTI [Basic] Inline q Back: inline a ENDI\nSTARTI alone\n```\n");
        let fields: Vec<&[String]> = s.cards.iter().map(|c| c.fields.as_slice()).collect();
        assert_eq!(fields, [&["Inline q".to_owned(), "inline a".to_owned()][..]], "{:?}", s.diagnostics);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        // A block that runs past the code block's end leaves the code behind it.
        let s = scan_str("```\nSTART\nBasic\nq\n```\nBack: a\nEND\n\nSTART\nBasic\nq3\nBack: c\nEND\n");
        assert_eq!(s.cards.len(), 2, "{:?}", s.diagnostics);
    }

    #[test]
    fn custom_markers_and_known_fields() {
        let mut settings = Settings::default();
        settings.blocks.begin_note = "ANKI".into();
        settings.blocks.end_note = "/ANKI".into();
        settings.note_types.known.insert(
            "Vocab".into(),
            crate::settings::Declared { fields: vec!["Word".into(), "Meaning".into()], cloze: false },
        );
        let s = scan_with("ANKI\nVocab\nWord: Sattel\nMeaning: saddle\nBack: text\n/ANKI\nSTART\n", &settings);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(s.cards[0].fields, ["Sattel", "saddle\nBack: text"]);
        assert_eq!(s.cards[0].custom.as_ref().unwrap().field_names, ["Word", "Meaning"]);
    }

    #[test]
    fn cloze_in_any_field_and_curly_cloze() {
        let mut settings = Settings::default();
        settings.note_types.known.insert(
            "Cloze Plus".into(),
            crate::settings::Declared { fields: vec!["Intro".into(), "Body".into()], cloze: true },
        );
        let s =
            scan_with("START\nCloze Plus\nintro\nBody: {{c1::x}}\nEND\nSTART\nCloze\nno deletion\nEND\n", &settings);
        assert_eq!(s.cards.len(), 1);
        assert_eq!(s.cards[0].kind, NoteKind::Cloze);
        assert_eq!(s.diagnostics[0].message, "Cloze card has no cloze deletion");
        settings.blocks.curly_cloze = true;
        let s = scan_with("START\nCloze\nThe {Hessian} at $x_{1}$ is {2:mixed}\nEND\n", &settings);
        assert_eq!(s.cards[0].fields[0], "The {{c1::Hessian}} at $x_{1}$ is {{c2::mixed}}");
    }
}
