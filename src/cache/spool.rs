//! Writing the next cache: each note's entry goes to a spool file as the note is made, and the
//! spool becomes the cache file with its index, continuing the previous cache's file where it can
//! (see [`Next::write_to`]).

use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Mutex;

use super::{Cache, Digest, Index, Key, MAGIC, Made, Slot, StateWire, encode_state};
use crate::cards::identity::Lock;
use crate::outputs::state::Print;

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
    pub notes: Vec<(Key, Slot)>,
    /// The experiments' outcomes ([`outcomes`]).
    pub outcomes: Vec<(Digest, Vec<u8>)>,
}

impl Next {
    /// Writes the whole cache as the new file `path`, with `state` (the identity state, and the
    /// print of the file that holds it) when given. The file is not flushed to disk: what a
    /// power cut damages in it, its CRCs catch, and the next build rebuilds.
    ///
    /// A spool that [continues](Spool::continuing) the previous cache holds only what follows that
    /// cache's bytes. On Linux the previous cache's file itself becomes `path`, by a link, and the
    /// spool is appended to it, so the entries it keeps are not copied at all. The previous set
    /// loses that file's index (it is replaced as a whole when this set is committed), and a build
    /// that fails before the commit leaves it a complete cache of this build: either way, what it
    /// holds is checked entry by entry before use. Otherwise the spool becomes `path` by a link,
    /// or is copied there.
    pub fn write_to(mut self, path: &Path, state: Option<(&Print, &Lock)>) -> std::io::Result<()> {
        let base = self.spool.base.take();
        let kept_state = base.as_ref().and_then(|b| b.state);
        let mut spool = self.spool.complete(&self.global, self.notes, &self.outcomes, state, kept_state)?;
        spool.seek(SeekFrom::Start(0))?;
        match base {
            Some(Base { file: old, len, .. }) => {
                let mut dest = take_over(&old, len, path)?;
                let appended = std::io::copy(&mut spool, &mut dest).and_then(|_| dest.flush());
                if appended.is_err() {
                    // A file that ends where it did is the previous cache again, complete.
                    dest.get_ref().set_len(len).ok();
                }
                appended
            }
            None => {
                #[cfg(target_os = "linux")]
                if link(&spool, path).is_ok() {
                    return Ok(());
                }
                let mut dest = std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create(path)?);
                std::io::copy(&mut spool, &mut dest)?;
                dest.flush()
            }
        }
    }
}

/// The new file `path` holding the first `len` bytes of `old` (the previous cache), open at their
/// end for what follows them: `old` itself by a link when it can be made (on Linux) and the file
/// is still that long, else a copy.
fn take_over(old: &std::fs::File, len: u64, path: &Path) -> std::io::Result<std::io::BufWriter<std::fs::File>> {
    #[cfg(target_os = "linux")]
    if link(old, path).is_ok() {
        let linked = std::fs::OpenOptions::new().write(true).open(path);
        match linked {
            Ok(mut file) if file.metadata()?.len() == len => {
                file.seek(SeekFrom::Start(len))?;
                return Ok(std::io::BufWriter::with_capacity(1 << 16, file));
            }
            _ => std::fs::remove_file(path)?,
        }
    }
    // A new file, never the old one truncated (were `path` its name, `old` still reads it).
    std::fs::remove_file(path).ok();
    let mut file = std::fs::File::create_new(path)?;
    let mut source = old;
    source.seek(SeekFrom::Start(0))?;
    if std::io::copy(&mut std::io::Read::take(source, len), &mut file)? != len {
        return Err(std::io::Error::other("the previous cache changed while it was read"));
    }
    Ok(std::io::BufWriter::with_capacity(1 << 16, file))
}

/// Gives the unnamed file `file` the name `path` (a new one, on the same file system).
#[cfg(target_os = "linux")]
pub(super) fn link(file: &std::fs::File, path: &Path) -> std::io::Result<()> {
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
    /// The previous cache's file and length, when the spool continues it: the spool then holds
    /// only what follows those bytes, and that cache's entries stay where they were (see
    /// [`Spool::continuing`]).
    base: Option<Base>,
}

/// The file a spool continues.
#[derive(Debug)]
struct Base {
    file: std::fs::File,
    len: u64,
    /// Where its identity state is, by the hash of the state's file: the same state is not
    /// written again.
    state: Option<(u128, Slot)>,
}

#[derive(Debug)]
struct SpoolFile {
    out: std::io::BufWriter<std::fs::File>,
    at: u64,
    failed: Option<std::io::Error>,
}

impl Spool {
    /// A spool in `dir`.
    pub fn new(dir: &Path) -> std::io::Result<Spool> {
        std::fs::create_dir_all(dir)?;
        let file = tempfile::tempfile_in(dir)?;
        let mut inner = SpoolFile { out: std::io::BufWriter::with_capacity(1 << 16, file), at: 0, failed: None };
        inner.append(MAGIC);
        Ok(Spool { inner: Mutex::new(inner), base: None })
    }

    /// A spool in `dir` that continues the cache `old`'s file: an entry kept from it stays where
    /// it is ([`Spool::keeps`]), and new entries go after its bytes ([`Next::write_to`] joins
    /// the two). What the next cache no longer uses stays in the file as dead bytes; once they
    /// would outweigh the live ones, the spool begins anew ([`Spool::new`]) and every kept entry
    /// is copied into it.
    pub fn continuing(dir: &Path, old: &Cache) -> std::io::Result<Spool> {
        let Some(source) = old.file.as_ref() else { return Spool::new(dir) };
        let len = source.metadata()?.len();
        let live: u64 = old.notes.iter().map(|(_, s)| s.len).sum::<u64>()
            + old.outcomes.iter().map(|(_, s)| s.len).sum::<u64>()
            + old.state.as_ref().map_or(0, |(_, s)| s.len);
        if len > 2 * live + (1 << 20) {
            return Spool::new(dir);
        }
        std::fs::create_dir_all(dir)?;
        let file = tempfile::tempfile_in(dir)?;
        let inner = SpoolFile { out: std::io::BufWriter::with_capacity(1 << 16, file), at: len, failed: None };
        let base = Base { file: source.try_clone()?, len, state: old.state.as_ref().map(|(p, s)| (p.digest, *s)) };
        Ok(Spool { inner: Mutex::new(inner), base: Some(base) })
    }

    /// Where an entry of the previous cache, at `slot` there, is in the next one, if this spool
    /// continues that cache; `None` when the entry must be [put](Spool::put) again.
    pub fn keeps(&self, slot: Slot) -> Option<Slot> {
        self.base.as_ref().map(|_| slot)
    }

    /// Appends `bytes`; returns where they are.
    pub fn put(&self, bytes: &[u8]) -> Slot {
        let crc = crc32fast::hash(bytes);
        let mut inner = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        Slot { crc, ..inner.append(bytes) }
    }

    /// Finishes the cache with its index, the `notes` (each key with where what it made is) and
    /// the experiments' `outcomes`, and its CRC; returns the complete file.
    fn complete(
        self,
        global: &Digest,
        notes: Vec<(Key, Slot)>,
        outcomes: &[(Digest, Vec<u8>)],
        state: Option<(&Print, &Lock)>,
        kept_state: Option<(u128, Slot)>,
    ) -> std::io::Result<std::fs::File> {
        let mut inner = self.inner.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut put = |bytes: &[u8]| Slot { crc: crc32fast::hash(bytes), ..inner.append(bytes) };
        let experiments = outcomes.iter().map(|(d, o)| (*d, put(o))).collect();
        let state = match state {
            // The state the previous cache holds: where it is, it stays.
            Some((print, _)) if let Some((_, slot)) = kept_state.filter(|(d, _)| *d == print.digest) => {
                Some((print.clone(), slot))
            }
            Some((print, lock)) => {
                let wire = StateWire {
                    version: lock.version,
                    notes: std::borrow::Cow::Borrowed(&lock.notes),
                    gone: std::borrow::Cow::Borrowed(&lock.gone),
                };
                Some((print.clone(), put(&encode_state(&wire)?)))
            }
            None => None,
        };
        let index = Index { studygen: crate::BUILD.to_owned(), global: *global, notes, experiments, state };
        let index = postcard::to_stdvec(&index).map_err(std::io::Error::other)?;
        let index_len = (index.len() as u64).to_le_bytes();
        let mut crc = crc32fast::Hasher::new();
        crc.update(&index);
        crc.update(&index_len);
        inner.append(&index);
        inner.append(&index_len);
        inner.append(&crc.finalize().to_le_bytes());
        if let Some(e) = inner.failed.take() {
            return Err(e);
        }
        inner.out.into_inner().map_err(std::io::IntoInnerError::into_error)
    }
}

impl SpoolFile {
    /// Appends `bytes`; the first error is kept for [`Spool::complete`]. The slot has no CRC.
    fn append(&mut self, bytes: &[u8]) -> Slot {
        let start = self.at;
        if self.failed.is_none()
            && let Err(e) = self.out.write_all(bytes)
        {
            self.failed = Some(e);
        }
        self.at += bytes.len() as u64;
        Slot { start, len: bytes.len() as u64, crc: 0 }
    }
}
