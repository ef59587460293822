//! `studygen.toml` at the vault root. Every key is optional; a key that is set overrides what the
//! plugins' own settings say.
//!
//! ```toml
//! deck = "Deep learning"        # the root deck (default: the vault folder's name)
//! tags = ["course"]             # tags added to every card
//!
//! [blocks]                      # Obsidian_to_Anki syntax (default: the plugin's data.json, if any)
//! curly_cloze = true            # {x} in a Cloze type becomes {{c1::x}}
//! highlights_to_clozes = true   # with curly_cloze: ==x== becomes a deletion too
//! add_obsidian_tags = true      # #tags inside a card's fields become that card's tags
//! begin_note = "START"          # and end_note, begin_inline, end_inline, target_deck, file_tags
//!
//! [spaced_repetition]
//! tags = ["flashcards"]         # notes need one of these tags for `::`, `?` and cloze cards; [] = every note
//! separator = "::"              # and reversed_separator, multiline_separator, multiline_reversed_separator
//! highlight_clozes = true       # a paragraph with ==highlights== is a cloze card (also bold_clozes, curly_clozes)
//!
//! [headings]
//! level = 2                     # notes with `cards: headings` in frontmatter: this heading level is a front
//!
//! [note_types]
//! create_unknown = true         # a type studygen does not know is made from its blocks' field labels
//! map = { "Básico" = "Basic" }  # read one type name as another
//! [note_types.declare."FIT-Card"]
//! fields = ["Front", "Back", "Mnemonic"]
//! cloze = false
//!
//! [lints]
//! unresolved_links = "info"     # "allow", "info" (never fails), "warn" or "error"
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostics::{Code, Diagnostic, LineIndex};

/// The file name.
pub const FILE: &str = "studygen.toml";

/// The whole file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The root deck.
    pub deck: Option<String>,
    /// Tags for every card.
    pub tags: Vec<String>,
    /// Obsidian_to_Anki syntax.
    pub blocks: Blocks,
    /// obsidian-spaced-repetition syntaxes.
    pub spaced_repetition: SpacedRepetition,
    /// Heading-as-front cards.
    pub headings: Headings,
    /// Note types beyond the built-in ones.
    pub note_types: NoteTypes,
    /// How loud some checks are.
    pub lints: Lints,
}

/// Obsidian_to_Anki settings; each overrides the plugin's `data.json`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Blocks {
    /// `{x}` deletions in Cloze types.
    pub curly_cloze: Option<bool>,
    /// `==x==` deletions in Cloze types (with `curly_cloze`).
    pub highlights_to_clozes: Option<bool>,
    /// `#tags` in fields become the card's tags.
    pub add_obsidian_tags: Option<bool>,
    /// The block start marker.
    pub begin_note: Option<String>,
    /// The block end marker.
    pub end_note: Option<String>,
    /// The inline block start marker.
    pub begin_inline: Option<String>,
    /// The inline block end marker.
    pub end_inline: Option<String>,
    /// The deck line's keyword.
    pub target_deck: Option<String>,
    /// The file tags line's keyword.
    pub file_tags: Option<String>,
}

/// Note types the vault's blocks name.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NoteTypes {
    /// Whether a type studygen does not know is created from its blocks (else it is an error).
    pub create_unknown: Option<bool>,
    /// Type names read as other names, such as `"Básico" = "Basic"`.
    pub map: BTreeMap<String, String>,
    /// Types with fixed fields, by name.
    pub declare: BTreeMap<String, Declared>,
}

/// A declared note type.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Declared {
    /// Its fields, in order; the first is the one a block's first lines fill.
    pub fields: Vec<String>,
    /// Whether it is a cloze type.
    #[serde(default)]
    pub cloze: bool,
}

/// obsidian-spaced-repetition settings; each overrides the plugin's `data.json`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SpacedRepetition {
    /// One tag (without `#`) a note needs; `""` means every note. Kept for older files: `tags` is the list.
    pub tag: Option<String>,
    /// The tags (with or without `#`) a note needs, any one of them; empty means every note.
    pub tags: Option<Vec<String>>,
    /// Notes with one of these tags are skipped.
    pub ignore_tags: Option<Vec<String>>,
    /// `question::answer`.
    pub separator: Option<String>,
    /// `question:::answer`.
    pub reversed_separator: Option<String>,
    /// The `?` line.
    pub multiline_separator: Option<String>,
    /// The `??` line.
    pub multiline_reversed_separator: Option<String>,
    /// A line that ends a multi-line card ("" = a blank line does).
    pub multiline_end: Option<String>,
    /// Whether paragraphs with `==highlights==` become cloze cards.
    pub highlight_clozes: Option<bool>,
    /// Whether `**bold**` marks cloze deletions.
    pub bold_clozes: Option<bool>,
    /// Whether `{{curly}}` marks cloze deletions.
    pub curly_clozes: Option<bool>,
}

impl SpacedRepetition {
    /// Whether the table sets anything.
    pub fn is_set(&self) -> bool {
        let SpacedRepetition {
            tag,
            tags,
            ignore_tags,
            separator,
            reversed_separator,
            multiline_separator,
            multiline_reversed_separator,
            multiline_end,
            highlight_clozes,
            bold_clozes,
            curly_clozes,
        } = self;
        [tag, separator, reversed_separator, multiline_separator, multiline_reversed_separator, multiline_end]
            .iter()
            .any(|v| v.is_some())
            || tags.is_some()
            || ignore_tags.is_some()
            || [highlight_clozes, bold_clozes, curly_clozes].iter().any(|v| v.is_some())
    }
}

/// Settings of heading-as-front cards.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Headings {
    /// The heading level (1–6) whose headings become fronts.
    pub level: usize,
}

impl Default for Headings {
    fn default() -> Self {
        Headings { level: 2 }
    }
}

/// The level of a check that users choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Not reported.
    Allow,
    /// Reported as information, which never fails a run.
    #[default]
    Info,
    /// A warning: fails under `--deny-warnings`.
    Warn,
    /// An error.
    Error,
}

/// How loud some checks are.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Lints {
    /// Links to notes that do not exist (yet): reported once per target.
    pub unresolved_links: Level,
}

/// Parses the text of `studygen.toml`.
pub fn parse(text: &str) -> Result<Config, Diagnostic> {
    let config: Config = toml::from_str(text).map_err(|e| {
        let (line, col) = e.span().map_or((1, 1), |s| LineIndex::new(text).line_col(text, s.start));
        Diagnostic::error(
            Code::SettingsInvalid,
            FILE,
            line,
            col,
            format!("studygen.toml is not valid: {}", e.message()),
        )
        .with_hint("the tables are [blocks], [spaced_repetition], [headings], [note_types] and [lints]; see the README")
    })?;
    if !(1..=6).contains(&config.headings.level) {
        return Err(Diagnostic::error(
            Code::SettingsInvalid,
            FILE,
            1,
            1,
            "studygen.toml: [headings] level must be 1 to 6",
        ));
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_errors_with_their_line() {
        let c = parse("deck = \"D\"\n[spaced_repetition]\ntag = \"\"\n").unwrap();
        assert_eq!((c.deck.as_deref(), c.spaced_repetition.tag.as_deref()), (Some("D"), Some("")));
        let e = parse("deck = \"D\"\ncolour = 1\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("colour"), "{}", e.message);
        let c = parse("[lints]\nunresolved_links = \"warn\"\n").unwrap();
        assert_eq!(c.lints.unresolved_links, Level::Warn);
    }
}
