//! Which pages of the kept collection an update wrote, so that the package reads and deflates
//! only the pieces that hold them.
//!
//! While it is updated, the collection is in SQLite's write-ahead-log mode, with an exclusive lock
//! (so without a shared-memory file). The update's pages then go to the log first, each with its
//! page number. The log is read before its pages are folded into the file. Then the file leaves
//! that mode, which rewrites the header on page 1, so page 1 always counts as written.
//! Any failure here only means the package reads the whole collection, as it does without an
//! update.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

/// The pages an update wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Touched {
    page_size: u64,
    /// Page numbers (1-based), sorted and unique.
    pages: Vec<u32>,
}

impl Touched {
    /// Pages `pages` (1-based) of `page_size` bytes.
    #[cfg(test)]
    pub(super) fn of(page_size: u64, mut pages: Vec<u32>) -> Touched {
        pages.sort_unstable();
        pages.dedup();
        Touched { page_size, pages }
    }

    /// Whether the update wrote any byte in `len` bytes from `start`.
    pub(super) fn any_in(&self, start: u64, len: u64) -> bool {
        let first = start / self.page_size + 1;
        let last = (start + len).div_ceil(self.page_size);
        let at = self.pages.partition_point(|&p| u64::from(p) < first);
        self.pages.get(at).is_some_and(|&p| u64::from(p) <= last)
    }
}

/// Puts the database open in `db`, not yet in a transaction, into write-ahead-log mode for an
/// update. Returns whether it is: when not, the update goes on without a log.
pub(super) fn begin(db: &Connection) -> bool {
    // The lock first: a database that enters the log's mode under an exclusive lock keeps the
    // log's index in memory, not in a `-shm` file beside it. No journal and no flush to disk for
    // the change of mode itself, as for the update (the commit of the output set flushes).
    let locked =
        db.execute_batch("PRAGMA locking_mode=EXCLUSIVE; PRAGMA synchronous=OFF; PRAGMA journal_mode=OFF;").is_ok();
    let mode: rusqlite::Result<String> = db.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0));
    // No checkpoint before the update is read: the log must hold all it wrote.
    let manual = db.execute_batch("PRAGMA wal_autocheckpoint=0;").is_ok();
    locked && manual && mode.is_ok_and(|m| m.eq_ignore_ascii_case("wal"))
}

/// After an update of the database at `path` begun with [`begin`] and committed: the pages it
/// wrote, read from the log (`None` if the log does not read as one); then folds the log into the
/// file and leaves write-ahead-log mode, which deletes the log. An error means the file may not
/// hold the update.
pub(super) fn finish(db: &Connection, path: &Path) -> anyhow::Result<Option<Touched>> {
    let touched = read_log(&log_path(path));
    let busy: i64 = db.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
    anyhow::ensure!(busy == 0, "the collection's log could not be folded into it");
    let mode: String = db.query_row("PRAGMA journal_mode=OFF", [], |r| r.get(0))?;
    anyhow::ensure!(mode.eq_ignore_ascii_case("off"), "the collection stayed in `{mode}` mode");
    Ok(touched)
}

fn log_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

/// The pages the log at `path` holds, and page 1, if it reads as a log.
fn read_log(path: &Path) -> Option<Touched> {
    // The log's header: magic, format, page size, checkpoint sequence, salts and checksum. Each
    // frame: a 24-byte header whose first word is the page number, then the page.
    const HEADER: usize = 32;
    const FRAME_HEADER: usize = 24;
    let mut log = Vec::new();
    std::fs::File::open(path).ok()?.read_to_end(&mut log).ok()?;
    let word = |at: usize| Some(u32::from_be_bytes(log.get(at..at + 4)?.try_into().ok()?));
    if !matches!(word(0)?, 0x377f_0682 | 0x377f_0683) {
        return None;
    }
    let page_size = usize::try_from(word(8)?).ok().filter(|s| s.is_power_of_two() && (512..=65_536).contains(s))?;
    let frames = log.len().checked_sub(HEADER)?;
    if frames % (FRAME_HEADER + page_size) != 0 {
        return None;
    }
    let mut pages = vec![1];
    for frame in (HEADER..log.len()).step_by(FRAME_HEADER + page_size) {
        pages.push(word(frame).filter(|&p| p > 0)?);
    }
    pages.sort_unstable();
    pages.dedup();
    Some(Touched { page_size: page_size as u64, pages })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_is_touched_when_a_written_page_overlaps_it() {
        let t = Touched::of(100, vec![5, 1]);
        // Page n holds bytes (n - 1) * 100 .. n * 100.
        assert!(t.any_in(0, 10));
        assert!(t.any_in(99, 1));
        assert!(!t.any_in(100, 300), "pages 2 to 4");
        assert!(t.any_in(100, 301), "one byte of page 5");
        assert!(t.any_in(450, 10));
        assert!(!t.any_in(500, 1000), "after page 5");
    }

    /// An update in the log's mode: the log names the pages the update changed and no others, the
    /// file holds the update afterwards, and no log or shared-memory file is left.
    #[test]
    fn the_log_names_every_page_an_update_changed() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("c.db");
        let db = Connection::open(&path).unwrap();
        db.execute_batch(
            "PRAGMA page_size=1024; PRAGMA journal_mode=OFF; CREATE TABLE t (id integer primary key, v text);",
        )
        .unwrap();
        for i in 0..2000 {
            db.execute("INSERT INTO t VALUES (?1, ?2)", rusqlite::params![i, format!("row {i} of many rows")]).unwrap();
        }
        drop(db);
        let before = std::fs::read(&path).unwrap();

        let db = Connection::open(&path).unwrap();
        assert!(begin(&db));
        db.execute("UPDATE t SET v = 'changed' WHERE id = 1500", []).unwrap();
        let touched = finish(&db, &path).unwrap().expect("the log reads");
        drop(db);
        let after = std::fs::read(&path).unwrap();

        assert_eq!(after.len(), before.len());
        let changed: Vec<u32> = (0..before.len() / 1024)
            .filter(|&p| before[p * 1024..(p + 1) * 1024] != after[p * 1024..(p + 1) * 1024])
            .map(|p| p as u32 + 1)
            .collect();
        assert!(changed.len() >= 2, "the header and the row's page: {changed:?}");
        for p in &changed {
            assert!(touched.pages.contains(p), "page {p} changed but the log does not name it: {touched:?}");
        }
        assert!(touched.pages.len() < 10, "only what the update wrote: {touched:?}");
        assert_eq!(&after[18..20], &[1, 1], "the file is a database without a log again, as a legacy collection is");
        let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left, vec![std::ffi::OsString::from("c.db")]);
        let v: String =
            Connection::open(&path).unwrap().query_row("SELECT v FROM t WHERE id = 1500", [], |r| r.get(0)).unwrap();
        assert_eq!(v, "changed");
    }
}
