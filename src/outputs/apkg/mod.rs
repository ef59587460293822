//! The `.apkg` package: a zip with a legacy `collection.anki2` (SQLite, schema 11), a `media` map
//! and the media files named `0`, `1`, ... — the format genanki writes and every Anki imports.
//!
//! A build into a folder keeps the collection beside the deck ([`kept`]). The next build takes it
//! over and writes only the rows that changed ([`collection::update`]), and the package reuses the
//! deflated pieces of the collection whose bytes did not change ([`package`]): after one edit,
//! little is written and little is compressed. A collection built anew is deflated while SQLite
//! still writes it ([`early`]).

mod col;
mod collection;
mod early;
mod kept;
mod package;
mod seek_buffer;
mod touched;

use std::path::Path;

use anyhow::Context as _;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

pub use self::collection::note_id;
pub use self::kept::{COLLECTION, INDEX};
use super::{Media, atomic};
use crate::cards::Card;
pub use crate::cards::identity::stable_id;
use crate::cards::notetypes::Model;
use crate::templates::Templates;

/// Where a build into a folder keeps its collection: the folder of the set it replaces (which may
/// hold the previous build's) and the folder the new set is staged in.
#[derive(Debug, Clone, Copy)]
pub struct Keep<'a> {
    /// The output folder as the previous build left it.
    pub old: &'a Path,
    /// The staging folder of the new set.
    pub new: &'a Path,
}

/// How the collection was written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Update {
    /// Whether the previous build's collection was updated, rather than one built anew.
    pub incremental: bool,
    /// Rows written or deleted.
    pub rows: usize,
    /// The deflated pieces of the collection in the package.
    pub pieces: usize,
    /// Of those, how many were copied from the previous package.
    pub pieces_reused: usize,
    /// How many pieces were read from the collection: after a small update, only those holding a
    /// page it wrote ([`touched`]).
    #[serde(default)]
    pub pieces_read: usize,
}

/// When at most this share of the rows changed, the update records which pages it wrote, so that
/// the package reads only the pieces that hold them. A larger update writes most pages anyway, and
/// its log would be written twice.
const FEW_CHANGED: f64 = 0.01;

/// When more rows than this share changed, the collection is built anew: that is faster than
/// updating it, and leaves no free pages.
const MOST_CHANGED: f64 = 0.5;

/// Writes the package for `cards` to `path`, atomically. `now` is the build time in seconds.
/// With `keep`, the collection and its index are kept in `keep.new`, and the previous build's are
/// used from `keep.old`.
pub fn write(
    path: &Path,
    cards: &[Card],
    models: &[Model],
    media: &[Media],
    templates: &Templates,
    now: i64,
    keep: Option<Keep<'_>>,
) -> anyhow::Result<Update> {
    // The previous build's index is read while the rows are computed.
    let (rows, old) = rayon::join(
        || collection::Rows::new(cards, models, templates, now),
        || keep.and_then(|keep| kept::Index::load(keep.old)),
    );
    let rows = rows?;
    let Some(keep) = keep else {
        // The collection is built in a file beside the package, not in memory: its pages then sit
        // in the page cache rather than in this process, and it is streamed into the zip.
        let file = atomic::begin(path)?;
        let (written, early) = create(file.path(), &rows)?;
        let packed = package::write(path, file.path(), None, Some(&early), media)?;
        let pieces = packed.pieces.len();
        return Ok(Update { incremental: false, rows: written, pieces, pieces_reused: 0, pieces_read: pieces });
    };
    let (old_collection, collection) = (keep.old.join(COLLECTION), keep.new.join(COLLECTION));
    let previous = old.as_ref().map(|o| collection::Previous { notes: &o.notes, cards: &o.cards });
    let changes = previous.as_ref().map(|p| rows.changes(p) as f64 / rows.len().max(1) as f64);
    let small = previous.as_ref().filter(|_| changes.is_some_and(|c| c <= MOST_CHANGED));
    let track = changes.is_some_and(|c| c <= FEW_CHANGED);
    let updated = match small {
        // A kept collection that cannot be updated (damaged behind the index's back) is built anew.
        Some(previous) => update(&old_collection, &collection, &rows, previous, track).unwrap_or(None),
        None => None,
    };
    let (incremental, written, touched, early) = match updated {
        Some((written, touched)) => (true, written, touched, None),
        None => {
            let (written, early) = create(&collection, &rows)?;
            (false, written, None, Some(early))
        }
    };
    let old_package = old.as_ref().and_then(|o| o.package(keep.old));
    let old_pieces = old.as_ref().zip(old_package.as_deref()).map(|(o, package)| package::Previous {
        package,
        pieces: &o.pieces,
        touched: touched.as_ref(),
    });
    // The kept collection goes to disk while the package is written from the page cache.
    let packed = std::thread::scope(|s| {
        s.spawn(|| std::fs::File::open(&collection).and_then(|f| f.sync_all()));
        package::write(path, &collection, old_pieces.as_ref(), early.as_ref(), media)
    })?;
    let update = Update {
        incremental,
        rows: written,
        pieces: packed.pieces.len(),
        pieces_reused: packed.reused,
        pieces_read: packed.read,
    };
    // Without its index the kept collection is not used; the deck is complete either way.
    let (notes, cards) = rows.into_kept();
    if let Some(index) = kept::Index::new(&collection, path, notes, cards, packed.pieces) {
        index.save(keep.new)?;
    }
    Ok(update)
}

/// Builds the collection anew at `path` (replacing any file there), while the pieces SQLite has
/// finished are deflated on another core ([`early`]); returns the rows written and those pieces.
fn create(path: &Path, rows: &collection::Rows<'_>) -> anyhow::Result<(usize, early::Early)> {
    if path.exists() {
        std::fs::remove_file(path).with_context(|| format!("cannot replace `{}`", path.display()))?;
    }
    let done = std::sync::atomic::AtomicBool::new(false);
    let (written, early) = rayon::join(
        || {
            let written = (|| {
                let mut db = Connection::open(path)?;
                let written = collection::create(&mut db, rows)?;
                db.close().map_err(|(_, e)| e)?;
                Ok::<_, anyhow::Error>(written)
            })();
            done.store(true, std::sync::atomic::Ordering::Release);
            written
        },
        || early::Early::deflate_while(path, &done),
    );
    Ok((written?, early))
}

/// Takes over the previous collection `from` as `to` and updates it to hold `rows`; returns the
/// rows written and, with `track`, the pages written ([`touched`]), or `None` when it has so many
/// free pages that it is better built anew.
///
/// The previous file itself becomes `to`, by a link, and is changed in place: the previous set is
/// replaced as a whole when this one is committed, and until then only its kept collection
/// changes, which its index (naming the file's size and modification time) then no longer
/// describes, so a failed build leaves that collection unused rather than wrong. Where links
/// cannot be made, the file is copied.
fn update(
    from: &Path,
    to: &Path,
    rows: &collection::Rows<'_>,
    previous: &collection::Previous<'_>,
    track: bool,
) -> anyhow::Result<Option<(usize, Option<touched::Touched>)>> {
    if std::fs::hard_link(from, to).is_err() {
        std::fs::copy(from, to).with_context(|| format!("cannot copy `{}`", from.display()))?;
    }
    let mut db = Connection::open(to)?;
    if collection::mostly_free(&db)? {
        return Ok(None);
    }
    let logged = track && touched::begin(&db);
    if !logged {
        db.execute_batch("PRAGMA journal_mode=OFF;")?;
    }
    let written = collection::update(&mut db, rows, previous)?;
    let touched = if logged { touched::finish(&db, to)? } else { None };
    db.close().map_err(|(_, e)| e)?;
    Ok(Some((written, touched)))
}
