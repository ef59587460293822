//! Obsidian_to_Anki's custom regex note types, applied as the plugin applies them.
//!
//! Each type's regex runs over the whole note in the settings' order, in four variants (with a
//! `Tags:` line and an ID, with an ID, with tags, bare). A match that lies inside text already
//! claimed (±1 character) is skipped: blocks, inline blocks, the deck and tags lines, math, code,
//! and every earlier match. Capture group *i* fills the type's field *i*. A match of a type whose
//! name contains "Cloze" without a deletion is not a card, and its text is released again. A
//! variant whose `Tags:` or ID group cannot match the note is not searched, and a search that
//! takes more steps than the engine allows gives up and is reported at the line it started from.

use fancy_regex::Regex;
use std::sync::LazyLock;

use super::blocks;
use super::typed::{self, At};
use super::{CardSpec, Context, Custom, NoteKind, Scanned, Syntax};
use crate::diagnostics::{Code, Diagnostic, LineIndex};

static MATH_AND_CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?<!\$)\$(?=\S)(?=[^$])[\s\S]*?\S\$|\$\$[\s\S]*?\$\$|(?<!`)`(?=[^`])[\s\S]*?`|```[\s\S]*?```").unwrap()
});

/// The cards the vault's custom regexes find in `text` (the whole note).
pub fn scan(text: &str, cx: Context<'_>) -> Scanned {
    let mut out = Scanned::default();
    let mut claimed = ignored_spans(text, cx);
    let lines = LineIndex::new(text);
    for custom in &cx.settings.regexes {
        let Some(fields) = fields_of(&custom.note_type, cx) else {
            out.diagnostics.push(
                Diagnostic::warning(Code::CustomRegexInvalid, cx.file, 0, 0, format!("custom regex of note type `{}` is skipped: its fields are not known", custom.note_type))
                    .with_hint("the plugin's data.json lists every note type's fields in `fields_dict`; declare the type in studygen.toml"),
            );
            continue;
        };
        // Where the engine first gave up a search for this type (past its step limit), if it did.
        let mut gave_up: Option<usize> = None;
        // Matches whose first field is empty: the first one's line, and how many.
        let mut empty: Option<(usize, usize)> = None;
        for variant in custom.variants.iter().filter(|v| v.may_match(text)) {
            let (re, with_tags, with_id) = (&variant.regex, &variant.with_tags, &variant.with_id);
            let mut at = 0;
            while at <= text.len() {
                let c = match re.captures_from_pos(text, at) {
                    Ok(Some(c)) => c,
                    Ok(None) => break,
                    // Too many steps: this variant finds nothing more in the note, and the
                    // warning says from where.
                    Err(_) => {
                        let line = lines.line_col(text, at).0;
                        gave_up = Some(gave_up.map_or(line, |g| g.min(line)));
                        break;
                    }
                };
                let Some(m) = c.get(0) else { break };
                at = if m.end() > m.start() { m.end() } else { next_char(text, m.end()) };
                if contained(m.start(), m.end(), &claimed) {
                    continue;
                }
                let mut groups: Vec<String> =
                    (1..c.len()).map(|i| c.get(i).map_or_else(String::new, |g| g.as_str().to_owned())).collect();
                let anchor = if *with_id { groups.pop().and_then(|id| id.parse().ok()) } else { None };
                let tags = if *with_tags {
                    groups.pop().map(|t| blocks::split_tags(t.trim_start_matches("Tags:"))).unwrap_or_default()
                } else {
                    Vec::new()
                };
                let (line, _) = lines.line_col(text, m.start());
                let mut values: Vec<String> = vec![String::new(); fields.len()];
                for (v, g) in values.iter_mut().zip(groups) {
                    *v = g.trim().to_owned();
                }
                let mut card = CardSpec::new(NoteKind::Basic, values, line, Syntax::Regex);
                card.tags = tags;
                card.anchor = anchor;
                card.end_line = lines.line_col(text, m.end().saturating_sub(1).max(m.start())).0;
                let builtin = NoteKind::from_name(&custom.note_type);
                let cloze = custom.note_type.contains("Cloze");
                match builtin {
                    Some(kind)
                        if cx
                            .settings
                            .note_types
                            .known
                            .get(&custom.note_type)
                            .is_none_or(|k| k.fields.len() == kind.fields().len()) =>
                    {
                        card.kind = kind;
                    }
                    _ => {
                        card.custom = Some(Custom {
                            name: custom.note_type.clone(),
                            field_names: fields.clone(),
                            lines: Vec::new(),
                        })
                    }
                }
                let at_ = At { file: cx.file, start_line: line, type_lineno: line };
                let mut diags = Vec::new();
                match typed::finish(card, &custom.note_type, cloze, at_, cx, &mut diags) {
                    Some(card) => {
                        claimed.push((m.start(), m.end()));
                        out.diagnostics.extend(diags);
                        out.cards.push(card);
                    }
                    // A cloze type's match without a deletion was not a card: its text stays free.
                    None if cloze => {}
                    // A match with nothing in its first field is text the regex should not have
                    // matched (a list item, say): Anki cannot add such a note, so the plugin makes
                    // none either. One warning for them all, below.
                    None if diags.iter().any(|d| d.code == Code::CardEmptyFront) => {
                        claimed.push((m.start(), m.end()));
                        let (first, count) = empty.unwrap_or((line, 0));
                        empty = Some((first.min(line), count + 1));
                        out.diagnostics.extend(diags.into_iter().filter(|d| d.code != Code::CardEmptyFront));
                    }
                    None => {
                        claimed.push((m.start(), m.end()));
                        out.diagnostics.extend(diags);
                    }
                }
            }
        }
        if let Some((line, count)) = empty {
            let matches = if count == 1 { "1 match".to_owned() } else { format!("{count} matches") };
            out.diagnostics.push(
                Diagnostic::warning(
                    Code::CardEmptyFront,
                    cx.file,
                    line,
                    1,
                    format!(
                        "{matches} of the custom regex of note type `{}` leave the first field empty: Anki cannot add such a note, so they make no card (the first is here)",
                        custom.note_type
                    ),
                )
                .with_hint("the regex matches text that is no card; make it stricter, so that its first group always holds the question"),
            );
        }
        if let Some(line) = gave_up {
            out.diagnostics.push(
                Diagnostic::warning(
                    Code::CustomRegexInvalid,
                    cx.file,
                    line,
                    1,
                    format!(
                        "custom regex of note type `{}` takes too many steps to search from here; cards it would match after this line may be missing",
                        custom.note_type
                    ),
                )
                .with_hint("a repetition that can match the same text in many ways, such as `(?:[^\\n][\\n]?)+`, makes every search slow; write it so that it matches a text one way only, such as `[^\\n]+(?:\\n[^\\n]+)*`"),
            );
        }
    }
    out
}

fn next_char(text: &str, i: usize) -> usize {
    text.get(i..).and_then(|r| r.chars().next()).map_or(i + 1, |c| i + c.len_utf8())
}

/// The field names of a note type: from the settings, or a built-in type's.
fn fields_of(note_type: &str, cx: Context<'_>) -> Option<Vec<String>> {
    if let Some(k) = cx.settings.note_types.known.get(note_type) {
        return Some(k.fields.clone());
    }
    NoteKind::from_name(note_type).map(|k| k.fields().iter().map(|f| (*f).to_owned()).collect())
}

/// Whether `start..end` lies within a claimed span, with the plugin's one character of leeway.
fn contained(start: usize, end: usize, spans: &[(usize, usize)]) -> bool {
    spans.iter().any(|&(a, b)| start + 1 >= a && end <= b + 1)
}

/// Text no regex may claim: blocks, inline blocks, the deck and tags lines, math and code.
fn ignored_spans(text: &str, cx: Context<'_>) -> Vec<(usize, usize)> {
    let b = &cx.settings.blocks;
    let mut spans = Vec::new();
    let mut offset = 0;
    let mut open: Option<usize> = None;
    let mut deck_seen = false;
    let mut tags_seen = false;
    for line in text.split_inclusive('\n') {
        let t = line.trim_end_matches('\n');
        let trimmed = t.trim();
        if open.is_none() && t.strip_prefix(b.frozen.as_str()).is_some_and(|r| r.starts_with(" - ")) {
            // A FROZEN block: the marker line and the lines under it, up to a blank line.
            let len: usize = text
                .get(offset..)
                .unwrap_or("")
                .split_inclusive('\n')
                .take_while(|l| !l.trim().is_empty())
                .map(str::len)
                .sum();
            spans.push((offset, offset + len));
        }
        match open {
            None if trimmed == b.begin_note => open = Some(offset),
            Some(s) if trimmed == b.end_note => {
                spans.push((s, offset + t.len()));
                open = None;
            }
            _ => {}
        }
        if open.is_none() {
            if let Some(i) = t.find(b.begin_inline.as_str())
                && let Some(j) = t.get(i..).and_then(|r| r.find(b.end_inline.as_str()))
            {
                spans.push((offset + i, offset + i + j + b.end_inline.len()));
            }
            for (key, seen) in [(&b.target_deck, &mut deck_seen), (&b.file_tags, &mut tags_seen)] {
                if !*seen && (t.starts_with(&format!("{key}: ")) || t == key.as_str()) {
                    *seen = true;
                    let next = text.get(offset + line.len()..).and_then(|r| r.split('\n').next()).unwrap_or("");
                    let len = if t == key.as_str() { line.len() + next.len() } else { t.len() };
                    spans.push((offset, offset + len));
                }
            }
        }
        offset += line.len();
    }
    spans.extend(MATH_AND_CODE.find_iter(text).map_while(Result::ok).map(|m| (m.start(), m.end())));
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{Settings, compile_custom};

    fn settings(regexes: &[(&str, &str)]) -> Settings {
        Settings {
            regexes: regexes
                .iter()
                .map(|(t, r)| crate::settings::CustomRegex {
                    note_type: (*t).to_owned(),
                    source: (*r).to_owned(),
                    variants: compile_custom(r).unwrap(),
                })
                .collect(),
            ..Settings::default()
        }
    }

    fn run(text: &str, s: &Settings) -> Scanned {
        scan(text, Context { file: "t.md", settings: s, spaced_repetition: false, obsidian_to_anki: true })
    }

    /// A regex may end its cards with the block end marker (a real vault's `…\nEND$`): that line is
    /// no `END` without a `START`, but one outside every card still is.
    #[test]
    fn an_end_marker_that_ends_a_regex_card_is_not_a_stray_one() {
        let s = settings(&[("Basic", r"^#{3,}(.+)\n*([\s\S]*?)\nEND$")]);
        let text = "### What is RMSNorm?\nA normalization by the root mean square.\nEND\n\nEND\n";
        let lines: Vec<&str> = text.lines().collect();
        let cx = Context { file: "t.md", settings: &s, spaced_repetition: false, obsidian_to_anki: true };
        let out = crate::notes::syntax::scan(text, &lines, 1, cx);
        assert_eq!(out.cards.len(), 1, "{:?}", out.diagnostics);
        assert_eq!(out.cards[0].fields, ["What is RMSNorm?", "A normalization by the root mean square."]);
        let stray: Vec<(usize, bool)> = out
            .diagnostics
            .iter()
            .filter(|d| d.code == crate::diagnostics::Code::BlockUnclosed)
            .map(|d| (d.line, d.is_error()))
            .collect();
        // A warning: no card was begun, and the plugin passes over the line.
        assert_eq!(stray, [(5, false)]);
    }

    /// Two cards of the plugin's suggested `#flashcard` regex, joined by taking out the blank line
    /// between them (a Hungarian vault's SQL notes), are one card, as the plugin reads them: the
    /// first one's ID line is inside it, and the warning says so.
    #[test]
    fn an_id_inside_a_regex_card_says_the_card_runs_on_across_it() {
        let s = settings(&[("Basic", r"((?:[^\n][\n]?)+) #flashcard ?\n*((?:\n(?:^.{1,3}$|^.{4}(?<!<!--).*))+)")]);
        let text = "## Types #flashcard\nCHAR and DATE\n<!--ID: 1698794492447-->\n## Create #flashcard\nCREATE TABLE\n<!--ID: 1698794492448-->\n\n<!--ID: 1698794492449-->\n";
        let lines: Vec<&str> = text.lines().collect();
        let cx = Context { file: "t.md", settings: &s, spaced_repetition: false, obsidian_to_anki: true };
        let out = crate::notes::syntax::scan(text, &lines, 1, cx);
        let cards: Vec<(usize, usize, Option<u64>)> =
            out.cards.iter().map(|c| (c.line, c.end_line, c.anchor)).collect();
        assert_eq!(cards, [(1, 6, Some(1_698_794_492_448))], "{:?}", out.diagnostics);
        let orphans: Vec<(usize, &str)> =
            out.diagnostics.iter().filter(|d| d.code == Code::IdOrphan).map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(
            orphans,
            [
                (
                    3,
                    "ID 1698794492447 belongs to no card: it is inside the card at line 1, which the custom regex of `Basic` reads on across it"
                ),
                (8, "ID 1698794492449 belongs to no card"),
            ]
        );
        // The loose one's hint names the regexes that read no card there.
        let loose = out.diagnostics.iter().find(|d| d.code == Code::IdOrphan && d.line == 8).expect("the loose ID");
        let hint = loose.hint.as_deref().unwrap_or_default();
        assert!(hint.starts_with("no custom regex (`Basic`) nor card block reads a card"), "{hint}");
    }

    /// One card written for both plugins (a Russian vault's regex and spaced-repetition separator
    /// are both a line of `—`) is one card, the regex's; a spaced-repetition card elsewhere stays.
    #[test]
    fn a_card_both_plugins_read_is_one_card() {
        let mut s = settings(&[("Basic", r"((?:[^\n][\n]?)+\n)—{1,}((?:\n(?:^.{1,3}$|^.{4}(?<!<!--).*))*)")]);
        s.spaced_repetition.multi = "—".to_owned();
        let text = "What is a saddle?\n—\nA critical point of mixed curvature.\n<!--ID: 1700000000001-->\n\nTerm::definition\n";
        let lines: Vec<&str> = text.lines().collect();
        let cx = Context { file: "t.md", settings: &s, spaced_repetition: true, obsidian_to_anki: true };
        let out = crate::notes::syntax::scan(text, &lines, 1, cx);
        let cards: Vec<(Syntax, &str)> = out.cards.iter().map(|c| (c.syntax, c.fields[0].as_str())).collect();
        assert_eq!(cards, [(Syntax::Regex, "What is a saddle?"), (Syntax::SpacedRepetition, "Term")]);
        assert_eq!(out.cards[0].anchor, Some(1_700_000_000_001));

        // A card both read with nothing below the separator has an empty back, said once.
        let text = "**A**\n—\n\nTerm::definition\n";
        let lines: Vec<&str> = text.lines().collect();
        let out = crate::notes::syntax::scan(text, &lines, 1, cx);
        let empty: Vec<(usize, Code)> = out.diagnostics.iter().map(|d| (d.line, d.code)).collect();
        assert_eq!(empty, [(1, Code::CardEmptyBack)], "{:?}", out.diagnostics);
        // Its hint speaks of the regex, which has no `Back:` label.
        let hint = out.diagnostics[0].hint.as_deref().unwrap_or_default();
        assert!(hint.contains("the custom regex of `Basic` found no text for the answer"), "{hint}");
    }

    /// Matches that leave the first field empty (a Taiwanese vault's regex for `- question` over an
    /// indented answer also matches `-   item` list lines) are no cards, as Anki cannot add them:
    /// one warning per note and type, with their count, not an error each.
    #[test]
    fn matches_with_an_empty_first_field_are_no_cards_and_one_warning() {
        let s = settings(&[(
            "Basic",
            r"^\- ((?:.+\n)*?)\n*[\t ]+((\- )?.+(?:\n(?:^.{4}(?<!<!--)(?<!\- ..).*))*)(?:\n^$)?",
        )]);
        let text = "- What is a class selector?\n\t`.name`, a dot and the class's name\n\nRules:\n\n-   may use letters\n-   may start with `-`\n";
        let out = run(text, &s);
        assert_eq!(out.cards.len(), 1, "{:?}", out.diagnostics);
        assert_eq!(out.cards[0].fields[0], "What is a class selector?");
        assert_eq!(out.diagnostics.len(), 1, "{:?}", out.diagnostics);
        let d = &out.diagnostics[0];
        assert_eq!((d.code, d.is_error(), d.line), (crate::diagnostics::Code::CardEmptyFront, false, 6));
        assert!(d.message.starts_with("2 matches of the custom regex of note type `Basic`"), "{}", d.message);
    }

    /// A regex whose front can match a paragraph in many ways, as users write them: its searches
    /// are long, but every card keeps the ID the plugin wrote after it.
    #[test]
    fn a_slow_regex_still_finds_every_card_and_its_id() {
        let s = settings(&[("Basic", r"((?:[^\n][\n]?)+) #flashcard ?\n*((?:\n(?:^.{1,3}$|^.{4}(?<!<!--).*))+)")]);
        let mut text = String::from("Notes on descent, not a card.\n\n");
        for i in 0..40 {
            text.push_str(&format!("Why does descent slow near saddle {i}? #flashcard\n"));
            for _ in 0..3 {
                text.push_str(&"The gradient shrinks while the curvature stays mixed, so steps shrink too. ".repeat(3));
                text.push('\n');
            }
            text.push_str(&format!("<!--ID: {}-->\n\n", 1_700_000_000_000_u64 + i));
        }
        let out = run(&text, &s);
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        let ids: Vec<Option<u64>> = out.cards.iter().map(|c| c.anchor).collect();
        assert_eq!(ids, (0..40).map(|i| Some(1_700_000_000_000 + i)).collect::<Vec<_>>());
    }

    /// A regex that backtracks without end gives up after its step limit, says so at its line, and
    /// the scan ends: the note is not a hang. (Its regular part, `a+::`, matches the line of `a`s,
    /// so that line is searched; the look-behind never holds.)
    #[test]
    fn a_regex_that_never_finishes_gives_up_and_says_where() {
        let s = settings(&[("Basic", r"^((?:a|a)+)(?<=b)::(.*)")]);
        let text = format!("intro\n{}::x\nlast::card\n", "a".repeat(60));
        let out = run(&text, &s);
        let warnings: Vec<_> = out.diagnostics.iter().map(|d| (d.code, d.line, d.message.as_str())).collect();
        assert_eq!(
            warnings,
            [(
                Code::CustomRegexInvalid,
                1,
                "custom regex of note type `Basic` takes too many steps to search from here; cards it would match after this line may be missing"
            )]
        );
    }

    #[test]
    fn question_answer_lines_with_ids_and_tags() {
        let s = settings(&[("Basic", r"^Q: (.+)\nA: (.+)\n")]);
        let text = "intro\nQ: What is a saddle?\nA: Mixed curvature.\nTags: opt saddle\n<!--ID: 17-->\n\nQ: two\nA: 2\n<!--ID: 18-->\nQ: three\nA: 3\n\n";
        let out = run(text, &s);
        let got: Vec<_> = out.cards.iter().map(|c| (c.fields.clone(), c.line, c.anchor, c.tags.clone())).collect();
        let f = |a: &str, b: &str| vec![a.to_owned(), b.to_owned()];
        assert_eq!(
            got,
            [
                (f("What is a saddle?", "Mixed curvature."), 2, Some(17), vec!["opt".to_owned(), "saddle".to_owned()]),
                (f("two", "2"), 7, Some(18), vec![]),
                (f("three", "3"), 10, None, vec![]),
            ]
        );
    }

    #[test]
    fn heading_cards_skip_blocks_math_and_earlier_matches() {
        let s = settings(&[
            ("Cloze", r"((?:.+\n)*(?:.*\{\{c\d::.*)(?:\n(?:.+))*)"),
            ("Basic", r"^#+(.+)\n*((?:\n(?:^[^\n#].{0,2}$|^[^\n#].{3}(?<!<!--).*))+)"),
        ]);
        let text =
            "# Saddle\nA point with mixed curvature.\n\n$$\n# not a heading\n$$\n\nThe {{c1::Hessian}} decides.\n";
        let out = run(text, &s);
        let got: Vec<_> = out.cards.iter().map(|c| (c.kind, c.fields[0].clone(), c.line)).collect();
        assert_eq!(
            got,
            [
                (NoteKind::Cloze, "The {{c1::Hessian}} decides.".to_owned(), 8),
                (NoteKind::Basic, "Saddle".to_owned(), 1)
            ]
        );
        assert_eq!(out.cards[1].fields[1], "A point with mixed curvature.");
    }

    #[test]
    fn a_cloze_match_without_deletion_is_released() {
        let s = settings(&[("Cloze", r"^(.*) #card$"), ("Basic", r"^(.*) #card$")]);
        let out = run("plain text #card\n", &s);
        assert_eq!(out.cards.len(), 1);
        assert_eq!(out.cards[0].kind, NoteKind::Basic);
    }
}
