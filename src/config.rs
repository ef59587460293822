//! The vault's configuration: `studygen.toml` at the vault root. Every key is optional.
//!
//! ```toml
//! deck = "Deep learning"        # the root deck (default: the vault folder's name)
//! tags = ["course"]             # tags added to every card
//!
//! [spaced_repetition]
//! tag = "flashcards"            # notes need this tag for `::`, `?` and `==cloze==` cards; "" = every note
//! highlight_clozes = true       # in those notes, a paragraph with ==highlights== is a cloze card
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
//! ```

use std::path::Path;

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, LineIndex};

/// The file name.
pub const FILE: &str = "studygen.toml";

/// The whole configuration.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The root deck.
    pub deck: Option<String>,
    /// Tags for every card.
    pub tags: Vec<String>,
    /// obsidian-spaced-repetition syntaxes.
    pub spaced_repetition: SpacedRepetition,
    /// Heading-as-front cards.
    pub headings: Headings,
    /// Note types beyond the built-in ones.
    pub note_types: NoteTypes,
}

/// Note types the vault's blocks name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NoteTypes {
    /// Whether a type studygen does not know is created from its blocks (else it is an error).
    pub create_unknown: bool,
    /// Type names read as other names, such as `"Básico" = "Basic"`.
    pub map: BTreeMap<String, String>,
    /// Types with fixed fields, by name.
    pub declare: BTreeMap<String, Declared>,
}

impl Default for NoteTypes {
    fn default() -> Self {
        NoteTypes { create_unknown: true, map: BTreeMap::new(), declare: BTreeMap::new() }
    }
}

/// A declared note type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Declared {
    /// Its fields, in order; the first is the one a block's first lines fill.
    pub fields: Vec<String>,
    /// Whether it is a cloze type.
    #[serde(default)]
    pub cloze: bool,
}

/// Settings of the obsidian-spaced-repetition syntaxes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SpacedRepetition {
    /// The tag (without `#`) a note needs for these syntaxes; empty means every note.
    pub tag: String,
    /// Whether paragraphs with `==highlights==` become cloze cards.
    pub highlight_clozes: bool,
}

impl Default for SpacedRepetition {
    fn default() -> Self {
        SpacedRepetition { tag: "flashcards".into(), highlight_clozes: true }
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

/// Reads `studygen.toml` from `vault`; an absent file is the default configuration.
pub fn load(vault: &Path) -> Result<Config, Diagnostic> {
    let Ok(text) = std::fs::read_to_string(vault.join(FILE)) else {
        return Ok(Config::default());
    };
    let config: Config = toml::from_str(&text).map_err(|e| {
        let (line, col) = e.span().map_or((1, 1), |s| LineIndex::new(&text).line_col(&text, s.start));
        Diagnostic::error(FILE, line, col, format!("studygen.toml is not valid: {}", e.message()))
            .with_hint("the keys are deck, tags, [spaced_repetition] tag and highlight_clozes, [headings] level, [note_types] create_unknown, map and declare")
    })?;
    if !(1..=6).contains(&config.headings.level) {
        return Err(Diagnostic::error(FILE, 1, 1, "studygen.toml: [headings] level must be 1 to 6"));
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_errors_with_their_line() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()).unwrap().spaced_repetition.tag, "flashcards");
        std::fs::write(dir.path().join(FILE), "deck = \"D\"\n[spaced_repetition]\ntag = \"\"\n").unwrap();
        let c = load(dir.path()).unwrap();
        assert_eq!((c.deck.as_deref(), c.spaced_repetition.tag.as_str()), (Some("D"), ""));
        std::fs::write(dir.path().join(FILE), "deck = \"D\"\ncolour = 1\n").unwrap();
        let e = load(dir.path()).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("colour"), "{}", e.message);
    }
}
