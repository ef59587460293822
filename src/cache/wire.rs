//! How a note's cards are written in the cache: what its cards have alike (the note's path, its
//! deck, its tags and the `Source` field) is written once, with the first card, and the others
//! say only where they differ. A note's entry is then smaller and quicker to decode, and the cards
//! decoded share those values as the cards [`crate::cards::render`] made did.

use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::cards::{Card, Field, identity};
use crate::notes::{NoteKind, Syntax, syntax::Custom};

/// A card as written: `None` where it has the previous card's value. Its text borrows: from the
/// cards when written, and from the entry's bytes when read, so that each string is copied once,
/// into the card.
#[derive(Serialize, Deserialize)]
struct Wire<'a> {
    kind: NoteKind,
    /// The fields but the last (`Source`).
    #[serde(borrow)]
    fields: Vec<&'a str>,
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
    Own(&'a str),
}

/// Writes `cards` (one note's).
pub(super) fn serialize<S: Serializer>(cards: &[Card], s: S) -> Result<S::Ok, S::Error> {
    let mut wires = Vec::with_capacity(cards.len());
    let mut before: Option<&Card> = None;
    for c in cards {
        let (last, rest) = match c.fields.split_last() {
            None => (Last::None, &[][..]),
            Some((last, rest)) if before.and_then(|b| b.fields.last()) == Some(last) => (Last::Same, rest),
            Some((last, rest)) => (Last::Own(last), rest),
        };
        wires.push(Wire {
            kind: c.kind,
            fields: rest.iter().map(|f| &**f).collect(),
            last,
            deck: differs(&c.deck, before.map(|b| &b.deck)),
            tags: differs(&c.tags, before.map(|b| &b.tags)).map(|t| t.iter().map(String::as_str).collect()),
            note: differs(&c.note, before.map(|b| &b.note)),
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
        before = Some(c);
    }
    wires.serialize(s)
}

/// `mine`, unless it is `theirs`.
fn differs<'c, T: ?Sized + PartialEq>(mine: &'c Arc<T>, theirs: Option<&Arc<T>>) -> Option<&'c T> {
    (theirs.map(|t| &**t) != Some(&**mine)).then_some(&**mine)
}

/// Reads what [`serialize`] wrote, from bytes it can borrow from (as [`postcard::from_bytes`]
/// gives).
pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Card>, D::Error> {
    let wires = Vec::<Wire<'de>>::deserialize(d)?;
    let mut cards: Vec<Card> = Vec::with_capacity(wires.len());
    for w in wires {
        let before = cards.last();
        let missing = || serde::de::Error::custom("a card of the cache lacks a value its note's first card has");
        let take = |mine: Option<&str>, theirs: Option<&Arc<str>>| {
            mine.map(Arc::from).or_else(|| theirs.cloned()).ok_or_else(missing)
        };
        let deck = take(w.deck, before.map(|b| &b.deck))?;
        let note = take(w.note, before.map(|b| &b.note))?;
        let tags = match w.tags {
            Some(tags) => tags.into_iter().map(str::to_owned).collect(),
            None => before.map(|b| b.tags.clone()).ok_or_else(missing)?,
        };
        let mut fields: Vec<Field> = Vec::with_capacity(w.fields.len() + 1);
        fields.extend(w.fields.into_iter().map(Field::from));
        match w.last {
            Last::None => {}
            Last::Same => fields.push(before.and_then(|b| b.fields.last().cloned()).ok_or_else(missing)?),
            Last::Own(source) => fields.push(Field::from(source)),
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::Made;

    fn card(front: &str, source: &str, tags: &[&str], deck: &str) -> Card {
        Card {
            fields: vec![front.into(), "back".into(), source.into()],
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

    #[test]
    fn a_notes_cards_read_back_sharing_what_they_have_alike() {
        let cards = round_trip(vec![
            card("q1", "src", &["t"], "D"),
            card("q2", "src", &["t"], "D"),
            card("q3", "src", &["t", "u"], "D"),
            card("q4", "other", &["t"], "E"),
        ]);
        let (a, b, c, d) = (&cards[0], &cards[1], &cards[2], &cards[3]);
        assert!(Arc::ptr_eq(&a.fields[2], &b.fields[2]) && Arc::ptr_eq(&a.fields[2], &c.fields[2]));
        assert!(Arc::ptr_eq(&a.note, &d.note) && Arc::ptr_eq(&a.deck, &c.deck));
        assert!(Arc::ptr_eq(&a.tags, &b.tags));
        assert!(!Arc::ptr_eq(&a.fields[0], &b.fields[0]));
        assert_eq!((&*d.fields[2], &*d.deck, &*d.tags), ("other", "E", &["t".to_owned()][..]));
    }

    #[test]
    fn cards_without_fields_or_with_only_a_source_read_back() {
        let mut bare = card("q", "src", &[], "D");
        bare.fields.clear();
        let mut only_source = card("q", "src", &[], "D");
        only_source.fields = vec!["src".into()];
        round_trip(vec![bare.clone(), only_source.clone(), bare, only_source]);
        round_trip(Vec::new());
    }

    #[test]
    fn a_card_that_leans_on_a_missing_first_card_is_an_error() {
        // A note's first card written as if it followed another: the cache entry is not used.
        let wire = vec![Wire {
            kind: NoteKind::Basic,
            fields: vec![],
            last: Last::Same,
            deck: None,
            tags: None,
            note: None,
            media: vec![],
            line: 1,
            anchor: None,
            keys: identity::Keys::default(),
            cloze: vec![],
            guid: "",
            modified: 0,
            custom: None,
            syntax: Syntax::Block,
        }];
        let bytes = postcard::to_stdvec(&wire).unwrap();
        let mut de = postcard::Deserializer::from_bytes(&bytes);
        assert!(deserialize(&mut de).is_err());
    }
}
