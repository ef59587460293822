//! The output set, committed as one: every file a build writes into OUT is first written into a
//! staging folder beside OUT, and the staging folder then takes OUT's place in one atomic step.
//!
//! A reader of OUT sees the complete old set or the complete new set, never a mix:
//! - Linux swaps the two folders with `renameat2(RENAME_EXCHANGE)`; the old set is then deleted.
//! - Where the file system cannot swap, OUT is renamed aside and the staging folder renamed into
//!   its place: for that instant OUT is absent, but never mixed.
//! - A build that fails or is killed leaves OUT as it was; its staging folder (a hidden sibling
//!   named `.OUT.studygen-new-…`) is removed by the next build.
//!
//! Because OUT is replaced as a whole, studygen owns it: it refuses a folder that holds files it
//! did not write.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

/// The file in OUT that records what the build was built from; written into every set.
pub const RECORD: &str = ".studygen-build.json";

/// Files an older studygen wrote into OUT, and files operating systems drop into folders; none
/// of them is the user's work, so a folder holding them is still studygen's.
const DISPOSABLE: [&str; 4] = [".studygen-build.lock", ".DS_Store", "Thumbs.db", "desktop.ini"];

/// A staging folder for one build's outputs. Dropped without [`Staging::commit`], it is removed.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    dir: Option<PathBuf>,
    /// Files the commit does not flush to disk (top-level names).
    unsynced: Vec<String>,
}

impl Staging {
    /// Prepares to replace `out` with a set of the files `names` (top-level names inside OUT):
    /// checks that studygen owns OUT, clears what killed builds left, and creates the staging
    /// folder beside it.
    pub fn begin(out: &Path, names: &[&str]) -> anyhow::Result<Staging> {
        check_owned(out, names)?;
        let (parent, name) = split(out)?;
        std::fs::create_dir_all(&parent).with_context(|| format!("cannot create folder `{}`", parent.display()))?;
        remove_stale(&parent, &name);
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.studygen-new-"))
            .tempdir_in(&parent)
            .with_context(|| format!("cannot write in `{}`", parent.display()))?
            .keep();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // Temporary folders are private; the output folder is an ordinary one.
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).ok();
        }
        Ok(Staging { out: out.to_owned(), dir: Some(dir), unsynced: Vec::new() })
    }

    /// Where the output `rel` (a path inside OUT) is written before the commit.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.as_deref().unwrap_or(&self.out).join(rel)
    }

    /// Writes `bytes` as the output `rel`.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let path = self.path(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create folder `{}`", dir.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("cannot write `{}`", path.display()))
    }

    /// Writes the output `rel` with `write`, which streams into the (buffered) file.
    pub fn stream(
        &self,
        rel: &str,
        write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
    ) -> anyhow::Result<()> {
        use std::io::Write as _;
        let path = self.path(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create folder `{}`", dir.display()))?;
        }
        let file = std::fs::File::create(&path).with_context(|| format!("cannot write `{}`", path.display()))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
        write(&mut out).and_then(|()| out.flush()).with_context(|| format!("cannot write `{}`", path.display()))?;
        // Flushed to disk now, on the caller's thread, rather than all at once by the commit.
        out.get_ref().sync_all().ok();
        Ok(())
    }

    /// Leaves the file `name` (top-level) out of what the commit flushes to disk: a file that
    /// detects its own damage (the build cache, by its CRCs), which a power cut may then cost
    /// but never falsify.
    pub fn leave_unsynced(mut self, name: &str) -> Self {
        self.unsynced.push(name.to_owned());
        self
    }

    /// Makes the staged set OUT, in one step.
    pub fn commit(mut self) -> anyhow::Result<()> {
        let Some(dir) = self.dir.take() else { return Ok(()) };
        let unsynced: Vec<PathBuf> = self.unsynced.iter().map(|n| dir.join(n)).collect();
        sync_tree(&dir, &unsynced);
        let out = &self.out;
        let result = if std::fs::symlink_metadata(out).is_err() {
            std::fs::rename(&dir, out).map(|()| None)
        } else {
            exchange(&dir, out).map(|()| Some(dir.clone()))
        };
        match result {
            Ok(old) => {
                if let Ok((parent, _)) = split(out) {
                    sync_dir(&parent);
                }
                if let Some(old) = old {
                    remove_set(&old);
                }
                Ok(())
            }
            Err(e) => {
                std::fs::remove_dir_all(&dir).ok();
                Err(e).with_context(|| format!("cannot replace `{}`", out.display()))
            }
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take() {
            std::fs::remove_dir_all(dir).ok();
        }
    }
}

/// Why studygen will not replace a folder.
#[derive(Debug, thiserror::Error)]
#[error(
    "`{out}` holds `{file}`, which studygen did not write; studygen replaces its output folder as a whole, so \
     choose an empty or new folder with --out, or move that file"
)]
pub struct NotOurs {
    /// The output folder.
    pub out: PathBuf,
    /// The first file in it that is not studygen's.
    pub file: String,
}

/// Fails unless `out` is absent, or a folder studygen wrote: it holds the build record, or only
/// files of the set about to be written (`names`).
fn check_owned(out: &Path, names: &[&str]) -> anyhow::Result<()> {
    let known = names;
    let meta = match std::fs::symlink_metadata(out) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("cannot read `{}`", out.display())),
    };
    if !meta.is_dir() {
        anyhow::bail!("`{}` is not a folder; give --out a folder for the deck, cards.txt and figures", out.display());
    }
    let mut names: Vec<String> = std::fs::read_dir(out)
        .with_context(|| format!("cannot read `{}`", out.display()))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !DISPOSABLE.contains(&n.as_str()) && !known.contains(&n.as_str()))
        .collect();
    if names.is_empty() || out.join(RECORD).is_file() {
        return Ok(());
    }
    names.sort();
    let file = crate::diagnostics::printable(&names[0]).into_owned();
    Err(NotOurs { out: out.to_owned(), file }.into())
}

/// OUT's parent folder and OUT's file name.
fn split(out: &Path) -> anyhow::Result<(PathBuf, String)> {
    let abs = std::path::absolute(out).with_context(|| format!("cannot resolve `{}`", out.display()))?;
    let name = abs.file_name().map(|n| n.to_string_lossy().into_owned());
    match (abs.parent(), name) {
        (Some(parent), Some(name)) => Ok((parent.to_owned(), name)),
        _ => anyhow::bail!("`{}` cannot be an output folder: it has no parent", out.display()),
    }
}

/// Removes what killed builds left beside `out`, for a build that writes nothing because the set
/// is up to date. A build killed after its commit but before it removed the old set leaves that
/// set beside OUT, and the next build finds the new set up to date.
///
/// Takes the build lock only when something is left (a running build's folder is not stale).
pub fn tidy(vault_state: &Path, out: &Path) {
    let Ok((parent, name)) = split(out) else { return };
    if stale(&parent, &name).is_empty() {
        return;
    }
    if let Ok(_held) = super::lock::acquire(vault_state, out) {
        remove_stale(&parent, &name);
    }
}

/// The staging folders (and old sets) that killed builds into `name` left in `parent`.
fn stale(parent: &Path, name: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(parent) else { return Vec::new() };
    let prefix = format!(".{name}.studygen-");
    entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()) && e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect()
}

/// Removes the [`stale`] folders. Only called while the build lock is held, so no running
/// build's folder is touched.
fn remove_stale(parent: &Path, name: &str) {
    for dir in stale(parent, name) {
        std::fs::remove_dir_all(dir).ok();
    }
}

/// Swaps two folders atomically; where the file system cannot, moves `out` aside first.
fn exchange(staged: &Path, out: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, staged, CWD, out, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            Err(e) if ![rustix::io::Errno::INVAL, rustix::io::Errno::NOSYS, rustix::io::Errno::NOTSUP].contains(&e) => {
                return Err(e.into());
            }
            Err(_) => {}
        }
    }
    // Fallback: OUT goes aside under a stale-staging name (removed by the next build if this one
    // dies here), and the new set takes its place.
    let aside = staged.with_file_name(format!(
        "{}-old",
        staged.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    ));
    std::fs::rename(out, &aside)?;
    if let Err(e) = std::fs::rename(staged, out) {
        std::fs::rename(&aside, out).ok();
        return Err(e);
    }
    std::fs::rename(&aside, staged)
}

/// Flushes every file under `dir` but those `unsynced` to disk, so that the committed set
/// survives a power cut.
fn sync_tree(dir: &Path, unsynced: &[PathBuf]) {
    use rayon::prelude::*;
    // On both cores: the deck and `cards.txt` are large, and each waits for its own flush.
    let entries: Vec<walkdir::DirEntry> = walkdir::WalkDir::new(dir).into_iter().flatten().collect();
    entries.par_iter().for_each(|entry| {
        if entry.file_type().is_file() && !unsynced.iter().any(|u| u == entry.path()) {
            if let Ok(f) = std::fs::File::open(entry.path()) {
                f.sync_all().ok();
            }
        } else if entry.file_type().is_dir() {
            sync_dir(entry.path());
        }
    });
}

/// Removes the replaced set `old`, its files on both cores: freeing a large file's pages takes
/// milliseconds, and the files are independent.
fn remove_set(old: &Path) {
    use rayon::prelude::*;
    let Ok(entries) = std::fs::read_dir(old) else { return };
    let entries: Vec<std::fs::DirEntry> = entries.flatten().collect();
    entries.par_iter().for_each(|e| {
        match e.file_type() {
            Ok(t) if t.is_dir() => std::fs::remove_dir_all(e.path()).ok(),
            _ => std::fs::remove_file(e.path()).ok(),
        };
    });
    std::fs::remove_dir_all(old).ok();
}

fn sync_dir(dir: &Path) {
    if let Ok(f) = std::fs::File::open(dir) {
        f.sync_all().ok();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn a_committed_set_replaces_the_old_one_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let s = Staging::begin(&out, &[]).unwrap();
        s.write("old.apkg", b"1").unwrap();
        s.write(RECORD, b"{}").unwrap();
        s.commit().unwrap();
        let s = Staging::begin(&out, &[]).unwrap();
        s.write("figures/a.svg", b"2").unwrap();
        s.write(RECORD, b"{}").unwrap();
        s.commit().unwrap();
        assert_eq!(names(&out), [RECORD, "figures"]);
        assert_eq!(names(tmp.path()), ["out"], "no staging folder is left beside OUT");
    }

    /// Commits a set into `out` that holds only a build record, `record`.
    fn commit_record(out: &Path, record: &[u8]) {
        let s = Staging::begin(out, &[]).unwrap();
        s.write(RECORD, record).unwrap();
        s.commit().unwrap();
    }

    #[test]
    fn an_abandoned_build_changes_nothing_and_its_leftovers_are_cleared() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        commit_record(&out, b"old");
        let s = Staging::begin(&out, &[]).unwrap();
        s.write(RECORD, b"new").unwrap();
        drop(s);
        assert_eq!(std::fs::read(out.join(RECORD)).unwrap(), b"old");
        // A killed build cannot run its destructor: its folder stays until the next build.
        std::fs::create_dir(tmp.path().join(".out.studygen-new-killed")).unwrap();
        let s = Staging::begin(&out, &[]).unwrap();
        assert_eq!(names(tmp.path()).len(), 2, "the killed build's folder is gone: {:?}", names(tmp.path()));
        drop(s);
    }

    #[test]
    fn an_up_to_date_build_clears_an_old_set_a_killed_commit_left() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        commit_record(&out, b"new");
        // Killed between the swap and the removal of the old set.
        std::fs::create_dir_all(tmp.path().join(".out.studygen-new-killed/figures")).unwrap();
        tidy(tmp.path(), &out);
        assert_eq!(names(tmp.path()), ["out"]);
        assert_eq!(std::fs::read(out.join(RECORD)).unwrap(), b"new");
    }

    #[test]
    fn a_folder_with_the_users_files_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("deck.apkg"), b"an earlier build").unwrap();
        std::fs::write(tmp.path().join("thesis.tex"), b"mine").unwrap();
        let err = Staging::begin(tmp.path(), &["deck.apkg"]).unwrap_err();
        assert!(err.root_cause().to_string().contains("thesis.tex"), "{err:#}");
        assert!(err.downcast_ref::<NotOurs>().is_some());
        assert_eq!(std::fs::read(tmp.path().join("thesis.tex")).unwrap(), b"mine");
    }
}
