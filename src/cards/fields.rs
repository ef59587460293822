//! A card's fields: rendered, or left in the build cache until something reads them.
//!
//! A rebuild after one edit takes nearly every note's cards from the cache, and most outputs
//! never look at those cards' fields: identity matches cards by their keys, and the deck and
//! `cards.txt` keep the rows and lines of cards whose signature did not change. Decoding every
//! field of 60,000 cards was the largest part of such a build, so a cached note's fields stay
//! in the cache file and are read back, for all the note's cards at once, the first time one is
//! asked for.

use std::sync::{Arc, OnceLock};

use super::Field;

/// Where a note's cards' fields are read back from: its entry in the build cache.
pub trait Source: Send + Sync {
    /// Every card's fields, in the note's card order.
    fn fields(&self) -> Result<Vec<Vec<Field>>, String>;
}

/// The fields of one card.
#[derive(Clone)]
pub struct Fields(Repr);

#[derive(Clone)]
enum Repr {
    /// Rendered, or decoded with the card.
    Here(Vec<Field>),
    /// The `card`th card's of a note whose fields are still in the cache.
    Held { note: Arc<Held>, card: usize },
}

/// A cached note's fields, read back once.
pub struct Held {
    /// The note, for messages.
    path: Arc<str>,
    source: Box<dyn Source>,
    read: OnceLock<Result<Vec<Vec<Field>>, String>>,
}

impl Held {
    /// The fields of the note `path`, to be read from `source` when first asked for.
    pub fn new(path: Arc<str>, source: Box<dyn Source>) -> Arc<Held> {
        Arc::new(Held { path, source, read: OnceLock::new() })
    }
}

/// A cached card's fields could not be read back: the cache file changed under the build.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot read the fields of the cards of `{note}` back from the build cache: {why}; build again")]
pub struct Unreadable {
    /// The note whose cards they are.
    pub note: String,
    /// What went wrong.
    pub why: String,
}

impl Fields {
    /// The `card`th card's fields of the held note `note`.
    pub fn held(note: Arc<Held>, card: usize) -> Fields {
        Fields(Repr::Held { note, card })
    }

    /// The fields, read from the cache first if they are held there.
    pub fn get(&self) -> Result<&[Field], Unreadable> {
        match &self.0 {
            Repr::Here(fields) => Ok(fields),
            Repr::Held { note, card } => {
                let read = note.read.get_or_init(|| note.source.fields());
                let unreadable = |why: String| Unreadable { note: note.path.to_string(), why };
                let cards = read.as_ref().map_err(|why| unreadable(why.clone()))?;
                let fields = cards.get(*card).ok_or_else(|| unreadable(format!("it has no card {}", card + 1)))?;
                Ok(fields)
            }
        }
    }

    /// Whether they are still in the cache, unread.
    pub fn is_held(&self) -> bool {
        matches!(&self.0, Repr::Held { note, .. } if note.read.get().is_none())
    }
}

impl From<Vec<Field>> for Fields {
    fn from(fields: Vec<Field>) -> Self {
        Fields(Repr::Here(fields))
    }
}

impl Default for Fields {
    fn default() -> Self {
        Fields(Repr::Here(Vec::new()))
    }
}

/// Two cards' fields are equal when they read back equal (held or not).
impl PartialEq for Fields {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl std::fmt::Debug for Fields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.get() {
            Ok(fields) => f.debug_list().entries(fields).finish(),
            Err(e) => write!(f, "<{e}>"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source that counts how often it is read.
    struct Counted(std::sync::atomic::AtomicUsize, Result<Vec<Vec<Field>>, String>);

    impl Source for Arc<Counted> {
        fn fields(&self) -> Result<Vec<Vec<Field>>, String> {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            self.1.clone()
        }
    }

    #[test]
    fn a_held_notes_fields_are_read_once_for_all_its_cards() {
        let cards = vec![vec![Field::from("q1"), Field::from("src")], vec![Field::from("q2"), Field::from("src")]];
        let source = Arc::new(Counted(0.into(), Ok(cards)));
        let note = Held::new("n.md".into(), Box::new(source.clone()));
        let (a, b) = (Fields::held(note.clone(), 0), Fields::held(note.clone(), 1));
        assert!(a.is_held() && b.is_held());
        assert_eq!(source.0.load(std::sync::atomic::Ordering::SeqCst), 0, "nothing is read until asked for");
        assert_eq!(&*b.get().unwrap()[0], "q2");
        assert_eq!(&*a.get().unwrap()[0], "q1");
        assert!(!a.is_held());
        assert_eq!(source.0.load(std::sync::atomic::Ordering::SeqCst), 1, "one read for the note's cards");
        assert_eq!(a, Fields::from(vec![Field::from("q1"), Field::from("src")]));
        let missing = Fields::held(note, 2);
        assert!(missing.get().unwrap_err().why.contains("no card 3"));
    }

    #[test]
    fn fields_that_cannot_be_read_back_are_an_error_naming_the_note() {
        let source = Arc::new(Counted(0.into(), Err("its bytes changed".into())));
        let fields = Fields::held(Held::new("a/b.md".into(), Box::new(source)), 0);
        let e = fields.get().unwrap_err();
        assert_eq!(e, Unreadable { note: "a/b.md".into(), why: "its bytes changed".into() });
        assert!(e.to_string().contains("`a/b.md`"));
        assert_ne!(fields, Fields::default(), "unreadable fields equal nothing");
    }
}
