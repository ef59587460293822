//! Atomic writes: a file is written beside its destination and renamed over it, so a reader
//! (or a failed build) never sees a half-written file.

use std::io::Write;
use std::path::Path;

use anyhow::Context as _;
use tempfile::NamedTempFile;

/// A temporary file in `path`'s folder, to be [`commit`]ted when complete.
pub fn begin(path: &Path) -> anyhow::Result<NamedTempFile> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create folder `{}`", dir.display()))?;
    tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)
        .with_context(|| format!("cannot write in `{}`", dir.display()))
}

/// How the names of temporary files start.
pub const TEMP_PREFIX: &str = ".studygen-tmp-";

/// Removes the temporary files a killed build left in `dir`. Call it only while holding the lock
/// of the folder, so that no running build's file is removed.
pub fn remove_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            std::fs::remove_file(entry.path()).ok();
        }
    }
}

/// Moves a complete temporary file over `path`.
pub fn commit(mut tmp: NamedTempFile, path: &Path) -> anyhow::Result<()> {
    tmp.flush()?;
    tmp.as_file().sync_all().ok();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Temporary files are private; the output is an ordinary file.
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644)).ok();
    }
    tmp.persist(path).with_context(|| format!("cannot replace `{}`", path.display()))?;
    Ok(())
}

/// Writes `bytes` to `path` atomically.
pub fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_with(path, |out| out.write_all(bytes))
}

/// Writes `path` atomically from what `write` writes, through a buffer.
pub fn write_with(path: &Path, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> anyhow::Result<()> {
    let tmp = begin(path)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, tmp);
    write(&mut out).and_then(|()| out.flush()).with_context(|| format!("cannot write `{}`", path.display()))?;
    let tmp =
        out.into_inner().map_err(|e| e.into_error()).with_context(|| format!("cannot write `{}`", path.display()))?;
    commit(tmp, path)
}

#[cfg(test)]
mod tests {
    #[test]
    fn stale_temporaries_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(format!("{}AbC123", super::TEMP_PREFIX)), b"partial").unwrap();
        std::fs::write(dir.path().join("identity.json"), b"kept").unwrap();
        super::remove_stale(dir.path());
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["identity.json"]);
    }

    #[test]
    fn replaces_whole_files_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/f.txt");
        super::write(&p, b"one").unwrap();
        super::write(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(p.parent().unwrap()).unwrap().count(), 1);
    }
}
