//! The build cache, `OUT/.studygen-cache`: what every note made (its cards before identity, its
//! diagnostics, its links), with what it was made from, so that a rebuild parses and renders only
//! the notes whose inputs changed.
//!
//! A note's entry is used only when all of these are as they were:
//! - the note's own bytes (SHA-256);
//! - the build's context: studygen's version, the settings, templates and options, the
//!   attachments, every note's path and aliases (which links resolve to), and the experiments'
//!   results and figures ([`crate::build`] computes it);
//! - every other note whose text its cards or lints read: embedded notes, at any depth, and notes
//!   whose headings or blocks it links to.
//!
//! Notes with experiments, claims or cited values, and notes whose custom note type is inferred
//! from the whole vault, are always rebuilt: their entry only keeps their names. Experiments keep
//! their outcomes by the hash of their kind and parameters, so an experiment whose block did not
//! change is not run again.
//!
//! The file is written into every output set, beside the deck it describes, and ends with a CRC-32
//! of its bytes. Anything unexpected in it (another format, another studygen, other settings, a
//! truncated or changed file) makes the whole cache be ignored: a cache is never trusted over a
//! rebuild.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::Path;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::cards::Card;
use crate::diagnostics::Diagnostic;
use crate::lints::NoteLinks;

/// The cache's file name in the output folder.
pub const FILE: &str = ".studygen-cache";

/// The first bytes of the file: its format, with a version.
const MAGIC: &[u8; 16] = b"studygen-cache\x00\x02";

/// The largest cache file read: a cache is about 1.2 times the size of the vault's notes.
const MAX_FILE: u64 = 16 << 30;

/// A SHA-256 hash.
pub type Digest = [u8; 32];

/// The hash of `parts`, each length-prefixed so that no two lists of parts hash alike.
pub fn digest<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> Digest {
    use sha2::{Digest as _, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    h.finalize().into()
}

/// What a note's entry was made from, and the names the note is found by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Key {
    /// The note, vault-relative.
    pub path: String,
    /// Its bytes' hash.
    pub content: Digest,
    /// The build context's hash.
    pub context: Digest,
    /// The other notes its cards and lints read, with their bytes' hash then.
    pub reads: Vec<(String, Digest)>,
    /// Always rebuilt (experiments, claims, cited values, inferred note types): nothing is kept.
    pub volatile: bool,
    /// Its frontmatter aliases.
    pub aliases: Vec<String>,
}

/// What one note made.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Made {
    /// Its cards, rendered, before note types and identity.
    pub cards: Vec<Card>,
    /// Its own diagnostics: parsing, cards, links.
    pub diagnostics: Vec<Diagnostic>,
    /// Its links, for the vault-wide link lints.
    pub links: NoteLinks,
}

/// The file's index, at its end: who wrote it, and where each entry's bytes are.
#[derive(Debug, Serialize, Deserialize)]
struct Index {
    studygen: String,
    /// The hash of the build's inputs besides the notes (settings, templates, options): entries
    /// made with others are of no use.
    global: Digest,
    /// Every note's key, and where what it made is (empty for a volatile note).
    notes: Vec<(Key, u64, u64)>,
    /// Every experiment's spec hash, and where its outcome is.
    experiments: Vec<(Digest, u64, u64)>,
}

/// A loaded cache: every entry's key, and where its [`Made`] is in the file, read when asked
/// for (so a large vault's cache is never all in memory).
#[derive(Default)]
pub struct Cache {
    source: Option<Mutex<Box<dyn Source>>>,
    entries: HashMap<String, (Key, Range<u64>)>,
    outcomes: Vec<(Digest, Range<u64>)>,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache").field("entries", &self.entries.len()).field("outcomes", &self.outcomes.len()).finish()
    }
}

/// What a cache is read from: its file (or, in tests, bytes).
trait Source: Read + Seek + Send {}
impl<T: Read + Seek + Send> Source for T {}

impl Cache {
    /// The cache in `out` for a build whose inputs besides the notes hash to `global`, or an
    /// empty one when there is none or it cannot be trusted.
    pub fn load(out: &Path, global: &Digest) -> Cache {
        // Only a regular file (never a link), and not more than a vault could have made.
        let Ok(Some(file)) = crate::vault::open_own_file(&out.join(FILE), MAX_FILE) else { return Cache::default() };
        Self::decode(std::io::BufReader::with_capacity(1 << 16, file), global).unwrap_or_default()
    }

    /// The file is: the magic bytes, every entry's bytes, the index, the index's length (8 bytes)
    /// and the CRC-32 of everything before it (4 bytes). The whole file is read once, for the
    /// CRC; entries are read again when asked for.
    fn decode(mut src: impl Source + 'static, global: &Digest) -> Option<Cache> {
        let len = src.seek(SeekFrom::End(0)).ok()?;
        let crc_at = len.checked_sub(4)?;
        let len_at = crc_at.checked_sub(8)?;
        src.seek(SeekFrom::Start(0)).ok()?;
        let mut hasher = crc32fast::Hasher::new();
        let mut head = [0u8; MAGIC.len()];
        src.read_exact(&mut head).ok()?;
        hasher.update(&head);
        let mut rest = (&mut src).take(crc_at.checked_sub(MAGIC.len() as u64)?);
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = rest.read(&mut buf).ok()?;
            if n == 0 {
                break;
            }
            hasher.update(buf.get(..n)?);
        }
        let mut crc = [0u8; 4];
        src.read_exact(&mut crc).ok()?;
        if hasher.finalize() != u32::from_le_bytes(crc) || head != *MAGIC {
            return None;
        }
        let mut index_len = [0u8; 8];
        src.seek(SeekFrom::Start(len_at)).ok()?;
        src.read_exact(&mut index_len).ok()?;
        let index_at = len_at.checked_sub(u64::from_le_bytes(index_len))?;
        let mut cache = Cache { source: Some(Mutex::new(Box::new(src))), ..Cache::default() };
        let index: Index = postcard::from_bytes(&cache.read(index_at..len_at)?).ok()?;
        if index.studygen != env!("CARGO_PKG_VERSION") || index.global != *global {
            return None;
        }
        let range = |start: u64, len: u64| -> Option<Range<u64>> {
            let end = start.checked_add(len)?;
            (start >= MAGIC.len() as u64 && end <= index_at).then_some(start..end)
        };
        cache.entries.reserve(index.notes.len());
        for (key, start, len) in index.notes {
            let r = range(start, len)?;
            cache.entries.insert(key.path.clone(), (key, r));
        }
        cache.outcomes =
            index.experiments.into_iter().map(|(d, s, l)| Some((d, range(s, l)?))).collect::<Option<_>>()?;
        Some(cache)
    }

    /// The bytes at `range` of the file.
    fn read(&self, range: Range<u64>) -> Option<Vec<u8>> {
        let mut src = self.source.as_ref()?.lock().ok()?;
        src.seek(SeekFrom::Start(range.start)).ok()?;
        let mut bytes = vec![0u8; usize::try_from(range.end.checked_sub(range.start)?).ok()?];
        src.read_exact(&mut bytes).ok()?;
        Some(bytes)
    }

    /// The entry of `path`, if there is one.
    pub fn key(&self, path: &str) -> Option<&Key> {
        self.entries.get(path).map(|(k, _)| k)
    }

    /// What `path` made, decoded, and as encoded (to write into the next cache unchanged); `None`
    /// for a volatile note or a corrupt entry.
    pub fn made(&self, path: &str) -> Option<(Made, Vec<u8>)> {
        let (key, range) = self.entries.get(path)?;
        if key.volatile {
            return None;
        }
        let raw = self.read(range.clone())?;
        Some((postcard::from_bytes(&raw).ok()?, raw))
    }

    /// The experiments' outcomes, by the hash of their spec ([`crate::experiments::spec_hash`]).
    pub fn outcomes(&self) -> HashMap<Digest, crate::experiments::Outcome> {
        self.outcomes
            .iter()
            .filter_map(|(spec, range)| Some((*spec, postcard::from_bytes(&self.read(range.clone())?).ok()?)))
            .collect()
    }
}

/// Encodes what a note made.
pub fn encode(made: &Made) -> Vec<u8> {
    postcard::to_stdvec(made).unwrap_or_default()
}

/// The experiments' outcomes for the next cache, by the hash of their spec.
pub fn outcomes(lab: &crate::experiments::Lab) -> Vec<(Digest, Vec<u8>)> {
    lab.experiments
        .values()
        .filter_map(|(spec, o)| Some((crate::experiments::spec_hash(spec), postcard::to_stdvec(o).ok()?)))
        .collect()
}

/// The next cache, complete but for its index.
#[derive(Debug)]
pub struct Next {
    /// What the notes made.
    pub spool: Spool,
    /// The hash of the build's inputs besides the notes.
    pub global: Digest,
    /// Every note's key and where what it made is, in vault order.
    pub notes: Vec<(Key, Place)>,
    /// The experiments' outcomes ([`outcomes`]).
    pub outcomes: Vec<(Digest, Vec<u8>)>,
}

impl Next {
    /// Writes the whole cache as the new file `path`, on disk when this returns. On Linux the
    /// spool itself becomes that file, by a link, so its entries are not copied; elsewhere, or
    /// when the link cannot be made, they are copied.
    pub fn write_to(self, path: &Path) -> std::io::Result<()> {
        let mut spool = self.spool.complete(&self.global, self.notes, &self.outcomes)?;
        #[cfg(target_os = "linux")]
        if link(&spool, path).is_ok() {
            return spool.sync_all();
        }
        spool.seek(SeekFrom::Start(0))?;
        let mut dest = std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create(path)?);
        std::io::copy(&mut spool, &mut dest)?;
        dest.flush()?;
        dest.get_ref().sync_all()
    }
}

/// Gives the unnamed file `file` the name `path` (a new one, on the same file system).
#[cfg(target_os = "linux")]
fn link(file: &std::fs::File, path: &Path) -> std::io::Result<()> {
    use std::os::fd::AsRawFd as _;
    let fd = format!("/proc/self/fd/{}", file.as_raw_fd());
    let (cwd, follow) = (rustix::fs::CWD, rustix::fs::AtFlags::SYMLINK_FOLLOW);
    Ok(rustix::fs::linkat(cwd, fd.as_str(), cwd, path, follow)?)
}

/// The next cache, written as the notes are made: each note's encoded [`Made`] goes to an
/// unnamed temporary file at once (beside the output folder, on its file system), so that no
/// encoding stays in memory. A build that fails or is killed leaves nothing behind.
#[derive(Debug)]
pub struct Spool {
    inner: Mutex<SpoolFile>,
}

#[derive(Debug)]
struct SpoolFile {
    out: std::io::BufWriter<std::fs::File>,
    crc: crc32fast::Hasher,
    at: u64,
    failed: Option<std::io::Error>,
}

/// Where an entry's bytes are in the spool.
pub type Place = (u64, u64);

impl Spool {
    /// A spool in `dir`.
    pub fn new(dir: &Path) -> std::io::Result<Spool> {
        std::fs::create_dir_all(dir)?;
        let file = tempfile::tempfile_in(dir)?;
        let mut inner = SpoolFile {
            out: std::io::BufWriter::with_capacity(1 << 16, file),
            crc: crc32fast::Hasher::new(),
            at: 0,
            failed: None,
        };
        inner.append(MAGIC);
        Ok(Spool { inner: Mutex::new(inner) })
    }

    /// Appends `bytes`; returns where they are.
    pub fn put(&self, bytes: &[u8]) -> Place {
        let mut inner = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let start = inner.at;
        inner.append(bytes);
        (start, bytes.len() as u64)
    }

    /// Finishes the cache with its index, the `notes` (each key with where what it made is) and
    /// the experiments' `outcomes`, and its CRC; returns the complete file.
    fn complete(
        self,
        global: &Digest,
        notes: Vec<(Key, Place)>,
        outcomes: &[(Digest, Vec<u8>)],
    ) -> std::io::Result<std::fs::File> {
        let mut inner = self.inner.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        let experiments = outcomes.iter().map(|(d, o)| (*d, inner.append(o))).map(|(d, (s, l))| (d, s, l)).collect();
        let index = Index {
            studygen: env!("CARGO_PKG_VERSION").to_owned(),
            global: *global,
            notes: notes.into_iter().map(|(k, (s, l))| (k, s, l)).collect(),
            experiments,
        };
        let index = postcard::to_stdvec(&index).map_err(std::io::Error::other)?;
        inner.append(&index);
        inner.append(&(index.len() as u64).to_le_bytes());
        let crc = inner.crc.clone().finalize().to_le_bytes();
        inner.append(&crc);
        if let Some(e) = inner.failed.take() {
            return Err(e);
        }
        inner.out.into_inner().map_err(std::io::IntoInnerError::into_error)
    }
}

impl SpoolFile {
    /// Appends `bytes`, keeping the CRC; the first error is kept for [`Spool::finish`].
    fn append(&mut self, bytes: &[u8]) -> Place {
        let start = self.at;
        if self.failed.is_none() {
            match self.out.write_all(bytes) {
                Ok(()) => self.crc.update(bytes),
                Err(e) => self.failed = Some(e),
            }
        }
        self.at += bytes.len() as u64;
        (start, bytes.len() as u64)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    fn key(path: &str, volatile: bool) -> Key {
        Key {
            path: path.into(),
            content: digest([path.as_bytes()]),
            context: [7; 32],
            reads: vec![("b.md".into(), [1; 32])],
            volatile,
            aliases: vec!["alias".into()],
        }
    }

    fn written(global: &Digest) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::new(dir.path()).unwrap();
        let a = spool.put(&encode(&Made::default()));
        let c = spool.put(&[]);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "the spool has no name");
        let out = tempfile::tempdir().unwrap();
        let path = out.path().join(FILE);
        let notes = vec![(key("a.md", false), a), (key("c.md", true), c)];
        Next { spool, global: *global, notes, outcomes: vec![([9; 32], vec![0])] }.write_to(&path).unwrap();
        std::fs::read(path).unwrap()
    }

    #[test]
    fn a_written_cache_reads_back() {
        let bytes = written(&[3; 32]);
        assert!(Cache::decode(Cursor::new(bytes.clone()), &[4; 32]).is_none(), "made with other settings");
        let cache = Cache::decode(Cursor::new(bytes), &[3; 32]).unwrap();
        assert_eq!(cache.key("a.md").unwrap().reads, [("b.md".to_owned(), [1; 32])]);
        assert!(cache.made("a.md").is_some());
        assert!(cache.key("c.md").unwrap().volatile);
        assert!(cache.made("c.md").is_none());
        assert!(cache.key("b.md").is_none());
        assert_eq!(cache.outcomes.len(), 1);
    }

    #[test]
    fn a_damaged_cache_is_not_trusted() {
        let bytes = written(&[3; 32]);
        assert!(Cache::decode(Cursor::new(bytes.clone()), &[3; 32]).is_some());
        for cut in [0, 5, MAGIC.len() + 3, bytes.len() - 1] {
            assert!(Cache::decode(Cursor::new(bytes[..cut].to_vec()), &[3; 32]).is_none(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Cache::decode(Cursor::new(longer), &[3; 32]).is_none());
        for at in [3, bytes.len() / 2, bytes.len() - 2] {
            let mut flipped = bytes.clone();
            flipped[at] ^= 1;
            assert!(Cache::decode(Cursor::new(flipped), &[3; 32]).is_none(), "flipped at {at}");
        }
    }
}
