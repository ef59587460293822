//! The collection inside the package: a legacy `collection.anki2` (SQLite, schema 11), built
//! whole, or updated from the previous build's copy by writing only the rows that changed.
//!
//! Both ways give the same rows: every row is computed from the cards, and a row is written when
//! the previous build's index has no row with its id and signature.
//!
//! The tables have none of the indexes of Anki's own collections (`ix_cards_nid`, `ix_notes_csum`,
//! ...): an import reads a package's rows whole, by their ids, and the collection it imports into
//! has its own. Real Anki imports a package without them as it imports one with them (checked for
//! 60,000 notes: the same notes and cards, and no slower), and leaving them out saves their
//! builds, a tenth of the bulk load, on one core.

use std::collections::{BTreeSet, HashMap, HashSet};

use rayon::prelude::*;
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use crate::cards::Card;
use crate::cards::identity::ShortHash;
use crate::cards::identity::{self, BuildSpread, stable_id};
use crate::cards::notetypes::Model;
use crate::templates::Templates;

use super::col::{ancestors, conf_json, dconf_json, decks_json, models_json};

const SCHEMA: &str = "
CREATE TABLE col (id integer primary key, crt integer not null, mod integer not null, scm integer not null,
  ver integer not null, dty integer not null, usn integer not null, ls integer not null, conf text not null,
  models text not null, decks text not null, dconf text not null, tags text not null);
CREATE TABLE notes (id integer primary key, guid text not null, mid integer not null, mod integer not null,
  usn integer not null, tags text not null, flds text not null, sfld integer not null, csum integer not null,
  flags integer not null, data text not null);
CREATE TABLE cards (id integer primary key, nid integer not null, did integer not null, ord integer not null,
  mod integer not null, usn integer not null, type integer not null, queue integer not null, due integer not null,
  ivl integer not null, factor integer not null, reps integer not null, lapses integer not null, left integer not null,
  odue integer not null, odid integer not null, flags integer not null, data text not null);
CREATE TABLE revlog (id integer primary key, cid integer not null, usn integer not null, ease integer not null,
  ivl integer not null, lastIvl integer not null, factor integer not null, time integer not null, type integer not null);
CREATE TABLE graves (usn integer not null, oid integer not null, type integer not null);
";

/// The note id for a GUID: GUIDs are hex hashes, so their leading digits serve directly. Ids are
/// millisecond times, and Anki gives a new id to an imported note whose id lies in the future;
/// these lie between 2001 and 2017, so Anki keeps them and `nid:` finds the notes.
pub fn note_id(guid: &str) -> i64 {
    const SPAN: u64 = 500_000_000_000;
    let n = match guid.get(..12).and_then(|h| u64::from_str_radix(h, 16).ok()) {
        Some(n) => n,
        None => u64::try_from(stable_id("note", guid)).unwrap_or(0),
    };
    1_000_000_000_000 + i64::try_from(n % SPAN).unwrap_or(0)
}

/// A note row's signature: every value the row holds but its id, or the hash of it. Its fields and
/// tags are covered by the card's content hash, and its sort field and tags by the card's row hash
/// (both made with the card, see [`crate::cards::identity::Keys`]), so that two ways of splitting
/// the same text into fields cannot look alike; its note type by the type's id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Signature {
    mid: i64,
    modified: i64,
    /// The GUID, as the number its 16 hex digits write (or, for any other GUID, its hash).
    guid: u64,
    content: u64,
    row: u64,
}

/// A row of the `cards` table, as its values (they are few, so the index keeps them whole).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct CardRow {
    pub(super) id: i64,
    nid: i64,
    did: i64,
    ord: u32,
    modified: i64,
    due: i64,
}

/// A value the kept index holds many of, written as fixed-width little-endian numbers: a whole
/// list of them is then one run of bytes, read and written at the speed of a copy (a varint per
/// number took most of the index's time: 660,000 of them at 60,000 cards).
pub(super) trait Fixed: Sized {
    /// Its width in bytes.
    const WIDTH: usize;
    /// Appends its bytes.
    fn put(&self, out: &mut Vec<u8>);
    /// Reads it from `WIDTH` bytes.
    fn get(bytes: &[u8]) -> Self;
}

/// The `n`th little-endian `u64` of `bytes` (zero past their end).
fn word(bytes: &[u8], n: usize) -> u64 {
    let mut w = [0u8; 8];
    if let Some(b) = bytes.get(n * 8..n * 8 + 8) {
        w.copy_from_slice(b);
    }
    u64::from_le_bytes(w)
}

impl Fixed for (i64, Signature) {
    const WIDTH: usize = 48;
    fn put(&self, out: &mut Vec<u8>) {
        let (id, s) = self;
        for w in [*id as u64, s.mid as u64, s.modified as u64, s.guid, s.content, s.row] {
            out.extend_from_slice(&w.to_le_bytes());
        }
    }
    fn get(b: &[u8]) -> Self {
        let sig = Signature {
            mid: word(b, 1) as i64,
            modified: word(b, 2) as i64,
            guid: word(b, 3),
            content: word(b, 4),
            row: word(b, 5),
        };
        (word(b, 0) as i64, sig)
    }
}

impl Fixed for CardRow {
    const WIDTH: usize = 48;
    fn put(&self, out: &mut Vec<u8>) {
        let r = self;
        for w in [r.id as u64, r.nid as u64, r.did as u64, u64::from(r.ord), r.modified as u64, r.due as u64] {
            out.extend_from_slice(&w.to_le_bytes());
        }
    }
    fn get(b: &[u8]) -> Self {
        CardRow {
            id: word(b, 0) as i64,
            nid: word(b, 1) as i64,
            did: word(b, 2) as i64,
            ord: word(b, 3) as u32,
            modified: word(b, 4) as i64,
            due: word(b, 5) as i64,
        }
    }
}

/// A row of the `notes` table: the card it is made from, and its signature.
struct NoteRow<'a> {
    id: i64,
    card: &'a Card,
    mid: i64,
    signature: Signature,
}

/// How many cards [`Run::of`] takes at a time.
const RUN: usize = 2048;

/// What a run of cards' rows need of them, found apart from every other run.
struct Run<'c, 'm> {
    /// Each card's, in order.
    each: Vec<Each<'m>>,
    /// The decks the cards are in, each name once per stretch of cards in it (a note's cards
    /// share their deck, so it is looked up once per note).
    decks: Vec<&'c str>,
}

/// What one card's rows need of it.
struct Each<'m> {
    model: &'m Model,
    did: i64,
    /// Its note id, unless another card took it first.
    wanted: i64,
    signature: Signature,
}

impl<'c, 'm> Run<'c, 'm> {
    fn of(cards: &'c [Card], by_name: &HashMap<&str, &'m Model>) -> anyhow::Result<Self> {
        let mut run = Run { each: Vec::with_capacity(cards.len()), decks: Vec::new() };
        let mut deck_ids: HashMap<&str, i64> = HashMap::new();
        // Cards come by note and notes by folder, so neighbours mostly share their type and deck:
        // those are looked up again only when they change (a shared deck compares by pointer).
        let mut last: Option<(&Card, &Model, i64)> = None;
        for card in cards {
            if last.is_none_or(|(l, _, _)| l.deck != card.deck) {
                run.decks.push(&card.deck);
            }
            let alike = last.filter(|(l, _, _)| l.deck == card.deck && l.type_name() == card.type_name());
            let (nt, did) = match alike {
                Some((_, nt, did)) => (nt, did),
                None => {
                    let Some(nt) = by_name.get(card.type_name()).copied() else {
                        anyhow::bail!("no note type `{}` for the card at {}:{}", card.type_name(), card.note, card.line)
                    };
                    (nt, *deck_ids.entry(&*card.deck).or_insert_with(|| stable_id("deck", &card.deck)))
                }
            };
            last = Some((card, nt, did));
            let signature = signature(nt.id, card)?;
            run.each.push(Each { model: nt, did, wanted: note_id(&card.guid), signature });
        }
        Ok(run)
    }
}

/// Every row the collection holds but `col`'s, in id order: rows are inserted in id order, since
/// appending to a B-tree is several times faster than inserting at random places.
pub(super) struct Rows<'a> {
    notes: Vec<NoteRow<'a>>,
    cards: Vec<CardRow>,
    /// The one `col` row's values (conf, models, decks, dconf as JSON).
    col: [String; 4],
    now: i64,
}

impl<'a> Rows<'a> {
    /// The rows for `cards`. Ids are given in card order, so `unique` steps past a taken id the
    /// same way every build.
    ///
    /// What each card's rows need of it (its type, deck id, wanted note id and signature) is
    /// found on every core, a run of cards each; the ids are then given on one thread, from those
    /// values alone. Each card's memory (its GUID, its keys) is then visited once, in parallel:
    /// after one edit of the 10,000-note bench vault, this function took 25 to 45 ms on one core,
    /// most of it waiting on memory.
    pub(super) fn new(cards: &'a [Card], models: &[Model], templates: &Templates, now: i64) -> anyhow::Result<Self> {
        let by_name: HashMap<&str, &Model> = models.iter().map(|m| (m.name.as_str(), m)).collect();
        let runs: Vec<anyhow::Result<Run<'a, '_>>> = cards.par_chunks(RUN).map(|run| Run::of(run, &by_name)).collect();
        let mut ids = HashSet::with_capacity_and_hasher(cards.len() * 2, BuildSpread::default());
        let mut notes = Vec::with_capacity(cards.len());
        let mut card_rows = Vec::with_capacity(cards.len());
        let mut names: HashSet<&str> = HashSet::new();
        let mut pos: i64 = 0;
        let mut cards_left = cards.iter();
        for run in runs {
            let run = run?;
            names.extend(run.decks);
            for each in run.each {
                let Some(card) = cards_left.next() else { break };
                let nt = each.model;
                let nid = unique(&mut ids, each.wanted);
                notes.push(NoteRow { id: nid, card, mid: nt.id, signature: each.signature });
                // A cloze type's card per cloze number, another type's per template.
                let per_template = 0..u32::try_from(nt.templates.len())?;
                let numbers: &[u32] = if nt.cloze { card.cloze_numbers() } else { &[] };
                let cloze = numbers.iter().map(|n| n.saturating_sub(1));
                let ords = cloze.chain(per_template.filter(|_| !nt.cloze));
                pos += 1;
                for ord in ords {
                    // Card ids follow their note's id; `unique` steps past any taken one.
                    let id = unique(&mut ids, nid + 1_000_000_000_000 + i64::from(ord));
                    card_rows.push(CardRow {
                        id,
                        nid,
                        did: each.did,
                        ord,
                        modified: each.signature.modified,
                        due: pos,
                    });
                }
            }
        }
        rayon::join(|| notes.par_sort_unstable_by_key(|r| r.id), || card_rows.par_sort_unstable_by_key(|r| r.id));

        let decks: BTreeSet<String> = names.into_iter().flat_map(ancestors).collect();
        let first_deck = cards.first().map_or(1, |c| stable_id("deck", &c.deck));
        let col = [
            conf_json().to_string(),
            models_json(models, templates, first_deck, now)?.to_string(),
            decks_json(&decks, now).to_string(),
            dconf_json().to_string(),
        ];
        Ok(Rows { notes, cards: card_rows, col, now })
    }

    /// How many note and card rows there are.
    pub(super) fn len(&self) -> usize {
        self.notes.len() + self.cards.len()
    }

    /// The note rows' ids and signatures and the card rows, in id order, for the index.
    pub(super) fn into_kept(self) -> (Vec<(i64, Signature)>, Vec<CardRow>) {
        (self.notes.iter().map(|r| (r.id, r.signature)).collect(), self.cards)
    }

    /// How many rows differ from the previous build's (`old`, both in id order): added, changed
    /// or gone.
    pub(super) fn changes(&self, old: &Previous<'_>) -> usize {
        let notes = self.notes.iter().map(|r| (r.id, r.signature));
        diff(notes, old.notes.iter().copied(), |_| {}, |_| {})
            + diff(self.cards.iter().map(|r| (r.id, *r)), old.cards.iter().map(|r| (r.id, *r)), |_| {}, |_| {})
    }
}

/// What the previous build's collection holds, from its index.
pub(super) struct Previous<'a> {
    pub(super) notes: &'a [(i64, Signature)],
    pub(super) cards: &'a [CardRow],
}

/// Builds the collection in `db`, an empty database, and returns how many rows it wrote.
pub(super) fn create(db: &mut Connection, rows: &Rows<'_>) -> anyhow::Result<usize> {
    // 16 KiB pages, not SQLite's 4 KiB: the bulk load is a fifth faster, and the deck no larger
    // (measured on a 60,000-card deck: 4 KiB 217 ms, 16 KiB 168 ms, 64 KiB 147 ms but a deck 4 %
    // larger).
    db.execute_batch("PRAGMA page_size=16384; PRAGMA journal_mode=OFF;")?;
    pragmas(db, CREATE_CACHE_KIB)?;
    db.execute_batch(SCHEMA)?;
    let tx = db.transaction()?;
    write_col(&tx, rows)?;
    {
        let mut notes = tx.prepare(INSERT_NOTE)?;
        let mut values = NoteValues::default();
        for row in &rows.notes {
            values.fill(row.card)?;
            values.insert(&mut notes, row)?;
        }
        let mut cards = tx.prepare(INSERT_CARD)?;
        for row in &rows.cards {
            insert_card(&mut cards, row)?;
        }
    }
    tx.commit()?;
    Ok(rows.notes.len() + rows.cards.len() + 1)
}

/// Updates `db`, a copy of the previous build's collection whose rows `old` lists, to hold `rows`:
/// rows that are gone are deleted, and rows that are new or changed are written. Returns how many
/// rows it wrote or deleted.
pub(super) fn update(db: &mut Connection, rows: &Rows<'_>, old: &Previous<'_>) -> anyhow::Result<usize> {
    pragmas(db, update_cache_kib(rows.notes.len()))?;
    let tx = db.transaction()?;
    write_col(&tx, rows)?;
    let mut written = 1;
    {
        // Few rows change: each is found in the id-ordered rows by a binary search.
        let note = |id: i64| rows.notes.binary_search_by_key(&id, |r| r.id).ok().map(|i| &rows.notes[i]);
        let card = |id: i64| rows.cards.binary_search_by_key(&id, |r| r.id).ok().map(|i| &rows.cards[i]);
        let (mut gone, mut put) = (Vec::new(), Vec::new());
        let new = rows.notes.iter().map(|r| (r.id, r.signature));
        written += diff(new, old.notes.iter().copied(), |id| put.push(id), |id| gone.push(id));
        let mut delete = tx.prepare("DELETE FROM notes WHERE id = ?1")?;
        for id in gone {
            delete.execute([id])?;
        }
        let mut insert = tx.prepare(&INSERT_NOTE.replacen("INSERT", "INSERT OR REPLACE", 1))?;
        let mut values = NoteValues::default();
        for row in put.into_iter().filter_map(note) {
            values.fill(row.card)?;
            values.insert(&mut insert, row)?;
        }

        let (mut gone, mut put) = (Vec::new(), Vec::new());
        let new = rows.cards.iter().map(|r| (r.id, *r));
        written += diff(new, old.cards.iter().map(|r| (r.id, *r)), |id| put.push(id), |id| gone.push(id));
        let mut delete = tx.prepare("DELETE FROM cards WHERE id = ?1")?;
        for id in gone {
            delete.execute([id])?;
        }
        let mut insert = tx.prepare(&INSERT_CARD.replacen("INSERT", "INSERT OR REPLACE", 1))?;
        for row in put.into_iter().filter_map(card) {
            insert_card(&mut insert, row)?;
        }
    }
    tx.commit()?;
    Ok(written)
}

/// Whether the database has so many free pages (from rows deleted by updates) that it is better
/// built anew: more than a quarter of its pages.
pub(super) fn mostly_free(db: &Connection) -> rusqlite::Result<bool> {
    let free: i64 = db.query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
    let pages: i64 = db.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    Ok(free * 4 > pages)
}

/// Walks two id-ordered lists of (id, value): calls `put` with each id that is new or whose value
/// changed, and `gone` with each id only `old` has. Returns how many calls it made.
fn diff<T: PartialEq>(
    new: impl Iterator<Item = (i64, T)>,
    old: impl Iterator<Item = (i64, T)>,
    mut put: impl FnMut(i64),
    mut gone: impl FnMut(i64),
) -> usize {
    let mut calls = 0;
    let mut old = old.peekable();
    for (id, value) in new {
        while let Some((o, _)) = old.next_if(|(o, _)| *o < id) {
            gone(o);
            calls += 1;
        }
        match old.next_if(|(o, _)| *o == id) {
            Some((_, before)) if before == value => {}
            _ => {
                put(id);
                calls += 1;
            }
        }
    }
    for (o, _) in old {
        gone(o);
        calls += 1;
    }
    calls
}

/// The page cache: for an update, it grows with the deck (a sixteenth of a KiB per card, 2 to 64
/// MiB), as changed rows are found all over the file. A collection built anew needs little: rows
/// go in in id order.
/// The journal's mode is the caller's: none for a collection built anew, and for an update, none
/// or a write-ahead log ([`super::touched`]).
fn pragmas(db: &Connection, cache_kib: usize) -> rusqlite::Result<()> {
    db.execute_batch(&format!("PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=-{cache_kib};"))
}

/// The page cache of a collection built anew.
const CREATE_CACHE_KIB: usize = 4 << 10;

/// The page cache of an update of a collection of `notes` notes.
fn update_cache_kib(notes: usize) -> usize {
    (notes / 16).clamp(2 << 10, 64 << 10)
}

fn write_col(tx: &rusqlite::Transaction<'_>, rows: &Rows<'_>) -> rusqlite::Result<usize> {
    let now = rows.now;
    let [conf, models, decks, dconf] = &rows.col;
    tx.execute(
        "INSERT OR REPLACE INTO col VALUES (1, ?1, ?2, ?2, 11, 0, 0, 0, ?3, ?4, ?5, ?6, '{}')",
        params![now - now.rem_euclid(86_400), now * 1000, conf, models, decks, dconf],
    )
}

const INSERT_NOTE: &str = "INSERT INTO notes VALUES (?1, ?2, ?3, ?4, -1, ?5, ?6, ?7, 0, 0, '')";
const INSERT_CARD: &str = "INSERT INTO cards VALUES (?1, ?2, ?3, ?4, ?5, -1, 0, 0, ?6, 0, 0, 0, 0, 0, 0, 0, 0, '')";

fn insert_card(stmt: &mut rusqlite::Statement<'_>, r: &CardRow) -> rusqlite::Result<usize> {
    stmt.execute(params![r.id, r.nid, r.did, r.ord, r.modified, r.due])
}

/// The text values of a note row, in buffers reused from row to row.
#[derive(Default)]
struct NoteValues {
    tags: String,
    flds: String,
    /// How long the first field (Anki's sort field), which `flds` starts with, is.
    sort_len: usize,
}

impl NoteValues {
    /// The values of `card`'s row; its fields are read back from the build cache if they are held
    /// there.
    fn fill(&mut self, card: &Card) -> Result<(), crate::cards::Unreadable> {
        self.tags.clear();
        if !card.tags.is_empty() {
            self.tags.push(' ');
            for t in card.tags.iter() {
                self.tags.push_str(t);
                self.tags.push(' ');
            }
        }
        self.flds.clear();
        let fields = card.fields()?;
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                self.flds.push('\x1f');
            }
            self.flds.push_str(f);
        }
        self.sort_len = fields.first().map_or(0, |f| f.len());
        Ok(())
    }

    fn insert(&self, stmt: &mut rusqlite::Statement<'_>, row: &NoteRow<'_>) -> rusqlite::Result<usize> {
        let c = row.card;
        let sort_field = self.flds.get(..self.sort_len).unwrap_or_default();
        stmt.execute(params![row.id, c.guid, row.mid, c.modified, self.tags, self.flds, sort_field])
    }
}

/// The signature of the note row of `card`, whose note type has the id `mid`.
fn signature(mid: i64, card: &Card) -> Result<Signature, crate::cards::Unreadable> {
    let lower_hex = card.guid.len() == 16 && card.guid.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    let guid = match ShortHash::parse(&card.guid).filter(|_| lower_hex) {
        Some(number) => number.0,
        None => ShortHash::of(&[&card.guid]).0,
    };
    let (content, row) = if card.keys.content == ShortHash::default() || card.keys.row == ShortHash::default() {
        // A card made without its keys.
        let fields = card.fields()?;
        (identity::content_hash(card, fields), identity::row_hash(card, fields))
    } else {
        (card.keys.content, card.keys.row)
    };
    Ok(Signature { mid, modified: card.modified, guid, content: content.0, row: row.0 })
}

fn unique(ids: &mut HashSet<i64, BuildSpread>, mut id: i64) -> i64 {
    while !ids.insert(id) {
        id += 1;
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_read_back_from_their_fixed_width_bytes() {
        let note = (-5_i64, Signature { mid: i64::MIN, modified: -1, guid: u64::MAX, content: 7, row: 0 });
        let card = CardRow { id: i64::MAX, nid: -2, did: 3, ord: u32::MAX, modified: 0, due: -9 };
        let mut bytes = Vec::new();
        note.put(&mut bytes);
        assert_eq!(bytes.len(), <(i64, Signature)>::WIDTH);
        assert_eq!(<(i64, Signature)>::get(&bytes), note);
        let mut bytes = Vec::new();
        card.put(&mut bytes);
        assert_eq!(bytes.len(), CardRow::WIDTH);
        assert_eq!(CardRow::get(&bytes), card);
    }

    #[test]
    fn ancestors_of_a_deck() {
        assert_eq!(ancestors("a::b::c"), ["a", "a::b", "a::b::c"]);
    }

    #[test]
    fn ids_are_stable_and_in_range() {
        let id = stable_id("deck", "x");
        assert_eq!(id, stable_id("deck", "x"));
        assert_ne!(id, stable_id("deck", "y"));
        assert!((1_000_000_000_000..2_000_000_000_000).contains(&id));
    }

    /// A card without its keys (the row's signature then hashes its fields).
    fn card(guid: &str, kind: crate::notes::NoteKind) -> Card {
        let sample = crate::cards::sample("n.md", guid, "back");
        Card { kind, guid: guid.into(), modified: 7, keys: Default::default(), ..sample }
    }

    /// Ids come from GUIDs; when two collide, every row takes, in card order, the first id from
    /// its own that no earlier row took.
    #[test]
    fn colliding_ids_step_past_those_taken_in_card_order() {
        use crate::notes::NoteKind::{Basic, Reversed};
        let t = 1_000_000_000_000;
        let x = 1_000_000_000_000 + 0x0123_4567_89ab % 500_000_000_000;
        type Ids = (Vec<(i64, String)>, Vec<(i64, i64, u32, i64)>);
        fn ids(cards: &[Card]) -> Ids {
            let (models, _) = crate::cards::notetypes::models(&mut cards.to_vec(), &Default::default());
            let templates = Templates::load(std::path::Path::new("/nonexistent")).unwrap();
            let rows = Rows::new(cards, &models, &templates, 0).unwrap();
            let notes = rows.notes.iter().map(|r| (r.id, r.card.guid.clone())).collect();
            let cards = rows.cards.iter().map(|r| (r.id, r.nid, r.ord, r.due)).collect();
            (notes, cards)
        }
        // Apart, each row has its GUID's id.
        let (notes, cards) = ids(&[card("0123456789ab01", Basic), card("0fedcba98765", Reversed)]);
        let y = 1_000_000_000_000 + 0x0fed_cba9_8765 % 500_000_000_000;
        assert!(y < x);
        assert_eq!(notes, [(y, "0fedcba98765".into()), (x, "0123456789ab01".into())]);
        assert_eq!(cards, [(y + t, y, 0, 2), (y + t + 1, y, 1, 2), (x + t, x, 0, 1)]);

        // The second note's id is the first's, and the third's the second's next.
        let (notes, cards) =
            ids(&[card("0123456789ab01", Basic), card("0123456789ab02", Reversed), card("0123456789ac00", Basic)]);
        assert_eq!(
            notes,
            [(x, "0123456789ab01".into()), (x + 1, "0123456789ab02".into()), (x + 2, "0123456789ac00".into())]
        );
        assert_eq!(
            cards,
            [(x + t, x, 0, 1), (x + t + 1, x + 1, 0, 2), (x + t + 2, x + 1, 1, 2), (x + t + 3, x + 2, 0, 3)]
        );

        // In the other order, the other note steps.
        let (notes, _) =
            ids(&[card("0123456789ac00", Basic), card("0123456789ab01", Basic), card("0123456789ab02", Basic)]);
        assert_eq!(
            notes,
            [(x, "0123456789ab01".into()), (x + 1, "0123456789ac00".into()), (x + 2, "0123456789ab02".into())]
        );
    }

    /// Runs of cards are prepared on their own ([`Run`]); ids still step past those taken in
    /// card order across runs, and each card is due at its place in the deck.
    #[test]
    fn ids_step_in_card_order_across_runs() {
        use crate::notes::NoteKind::Basic;
        let mut cards: Vec<Card> =
            (0..RUN + 10).map(|i| card(&format!("{:012x}{:04x}", 0x10_0000 + i * 7919, i), Basic)).collect();
        // A card of the second run wants the first card's note id.
        cards[RUN + 3].guid = "000000100000ffff".into();
        let (models, _) = crate::cards::notetypes::models(&mut cards.clone(), &Default::default());
        let templates = Templates::load(std::path::Path::new("/nonexistent")).unwrap();
        let rows = Rows::new(&cards, &models, &templates, 0).unwrap();
        let x = 1_000_000_000_000 + 0x10_0000;
        let note = |guid: &str| rows.notes.iter().find(|r| r.card.guid == guid).map(|r| r.id);
        assert_eq!(note("0000001000000000"), Some(x));
        assert_eq!(note("000000100000ffff"), Some(x + 1));
        assert_eq!(rows.notes.len(), cards.len());
        let mut ids: Vec<i64> = rows.notes.iter().map(|r| r.id).chain(rows.cards.iter().map(|r| r.id)).collect();
        ids.dedup();
        assert_eq!(ids.len(), 2 * cards.len(), "every id is given once, in order");
        let due = |nid| rows.cards.iter().find(|r| r.nid == nid).map(|r| r.due);
        assert_eq!(due(x + 1), Some(i64::try_from(RUN).unwrap() + 4));
        assert_eq!(due(x), Some(1));
    }

    #[test]
    fn the_diff_names_added_changed_and_gone_rows() {
        let (mut put, mut gone) = (Vec::new(), Vec::new());
        let new = [(1, 'a'), (3, 'c'), (4, 'x'), (6, 'f')];
        let old = [(2, 'b'), (3, 'c'), (4, 'd'), (7, 'g')];
        let n = diff(new.into_iter(), old.into_iter(), |i| put.push(i), |i| gone.push(i));
        assert_eq!(put, [1, 4, 6]);
        assert_eq!(gone, [2, 7]);
        assert_eq!(n, 5);
    }
}
