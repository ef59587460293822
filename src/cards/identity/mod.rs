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
//!    else of the remembered card in the same place, between the same matched neighbours. So
//!    editing one side, inserting cards and deleting cards never change another card's GUID.
//! 3. A card seen for the first time gets a GUID hashed from its note's path and its front, the
//!    same on every machine.
//!
//! A renamed or moved note keeps its cards' GUIDs when the identity file still lists the old path:
//! the cards of a note the vault no longer has are matched by front, then back.

mod json;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

pub use super::short_hash::{BuildSpread, Parts, ShortHash};
use super::{Card, Field};
use crate::diagnostics::{Code, Diagnostic};

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// Gives every card its GUID and modification time.
///
/// `cards` are grouped by note, in file order; `present` holds every note path of the vault
/// (including notes without cards). `now` is the time, in seconds, given to new and changed cards.
/// Returns the new lock and diagnostics (duplicate ids).
pub fn assign(cards: &mut [Card], present: &foldhash::HashSet<&str>, lock: &Lock, now: i64) -> (Lock, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut orphans = Orphans::new(lock, present);
    // Every GUID given so far, with the note (by its place in `paths`) and line that has it.
    let mut taken: HashMap<ShortHash, (usize, usize), BuildSpread> =
        HashMap::with_capacity_and_hasher(cards.len(), BuildSpread::default());
    let mut paths: Vec<std::sync::Arc<str>> = Vec::new();
    let mut new_lock = Lock { version: 1, ..Lock::default() };

    let mut start = 0;
    while start < cards.len() {
        let path = cards[start].note.clone();
        let end = start + cards[start..].iter().take_while(|c| c.note == path).count();
        let group = &mut cards[start..end];
        let prev: &[Entry] = lock.notes.get(&*path).map_or(&[], Vec::as_slice);
        let links = link(group, prev, &mut orphans);
        let mut entries = Vec::with_capacity(group.len());
        for (card, linked) in group.iter_mut().zip(&links) {
            let k = card.keys;
            let linked = linked.as_ref().map(|l| match l {
                Linked::Prev(i) => &prev[*i],
                Linked::Orphan(e) => e,
            });
            let mut guid = match (card.anchor, linked) {
                (Some(id), _) => ShortHash::of(&["anki-id", &id.to_string()]),
                (None, Some(e)) => e.guid,
                (None, None) => k.fresh,
            };
            if let Some(&(note, line)) = taken.get(&guid) {
                if let Some(id) = card.anchor {
                    let file = paths.get(note).map_or(&*path, |p| &**p);
                    diags.push(
                        Diagnostic::error(
                            Code::IdDuplicate,
                            &card.note,
                            card.line,
                            1,
                            format!("duplicate card id {id}, also at {file}:{line}"),
                        )
                        .with_hint(super::sync_copies::hint(file, &card.note).unwrap_or_else(
                            || "each <!--ID: n--> line must be unique in the vault; remove the copy".to_owned(),
                        )),
                    );
                }
                // Another card has it (a card with the same front in the same note): the first
                // free of the GUIDs numbered after it.
                let mut n = 1;
                while taken.contains_key(&guid) {
                    guid = ShortHash::of(&["card", &k.fresh.hex(), &n.to_string()]);
                    n += 1;
                }
            }
            taken.insert(guid, (paths.len(), card.line));
            card.modified = match linked {
                Some(e) if e.guid == guid && e.content == k.content => e.modified,
                Some(e) if e.guid == guid => now.max(e.modified + 1),
                _ => now,
            };
            card.guid = guid.hex();
            entries.push(Entry { guid, front: k.front, back: k.back, content: k.content, modified: card.modified });
        }
        paths.push(path.clone());
        new_lock.notes.insert(path.to_string(), entries);
        start = end;
    }
    new_lock.gone = gone(lock, |guid| taken.contains_key(&guid), now);
    (new_lock, diags)
}

/// The cards of `old` whose GUID is not `live` now, added to those gone before; a card that came
/// back (its GUID is live again) is no longer gone.
fn gone(old: &Lock, live: impl Fn(ShortHash) -> bool, now: i64) -> Vec<Gone> {
    let mut out: Vec<Gone> =
        old.gone.iter().filter(|g| !ShortHash::parse(&g.guid).is_some_and(&live)).cloned().collect();
    let known: HashSet<String> = out.iter().map(|g| g.guid.clone()).collect();
    for (note, entries) in &old.notes {
        for e in entries.iter().filter(|e| !live(e.guid)) {
            let guid = e.guid.hex();
            if !known.contains(&guid) {
                out.push(Gone { guid, note: note.clone(), since: now });
            }
        }
    }
    out
}

/// Cards of notes that the vault no longer has (renamed or moved), by front and by back hash.
struct Orphans {
    by_front: HashMap<ShortHash, Vec<Entry>>,
    by_back: HashMap<ShortHash, Vec<Entry>>,
    used: HashSet<ShortHash>,
}

impl Orphans {
    fn new(lock: &Lock, present: &foldhash::HashSet<&str>) -> Self {
        let mut o = Orphans { by_front: HashMap::new(), by_back: HashMap::new(), used: HashSet::new() };
        for (path, entries) in &lock.notes {
            if present.contains(path.as_str()) {
                continue;
            }
            for e in entries {
                o.by_front.entry(e.front).or_default().push(e.clone());
                o.by_back.entry(e.back).or_default().push(e.clone());
            }
        }
        o
    }

    fn take(&mut self, front: ShortHash, back: ShortHash, empty_back: ShortHash) -> Option<Entry> {
        let pick = |map: &HashMap<ShortHash, Vec<Entry>>, key: ShortHash| {
            map.get(&key)?.iter().find(|e| !self.used.contains(&e.guid)).cloned()
        };
        let found = pick(&self.by_front, front)
            .or_else(|| if back == empty_back { None } else { pick(&self.by_back, back) })?;
        self.used.insert(found.guid);
        Some(found)
    }
}

/// The remembered entry a card continues.
enum Linked {
    /// Its note's entry at this place.
    Prev(usize),
    /// An entry of a note the vault no longer has.
    Orphan(Entry),
}

/// Links each card of one note to the remembered entry it continues, if any.
fn link(group: &[Card], prev: &[Entry], orphans: &mut Orphans) -> Vec<Option<Linked>> {
    let fronts: Vec<ShortHash> = group.iter().map(|c| c.keys.front).collect();
    let backs: Vec<ShortHash> = group.iter().map(|c| c.keys.back).collect();
    let empty = empty();
    let mut link: Vec<Option<usize>> = vec![None; group.len()];
    let mut used = vec![false; prev.len()];

    // 1. Anchored cards continue the entry with their GUID.
    for (i, c) in group.iter().enumerate() {
        if let Some(id) = c.anchor {
            let g = ShortHash::of(&["anki-id", &id.to_string()]);
            if let Some(k) = prev.iter().position(|e| e.guid == g) {
                used[k] = true;
                link[i] = Some(k);
            }
        }
    }
    // 2. Same front, then 3. same back.
    for by_back in [false, true] {
        for i in 0..group.len() {
            if link[i].is_some() || group[i].anchor.is_some() || (by_back && backs[i] == empty) {
                continue;
            }
            let want = if by_back { backs[i] } else { fronts[i] };
            if let Some(k) =
                (0..prev.len()).find(|&k| !used[k] && if by_back { prev[k].back } else { prev[k].front } == want)
            {
                used[k] = true;
                link[i] = Some(k);
            }
        }
    }
    // 4. The same place: a run of unlinked cards between the same two linked neighbours (or the
    // note's start or end) as a run of remembered entries continues it, card by card, when the two
    // runs are as long; a single card continues the entry right after its left neighbour. (Two
    // cards edited on both sides at once keep their GUIDs, each its own.)
    let mut i = 0;
    while i < group.len() {
        if link[i].is_some() || group[i].anchor.is_some() {
            i += 1;
            continue;
        }
        let start = i;
        while i < group.len() && link[i].is_none() && group[i].anchor.is_none() {
            i += 1;
        }
        let left = link[..start].iter().rev().find_map(|l| *l);
        let right = link[i..].iter().find_map(|l| *l);
        let (lo, hi) = (left.map_or(0, |k| k + 1), right.unwrap_or(prev.len()));
        let free: Vec<usize> = (lo..hi.max(lo)).filter(|&k| !used[k]).collect();
        let pairs: Vec<(usize, usize)> = if free.len() == i - start {
            (start..i).zip(free).collect()
        } else if i - start == 1 {
            free.first().map(|&k| (start, k)).into_iter().collect()
        } else {
            Vec::new()
        };
        for (n, k) in pairs {
            used[k] = true;
            link[n] = Some(k);
        }
    }
    let mut out: Vec<Option<Linked>> = link.iter().map(|l| l.map(Linked::Prev)).collect();
    // Cards of a renamed note continue the orphaned entries.
    if prev.is_empty() {
        for (i, slot) in out.iter_mut().enumerate() {
            if slot.is_none() && group[i].anchor.is_none() {
                *slot = orphans.take(fronts[i], backs[i], empty).map(Linked::Orphan);
            }
        }
    }
    out
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
