//! Cards: a note's card specs rendered into Anki fields, with deck, tags, media and identity.

mod fields;
pub mod identity;
pub mod notetypes;
mod short_hash;
pub mod sync_copies;

pub use fields::{Fields, Held, Source, Unreadable};

use crate::diagnostics::Code;
use crate::markdown::{self, Resolve, Style};
use crate::notes::{self, Note, NoteKind};
use crate::templates::Templates;

/// A field's HTML, shared where cards have the same (the `Source` field of a note's cards).
pub type Field = std::sync::Arc<str>;

/// A card ready for output: one Anki note.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// Its kind, which picks the note type.
    pub kind: NoteKind,
    /// Field HTML in the note type's order, `Source` last (shared by the note's cards); a card
    /// the build cache gave may hold them there until they are read ([`Card::fields`]).
    pub fields: Fields,
    /// The full deck name (`A::B`), shared by the note's cards.
    pub deck: std::sync::Arc<str>,
    /// Anki tags: the note's, shared by its cards, unless the card adds its own.
    pub tags: std::sync::Arc<[String]>,
    /// Packed media the fields use.
    pub media: Vec<String>,
    /// The note it came from (vault-relative path), shared by the note's cards.
    pub note: std::sync::Arc<str>,
    /// The 1-based line it starts on.
    pub line: usize,
    /// `<!--ID: n-->`, if the card has one.
    pub anchor: Option<u64>,
    /// The hashes identity matches the card by, made with it.
    pub keys: identity::Keys,
    /// The cloze numbers its fields but `Source` use, sorted and unique, found with its keys: the
    /// collection's card rows and the count of Anki cards need them, and every search of the
    /// fields for them is a trip through memory the card's fields no longer sit in.
    pub cloze: Vec<u32>,
    /// Anki's GUID, set by [`identity::assign`].
    pub guid: String,
    /// The note's modification time in seconds, set by [`identity::assign`].
    pub modified: i64,
    /// For a note type that is not built in: its name and the field names, which
    /// [`notetypes::models`] puts in the type's order.
    pub custom: Option<Box<crate::notes::syntax::Custom>>,
    /// The syntax the card was written in.
    pub syntax: crate::notes::Syntax,
}

impl Card {
    /// The card with its [`identity::Keys`], for a front and back written `front` and `back`, and
    /// its cloze numbers: for a card just made, whose fields are here (not held in the cache).
    pub fn with_keys(mut self, front: &str, back: &str) -> Card {
        let made = self.fields.get().ok().map(|f| (identity::Keys::of(&self, f, front, back), cloze_numbers(f)));
        if let Some((keys, cloze)) = made {
            (self.keys, self.cloze) = (keys, cloze);
        }
        self
    }

    /// Its fields, read back from the build cache first if they are held there.
    pub fn fields(&self) -> Result<&[Field], Unreadable> {
        self.fields.get()
    }

    /// The name of the card's note type.
    pub fn type_name(&self) -> &str {
        self.custom.as_ref().map_or_else(|| notetypes::for_kind(self.kind).name, |c| c.name.as_str())
    }

    /// Cloze numbers used in any field but `Source` (for cloze cards), sorted and unique.
    pub fn cloze_numbers(&self) -> &[u32] {
        &self.cloze
    }
}

/// The cloze numbers used in any of `fields` but the last (`Source`), sorted and unique.
fn cloze_numbers(fields: &[Field]) -> Vec<u32> {
    let fields = fields.get(..fields.len().saturating_sub(1)).unwrap_or_default();
    let mut n: Vec<u32> = fields.iter().flat_map(|f| cloze_numbers_in(f)).collect();
    n.sort_unstable();
    n.dedup();
    n
}

/// The number of every `{{cN::` in `text` (N in decimal digits, as a `u32`), in order. A plain
/// search rather than a regex: it runs over every cloze card's fields twice per build.
fn cloze_numbers_in(text: &str) -> impl Iterator<Item = u32> + '_ {
    const OPEN: &[u8] = b"{{c";
    memchr::memmem::find_iter(text.as_bytes(), OPEN).filter_map(|at| {
        let rest = text.as_bytes().get(at + OPEN.len()..)?;
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        let (number, after) = rest.split_at(digits);
        if after.starts_with(b"::") { std::str::from_utf8(number).ok()?.parse().ok() } else { None }
    })
}

/// Two cards with the same front in one deck: a warning at the second, naming the first.
pub fn duplicates(cards: &[Card]) -> Vec<crate::diagnostics::Diagnostic> {
    use std::collections::hash_map::{Entry, HashMap};
    // The first card of each front, by the front's hash alone; a card with that front in another
    // deck or of another type is looked up by all three (rare).
    let mut by_front: HashMap<identity::ShortHash, &Card, identity::BuildSpread> =
        HashMap::with_capacity_and_hasher(cards.len(), identity::BuildSpread::default());
    let mut others: HashMap<(&str, &str, identity::ShortHash), &Card> = HashMap::new();
    let mut diags = Vec::new();
    for card in cards {
        if card.keys.empty_front() {
            continue;
        }
        let earlier = match by_front.entry(card.keys.front) {
            Entry::Vacant(v) => {
                v.insert(card);
                None
            }
            Entry::Occupied(o) if o.get().deck == card.deck && o.get().type_name() == card.type_name() => {
                Some(*o.get())
            }
            Entry::Occupied(_) => match others.entry((&*card.deck, card.type_name(), card.keys.front)) {
                Entry::Vacant(v) => {
                    v.insert(card);
                    None
                }
                Entry::Occupied(o) => Some(*o.get()),
            },
        };
        if let Some(first) = earlier {
            diags.push(
                crate::diagnostics::Diagnostic::warning(
                    Code::CardDuplicate,
                    &card.note,
                    card.line,
                    1,
                    format!("duplicate card: the same front as {}:{} in deck `{}`", first.note, first.line, card.deck),
                )
                .with_hint(sync_copies::hint(&first.note, &card.note).unwrap_or_else(|| {
                    "merge the two cards, or make the fronts differ; both are in the deck".to_owned()
                })),
            );
        }
    }
    diags
}

/// Renders every card of `note`.
pub fn render(note: &Note, templates: &Templates, vault: &dyn Resolve) -> anyhow::Result<Vec<Card>> {
    let url = markdown::obsidian_url(vault.vault_name(), note.obsidian_path.trim_end_matches(".md"));
    let source: Field = templates.source(&note.path, &url)?.into();
    let mut cards = Vec::with_capacity(note.cards.len());
    let mut note_tags = note.tags.clone();
    notes::dedup_keep_order(&mut note_tags);
    let note_tags: std::sync::Arc<[String]> = note_tags.into();
    let (deck, path): (std::sync::Arc<str>, std::sync::Arc<str>) =
        (note.deck.as_str().into(), note.path.as_str().into());
    for spec in &note.cards {
        let style = Style {
            cloze: spec.kind == NoteKind::Cloze,
            dollar_math_only: spec.syntax == notes::Syntax::SpacedRepetition,
        };
        let mut fields = Vec::with_capacity(spec.fields.len() + 1);
        let mut media = Vec::new();
        let mut field_md: Vec<std::borrow::Cow<'_, str>> = spec.fields.iter().map(|f| f.as_str().into()).collect();
        if !spec.append.is_empty() {
            let names = spec.field_names();
            for (name, text) in &spec.append {
                let i = names.iter().position(|n| n == name).unwrap_or(0);
                if let Some(f) = field_md.get_mut(i) {
                    f.to_mut().push_str(text);
                }
            }
        }
        for md in &field_md {
            let md: &str = md;
            // Math inside a field with deletions keeps `}}` apart, so Anki's cloze parser does not end early.
            let style = Style { cloze: style.cloze && crate::notes::syntax::has_cloze(md), ..style };
            let r = markdown::render(md, style, vault);
            fields.push(Field::from(r.html));
            media.extend(r.media);
        }
        fields.push(source.clone());
        let tags = if spec.tags.is_empty() {
            note_tags.clone()
        } else {
            let mut tags = note.tags.clone();
            tags.extend(spec.tags.iter().map(|t| notes::anki_tag(t)));
            notes::dedup_keep_order(&mut tags);
            tags.into()
        };
        media.sort();
        media.dedup();
        let (front, back) =
            (spec.fields.first().map_or("", String::as_str), spec.fields.get(1).map_or("", String::as_str));
        let card = Card {
            kind: spec.kind,
            fields: fields.into(),
            deck: spec.deck.as_deref().map_or_else(|| deck.clone(), Into::into),
            tags,
            media,
            note: path.clone(),
            line: spec.line,
            anchor: spec.anchor,
            keys: identity::Keys::default(),
            cloze: Vec::new(),
            guid: String::new(),
            modified: 0,
            custom: spec.custom.clone().map(Box::new),
            syntax: spec.syntax,
        };
        cards.push(card.with_keys(front, back));
    }
    Ok(cards)
}

/// A Basic card of `note` in deck `D` on line 1, with this front and back and their keys: the card
/// tests start from.
#[cfg(test)]
pub(crate) fn sample(note: &str, front: &str, back: &str) -> Card {
    Card {
        kind: NoteKind::Basic,
        fields: vec![Field::from(front), back.into(), note.into()].into(),
        deck: "D".into(),
        tags: Default::default(),
        media: vec![],
        note: note.into(),
        line: 1,
        anchor: None,
        keys: identity::Keys::default(),
        cloze: Vec::new(),
        guid: String::new(),
        modified: 0,
        custom: None,
        syntax: crate::notes::Syntax::Block,
    }
    .with_keys(front, back)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The plain search finds what the pattern `\{\{c(\d+)::` finds, whatever the text.
        #[test]
        fn cloze_numbers_are_those_the_pattern_finds(text in "([{}c:0-9١x]|::|\\{\\{c){0,40}") {
            let pattern = regex::Regex::new(r"\{\{c(\d+)::").unwrap();
            let expected: Vec<u32> =
                pattern.captures_iter(&text).filter_map(|c| c.get(1)?.as_str().parse().ok()).collect();
            proptest::prop_assert_eq!(cloze_numbers_in(&text).collect::<Vec<_>>(), expected);
        }
    }

    #[test]
    fn cloze_numbers_are_sorted_unique_and_leave_out_the_source() {
        let card =
            sample("{{c3::x}}", "{{c2::a}} {{c10::b}} {{c2::c}} {{c::d}} {{c4:e}}", "{{c1::f}} {{c99999999999::g}}");
        assert_eq!(card.cloze_numbers(), [1, 2, 10]);
    }

    fn card(deck: &str, front: &str, line: usize) -> Card {
        Card { deck: deck.into(), line, ..sample("n.md", front, "b") }
    }

    /// A card is a duplicate of the first card with its front in its deck, whichever decks the
    /// cards between them are in; an empty front is no card's duplicate.
    #[test]
    fn duplicates_are_the_same_front_in_the_same_deck() {
        let cards = [
            card("D", "q", 1),
            card("E", "q", 2),
            card("E", " q ", 3),
            card("D", "q", 4),
            card("D", "other", 5),
            card("D", "", 6),
            card("D", "", 7),
        ];
        let found: Vec<(usize, String)> = duplicates(&cards).into_iter().map(|d| (d.line, d.message)).collect();
        assert_eq!(
            found,
            [
                (3, "duplicate card: the same front as n.md:2 in deck `E`".to_owned()),
                (4, "duplicate card: the same front as n.md:1 in deck `D`".to_owned()),
            ]
        );
    }
}
