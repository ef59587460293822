//! Advisory locks that make builds take turns: one on the folder that holds OUT (OUT itself is
//! swapped by the commit, so it cannot carry the lock) and one on the vault, whose identity state
//! a build writes. A second build into the same place waits, and says so.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

/// Held locks; released when dropped.
#[derive(Debug)]
pub struct Held {
    _files: Vec<std::fs::File>,
}

/// Locks the folders that hold `out` and the vault's state, waiting for another build that holds
/// them. Folders are locked in a fixed order, so two builds never wait on each other.
pub fn acquire(vault_state: &Path, out: &Path) -> anyhow::Result<Held> {
    let out_parent = std::path::absolute(out)
        .ok()
        .and_then(|p| p.parent().map(Path::to_owned))
        .with_context(|| format!("`{}` cannot be an output folder", out.display()))?;
    std::fs::create_dir_all(&out_parent).with_context(|| format!("cannot create folder `{}`", out_parent.display()))?;
    let mut folders: Vec<PathBuf> =
        [vault_state, &out_parent].iter().filter_map(|p| std::fs::canonicalize(p).ok()).collect();
    folders.sort();
    folders.dedup();
    let mut files = Vec::with_capacity(folders.len());
    for folder in folders {
        let file = std::fs::File::open(&folder).with_context(|| format!("cannot open `{}`", folder.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                eprintln!("waiting for another studygen build that uses `{}`…", folder.display());
                file.lock().with_context(|| format!("cannot lock `{}`", folder.display()))?;
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock `{}`", folder.display()));
            }
        }
        files.push(file);
    }
    Ok(Held { _files: files })
}
