//! The `.apkg` package: a zip with a legacy `collection.anki2` (SQLite, schema 11), a `media` map
//! and the media files named `0`, `1`, ... — the format genanki writes and every Anki imports.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Write;
use std::path::Path;

use anyhow::Context as _;
use rusqlite::{Connection, params};
use serde_json::{Value, json};

use super::{Media, atomic};
use crate::cards::Card;
use crate::cards::notetypes::Model;
use crate::templates::Templates;

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

/// Indexes, created after the rows are in: a bulk load is faster without them.
const INDEXES: &str = "
CREATE INDEX ix_notes_usn on notes (usn);
CREATE INDEX ix_cards_usn on cards (usn);
CREATE INDEX ix_revlog_usn on revlog (usn);
CREATE INDEX ix_cards_nid on cards (nid);
CREATE INDEX ix_cards_sched on cards (did, queue, due);
CREATE INDEX ix_revlog_cid on revlog (cid);
CREATE INDEX ix_notes_csum on notes (csum);
";

pub use crate::cards::identity::stable_id;

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

/// Writes the package for `cards` to `path`, atomically. `now` is the build time in seconds.
pub fn write(
    path: &Path,
    cards: &[Card],
    models: &[Model],
    media: &[Media],
    templates: &Templates,
    now: i64,
) -> anyhow::Result<()> {
    // The collection is built in a file beside the package, not in memory: its pages then sit in
    // the page cache rather than in this process, and it is streamed into the zip.
    let collection = atomic::begin(path)?;
    {
        let mut db = Connection::open(collection.path())?;
        write_collection(&mut db, cards, models, templates, now)?;
        db.close().map_err(|(_, e)| e)?;
    }

    let tmp = atomic::begin(path)?;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::with_capacity(1 << 20, tmp));
    let deflate = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(false);
    zip.start_file("collection.anki2", deflate)?;
    std::io::copy(&mut std::io::BufReader::with_capacity(1 << 20, collection.reopen()?), &mut zip)?;
    drop(collection);
    let map: BTreeMap<String, &str> = media.iter().enumerate().map(|(i, m)| (i.to_string(), m.name.as_str())).collect();
    zip.start_file("media", deflate)?;
    zip.write_all(serde_json::to_string(&map)?.as_bytes())?;
    for (i, m) in media.iter().enumerate() {
        let mut file =
            std::fs::File::open(&m.path).with_context(|| format!("cannot read media `{}`", m.path.display()))?;
        // Images, sound and video are compressed already: deflating them again costs time and
        // saves nothing.
        let opts = if compressed(&m.name) {
            deflate.compression_method(zip::CompressionMethod::Stored).compression_level(None)
        } else {
            deflate
        };
        zip.start_file(i.to_string(), opts)?;
        std::io::copy(&mut file, &mut zip).with_context(|| format!("cannot read media `{}`", m.path.display()))?;
    }
    let tmp = zip.finish()?.into_inner().map_err(std::io::IntoInnerError::into_error)?;
    atomic::commit(tmp, path)
}

/// Whether a media file's format is compressed already.
fn compressed(name: &str) -> bool {
    const FORMATS: [&str; 16] = [
        "png", "jpg", "jpeg", "gif", "webp", "avif", "mp3", "ogg", "m4a", "aac", "flac", "webm", "mp4", "mov", "mkv",
        "ogv",
    ];
    let ext = crate::markdown::extension(name);
    FORMATS.contains(&ext.as_str())
}

/// Builds the collection in `db`, an empty in-memory database.
fn write_collection(
    db: &mut Connection,
    cards: &[Card],
    models: &[Model],
    templates: &Templates,
    now: i64,
) -> anyhow::Result<()> {
    // The page cache grows with the deck (a quarter KiB per card, 16 to 256 MiB): building the
    // indexes of a large collection through a small cache reads its pages over and over.
    let cache_kib = (cards.len() / 4).clamp(16 << 10, 256 << 10);
    db.execute_batch(&format!(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=-{cache_kib};"
    ))?;
    db.execute_batch(SCHEMA)?;
    let names: HashSet<&str> = cards.iter().map(|c| c.deck.as_str()).collect();
    let decks: BTreeSet<String> = names.into_iter().flat_map(ancestors).collect();
    let first_deck = cards.first().map_or(1, |c| stable_id("deck", &c.deck));
    let ms = now * 1000;
    db.execute(
        "INSERT INTO col VALUES (1, ?1, ?2, ?2, 11, 0, 0, 0, ?3, ?4, ?5, ?6, '{}')",
        params![
            now - now.rem_euclid(86_400),
            ms,
            conf_json().to_string(),
            models_json(models, templates, first_deck, now)?.to_string(),
            decks_json(&decks, now).to_string(),
            dconf_json().to_string()
        ],
    )?;
    // Ids are given in card order (so `unique` steps past a taken id the same way every build),
    // and rows go in in id order: appending to a B-tree is several times faster than inserting at
    // random places.
    let by_name: std::collections::HashMap<&str, &Model> = models.iter().map(|m| (m.name.as_str(), m)).collect();
    let mut ids = HashSet::with_capacity(cards.len() * 2);
    let mut note_rows: Vec<(i64, &Card, i64)> = Vec::with_capacity(cards.len());
    let mut card_rows: Vec<(i64, i64, &Card, u32, i64)> = Vec::with_capacity(cards.len());
    for (pos, card) in cards.iter().enumerate() {
        let Some(nt) = by_name.get(card.type_name()) else {
            anyhow::bail!("no note type `{}` for the card at {}:{}", card.type_name(), card.note, card.line)
        };
        let nid = unique(&mut ids, note_id(&card.guid));
        note_rows.push((nid, card, nt.id));
        let ords: Vec<u32> = if nt.cloze {
            card.cloze_numbers().iter().map(|n| n.saturating_sub(1)).collect()
        } else {
            (0..u32::try_from(nt.templates.len())?).collect()
        };
        for ord in ords {
            // Card ids follow their note's id; `unique` steps past any taken one.
            let cid = unique(&mut ids, nid + 1_000_000_000_000 + i64::from(ord));
            card_rows.push((cid, nid, card, ord, i64::try_from(pos)? + 1));
        }
    }
    note_rows.sort_unstable_by_key(|r| r.0);
    card_rows.sort_unstable_by_key(|r| r.0);
    let tx = db.transaction()?;
    {
        let mut note_stmt = tx.prepare("INSERT INTO notes VALUES (?1, ?2, ?3, ?4, -1, ?5, ?6, ?7, 0, 0, '')")?;
        let mut card_stmt =
            tx.prepare("INSERT INTO cards VALUES (?1, ?2, ?3, ?4, ?5, -1, 0, 0, ?6, 0, 0, 0, 0, 0, 0, 0, 0, '')")?;
        let mut flds = String::new();
        let mut tags = String::new();
        for (nid, card, mid) in note_rows {
            tags.clear();
            if !card.tags.is_empty() {
                tags.push(' ');
                for t in &card.tags {
                    tags.push_str(t);
                    tags.push(' ');
                }
            }
            flds.clear();
            for (i, f) in card.fields.iter().enumerate() {
                if i > 0 {
                    flds.push('\x1f');
                }
                flds.push_str(f);
            }
            let sfld = card.fields.first().map_or("", String::as_str);
            note_stmt.execute(params![nid, card.guid, mid, card.modified, tags, flds, sfld])?;
        }
        let mut deck_ids: std::collections::HashMap<&str, i64> = std::collections::HashMap::new();
        for (cid, nid, card, ord, due) in card_rows {
            let did = *deck_ids.entry(card.deck.as_str()).or_insert_with(|| stable_id("deck", &card.deck));
            card_stmt.execute(params![cid, nid, did, ord, card.modified, due])?;
        }
    }
    tx.execute_batch(INDEXES)?;
    tx.commit()?;
    Ok(())
}

fn unique(ids: &mut HashSet<i64>, mut id: i64) -> i64 {
    while !ids.insert(id) {
        id += 1;
    }
    id
}

/// `A::B::C` and each of its parents.
fn ancestors(deck: &str) -> Vec<String> {
    let parts: Vec<&str> = deck.split("::").collect();
    (1..=parts.len()).map(|n| parts.get(..n).unwrap_or_default().join("::")).collect()
}

fn conf_json() -> Value {
    json!({"activeDecks": [1], "addToCur": true, "collapseTime": 1200, "curDeck": 1, "curModel": null,
           "dueCounts": true, "estTimes": true, "newBury": true, "newSpread": 0, "nextPos": 1,
           "sortBackwards": false, "sortType": "noteFld", "timeLim": 0})
}

fn models_json(list: &[Model], templates: &Templates, did: i64, now: i64) -> anyhow::Result<Value> {
    let css = templates.css()?;
    let mut models = serde_json::Map::new();
    for nt in list {
        let flds: Vec<Value> = nt
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| json!({"name": f, "ord": i, "sticky": false, "rtl": false, "font": "Arial", "size": 20, "media": []}))
            .collect();
        let mut tmpls = Vec::new();
        for (i, (name, prefix)) in nt.templates.iter().enumerate() {
            let t = if prefix == "custom" { templates.custom(nt)? } else { templates.card(prefix)? };
            tmpls.push(json!({"name": name, "ord": i, "qfmt": t.qfmt, "afmt": t.afmt, "bqfmt": "", "bafmt": "",
                              "did": null, "bfont": "", "bsize": 0}));
        }
        let req: Vec<Value> = (0..nt.templates.len()).map(|i| json!([i, "any", [i]])).collect();
        models.insert(
            nt.id.to_string(),
            json!({"id": nt.id, "name": nt.name, "type": i32::from(nt.cloze), "mod": now, "usn": -1, "sortf": 0,
                   "did": did, "tmpls": tmpls, "flds": flds, "css": css, "req": req, "tags": [], "vers": [],
                   "latexPre": "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n",
                   "latexPost": "\\end{document}", "latexsvg": false}),
        );
    }
    Ok(Value::Object(models))
}

fn decks_json(decks: &BTreeSet<String>, now: i64) -> Value {
    let deck = |id: i64, name: &str| {
        json!({"id": id, "name": name, "mod": now, "usn": -1, "collapsed": false, "browserCollapsed": false,
               "desc": "", "dyn": 0, "conf": 1, "extendNew": 0, "extendRev": 0,
               "newToday": [0, 0], "revToday": [0, 0], "lrnToday": [0, 0], "timeToday": [0, 0]})
    };
    let mut map = serde_json::Map::new();
    map.insert("1".into(), deck(1, "Default"));
    for name in decks {
        let id = stable_id("deck", name);
        map.insert(id.to_string(), deck(id, name));
    }
    Value::Object(map)
}

fn dconf_json() -> Value {
    json!({"1": {"id": 1, "name": "Default", "mod": 0, "usn": 0, "maxTaken": 60, "autoplay": true, "timer": 0,
                 "replayq": true, "dyn": false,
                 "new": {"bury": false, "delays": [1, 10], "initialFactor": 2500, "ints": [1, 4, 0], "order": 1, "perDay": 20},
                 "lapse": {"delays": [10], "leechAction": 1, "leechFails": 8, "minInt": 1, "mult": 0},
                 "rev": {"bury": false, "ease4": 1.3, "ivlFct": 1, "maxIvl": 36500, "perDay": 200, "hardFactor": 1.2}}})
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
