//! How a note's cards are written in the cache: what its cards have alike (the note's path, its
//! deck, its tags and the `Source` field) is written once, with the first card, and the others
//! say only where they differ. A note's entry is then smaller and quicker to decode, and the cards
//! decoded share those values as the cards [`crate::cards::render`] made did.

use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::cards::{Card, Field, Fields, Held, identity};
use crate::notes::{NoteKind, Syntax, syntax::Custom};

/// A card as written: `None` where it has the previous card's value. Its text borrows: from the
/// cards when written, and from the entry's bytes when read, so that each string is copied once,
/// into the card.
#[derive(Serialize, Deserialize)]
pub(super) struct Wire<'a> {
    kind: NoteKind,
    /// The fields but the last (`Source`).
    #[serde(borrow)]
    fields: Vec<Text<'a>>,
    #[serde(borrow)]
    last: Last<'a>,
    #[serde(borrow)]
    deck: Option<&'a str>,
    #[serde(borrow)]
    tags: Option<Vec<&'a str>>,
    #[serde(borrow)]
    note: Option<&'a str>,
    media: Vec<String>,
    line: usize,
    anchor: Option<u64>,
    keys: identity::Keys,
    cloze: Vec<u32>,
    guid: &'a str,
    modified: i64,
    custom: Option<Box<Custom>>,
    syntax: Syntax,
}

/// A card's last field (`Source`), against the previous card's.
#[derive(Serialize, Deserialize)]
enum Last<'a> {
    /// The card has no fields.
    None,
    /// The previous card's.
    Same,
    /// Its own.
    Own(#[serde(borrow)] Text<'a>),
}

/// A field's text, written as a string is: read, it is checked to be UTF-8 only when it is
/// copied into a card, so that the fields a build leaves in the cache are not looked at.
#[derive(Clone, Copy)]
pub(super) struct Text<'a>(&'a [u8]);

impl Serialize for Text<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Postcard writes bytes as it writes a string: their length, then them.
        s.serialize_bytes(self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <&'de [u8]>::deserialize(d).map(Text)
    }
}

impl<'a> From<&'a str> for Text<'a> {
    fn from(s: &'a str) -> Self {
        Text(s.as_bytes())
    }
}

impl Text<'_> {
    /// The text as a field.
    fn field(self) -> Result<Field, &'static str> {
        std::str::from_utf8(self.0).map(Field::from).map_err(|_| "a field in the cache is not UTF-8")
    }
}

/// Writes `cards` (one note's).
pub(super) fn serialize<S: Serializer>(cards: &[Card], s: S) -> Result<S::Ok, S::Error> {
    let mut wires = Vec::with_capacity(cards.len());
    let mut before: Option<(&Card, &[Field])> = None;
    for c in cards {
        let fields = c.fields().map_err(serde::ser::Error::custom)?;
        let (last, rest) = match fields.split_last() {
            None => (Last::None, &[][..]),
            Some((last, rest)) if before.and_then(|(_, f)| f.last()) == Some(last) => (Last::Same, rest),
            Some((last, rest)) => (Last::Own(Text::from(&**last)), rest),
        };
        let before_card = before.map(|(b, _)| b);
        wires.push(Wire {
            kind: c.kind,
            fields: rest.iter().map(|f| Text::from(&**f)).collect(),
            last,
            deck: differs(&c.deck, before_card.map(|b| &b.deck)),
            tags: differs(&c.tags, before_card.map(|b| &b.tags)).map(|t| t.iter().map(String::as_str).collect()),
            note: differs(&c.note, before_card.map(|b| &b.note)),
            media: c.media.clone(),
            line: c.line,
            anchor: c.anchor,
            keys: c.keys,
            cloze: c.cloze.clone(),
            guid: &c.guid,
            modified: c.modified,
            custom: c.custom.clone(),
            syntax: c.syntax,
        });
        before = Some((c, fields));
    }
    wires.serialize(s)
}

/// `mine`, unless it is `theirs`.
fn differs<'c, T: ?Sized + PartialEq>(mine: &'c Arc<T>, theirs: Option<&Arc<T>>) -> Option<&'c T> {
    (theirs.map(|t| &**t) != Some(&**mine)).then_some(&**mine)
}

/// Reads what [`serialize`] wrote, from bytes it can borrow from (as [`postcard::from_bytes`]
/// gives): the cards with their fields.
pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Card>, D::Error> {
    cards(Vec::<Wire<'de>>::deserialize(d)?, None).map_err(serde::de::Error::custom)
}

/// The message for a card that leans on a value its note's first card lacks.
const MISSING: &str = "a card of the cache lacks a value its note's first card has";

/// The cards `wires` write. Their fields are copied out of the wires, unless `held` says where
/// they can be read back from later: then only a card of a type that is not built in gets its
/// fields now (the note types are made from them; see [`crate::cards::notetypes::models`]).
pub(super) fn cards(wires: Vec<Wire<'_>>, held: Option<&Arc<Held>>) -> Result<Vec<Card>, &'static str> {
    let mut cards: Vec<Card> = Vec::with_capacity(wires.len());
    let mut source = LastField::default();
    for (n, w) in wires.into_iter().enumerate() {
        let before = cards.last();
        let take = |mine: Option<&str>, theirs: Option<&Arc<str>>| mine.map(Arc::from).or_else(|| theirs.cloned());
        let deck = take(w.deck, before.map(|b| &b.deck)).ok_or(MISSING)?;
        let note = take(w.note, before.map(|b| &b.note)).ok_or(MISSING)?;
        let tags = match w.tags {
            Some(tags) => tags.into_iter().map(str::to_owned).collect(),
            None => before.map(|b| b.tags.clone()).ok_or(MISSING)?,
        };
        // The `Source` field is followed for held cards too, so that an entry reads back the same
        // (or fails the same), whether its fields are held or not.
        source.next(w.last)?;
        let fields = match held.filter(|_| w.custom.is_none()) {
            Some(held) => Fields::held(held.clone(), n),
            None => Fields::from(source.fields(w.fields)?),
        };
        cards.push(Card {
            kind: w.kind,
            fields,
            deck,
            tags,
            media: w.media,
            note,
            line: w.line,
            anchor: w.anchor,
            keys: w.keys,
            cloze: w.cloze,
            guid: w.guid.to_owned(),
            modified: w.modified,
            custom: w.custom,
            syntax: w.syntax,
        });
    }
    Ok(cards)
}

/// Every card's fields of `wires`, as [`cards`] copies them: for a note whose fields are held.
pub(super) fn fields(wires: Vec<Wire<'_>>) -> Result<Vec<Vec<Field>>, &'static str> {
    let mut source = LastField::default();
    wires
        .into_iter()
        .map(|w| {
            source.next(w.last)?;
            source.fields(w.fields)
        })
        .collect()
}

/// A note's cards' last field (`Source`), followed from card to card.
#[derive(Default)]
struct LastField<'a> {
    /// The current card's, as written.
    text: Option<Text<'a>>,
    /// The same, copied once a card's fields needed it: the cards that share it share the copy.
    field: Option<Field>,
}

impl<'a> LastField<'a> {
    /// Moves on to a card whose last field is written `last`.
    fn next(&mut self, last: Last<'a>) -> Result<(), &'static str> {
        match last {
            Last::None => *self = LastField::default(),
            Last::Same => {
                self.text.ok_or(MISSING)?;
            }
            Last::Own(text) => *self = LastField { text: Some(text), field: None },
        }
        Ok(())
    }

    /// The current card's fields: `rest`, then its last field, if it has one.
    fn fields(&mut self, rest: Vec<Text<'_>>) -> Result<Vec<Field>, &'static str> {
        let mut fields: Vec<Field> = Vec::with_capacity(rest.len() + 1);
        for text in rest {
            fields.push(text.field()?);
        }
        if let Some(text) = self.text {
            let field = match &self.field {
                Some(field) => field.clone(),
                None => self.field.insert(text.field()?).clone(),
            };
            fields.push(field);
        }
        Ok(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::Made;

    fn card(front: &str, source: &str, tags: &[&str], deck: &str) -> Card {
        Card {
            fields: vec![Field::from(front), "back".into(), source.into()].into(),
            deck: deck.into(),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            keys: identity::Keys::default(),
            ..crate::cards::sample("a.md", front, "back")
        }
    }

    fn round_trip(cards: Vec<Card>) -> Vec<Card> {
        let made = Made { cards, ..Made::default() };
        let decoded: Made = postcard::from_bytes(&crate::cache::encode(&made)).unwrap();
        assert_eq!(decoded.cards, made.cards, "the cards read back as written");
        decoded.cards
    }

    /// A note's fields, read back from its encoded cards.
    struct Encoded(Vec<u8>);

    impl crate::cards::Source for Encoded {
        fn fields(&self) -> Result<Vec<Vec<Field>>, String> {
            let wires: Vec<Wire<'_>> = postcard::from_bytes(&self.0).map_err(|e| e.to_string())?;
            Ok(fields(wires)?)
        }
    }

    /// Decodes `cards` (encoded) with their fields held, read back from the same bytes.
    fn held(written: &[Card]) -> Vec<Card> {
        struct Note<'c>(&'c [Card]);
        impl Serialize for Note<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                serialize(self.0, s)
            }
        }
        let bytes = postcard::to_stdvec(&Note(written)).unwrap();
        let wires: Vec<Wire<'_>> = postcard::from_bytes(&bytes).unwrap();
        let note = Held::new("a.md".into(), Box::new(Encoded(bytes.clone())));
        cards(wires, Some(&note)).unwrap()
    }

    #[test]
    fn a_notes_cards_read_back_sharing_what_they_have_alike() {
        let written =
            vec![card("q1", "src", &["t"], "D"), card("q2", "src", &["t"], "D"), card("q3", "src", &["t", "u"], "D")];
        let mut written = written;
        written.push(card("q4", "other", &["t"], "E"));
        for cards in [round_trip(written.clone()), held(&written)] {
            let f: Vec<&[Field]> = cards.iter().map(|c| c.fields().unwrap()).collect();
            let (a, b, c, d) = (&cards[0], &cards[1], &cards[2], &cards[3]);
            assert!(Arc::ptr_eq(&f[0][2], &f[1][2]) && Arc::ptr_eq(&f[0][2], &f[2][2]));
            assert!(Arc::ptr_eq(&a.note, &d.note) && Arc::ptr_eq(&a.deck, &c.deck));
            assert!(Arc::ptr_eq(&a.tags, &b.tags));
            assert!(!Arc::ptr_eq(&f[0][0], &f[1][0]));
            assert_eq!((&*f[3][2], &*d.deck, &*d.tags), ("other", "E", &["t".to_owned()][..]));
            assert_eq!(cards, written);
        }
    }

    #[test]
    fn held_fields_are_read_back_when_asked_for_and_a_custom_types_at_once() {
        let mut custom = card("word", "src", &[], "D");
        let field_names = vec!["Word".into(), "Meaning".into()];
        custom.custom = Some(Box::new(Custom { name: "Vocab".into(), field_names, lines: vec![] }));
        let written = vec![card("q1", "src", &[], "D"), custom, card("q3", "src", &[], "D")];
        let cards = held(&written);
        assert!(cards[0].fields.is_held() && cards[2].fields.is_held());
        assert!(!cards[1].fields.is_held(), "the note types are made from a custom type's fields");
        assert_eq!(&*cards[2].fields().unwrap()[0], "q3");
        assert!(!cards[0].fields.is_held(), "the note's cards are read back together");
        assert_eq!(cards, written);
    }

    #[test]
    fn cards_without_fields_or_with_only_a_source_read_back() {
        let mut bare = card("q", "src", &[], "D");
        bare.fields = Fields::default();
        let mut only_source = card("q", "src", &[], "D");
        only_source.fields = vec![Field::from("src")].into();
        let cards = vec![bare.clone(), only_source.clone(), bare, only_source];
        round_trip(cards.clone());
        assert_eq!(held(&cards), cards);
        round_trip(Vec::new());
    }

    #[test]
    fn a_card_that_leans_on_a_missing_first_card_is_an_error() {
        // A note's first card written as if it followed another: the cache entry is not used.
        let wire = || Wire {
            kind: NoteKind::Basic,
            fields: vec![],
            last: Last::Same,
            deck: Some("D"),
            tags: Some(vec![]),
            note: Some("a.md"),
            media: vec![],
            line: 1,
            anchor: None,
            keys: identity::Keys::default(),
            cloze: vec![],
            guid: "",
            modified: 0,
            custom: None,
            syntax: Syntax::Block,
        };
        let bytes = postcard::to_stdvec(&vec![wire()]).unwrap();
        let mut de = postcard::Deserializer::from_bytes(&bytes);
        assert!(deserialize(&mut de).is_err());
        let note = Held::new("a.md".into(), Box::new(Encoded(bytes)));
        assert!(cards(vec![wire()], Some(&note)).is_err(), "held or not");
        let without_deck = Wire { deck: None, last: Last::None, ..wire() };
        assert!(cards(vec![without_deck], Some(&note)).is_err());
    }
}
