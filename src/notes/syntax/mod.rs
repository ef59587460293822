//! Card syntaxes, one file each, read as the plugins users already have read them:
//!
//! * [`blocks`]: Obsidian_to_Anki `START`/`END` blocks, and the file's `TARGET DECK` / `FILE TAGS`;
//! * [`inline_blocks`]: Obsidian_to_Anki one-line `STARTI [Type] … ENDI`;
//! * [`custom_regex`]: Obsidian_to_Anki custom regex note types;
//! * [`spaced_repetition`]: obsidian-spaced-repetition `::`, `:::`, `?`, `??` and cloze paragraphs;
//! * [`headings`]: a heading as the front, the text under it as the back.
//!
//! [`fields`] reads field labels the way Obsidian_to_Anki does, [`typed`] makes a card of a named
//! note type with the checks every card gets, [`curly_cloze`] turns `{x}` into deletions. Markers and separators come from [`crate::settings`]. Lines inside fenced code
//! blocks are not read as cards, but in an ```` ```anki ```` fence, and but Obsidian_to_Anki's
//! blocks, which that plugin finds in code too.

pub mod blocks;
pub mod cloze_patterns;
pub mod curly_cloze;
pub mod custom_regex;
pub mod fields;
pub mod headings;
pub mod inline_blocks;
pub mod spaced_repetition;
pub mod typed;

use crate::diagnostics::{Code, Diagnostic};
use crate::settings::Settings;

/// The built-in kinds of card, each with fixed fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
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
}

/// Which syntax a card was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Syntax {
    /// An Obsidian_to_Anki `START`/`END` block.
    Block,
    /// An Obsidian_to_Anki `STARTI … ENDI` line.
    InlineBlock,
    /// An Obsidian_to_Anki custom regex.
    Regex,
    /// An obsidian-spaced-repetition card.
    SpacedRepetition,
    /// A heading card.
    Heading,
}

impl Syntax {
    /// The short name the build summary uses.
    pub fn label(self) -> &'static str {
        match self {
            Syntax::Block => "blocks",
            Syntax::InlineBlock => "inline blocks",
            Syntax::Regex => "regex",
            Syntax::SpacedRepetition => "spaced-repetition",
            Syntax::Heading => "headings",
        }
    }
}

/// A card as written in a note, before rendering.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CardSpec {
    /// The card's kind.
    pub kind: NoteKind,
    /// Field markdown in the note type's field order.
    pub fields: Vec<String>,
    /// The 1-based line where each field starts (0 for an absent field).
    pub field_lines: Vec<usize>,
    /// Tags from the card's own `Tags:` line.
    pub tags: Vec<String>,
    /// The number of an `<!--ID: n-->` line, which anchors the card's identity.
    pub anchor: Option<u64>,
    /// The 1-based line where the card starts.
    pub line: usize,
    /// The 1-based line where it ends: `#tags` on its lines are its own, not the note's.
    pub end_line: usize,
    /// The syntax it was written in.
    pub syntax: Syntax,
    /// For a note type that is not built in: its name and field names.
    pub custom: Option<Custom>,
    /// Markdown to append to fields by name, after the fields are known: Obsidian_to_Anki's
    /// context and file link.
    pub append: Vec<(String, String)>,
    /// Its own deck, when it is not the note's: a spaced-repetition card under a flashcard subtag
    /// (see the README's obsidian-spaced-repetition section).
    pub deck: Option<String>,
}

impl CardSpec {
    /// The name of the card's note type.
    pub fn type_name(&self) -> &str {
        self.custom.as_ref().map_or_else(|| self.kind.name(), |c| c.name.as_str())
    }

    /// The names of the card's fields, once they are known.
    pub fn field_names(&self) -> Vec<String> {
        match &self.custom {
            Some(c) => c.field_names.clone(),
            None => self.kind.fields().iter().map(|f| (*f).to_owned()).collect(),
        }
    }

    /// A card of a built-in kind.
    pub fn new(kind: NoteKind, fields: Vec<String>, line: usize, syntax: Syntax) -> Self {
        CardSpec {
            kind,
            field_lines: vec![line; fields.len()],
            fields,
            tags: Vec::new(),
            anchor: None,
            line,
            end_line: line,
            syntax,
            custom: None,
            append: Vec::new(),
            deck: None,
        }
    }
}

/// A card of a note type that is not built in.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Custom {
    /// The note type's name.
    pub name: String,
    /// The names of `CardSpec::fields`. Empty while the type's fields are still to be inferred
    /// from the whole vault; `lines` then holds the block's content.
    pub field_names: Vec<String>,
    /// The block's content lines (1-based line, text) while the fields are unknown.
    pub lines: Vec<(usize, String)>,
}

/// What the card syntaxes found in a note.
#[derive(Debug, Default)]
pub struct Scanned {
    /// The cards, in order.
    pub cards: Vec<CardSpec>,
    /// `TARGET DECK`, if given.
    pub target_deck: Option<String>,
    /// The line of the `TARGET DECK` setting.
    pub target_deck_line: usize,
    /// `FILE TAGS`, if given.
    pub file_tags: Vec<String>,
    /// Problems found.
    pub diagnostics: Vec<Diagnostic>,
    /// `<!--ID: n-->` lines outside any block: (line, id). Custom regex cards claim some.
    pub loose_ids: Vec<(usize, u64)>,
    /// Lines holding only the end marker outside any block. Custom regex cards claim some (a
    /// regex may end its cards with it, `…\nEND$`); the rest are errors.
    pub stray_ends: Vec<usize>,
    /// Lines that look like spaced-repetition cards in a note without the flashcard tag.
    pub untagged_cards: Vec<usize>,
    /// `FROZEN - Type:` blocks: the type, and (field, text) to append to its cards.
    pub frozen: Vec<(String, Vec<(String, String)>)>,
}

/// What a note's scan needs to know.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The note's vault-relative path.
    pub file: &'a str,
    /// The vault's settings.
    pub settings: &'a Settings,
    /// The note carries a flashcard tag, so the spaced-repetition syntaxes apply.
    pub spaced_repetition: bool,
    /// The note is in Obsidian_to_Anki's scan directory and not ignored, so its syntaxes apply.
    pub obsidian_to_anki: bool,
}

/// Reads every card syntax in a note. `lines` is the body (`first_line` the 1-based number of
/// `lines[0]`); `text` is the whole note, which custom regexes run over.
pub fn scan(text: &str, lines: &[&str], first_line: usize, cx: Context<'_>) -> Scanned {
    let mut out = blocks::scan(lines, first_line, cx);
    if !cx.settings.regexes.is_empty() && cx.obsidian_to_anki {
        let regex = custom_regex::scan(text, cx);
        out.stray_ends.retain(|line| !regex.cards.iter().any(|c| (c.line..=c.end_line).contains(line)));
        let claimed: Vec<u64> = regex.cards.iter().filter_map(|c| c.anchor).collect();
        out.loose_ids.retain(|(_, id)| !claimed.contains(id));
        // A vault may write one card for both plugins (a custom regex and the spaced-repetition
        // separator on the same lines): it is one card, the regex's, which Obsidian_to_Anki put
        // in Anki. What the other reading found wrong with it (an empty back) is said once, by
        // the regex's reading.
        let spans: Vec<(usize, usize)> = regex.cards.iter().map(|c| (c.line, c.end_line)).collect();
        let held = |line: usize| spans.iter().any(|&(a, b)| (a..=b).contains(&line));
        out.cards.retain(|c| {
            c.syntax != Syntax::SpacedRepetition || !spans.iter().any(|&(a, b)| c.line <= b && a <= c.end_line)
        });
        out.diagnostics.retain(|d| !(matches!(d.code, Code::CardEmptyBack | Code::CardEmptyFront) && held(d.line)));
        out.diagnostics.extend(regex.diagnostics);
        out.cards.extend(regex.cards);
        out.cards.sort_by_key(|c| c.line);
    }
    let b = &cx.settings.blocks;
    // A warning, not an error: no card was begun, and Obsidian_to_Anki passes over the line. It
    // is worth a look only where a card's START was lost or misspelt.
    for &line in &out.stray_ends {
        out.diagnostics.push(
            Diagnostic::warning(
                Code::BlockUnclosed,
                cx.file,
                line,
                1,
                format!("{} without a {}: no card block is open here", b.end_note, b.begin_note),
            )
            .with_hint(format!(
                "a card block opens with a line that holds only {}; if the lines above are no card, delete the {} line",
                b.begin_note, b.end_note
            )),
        );
    }
    blocks::apply_frozen(&mut out);
    // Anki numbers deletions from 1; a number it cannot make a card of leaves the card out.
    let file = cx.file;
    let diags = &mut out.diagnostics;
    out.cards.retain(|card| match bad_cloze_number(card) {
        Some(n) => {
            diags.push(
                Diagnostic::error(
                    Code::ClozeOutOfRange,
                    file,
                    card.line,
                    1,
                    format!("cloze number {n} is out of range: Anki numbers deletions 1 to {MAX_CLOZE}"),
                )
                .with_hint("write {{c1::…}}, {{c2::…}}, …; the card was left out"),
            );
            false
        }
        None => true,
    });
    for (line, id) in &out.loose_ids {
        // A custom regex's card that runs on across an ID line: two cards the plugin once made
        // apart, since joined (a blank line between them taken out). The plugin updates the
        // joined card by its own ID, and the Anki note of this one no more.
        let across = out.cards.iter().find(|c| c.syntax == Syntax::Regex && c.line < *line && *line <= c.end_line);
        let diagnostic = match across {
            Some(card) => Diagnostic::warning(
                Code::IdOrphan,
                cx.file,
                *line,
                1,
                format!(
                    "ID {id} belongs to no card: it is inside the card at line {}, which the custom regex of `{}` reads on across it",
                    card.line,
                    card.type_name()
                ),
            )
            .with_hint(
                "end the card above with this ID line, such as by a blank line after it (the regexes the plugin suggests end a card at one); delete the line if its card is gone",
            ),
            // A vault kept in git often leaves `.obsidian/` out: the regexes that read its cards
            // are then not here to read them.
            None if cx.settings.regexes.is_empty() && !cx.settings.read_obsidian_to_anki() => {
                Diagnostic::warning(Code::IdOrphan, cx.file, *line, 1, format!("ID {id} belongs to no card"))
                    .with_hint(format!(
                        "an ID line goes inside its card's block, before the end marker; no Obsidian_to_Anki settings were found (`{}`): if a custom regex of the plugin read this card, put that file in the vault; delete the line if the card is gone",
                        crate::settings::obsidian_to_anki::PATH
                    ))
            }
            None if cx.settings.regexes.is_empty() => {
                Diagnostic::warning(Code::IdOrphan, cx.file, *line, 1, format!("ID {id} belongs to no card"))
                    .with_hint("an ID line goes inside its card's block, before the end marker; delete it if the card is gone")
            }
            // With custom regexes, an ID the plugin wrote after a match the regexes no longer
            // make (a regex changed since) is the likeliest.
            None => Diagnostic::warning(Code::IdOrphan, cx.file, *line, 1, format!("ID {id} belongs to no card"))
                .with_hint(format!(
                    "no custom regex ({}) nor card block reads a card that this line ends: if a regex changed since the plugin wrote the ID, the card stays in Anki but is no longer updated; delete the line if the card is gone",
                    cx.settings.regexes.iter().map(|r| format!("`{}`", r.note_type)).collect::<Vec<_>>().join(", ")
                )),
        };
        out.diagnostics.push(diagnostic);
    }
    out
}

/// The highest cloze number a card may use.
const MAX_CLOZE: u64 = 500;

/// A `{{cN::` number of the card outside 1 to [`MAX_CLOZE`], if any.
fn bad_cloze_number(card: &CardSpec) -> Option<String> {
    card.fields.iter().find_map(|f| {
        f.match_indices("{{c").find_map(|(i, _)| {
            let digits: String = f.get(i + 3..)?.chars().take_while(char::is_ascii_digit).collect();
            let ok = f.get(i + 3 + digits.len()..)?.starts_with("::");
            (ok && !digits.is_empty() && digits.parse::<u64>().map_or(true, |n| n == 0 || n > MAX_CLOZE))
                .then_some(digits)
        })
    })
}

/// The `{{cN::` deletions in `text`.
pub fn has_cloze(text: &str) -> bool {
    let b = text.as_bytes();
    text.match_indices("{{c").any(|(i, _)| {
        let digits = b.get(i + 3..).unwrap_or_default().iter().take_while(|c| c.is_ascii_digit()).count();
        digits > 0 && b.get(i + 3 + digits..i + 5 + digits) == Some(b"::")
    })
}
