//! Where the identity state (which GUID each card has) is read from and written to.
//!
//! - `--state DIR`: `DIR/identity.json`, always.
//! - Otherwise the vault's own `.studygen/identity.json`, kept under version control with the notes.
//! - When the vault cannot be written (a read-only checkout in CI, a `.studygen` that is a link),
//!   the state goes into the output set as `OUT/.studygen-identity.json`, with a warning, and the
//!   deck is still built. Later builds into that OUT read it from there.
//!
//! Where no state file exists yet, the vault's file (if any) seeds it.

use std::path::{Path, PathBuf};

use crate::cards::identity::{LOCK_PATH, Lock};

/// The identity file's name inside the output set, when the vault cannot hold it.
pub const IN_OUT: &str = ".studygen-identity.json";

/// The largest identity file read.
const MAX_STATE: u64 = 256 << 20;

/// Where the state is.
#[derive(Debug, Clone)]
pub struct Place {
    /// The vault's root.
    vault: PathBuf,
    /// `--state DIR`.
    dir: Option<PathBuf>,
    /// The output folder, when building.
    out: Option<PathBuf>,
}

/// Where a build's new state goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A file of its own, outside the output set (the vault's, or `--state`'s).
    File(PathBuf),
    /// Into the output set, as [`IN_OUT`].
    Out,
}

impl Place {
    /// The state of `vault`, kept in `dir` if given, for a build into `out` (or a check).
    pub fn new(vault: &Path, dir: Option<&Path>, out: Option<&Path>) -> Place {
        Place { vault: vault.to_owned(), dir: dir.map(Path::to_owned), out: out.map(Path::to_owned) }
    }

    /// The file the state is read from: the first that exists of `--state`'s, the output set's
    /// copy, and the vault's.
    pub fn source(&self) -> Option<PathBuf> {
        let own = self.dir.as_ref().map(|d| d.join("identity.json"));
        let in_out = self.out.as_ref().map(|o| o.join(IN_OUT));
        let vault = (!self.vault_state_is_link()).then(|| self.vault.join(LOCK_PATH));
        [own, in_out, vault].into_iter().flatten().find(|p| std::fs::symlink_metadata(p).is_ok())
    }

    /// Reads the state; an absent file is an empty state.
    pub fn load(&self) -> anyhow::Result<Lock> {
        use anyhow::Context as _;
        let Some(path) = self.source() else { return Ok(Lock { version: 1, ..Lock::default() }) };
        match crate::vault::read_own_file(&path, MAX_STATE) {
            Ok(Some(bytes)) => serde_json::from_slice(&bytes).with_context(|| {
                format!("identity file `{}` is damaged; restore it from version control or delete it", path.display())
            }),
            Ok(None) => Ok(Lock { version: 1, ..Lock::default() }),
            Err(e) => Err(e).with_context(|| format!("cannot read `{}`", path.display())),
        }
    }

    /// The state file's path and stamp (size, times, inode), for the quick fingerprint that
    /// decides "nothing changed" without reading the notes: the file is replaced by rename on
    /// every write, so its stamp moves with it. Where the file system keeps whole seconds, a
    /// same-size rewrite within a second would keep the stamp: there, the file's bytes are used.
    pub fn stamp_bytes(&self) -> Vec<u8> {
        let Some(path) = self.source() else { return Vec::new() };
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_file() => meta,
            Ok(_) => return self.fingerprint_bytes(),
            Err(_) => return [path.to_string_lossy().as_bytes(), b"\0absent"].concat(),
        };
        let stamp = crate::vault::stamp(&meta);
        if stamp.1 % 1_000_000_000 == 0 {
            return self.fingerprint_bytes();
        }
        let mut bytes = path.to_string_lossy().into_owned().into_bytes();
        bytes.extend(format!("\0{stamp:?}").into_bytes());
        bytes
    }

    /// The state file's path and the hash of its bytes, where its stamp cannot tell ([`Place::stamp_bytes`]).
    fn fingerprint_bytes(&self) -> Vec<u8> {
        self.print().map(|p| p.bytes()).unwrap_or_default()
    }

    /// The state file's path and the hash of its bytes ([`Print`]); `None` when there is no file.
    /// The file is hashed as it is read: a large vault's state is megabytes.
    pub fn print(&self) -> Option<Print> {
        self.print_known(&[])
    }

    /// The same as [`Place::print`], but a file that is one of the `known` prints by its path and
    /// stamp is not read again (the stamp is trusted as for [`Place::stamp_bytes`]).
    pub fn print_known(&self, known: &[&Print]) -> Option<Print> {
        let path = self.source()?;
        // The stamp is taken before the file is read: a file changed while it is read gets
        // another stamp afterwards, and is read again next time.
        let stamp = trusted_stamp(&path);
        if let Some(stamp) = stamp
            && let Some(print) = known.iter().find(|k| k.path == path && k.stamp == Some(stamp))
        {
            return Some((*print).clone());
        }
        let mut hash = xxhash_rust::xxh3::Xxh3::new();
        if let Ok(Some(mut file)) = crate::vault::open_own_file(&path, MAX_STATE) {
            use std::io::Read as _;
            let mut buf = vec![0; 1 << 16];
            loop {
                match file.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => hash.update(buf.get(..n).unwrap_or_default()),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => {
                        hash.update(b"\0unreadable");
                        break;
                    }
                }
            }
        }
        Some(Print { path, digest: hash.digest128(), stamp })
    }

    /// Where the new state should go, and why not the vault if it cannot.
    pub fn target(&self) -> (Target, Option<String>) {
        if let Some(dir) = &self.dir {
            return (Target::File(dir.join("identity.json")), None);
        }
        if self.vault_state_is_link() {
            return (Target::Out, Some("`.studygen` is a link, and studygen never writes through one".into()));
        }
        match probe_writable(&self.vault.join(".studygen")) {
            Ok(()) => (Target::File(self.vault.join(LOCK_PATH)), None),
            Err(e) => (Target::Out, Some(format!("the vault cannot be written ({e})"))),
        }
    }

    fn vault_state_is_link(&self) -> bool {
        std::fs::symlink_metadata(self.vault.join(".studygen")).is_ok_and(|m| m.file_type().is_symlink())
    }
}

/// Writes `lock` to the file `path` (atomically), and returns its print, hashed as it was
/// written: the build then need not read back the megabytes it just wrote.
pub fn write(path: &Path, lock: &Lock) -> anyhow::Result<Print> {
    /// Hashes what passes through it.
    struct Hashing<'w> {
        out: &'w mut dyn std::io::Write,
        hash: xxhash_rust::xxh3::Xxh3,
    }
    impl std::io::Write for Hashing<'_> {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            let n = self.out.write(bytes)?;
            self.hash.update(bytes.get(..n).unwrap_or_default());
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            self.out.flush()
        }
    }
    let mut digest = None;
    crate::outputs::atomic::write_with(path, |out| {
        let mut hashing = Hashing { out, hash: xxhash_rust::xxh3::Xxh3::new() };
        lock.write_json(&mut hashing)?;
        digest = Some(hashing.hash.digest128());
        Ok(())
    })?;
    let digest = digest.ok_or_else(|| anyhow::anyhow!("the identity state was not written"))?;
    Ok(Print { path: path.to_owned(), digest, stamp: trusted_stamp(path) })
}

/// The stamp of the regular file `path`, where the file system keeps more than whole seconds (a
/// stamp that can tell the file changed).
fn trusted_stamp(path: &Path) -> Option<crate::vault::Stamp> {
    std::fs::symlink_metadata(path)
        .ok()
        .filter(std::fs::Metadata::is_file)
        .map(|m| crate::vault::stamp(&m))
        .filter(|s| s.1 % 1_000_000_000 != 0)
}

/// A state file as it is: its path and the hash of its bytes.
///
/// The hash is the 128-bit XXH3: it tells one state file from another (the file a build wrote
/// from one a person or another build changed), and the cache's copy of the state from a stale one.
/// Nothing is derived from it that an adversary could want to forge, and a build that changes one
/// card hashes the whole file (12 MB at 60,000 cards), where SHA-256 took 6 ms and XXH3 takes under 1.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Print {
    /// The file.
    pub path: PathBuf,
    /// The XXH3-128 of its bytes.
    pub digest: u128,
    /// Its stamp before it was read, where the file system keeps more than whole seconds.
    pub stamp: Option<crate::vault::Stamp>,
}

impl Print {
    /// The path's bytes, then the digest: what the build's fingerprint hashes.
    pub fn bytes(&self) -> Vec<u8> {
        let mut bytes = self.path.to_string_lossy().into_owned().into_bytes();
        bytes.extend_from_slice(&self.digest.to_le_bytes());
        bytes
    }
}

/// Checks that files can be created in `dir` (creating it if needed), without leaving any.
fn probe_writable(dir: &Path) -> std::io::Result<()> {
    let existed = dir.exists();
    std::fs::create_dir_all(dir)?;
    let probe = tempfile::Builder::new().prefix(super::atomic::TEMP_PREFIX).tempfile_in(dir);
    if probe.is_err() && !existed {
        std::fs::remove_dir(dir).ok();
    }
    probe.map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_known_by_its_stamp_is_not_read_again() {
        let vault = tempfile::tempdir().unwrap();
        let place = Place::new(vault.path(), None, None);
        assert_eq!(place.print(), None, "no file yet");
        let file = vault.path().join(LOCK_PATH);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "{}").unwrap();
        let read = place.print().unwrap();
        assert_eq!(read.digest, xxhash_rust::xxh3::xxh3_128(b"{}"));
        if read.stamp.is_none() {
            return; // A file system that keeps whole seconds: the stamp tells nothing.
        }
        // A print that says otherwise of the same file, as it is, is believed: the file is not read.
        let known = Print { digest: 9, ..read.clone() };
        assert_eq!(place.print_known(&[&known]).unwrap().digest, 9);
        let elsewhere = Print { path: vault.path().join("other.json"), ..known.clone() };
        assert_eq!(place.print_known(&[&elsewhere]), Some(read.clone()), "another file's print");
        // Once the file changes, its stamp does, and it is read.
        std::fs::write(&file, "{ }").unwrap();
        let now = place.print_known(&[&known, &read]).unwrap();
        assert_eq!(now.digest, xxhash_rust::xxh3::xxh3_128(b"{ }"));
        assert_ne!(now.stamp, read.stamp);
    }

    #[test]
    fn a_written_state_is_printed_as_reading_it_would() {
        let vault = tempfile::tempdir().unwrap();
        let place = Place::new(vault.path(), None, None);
        let file = vault.path().join(LOCK_PATH);
        let entry = crate::cards::identity::Entry {
            guid: crate::cards::identity::ShortHash(0x0123_4567_89ab_cdef),
            front: Default::default(),
            back: Default::default(),
            content: Default::default(),
            modified: 7,
            anchored: false,
            kind: None,
        };
        let mut lock = Lock { version: 1, ..Lock::default() };
        lock.notes.insert("a \"quoted\" note.md".into(), vec![entry]);
        let written = write(&file, &lock).unwrap();
        let mut json = Vec::new();
        lock.write_json(&mut json).unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), json);
        assert_eq!(std::fs::read_to_string(&file).unwrap().matches("\"0123456789abcdef\"").count(), 1);
        assert_eq!(Some(written.clone()), place.print(), "the same digest and stamp as reading the file gives");
        assert_eq!(written.path, file);
    }
}
