//! Giving every card its GUID and modification time, by the policy of [`super`].
//!
//! Each note's cards are matched to the entries the identity file remembers for that note on
//! their own, so the notes are matched in parallel. What the vault's cards share is then settled
//! in card order, on one thread: which GUIDs are taken (two cards never share one), and which
//! remembered cards of notes the vault no longer has a renamed note's cards continue.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use rayon::prelude::*;

use super::{BuildSpread, Entry, Gone, Lock, ShortHash, empty};
use crate::cards::Card;
use crate::diagnostics::{Code, Diagnostic};

/// Gives every card its GUID and modification time.
///
/// `cards` are grouped by note, in file order; `present` holds every note path of the vault
/// (including notes without cards). `now` is the time, in seconds, given to new and changed cards.
/// Returns the new lock and diagnostics (duplicate ids).
pub fn assign(cards: &mut [Card], present: &foldhash::HashSet<&str>, lock: &Lock, now: i64) -> (Lock, Vec<Diagnostic>) {
    let groups = notes(cards);
    // Each note's remembered entries.
    let remembered: Vec<&[Entry]> = groups
        .iter()
        .map(|r| cards.get(r.start).and_then(|c| lock.notes.get(&*c.note)).map_or(&[][..], Vec::as_slice))
        .collect();
    // Each card's place among its note's remembered entries, if it continues one.
    let (mut orphans, links) = rayon::join(
        || Orphans::new(lock, present),
        || {
            let cards = &*cards;
            groups
                .par_iter()
                .zip(&remembered)
                .map(|(r, prev)| link(cards.get(r.clone()).unwrap_or_default(), prev))
                .collect::<Vec<Vec<Option<usize>>>>()
        },
    );

    let mut diags = Vec::new();
    // Every GUID given so far, with the note (by its place in `paths`) and line that has it.
    let mut taken: HashMap<ShortHash, (usize, usize), BuildSpread> =
        HashMap::with_capacity_and_hasher(cards.len(), BuildSpread::default());
    let mut paths: Vec<std::sync::Arc<str>> = Vec::with_capacity(groups.len());
    let mut guids: Vec<ShortHash> = Vec::with_capacity(cards.len());
    for ((range, links), &prev) in groups.iter().zip(&links).zip(&remembered) {
        let Some(group) = cards.get_mut(range.clone()) else { continue };
        let Some(path) = group.first().map(|c| c.note.clone()) else { continue };
        // Cards of a renamed note, and cards moved out of a note the vault no longer has into
        // another, continue the orphaned entries (by front, then back).
        let adopted: Vec<Option<Entry>> = group
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let unlinked = c.anchor.is_none() && links.get(i).copied().flatten().is_none();
                let kind = super::type_hash(c.type_name());
                unlinked.then(|| orphans.take(c.keys.front, c.keys.back, empty(), kind)).flatten()
            })
            .collect();
        for (i, card) in group.iter_mut().enumerate() {
            let k = card.keys;
            let linked = match links.get(i).copied().flatten() {
                Some(at) => prev.get(at),
                None => adopted.get(i).and_then(Option::as_ref),
            };
            let mut guid = match (card.anchor, linked) {
                (Some(id), _) => ShortHash::of(&["anki-id", &id.to_string()]),
                (None, Some(e)) => e.guid,
                (None, None) => {
                    // A remembered card of this note of another type may have had it (the same
                    // front, rewritten as a cloze): Anki would not update that note, so the card
                    // steps past it, as past a taken GUID.
                    let kind = super::type_hash(card.type_name());
                    let (mut fresh, mut n) = (k.fresh, 1);
                    while prev.iter().any(|e| e.guid == fresh && !e.takes(kind)) {
                        fresh = ShortHash::of(&["card", &k.fresh.hex(), &n.to_string()]);
                        n += 1;
                    }
                    fresh
                }
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
                        .with_hint(
                            crate::cards::sync_copies::hint(file, &card.note).unwrap_or_else(|| {
                                "each <!--ID: n--> line must be unique in the vault; remove the copy".to_owned()
                            }),
                        ),
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
            guids.push(guid);
        }
        paths.push(path);
    }

    // The cards' GUIDs written out and the new lock's entries, while the remembered cards no card
    // continues are found.
    let (notes, gone) = rayon::join(
        || {
            cards.par_iter_mut().zip(&guids).for_each(|(card, guid)| card.guid = guid.hex());
            let cards = &*cards;
            groups
                .par_iter()
                .filter_map(|r| {
                    let group = cards.get(r.clone())?;
                    let entries = group.iter().zip(guids.get(r.clone())?).map(|(c, &guid)| Entry {
                        guid,
                        front: c.keys.front,
                        back: c.keys.back,
                        content: c.keys.content,
                        modified: c.modified,
                        anchored: c.anchor.is_some(),
                        kind: Some(super::type_hash(c.type_name())),
                    });
                    Some((group.first()?.note.to_string(), entries.collect::<Vec<_>>()))
                })
                .collect::<Vec<_>>()
        },
        || gone(lock, |guid| taken.contains_key(&guid), now),
    );
    let mut new_lock = Lock { version: 1, gone, ..Lock::default() };
    for (path, entries) in notes {
        new_lock.notes.insert(path, entries);
    }
    (new_lock, diags)
}

/// The runs of `cards` that are one note's.
fn notes(cards: &[Card]) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    for group in cards.chunk_by(|a, b| a.note == b.note) {
        runs.push(start..start + group.len());
        start += group.len();
    }
    runs
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

    /// The orphaned entry a card of the type `kind` with this front (else back) continues.
    fn take(&mut self, front: ShortHash, back: ShortHash, empty_back: ShortHash, kind: ShortHash) -> Option<Entry> {
        if self.by_front.is_empty() {
            return None;
        }
        let pick = |map: &HashMap<ShortHash, Vec<Entry>>, key: ShortHash| {
            map.get(&key)?.iter().find(|e| !self.used.contains(&e.guid) && e.takes(kind)).cloned()
        };
        let found = pick(&self.by_front, front)
            .or_else(|| if back == empty_back { None } else { pick(&self.by_back, back) })?;
        self.used.insert(found.guid);
        Some(found)
    }
}

/// Links each card of one note to the remembered entry of that note it continues, if any: its
/// place in `prev`.
fn link(group: &[Card], prev: &[Entry]) -> Vec<Option<usize>> {
    let mut link: Vec<Option<usize>> = vec![None; group.len()];
    if prev.is_empty() {
        return link;
    }
    let empty = empty();
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
    // A card continues only a remembered card of its own note type (Anki updates no note into
    // another type).
    let kinds: Vec<ShortHash> = group.iter().map(|c| super::type_hash(c.type_name())).collect();
    // 2. Same front, then 3. same back.
    for by_back in [false, true] {
        for (i, card) in group.iter().enumerate() {
            if link[i].is_some() || card.anchor.is_some() || (by_back && card.keys.back == empty) {
                continue;
            }
            let want = if by_back { card.keys.back } else { card.keys.front };
            let fits = |k: usize| {
                !used[k] && prev[k].takes(kinds[i]) && if by_back { prev[k].back } else { prev[k].front } == want
            };
            if let Some(k) = (0..prev.len()).find(|&k| fits(k)) {
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
        // A remembered card that had an ID is continued by that ID, or by its front or back: not
        // by a card without one that merely stands where it stood (the ID went with its card).
        let free: Vec<usize> = (lo..hi.max(lo)).filter(|&k| !used[k] && !prev[k].anchored).collect();
        let pairs: Vec<(usize, usize)> = if free.len() == i - start {
            (start..i).zip(free).collect()
        } else if i - start == 1 {
            free.first().map(|&k| (start, k)).into_iter().collect()
        } else {
            Vec::new()
        };
        for (n, k) in pairs.into_iter().filter(|&(n, k)| prev[k].takes(kinds[n])) {
            used[k] = true;
            link[n] = Some(k);
        }
    }
    link
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cards::sample;

    /// `notes` notes of four cards each; every seventh note repeats a front (two cards want one
    /// GUID), and every third note's second card carries an `<!--ID: n-->`: of `ids` numbers, so
    /// that another note's card may have it too. Every fifth note's second card is `edit`ed.
    fn vault(notes: usize, folder: &str, edit: &str, ids: usize) -> Vec<Card> {
        let mut cards = Vec::new();
        for n in 0..notes {
            let path = format!("{folder}/note {n}.md");
            for c in 0..4 {
                let front = if n % 7 == 0 && c == 3 { format!("q{n}.2") } else { format!("q{n}.{c}") };
                let back = if n % 5 == 0 && c == 1 { format!("a{c}{edit}") } else { format!("a{c}") };
                let mut card = sample(&path, &front, &back);
                card.line = c + 1;
                if c == 1 && n % 3 == 0 {
                    card.anchor = Some(1_700_000_000_000 + (n % ids) as u64);
                }
                cards.push(card);
            }
        }
        cards
    }

    /// What assigning gives, with the thread pool the notes are matched in.
    fn assigned(threads: usize, cards: &[Card], lock: &Lock) -> (Vec<(String, i64)>, Lock, Vec<String>) {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            let mut cards = cards.to_vec();
            let paths: Vec<String> = cards.iter().map(|c| c.note.to_string()).collect();
            let present = paths.iter().map(String::as_str).collect();
            let (lock, diags) = assign(&mut cards, &present, lock, 50);
            let given = cards.iter().map(|c| (c.guid.clone(), c.modified)).collect();
            (given, lock, diags.iter().map(|d| format!("{}:{} {}", d.file, d.line, d.message)).collect())
        })
    }

    /// The notes are matched in parallel, but what every card gets is settled in card order: the
    /// same GUIDs, times, identity state and diagnostics on one thread as on many, for a first
    /// build, an edit, and a renamed folder whose cards continue the orphaned entries.
    #[test]
    fn guids_do_not_depend_on_how_many_threads_match_the_notes() {
        // Ids that several cards share: reported, and every card still has a GUID of its own.
        let shared = vault(400, "a", "", 23);
        let (given, _, diags) = assigned(1, &shared, &Lock::default());
        assert_eq!(assigned(4, &shared, &Lock::default()).2, diags);
        assert_eq!(assigned(4, &shared, &Lock::default()).0, given);
        assert!(diags.len() > 100, "the repeated ids are reported: {}", diags.len());
        let unique: HashSet<&String> = given.iter().map(|(g, _)| g).collect();
        assert_eq!(unique.len(), given.len(), "every card has a GUID of its own");

        let first = vault(400, "a", "", usize::MAX);
        let (given, lock, diags) = assigned(1, &first, &Lock::default());
        assert_eq!(assigned(4, &first, &Lock::default()), (given.clone(), lock.clone(), diags));

        let edited = vault(400, "a", " edited", usize::MAX);
        let again = assigned(1, &edited, &lock);
        assert_eq!(assigned(4, &edited, &lock), again);
        let kept = again.0.iter().zip(&given).filter(|(a, b)| a.0 == b.0).count();
        assert_eq!(kept, given.len(), "an edited back keeps every GUID");
        let later = again.0.iter().zip(&given).filter(|(a, b)| a.1 > b.1).count();
        assert_eq!(later, 80, "the edited cards, one in every fifth note, move forward in time");

        let renamed = vault(400, "b", "", usize::MAX);
        let moved = assigned(1, &renamed, &lock);
        assert_eq!(assigned(4, &renamed, &lock), moved);
        let continued = moved.0.iter().zip(&given).filter(|(a, b)| a.0 == b.0).count();
        assert_eq!(continued, given.len(), "a renamed folder keeps every GUID");
    }
}
