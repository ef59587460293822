//! Card identity: which Anki note a card is, across edits, rebuilds and machines.
//!
//! Anki matches imported notes by GUID and updates one only when the incoming modification time is
//! newer, in whole seconds. So every card needs a GUID that outlives edits to its text, and a
//! modification time that moves forward exactly when its content changes.
//!
//! The policy, in order:
//! 1. A card with an `<!--ID: n-->` line has a GUID derived from `n` alone: it survives any edit,
//!    a move to another note and a rename of its note.
//! 2. Otherwise the identity file `<vault>/.studygen/identity.json` (kept with the vault, like a
//!    lock file) remembers each card of each note by hashes of its front and its back. A card keeps
//!    the GUID of the remembered card with the same front; else with the same (non-empty) back;
//!    else of the remembered card in the same place, between the same matched neighbours (never
//!    one that had an ID: that card was deleted with it), and always of its own note type (Anki
//!    updates no note into another type). So editing one side, inserting cards and deleting cards
//!    never change another card's GUID.
//! 3. A card seen for the first time gets a GUID hashed from its note's path and its front, the
//!    same on every machine.
//!
//! A renamed or moved note keeps its cards' GUIDs when the identity file still lists the old path:
//! the cards of a note the vault no longer has are matched by front, then back (by the renamed
//! note's cards, and by a card moved out of it into another note).

mod assign;
mod json;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

pub use self::assign::assign;
pub use super::short_hash::{BuildSpread, Parts, ShortHash};
use super::{Card, Field};

/// A stable 53-bit-safe id from a name, in the range of millisecond timestamps Anki uses.
pub fn stable_id(kind: &str, name: &str) -> i64 {
    // The first 12 hex digits of the hash.
    let n = ShortHash::of(&[kind, name]).0 >> 16;
    1_000_000_000_000 + i64::try_from(n % 1_000_000_000_000).unwrap_or(0)
}

/// Where the identity file lives, relative to the vault root.
pub const LOCK_PATH: &str = ".studygen/identity.json";

/// The remembered identities, by note path.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Lock {
    /// Format version.
    pub version: u32,
    /// Each note's cards, in file order.
    pub notes: BTreeMap<String, Vec<Entry>>,
    /// Cards that were built before and are no longer in the vault: Anki keeps them until the user
    /// deletes them there, so they are listed on every build until `--forget-orphans`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gone: Vec<Gone>,
}

/// A card that left the vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gone {
    /// Its GUID.
    pub guid: String,
    /// The note it was in.
    pub note: String,
    /// When a build first found it gone, in seconds.
    pub since: i64,
}

/// One remembered card.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Entry {
    /// Anki's GUID.
    pub guid: ShortHash,
    /// Hash of the front as written.
    pub front: ShortHash,
    /// Hash of the back as written.
    pub back: ShortHash,
    /// Hash of everything Anki stores for the note (fields and tags).
    pub content: ShortHash,
    /// The note's modification time, in seconds.
    pub modified: i64,
    /// Whether the card had an `<!--ID: n-->`, which its GUID comes from: a card without one never
    /// continues it by its place alone (the ID went with the card it named). Identity files
    /// written before this was kept read as `false`.
    #[serde(default)]
    pub anchored: bool,
    /// The hash of its note type's name ([`type_hash`]): a card of another type never continues
    /// it, as Anki does not update a note into another type (it reports the import a conflict).
    /// `None` in identity files written before this was kept: any type continues it.
    #[serde(default, rename = "type")]
    pub kind: Option<ShortHash>,
}

/// The hash of a note type's name that an [`Entry`] keeps. A vault has few types and its cards come
/// by note, so the last name's hash is kept per thread: identity asks for every card's, more than once.
pub fn type_hash(type_name: &str) -> ShortHash {
    thread_local! {
        static LAST: std::cell::RefCell<(String, ShortHash)> = const { std::cell::RefCell::new((String::new(), ShortHash(0))) };
    }
    LAST.with_borrow_mut(|(name, hash)| {
        if name != type_name || *hash == ShortHash(0) {
            *hash = ShortHash::of(&["type", type_name]);
            type_name.clone_into(name);
        }
        *hash
    })
}

impl Entry {
    /// Whether a card of the type whose hash is `kind` may continue this remembered card.
    pub fn takes(&self, kind: ShortHash) -> bool {
        self.kind.is_none_or(|k| k == kind)
    }
}

/// As derived, but the identity file (a human-readable format) leaves out `anchored` when it is
/// `false` and `type` when it is unknown, as it leaves out an empty `gone`; the cache's binary
/// copy, whose fields have no names, writes every field.
impl Serialize for Entry {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let named = s.is_human_readable();
        let anchored = !named || self.anchored;
        let kind = !named || self.kind.is_some();
        let mut st = s.serialize_struct("Entry", 5 + usize::from(anchored) + usize::from(kind))?;
        st.serialize_field("guid", &self.guid)?;
        st.serialize_field("front", &self.front)?;
        st.serialize_field("back", &self.back)?;
        st.serialize_field("content", &self.content)?;
        st.serialize_field("modified", &self.modified)?;
        if anchored {
            st.serialize_field("anchored", &self.anchored)?;
        } else {
            st.skip_field("anchored")?;
        }
        if kind {
            st.serialize_field("type", &self.kind)?;
        } else {
            st.skip_field("type")?;
        }
        st.end()
    }
}

impl Lock {
    /// Reads the identity file of `vault`; an absent file is an empty lock.
    pub fn load(vault: &Path) -> anyhow::Result<Lock> {
        let path = vault.join(LOCK_PATH);
        // A linked `.studygen` could point outside the vault: it is not read (nor written).
        if std::fs::symlink_metadata(vault.join(".studygen")).is_ok_and(|m| m.file_type().is_symlink()) {
            return Ok(Lock { version: 1, ..Lock::default() });
        }
        match crate::vault::read_own_file(&path, 256 << 20) {
            Ok(Some(bytes)) => serde_json::from_slice(&bytes).with_context(|| {
                format!("identity file `{}` is damaged; restore it from version control or delete it", path.display())
            }),
            Ok(None) => Ok(Lock { version: 1, ..Lock::default() }),
            Err(e) => Err(e).with_context(|| format!("cannot read `{}`", path.display())),
        }
    }

    /// Writes the lock as pretty JSON to `out` (the bytes `serde_json`'s pretty printer gives,
    /// and a line break), without holding it in memory: a large vault's lock is megabytes of text.
    pub fn write_json(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        json::write(self, out)
    }
}

/// A short stable hash of `parts`, as 16 hex digits.
pub fn hash(parts: &[&str]) -> String {
    ShortHash::of(parts).hex()
}

/// The hashes identity matches a card by, made with the card (and kept with it in the build
/// cache, so that an unchanged card is not hashed again).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Keys {
    /// Of the front as written, white space normalized (each run made one space).
    pub front: ShortHash,
    /// Of the back as written, likewise.
    pub back: ShortHash,
    /// Of everything Anki stores for the note: its type, fields and tags.
    pub content: ShortHash,
    /// Of its first field (Anki's sort field) and its tags, which the deck's collection tells a
    /// changed row by, besides `content`.
    pub row: ShortHash,
    /// The GUID the card gets when identity has not seen it: of its note's path and its front as
    /// written, white space normalized.
    pub fresh: ShortHash,
}

impl Keys {
    /// The keys of a card whose front and back were written `front` and `back`.
    pub fn of(card: &Card, fields: &[Field], front: &str, back: &str) -> Keys {
        let front = super::short_hash::words(front);
        Keys {
            front: Parts::default().part(&front).finish(),
            back: Parts::default().words(back).finish(),
            content: content_hash(card, fields),
            row: row_hash(card, fields),
            fresh: Parts::default().part("card").part(&card.note).part(&front).finish(),
        }
    }

    /// Whether the front is empty (white space only).
    pub fn empty_front(&self) -> bool {
        self.front == empty()
    }
}

/// The hash of an empty front or back.
fn empty() -> ShortHash {
    static EMPTY: std::sync::LazyLock<ShortHash> = std::sync::LazyLock::new(|| ShortHash::of(&[""]));
    *EMPTY
}

/// The hash of what Anki stores for the card's note: its type, fields and tags ([`Keys::content`]).
pub(crate) fn content_hash(card: &Card, fields: &[Field]) -> ShortHash {
    let mut h = Parts::default();
    h.part(card.type_name());
    for f in fields {
        h.part(f);
    }
    h.part("\u{1e}");
    for t in card.tags.iter() {
        h.part(t);
    }
    h.finish()
}

/// The hash of the card's sort field and tags ([`Keys::row`]).
pub(crate) fn row_hash(card: &Card, fields: &[Field]) -> ShortHash {
    let mut h = Parts::default();
    h.part(fields.first().map_or("", |f| &**f)).part("\u{1e}");
    for t in card.tags.iter() {
        h.part(t);
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(note: &str, front: &str, back: &str) -> Card {
        crate::cards::sample(note, front, back)
    }

    fn run(cards: &mut [Card], lock: &Lock, now: i64) -> Lock {
        let notes: Vec<String> = cards.iter().map(|c| c.note.to_string()).collect();
        let (l, d) = assign(cards, &notes.iter().map(String::as_str).collect(), lock, now);
        assert!(d.is_empty(), "{d:?}");
        l
    }

    fn guids(cards: &[Card]) -> Vec<String> {
        cards.iter().map(|c| c.guid.clone()).collect()
    }

    #[test]
    fn edits_and_insertions_keep_other_guids_and_times() {
        let mut v1 = vec![card("n.md", "a", "1"), card("n.md", "b", "2"), card("n.md", "c", "3")];
        let lock = run(&mut v1, &Lock::default(), 100);
        // Edit b's front, insert x above it, edit c's both sides.
        let mut v2 =
            vec![card("n.md", "a", "1"), card("n.md", "x", "9"), card("n.md", "B!", "2"), card("n.md", "C?", "3?")];
        let lock2 = run(&mut v2, &lock, 100);
        assert_eq!(v2[0].guid, v1[0].guid);
        assert_eq!(v2[2].guid, v1[1].guid);
        assert_eq!(v2[3].guid, v1[2].guid);
        assert!(!guids(&v1).contains(&v2[1].guid));
        // Unchanged keeps its time; changed ones move forward even within the same second.
        assert_eq!(v2[0].modified, 100);
        assert_eq!(v2[2].modified, 101);
        assert_eq!(v2[1].modified, 100);
        // Nothing changed: nothing moves.
        let mut v3 = v2.clone();
        let lock3 = run(&mut v3, &lock2, 500);
        assert_eq!(lock3, lock2);
        assert_eq!(guids(&v3), guids(&v2));
    }

    /// Two neighbouring cards both edited on both sides (a real vault's cloze paragraphs, whose
    /// backs are empty, took in the code below them) each keep their own GUID.
    #[test]
    fn neighbours_edited_on_both_sides_keep_their_own_guids() {
        let mut v1 = vec![card("n.md", "a", ""), card("n.md", "b", ""), card("n.md", "q", "1")];
        let lock = run(&mut v1, &Lock::default(), 1);
        let mut v2 = vec![card("n.md", "a!", "x"), card("n.md", "b!", "y"), card("n.md", "q", "1")];
        run(&mut v2, &lock, 1);
        assert_eq!(guids(&v2), guids(&v1));
        // Of three remembered between the same neighbours, two new ones are no sure match.
        let mut v1 = vec![
            card("n.md", "a", "1"),
            card("n.md", "b", "2"),
            card("n.md", "c", "3"),
            card("n.md", "d", "4"),
            card("n.md", "z", "9"),
        ];
        let lock = run(&mut v1, &Lock::default(), 1);
        let mut v2 =
            vec![card("n.md", "a", "1"), card("n.md", "x", "7"), card("n.md", "y", "8"), card("n.md", "z", "9")];
        run(&mut v2, &lock, 1);
        assert!(!guids(&v1).contains(&v2[1].guid) && !guids(&v1).contains(&v2[2].guid), "{:?}", guids(&v2));
        // One edited card before a deleted one still continues the entry after its neighbour.
        let mut v2 = vec![card("n.md", "a", "1"), card("n.md", "B", "two"), card("n.md", "z", "9")];
        run(&mut v2, &lock, 1);
        assert_eq!(v2[1].guid, v1[1].guid);
    }

    #[test]
    fn deletion_keeps_the_rest() {
        let mut v1 = vec![card("n.md", "a", "1"), card("n.md", "b", "2"), card("n.md", "c", "3")];
        let lock = run(&mut v1, &Lock::default(), 1);
        let mut v2 = vec![card("n.md", "a", "1"), card("n.md", "c", "3")];
        run(&mut v2, &lock, 1);
        assert_eq!(guids(&v2), [v1[0].guid.clone(), v1[2].guid.clone()]);
    }

    #[test]
    fn fresh_guids_are_machine_independent_and_anchor_wins() {
        let mut a = vec![card("x/n.md", "q", "a")];
        let mut b = a.clone();
        run(&mut a, &Lock::default(), 1);
        run(&mut b, &Lock::default(), 99);
        assert_eq!(a[0].guid, b[0].guid);
        let mut anchored = vec![card("x/n.md", "q", "a")];
        anchored[0].anchor = Some(1769619800835);
        run(&mut anchored, &Lock::default(), 1);
        assert_eq!(anchored[0].guid, hash(&["anki-id", "1769619800835"]));
    }

    #[test]
    fn renamed_note_keeps_guids() {
        let mut v1 = vec![card("old.md", "a", "1"), card("old.md", "b", "2")];
        let lock = run(&mut v1, &Lock::default(), 1);
        let mut v2 = vec![card("new/name.md", "a", "1"), card("new/name.md", "b", "2")];
        run(&mut v2, &lock, 1);
        assert_eq!(guids(&v2), guids(&v1));
    }

    #[test]
    fn duplicate_ids_are_reported_and_guids_stay_unique() {
        let mut cards = vec![card("a.md", "q", "1"), card("b.md", "r", "2")];
        cards[0].anchor = Some(7);
        cards[1].anchor = Some(7);
        let notes: Vec<String> = cards.iter().map(|c| c.note.to_string()).collect();
        let (_, d) = assign(&mut cards, &notes.iter().map(String::as_str).collect(), &Lock::default(), 1);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("duplicate card id 7"));
        assert_ne!(cards[0].guid, cards[1].guid);
    }

    /// A fresh card's GUID is the hash of its note's path and its front, white space
    /// normalized; a second card with that GUID takes the first free one numbered after it.
    /// A card whose `<!--ID-->` line went with it was deleted: a new card without an ID where it
    /// stood is a new note (as Obsidian_to_Anki makes it), and the deleted one is an orphan. A
    /// card without an ID still continues an unanchored card in its place, and one whose ID line
    /// alone was deleted still keeps its GUID by its front.
    #[test]
    fn a_new_card_does_not_take_the_place_of_a_deleted_card_with_an_id() {
        let anchored = |front: &str, back: &str, id: u64| {
            let mut c = card("n.md", front, back);
            c.anchor = Some(id);
            c
        };
        let (a, b) = (|| anchored("a", "1", 1_700_000_000_001), || anchored("b", "2", 1_700_000_000_002));
        let mut v1 = vec![a(), b(), card("n.md", "c", "3"), card("n.md", "d", "4")];
        let lock = run(&mut v1, &Lock::default(), 10);
        assert_eq!(lock.notes["n.md"].iter().map(|e| e.anchored).collect::<Vec<_>>(), [true, true, false, false]);
        // b deleted with its ID, a new card x in its place.
        let mut v2 = vec![a(), card("n.md", "x", "9"), card("n.md", "c", "3"), card("n.md", "d", "4")];
        let lock2 = run(&mut v2, &lock, 20);
        assert_eq!(guids(&v2)[0], v1[0].guid);
        assert!(!guids(&v1).contains(&v2[1].guid), "x is a new note, not b rewritten");
        assert_eq!(guids(&v2)[2..], guids(&v1)[2..]);
        assert_eq!(lock2.gone.iter().map(|g| g.guid.as_str()).collect::<Vec<_>>(), [v1[1].guid.as_str()]);
        // A card without an ID edited on both sides still continues its place.
        let mut v3 = vec![a(), b(), card("n.md", "c!", "3!"), card("n.md", "d", "4")];
        run(&mut v3, &lock, 30);
        assert_eq!(guids(&v3), guids(&v1));
        // Only b's ID line deleted: b keeps its GUID by its front.
        let mut v4 = vec![a(), card("n.md", "b", "2"), card("n.md", "c", "3"), card("n.md", "d", "4")];
        run(&mut v4, &lock, 40);
        assert_eq!(guids(&v4), guids(&v1));
    }

    /// A card moved out of a note the vault no longer has (renamed or deleted) into a note it
    /// still has keeps its GUID, as the cards that went with the renamed note do; a card new to a
    /// note takes no orphan whose front and back are not its own.
    #[test]
    fn a_card_moved_out_of_a_renamed_note_into_another_keeps_its_guid() {
        let mut v1 = vec![card("a.md", "a1", "1"), card("a.md", "a2", "2"), card("b.md", "b1", "3")];
        let lock = run(&mut v1, &Lock::default(), 10);
        // a.md renamed to c.md, and a2 moved from it into b.md, with a new card beside it.
        let mut v2 =
            vec![card("b.md", "b1", "3"), card("b.md", "a2", "2"), card("b.md", "new", "4"), card("c.md", "a1", "1")];
        let lock2 = run(&mut v2, &lock, 20);
        assert_eq!(v2[0].guid, v1[2].guid);
        assert_eq!(v2[1].guid, v1[1].guid, "the moved card keeps its GUID");
        assert!(!guids(&v1).contains(&v2[2].guid));
        assert_eq!(v2[3].guid, v1[0].guid, "the renamed note's card keeps its GUID");
        assert!(lock2.gone.is_empty(), "{:?}", lock2.gone);
    }

    /// A card whose note type changed (a Basic card rewritten as a cloze) is a new note: Anki
    /// updates no note into another type, and reports such an import a conflict. A card of the same
    /// type still continues its place, and a state that does not know the types (an identity file
    /// written before they were kept) lets any type continue.
    #[test]
    fn a_card_of_another_note_type_is_a_new_note() {
        let cloze_in = |note: &str, front: &str| {
            let mut c = card(note, front, "");
            c.kind = crate::notes::NoteKind::Cloze;
            c
        };
        let cloze = |front: &str| cloze_in("n.md", front);
        let mut v1 = vec![card("n.md", "a", "1"), card("n.md", "b", "2"), card("n.md", "c", "3")];
        let lock = run(&mut v1, &Lock::default(), 10);
        // b rewritten as a cloze in its place; c edited on both sides.
        let mut v2 = vec![card("n.md", "a", "1"), cloze("{{c1::b}} is 2"), card("n.md", "c!", "3!")];
        let lock2 = run(&mut v2, &lock, 20);
        assert_eq!(v2[0].guid, v1[0].guid);
        assert!(!guids(&v1).contains(&v2[1].guid), "the cloze is a new note");
        assert_eq!(lock2.gone.iter().map(|g| g.guid.as_str()).collect::<Vec<_>>(), [v1[1].guid.as_str()]);
        // Nor does it take the Basic card's GUID by its front, nor from a renamed note.
        let mut v3 = vec![card("n.md", "a", "1"), cloze("b"), card("n.md", "c", "3")];
        run(&mut v3, &lock, 30);
        assert_ne!(v3[1].guid, v1[1].guid);
        let mut renamed = vec![cloze_in("m.md", "a")];
        run(&mut renamed, &lock, 30);
        assert!(!guids(&v1).contains(&renamed[0].guid));
        // Without the types in the state, the place decides, as before.
        let mut untyped = lock.clone();
        untyped.notes.values_mut().flatten().for_each(|e| e.kind = None);
        let mut v4 = v2.clone();
        run(&mut v4, &untyped, 40);
        assert_eq!(guids(&v4), guids(&v1));
    }

    /// The kept last hash never answers for another name.
    #[test]
    fn a_type_hash_is_its_names_whatever_came_before() {
        let want = |name: &str| ShortHash::of(&["type", name]);
        for name in ["studygen Basic", "studygen Cloze", "studygen Cloze", "", "studygen Basic", ""] {
            assert_eq!(type_hash(name), want(name), "{name:?}");
        }
    }

    #[test]
    fn identical_fronts_in_one_note_get_distinct_guids() {
        let mut cards =
            vec![card("a.md", "same  front", "1"), card("a.md", "same\nfront", "2"), card("a.md", "x", "3")];
        run(&mut cards, &Lock::default(), 1);
        let first = hash(&["card", "a.md", "same front"]);
        assert_eq!(cards[0].guid, first);
        assert_eq!(cards[1].guid, hash(&["card", &first, "1"]));
        assert_eq!(cards[2].guid, hash(&["card", "a.md", "x"]));
        // The same in another order, and on every build.
        let mut again = vec![cards[2].clone(), cards[1].clone(), cards[0].clone()];
        run(&mut again, &Lock::default(), 5);
        assert_eq!(guids(&again), [cards[2].guid.clone(), first.clone(), hash(&["card", &first, "1"])]);
    }
}
