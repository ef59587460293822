//! The build cache, `OUT/.studygen-cache`: what every note made (its cards before identity, its
//! diagnostics, its links), with what it was made from, so that a rebuild parses and renders only
//! the notes whose inputs changed.
//!
//! A note's entry is used only when all of these are as they were:
//! - the note's own bytes (SHA-256);
//! - the build's context: studygen's version and sources ([`crate::BUILD`]), the settings,
//!   templates and options, the attachments, every note's path and aliases (which links resolve
//!   to), and the experiments' results and figures ([`crate::build`] computes it);
//! - every other note whose text its cards or lints read: embedded notes, at any depth, and notes
//!   whose headings or blocks it links to.
//!
//! Notes with experiments, claims or cited values, and notes whose custom note type is inferred
//! from the whole vault, are always rebuilt: their entry only keeps their names. Experiments keep
//! their outcomes by the hash of their kind and parameters, so an experiment whose block did not
//! change is not run again.
//!
//! A note's entry also keeps the note's [`Stamp`] when it was read, if the file had settled by then
//! (see [`crate::outputs::record::settled`]): a note whose stamp is still the same is not read
//! again to learn that its bytes did not change, as git's index does.
//!
//! A note taken from the cache leaves its cards' fields in the file: they are read back, for all
//! its cards at once, only when an output needs them (see [`crate::cards::Fields`]), which an
//! edit build seldom does.
//!
//! The file is written into every output set, beside the deck it describes. Its index ends with a
//! CRC-32 of itself, and each entry has its own CRC-32, checked when the entry is read, so that
//! loading the cache reads only the index. Anything unexpected (another format, another studygen,
//! other settings, a truncated or changed file) makes the whole cache be ignored, and an entry
//! whose bytes changed is not used: a cache is never trusted over a rebuild.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

mod spool;
mod wire;

use serde::{Deserialize, Serialize};

pub use self::spool::{Next, Spool, encode, outcomes};

use crate::cards::Card;
use crate::cards::identity::Lock;
use crate::diagnostics::Diagnostic;
use crate::lints::NoteLinks;
use crate::outputs::state::Print;
use crate::vault::Stamp;

/// The cache's file name in the output folder.
pub const FILE: &str = ".studygen-cache";

/// The first bytes of the file: its format, with a version.
const MAGIC: &[u8; 16] = b"studygen-cache\x00\x0b";

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

/// The hash of the notes a note read, each by its path and its bytes' hash, in order.
///
/// Every note's is made on every build, over hashes already made: so by XXH3 (two 128-bit hashes
/// of the same bytes, seeded apart), not SHA-256. In a build after one edit of the 10,000-note
/// bench vault, whose notes link to each other's headings, this function's share of the CPU
/// samples went from 3.6 % to 2.0 to 2.2 % (most of it now gathering the bytes).
pub fn reads_digest<'a>(reads: impl IntoIterator<Item = (&'a str, &'a Digest)>) -> Digest {
    use xxhash_rust::xxh3::xxh3_128_with_seed;
    let reads = reads.into_iter();
    // A path is some tens of bytes, its length 8 and its hash 32.
    let mut bytes = Vec::with_capacity(reads.size_hint().0 * 96);
    for (path, content) in reads {
        bytes.extend_from_slice(&(path.len() as u64).to_le_bytes());
        bytes.extend_from_slice(path.as_bytes());
        bytes.extend_from_slice(content);
    }
    let mut out = [0; 32];
    for (part, seed) in out.chunks_exact_mut(16).zip([0, 0x5eed]) {
        part.copy_from_slice(&xxh3_128_with_seed(&bytes, seed).to_le_bytes());
    }
    out
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
    /// The other notes its cards and lints read, by their place in the list of notes this key is
    /// listed with (the loaded cache's, or the next cache's), in that list's order.
    pub reads: Vec<u32>,
    /// [`reads_digest`] of those notes then.
    pub reads_digest: Digest,
    /// Always rebuilt (experiments, claims, cited values, inferred note types): nothing is kept.
    pub volatile: bool,
    /// Its frontmatter aliases.
    pub aliases: Vec<String>,
    /// Its file's stamp when it was read, if the file had settled by then.
    pub stamp: Option<Stamp>,
}

/// What one note made.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Made {
    /// Its cards, rendered, before note types and identity.
    #[serde(with = "wire")]
    pub cards: Vec<Card>,
    /// Its own diagnostics: parsing, cards, links.
    pub diagnostics: Vec<Diagnostic>,
    /// Its links, for the vault-wide link lints.
    pub links: NoteLinks,
}

/// A [`Made`] as read for a build: its cards with their fields left in the file (see
/// [`crate::cards::Fields`]). The same bytes as `Made`'s.
#[derive(Deserialize)]
struct Read<'a> {
    #[serde(borrow)]
    cards: Vec<wire::Wire<'a>>,
    diagnostics: Vec<Diagnostic>,
    links: NoteLinks,
}

/// A note's entry in a cache file, from which its cards' fields are read back.
struct Entry {
    file: Arc<std::fs::File>,
    slot: Slot,
}

impl crate::cards::Source for Entry {
    fn fields(&self) -> Result<Vec<Vec<crate::cards::Field>>, String> {
        let bytes = read_slot(&self.file, &self.slot).ok_or("its entry is no longer what it was")?;
        let read: Read<'_> = postcard::from_bytes(&bytes).map_err(|e| e.to_string())?;
        Ok(wire::fields(read.cards)?)
    }
}

/// Where an entry's bytes are in the file, and their CRC-32.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    start: u64,
    len: u64,
    crc: u32,
}

/// The file's index, at its end: who wrote it, and where each entry's bytes are.
#[derive(Debug, Serialize, Deserialize)]
struct Index {
    studygen: String,
    /// The hash of the build's inputs besides the notes (settings, templates, options): entries
    /// made with others are of no use.
    global: Digest,
    /// Every note's key, and where what it made is (empty for a volatile note).
    notes: Vec<(Key, Slot)>,
    /// Every experiment's spec hash, and where its outcome is.
    experiments: Vec<(Digest, Slot)>,
    /// The identity state the build left, by its file (whose bytes' hash says which state it
    /// holds), and where it is.
    state: Option<(Print, Slot)>,
}

/// A loaded cache: every entry's key, and where its [`Made`] is in the file, read when asked
/// for (so a large vault's cache is never all in memory).
#[derive(Debug, Default)]
pub struct Cache {
    file: Option<Arc<std::fs::File>>,
    /// Every note's key and where what it made is, in the order the index lists them.
    notes: Vec<(Key, Slot)>,
    /// Where each note is in `notes`, by its path.
    positions: foldhash::HashMap<String, usize>,
    outcomes: Vec<(Digest, Slot)>,
    state: Option<(Print, Slot)>,
}

impl Cache {
    /// The cache in `out` for a build whose inputs besides the notes hash to `global`, or an
    /// empty one when there is none or it cannot be trusted.
    pub fn load(out: &Path, global: &Digest) -> Cache {
        // Only a regular file (never a link), and not more than a vault could have made.
        let Ok(Some(file)) = crate::vault::open_own_file(&out.join(FILE), MAX_FILE) else { return Cache::default() };
        Self::decode(file, global).unwrap_or_default()
    }

    /// The file is: the magic bytes, every entry's bytes, the index, the index's length (8 bytes)
    /// and the CRC-32 of the index and its length (4 bytes). Only the index is read here.
    fn decode(file: std::fs::File, global: &Digest) -> Option<Cache> {
        let len = file.metadata().ok()?.len();
        let tail_at = len.checked_sub(12)?;
        let tail = read_at(&file, tail_at, 12)?;
        let (index_len, crc) = tail.split_at(8);
        let index_at = tail_at.checked_sub(u64::from_le_bytes(index_len.try_into().ok()?))?;
        if index_at < MAGIC.len() as u64 || read_at(&file, 0, MAGIC.len())? != MAGIC {
            return None;
        }
        let index = read_at(&file, index_at, usize::try_from(tail_at - index_at).ok()?)?;
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(&index);
        hasher.update(index_len);
        if hasher.finalize().to_le_bytes() != crc {
            return None;
        }
        let index: Index = postcard::from_bytes(&index).ok()?;
        if index.studygen != crate::BUILD || index.global != *global {
            return None;
        }
        let inside =
            |s: &Slot| s.start >= MAGIC.len() as u64 && s.start.checked_add(s.len).is_some_and(|e| e <= index_at);
        if !index.notes.iter().all(|(_, s)| inside(s))
            || !index.experiments.iter().all(|(_, s)| inside(s))
            || !index.state.iter().all(|(_, s)| inside(s))
        {
            return None;
        }
        let count = index.notes.len();
        if index.notes.iter().flat_map(|(k, _)| &k.reads).any(|&r| r as usize >= count) {
            return None;
        }
        let positions = index.notes.iter().enumerate().map(|(n, (key, _))| (key.path.clone(), n)).collect();
        Some(Cache {
            file: Some(Arc::new(file)),
            notes: index.notes,
            positions,
            outcomes: index.experiments,
            state: index.state,
        })
    }

    /// The bytes of `slot`, if they are still those written there.
    fn read(&self, slot: &Slot) -> Option<Vec<u8>> {
        read_slot(self.file.as_ref()?, slot)
    }

    /// The entry of `path`, if there is one.
    pub fn key(&self, path: &str) -> Option<&Key> {
        self.entry(path).map(|(k, _)| k)
    }

    fn entry(&self, path: &str) -> Option<&(Key, Slot)> {
        self.notes.get(*self.positions.get(path)?)
    }

    /// How many notes the cache lists.
    pub fn listed(&self) -> usize {
        self.notes.len()
    }

    /// The key of the note at `place` in the cache's list.
    pub fn key_at(&self, place: usize) -> Option<&Key> {
        self.notes.get(place).map(|(k, _)| k)
    }

    /// The hash of `path`'s bytes, when its entry was made from the file as it is now by its
    /// stamp, so that it need not be read to know.
    pub fn unchanged(&self, path: &str, stamp: &Stamp) -> Option<Digest> {
        self.key(path).filter(|k| k.stamp.as_ref() == Some(stamp)).map(|k| k.content)
    }

    /// What `path` made, decoded, as encoded and where (to put into the next cache unchanged);
    /// `None` for a volatile note or a damaged entry. Its cards' fields stay in the file until
    /// they are read ([`crate::cards::Card::fields`]).
    pub fn made(&self, path: &str) -> Option<(Made, Vec<u8>, Slot)> {
        let (key, slot) = self.entry(path)?;
        if key.volatile {
            return None;
        }
        let raw = self.read(slot)?;
        let read: Read<'_> = postcard::from_bytes(&raw).ok()?;
        let entry = Entry { file: self.file.clone()?, slot: *slot };
        let held = crate::cards::Held::new(key.path.as_str().into(), Box::new(entry));
        let cards = wire::cards(read.cards, Some(&held)).ok()?;
        let made = Made { cards, diagnostics: read.diagnostics, links: read.links };
        Some((made, raw, *slot))
    }

    /// The identity state in a file whose bytes hash to `digest`, as the build that wrote both
    /// left it, still encoded (its bytes checked): [`decode_state`] makes it a [`Lock`], much
    /// quicker than parsing the file's JSON, and a build does that on a thread of its own.
    pub fn state_copy(&self, digest: u128) -> Option<Vec<u8>> {
        let (_, slot) = self.state.as_ref().filter(|(p, _)| p.digest == digest)?;
        self.read(slot)
    }

    /// The identity file whose state the cache holds, as the build that wrote both found it:
    /// while the file has that stamp, it need not be read to know its hash.
    pub fn state_print(&self) -> Option<&Print> {
        self.state.as_ref().map(|(p, _)| p)
    }

    /// The experiments' outcomes, by the hash of their spec ([`crate::experiments::spec_hash`]).
    pub fn outcomes(&self) -> HashMap<Digest, crate::experiments::Outcome> {
        self.outcomes
            .iter()
            .filter_map(|(spec, slot)| Some((*spec, postcard::from_bytes(&self.read(slot)?).ok()?)))
            .collect()
    }
}

/// The identity state from the bytes of [`Cache::state_copy`].
pub fn decode_state(bytes: &[u8]) -> Option<Lock> {
    let state: StateWire<'_> = postcard::from_bytes(bytes).ok()?;
    Some(Lock { version: state.version, notes: state.notes.into_owned(), gone: state.gone.into_owned() })
}

/// The identity state as the cache holds it: every field written, as a format without field
/// names needs (the identity file leaves out an empty `gone`).
#[derive(Serialize, Deserialize)]
struct StateWire<'a> {
    version: u32,
    notes: std::borrow::Cow<'a, std::collections::BTreeMap<String, Vec<crate::cards::identity::Entry>>>,
    gone: std::borrow::Cow<'a, [crate::cards::identity::Gone]>,
}

/// The identity state as the cache holds it, encoded into a buffer made as large as the encoding
/// can be: a large vault's state is megabytes, and a buffer that grows copies what it holds each time.
fn encode_state(wire: &StateWire<'_>) -> std::io::Result<Vec<u8>> {
    // Postcard writes a 64-bit number in at most 10 bytes, and a string as a length and its bytes.
    const ENTRY: usize = 5 * 10;
    let notes: usize = wire.notes.iter().map(|(path, entries)| 20 + path.len() + entries.len() * ENTRY).sum();
    let gone: usize = wire.gone.iter().map(|g| 30 + g.guid.len() + g.note.len()).sum();
    let buffer = Vec::with_capacity(32 + notes + gone);
    postcard::to_extend(wire, buffer).map_err(std::io::Error::other)
}

/// The bytes of `slot` in `file`, if they are still those written there.
fn read_slot(file: &std::fs::File, slot: &Slot) -> Option<Vec<u8>> {
    let bytes = read_at(file, slot.start, usize::try_from(slot.len).ok()?)?;
    (crc32fast::hash(&bytes) == slot.crc).then_some(bytes)
}

/// `len` bytes of `file` from `at`, without moving a shared position (so that threads read at once).
fn read_at(file: &std::fs::File, at: u64, len: usize) -> Option<Vec<u8>> {
    let mut bytes = vec![0u8; len];
    #[cfg(unix)]
    std::os::unix::fs::FileExt::read_exact_at(file, &mut bytes, at).ok()?;
    #[cfg(windows)]
    {
        let mut done = 0;
        while done < len {
            let n = std::os::windows::fs::FileExt::seek_read(file, &mut bytes[done..], at + done as u64).ok()?;
            if n == 0 {
                return None;
            }
            done += n;
        }
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    #[cfg(target_os = "linux")]
    use super::spool::link;
    use super::*;

    /// The reads' hash tells apart the notes read, their bytes, and their order; its two halves
    /// are two hashes, not one written twice.
    #[test]
    fn the_reads_hash_tells_apart_what_was_read() {
        let (a, b) = (digest([b"a".as_slice()]), digest([b"b".as_slice()]));
        let of = |reads: &[(&str, &Digest)]| reads_digest(reads.iter().copied());
        let base = of(&[("x.md", &a), ("y.md", &b)]);
        assert_eq!(base, of(&[("x.md", &a), ("y.md", &b)]));
        for other in [
            of(&[("y.md", &b), ("x.md", &a)]),
            of(&[("x.md", &b), ("y.md", &b)]),
            of(&[("x.md", &a), ("z.md", &b)]),
            of(&[("x.md", &a)]),
            of(&[]),
        ] {
            assert_ne!(base, other);
        }
        assert_ne!(base[..16], base[16..]);
    }

    fn key(path: &str, volatile: bool) -> Key {
        Key {
            path: path.into(),
            content: digest([path.as_bytes()]),
            context: [7; 32],
            reads: vec![1],
            reads_digest: [1; 32],
            volatile,
            aliases: vec!["alias".into()],
            stamp: Some((5, 6, 7, 8)),
        }
    }

    /// The identity state `cache` holds for the file whose bytes hash to `digest`, decoded.
    fn state(cache: &Cache, digest: u128) -> Option<Lock> {
        decode_state(&cache.state_copy(digest)?)
    }

    /// The print of an identity file whose bytes hash to `[d; 32]`.
    fn print(d: u8) -> Print {
        Print { path: "identity.json".into(), digest: u128::from(d), stamp: Some((1, 2, 3, 4)) }
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
        Next { spool, global: *global, notes, outcomes: vec![([9; 32], vec![0])] }.write_to(&path, None).unwrap();
        std::fs::read(path).unwrap()
    }

    #[test]
    fn the_identity_state_is_kept_by_the_hash_of_its_file() {
        use crate::cards::identity::{Entry, Gone, ShortHash};
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::new(dir.path()).unwrap();
        let entry = Entry {
            guid: ShortHash(1),
            front: ShortHash(2),
            back: ShortHash(3),
            content: ShortHash(4),
            modified: 5,
            anchored: true,
            kind: Some(ShortHash(6)),
        };
        let mut lock = Lock { version: 1, notes: [("a.md".to_owned(), vec![entry])].into(), gone: Vec::new() };
        let path = dir.path().join(FILE);
        Next { spool, global: [3; 32], notes: Vec::new(), outcomes: Vec::new() }
            .write_to(&path, Some((&print(7), &lock)))
            .unwrap();
        let cache = decode(&std::fs::read(&path).unwrap(), &[3; 32]).unwrap();
        assert_eq!(state(&cache, 7).as_ref(), Some(&lock));
        assert_eq!(state(&cache, 8), None, "a file with other bytes is read, not the copy");
        // With cards that left the vault too.
        lock.gone.push(Gone { guid: "0123456789abcdef".into(), note: "b.md".into(), since: 9 });
        let spool = Spool::new(dir.path()).unwrap();
        Next { spool, global: [3; 32], notes: Vec::new(), outcomes: Vec::new() }
            .write_to(&path, Some((&print(7), &lock)))
            .unwrap();
        let cache = decode(&std::fs::read(&path).unwrap(), &[3; 32]).unwrap();
        assert_eq!(state(&cache, 7), Some(lock));
    }

    #[test]
    fn a_spool_that_continues_the_previous_cache_keeps_its_entries_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        // Each cache is written over the file of the one it continues: the file it copies from.
        let write = |spool: Spool, notes: Vec<(Key, Slot)>| {
            Next { spool, global: [3; 32], notes, outcomes: Vec::new() }.write_to(&path, None).unwrap();
            Cache::load(dir.path(), &[3; 32])
        };
        let made = |line: usize| Made {
            diagnostics: vec![Diagnostic::warning(crate::diagnostics::Code::CardDuplicate, "a.md", line, 1, "w")],
            ..Made::default()
        };
        let first = Spool::new(dir.path()).unwrap();
        let (a, b) = (first.put(&encode(&made(1))), first.put(&encode(&made(2))));
        let old = write(first, vec![(key("a.md", false), a), (key("b.md", false), b)]);
        // `a.md` is kept where it was, `b.md` is made anew.
        let next = Spool::continuing(dir.path(), &old).unwrap();
        let (_, _, slot) = old.made("a.md").unwrap();
        let kept = next.keeps(slot).expect("the spool holds the previous cache");
        assert_eq!(kept, a);
        let b2 = next.put(&encode(&made(3)));
        let new = write(next, vec![(key("a.md", false), kept), (key("b.md", false), b2)]);
        assert_eq!(new.made("a.md").unwrap().0.diagnostics[0].line, 1);
        assert_eq!(new.made("b.md").unwrap().0.diagnostics[0].line, 3);
        // Mostly dead bytes: the next spool begins anew, and keeps nothing in place.
        let mut cache = new;
        for round in 0..200 {
            let next = Spool::continuing(dir.path(), &cache).unwrap();
            let Some(kept) = next.keeps(cache.made("a.md").unwrap().2) else {
                assert!(round > 0, "a cache with few dead bytes is continued");
                return;
            };
            let big = next.put(&vec![0; 64 << 10]);
            cache = write(next, vec![(key("a.md", false), kept), (key("c.md", true), big)]);
            assert_eq!(cache.made("a.md").unwrap().0.diagnostics[0].line, 1);
        }
        panic!("the spool never began anew");
    }

    #[test]
    fn a_continued_cache_takes_over_the_previous_file_and_keeps_its_state() {
        use crate::cards::identity::{Entry, ShortHash};
        let dir = tempfile::tempdir().unwrap();
        let sets = |n: usize| dir.path().join(format!("set{n}"));
        let made = |line: usize| Made {
            diagnostics: vec![Diagnostic::warning(crate::diagnostics::Code::CardDuplicate, "a.md", line, 1, "w")],
            ..Made::default()
        };
        let entry = |n: u64| Entry {
            guid: ShortHash(n),
            front: ShortHash(n + 1),
            back: ShortHash(n + 2),
            content: ShortHash(n + 3),
            modified: 5,
            anchored: n.is_multiple_of(3),
            kind: n.is_multiple_of(2).then_some(ShortHash(n + 4)),
        };
        let lock =
            Lock { version: 1, notes: [("a.md".to_owned(), (0..200).map(entry).collect())].into(), gone: vec![] };
        let len = |n: usize| std::fs::metadata(sets(n).join(FILE)).unwrap().len();
        let key = |path: &str| Key { reads: Vec::new(), ..key(path, false) };
        // Each set's cache continues the one before, as builds into one output folder do.
        let first = Spool::new(dir.path()).unwrap();
        let a = first.put(&encode(&made(1)));
        std::fs::create_dir(sets(0)).unwrap();
        let next = Next { spool: first, global: [3; 32], notes: vec![(key("a.md"), a)], outcomes: vec![] };
        next.write_to(&sets(0).join(FILE), Some((&print(7), &lock))).unwrap();
        for n in 1..3 {
            let old = Cache::load(&sets(n - 1), &[3; 32]);
            let spool = Spool::continuing(dir.path(), &old).unwrap();
            let kept = spool.keeps(old.made("a.md").unwrap().2).expect("continued");
            let b = spool.put(&encode(&made(n + 1)));
            if n == 2 {
                // The previous file changed behind the spool's back: what the spool continues is copied.
                std::fs::OpenOptions::new().append(true).open(sets(n - 1).join(FILE)).unwrap().write_all(b"x").unwrap();
            }
            std::fs::create_dir(sets(n)).unwrap();
            let notes = vec![(key("a.md"), kept), (key("b.md"), b)];
            Next { spool, global: [3; 32], notes, outcomes: vec![] }
                .write_to(&sets(n).join(FILE), Some((&print(7), &lock)))
                .unwrap();
            let new = Cache::load(&sets(n), &[3; 32]);
            assert_eq!(new.made("a.md").unwrap().0.diagnostics[0].line, 1);
            assert_eq!(new.made("b.md").unwrap().0.diagnostics[0].line, n + 1);
            assert_eq!(state(&new, 7).as_ref(), Some(&lock));
            // The state was the same: it is not written again.
            let state_len = old.state.unwrap().1.len;
            let grown = len(n) - len(n - 1) + u64::from(n == 2);
            assert!(grown < state_len, "grew by {grown} bytes, the state is {state_len}");
            #[cfg(target_os = "linux")]
            {
                use std::os::unix::fs::MetadataExt as _;
                // Where an open file cannot be linked (no /proc), every cache is a copy.
                let probe = dir.path().join("probe");
                let links = link(&tempfile::tempfile_in(dir.path()).unwrap(), &probe).is_ok();
                std::fs::remove_file(&probe).ok();
                let inode = |n: usize| std::fs::metadata(sets(n).join(FILE)).unwrap().ino();
                assert_eq!(
                    inode(n) == inode(n - 1),
                    links && n == 1,
                    "the previous file is taken over unless it changed"
                );
            }
        }
    }

    #[test]
    fn a_key_that_reads_a_note_the_cache_does_not_list_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        for (reads, trusted) in [(vec![0], true), (vec![1], false)] {
            let spool = Spool::new(dir.path()).unwrap();
            let notes = vec![(Key { reads, ..key("a.md", false) }, spool.put(&encode(&Made::default())))];
            std::fs::remove_file(dir.path().join(FILE)).ok();
            Next { spool, global: [3; 32], notes, outcomes: vec![] }.write_to(&dir.path().join(FILE), None).unwrap();
            assert_eq!(Cache::load(dir.path(), &[3; 32]).key("a.md").is_some(), trusted);
        }
    }

    /// The cache of `bytes`, read from a file as a build reads it.
    fn decode(bytes: &[u8], global: &Digest) -> Option<Cache> {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(bytes).unwrap();
        Cache::decode(file, global)
    }

    #[test]
    fn a_cache_another_build_of_studygen_wrote_is_not_trusted() {
        let bytes = written(&[3; 32]);
        let at = bytes.windows(crate::BUILD.len()).rposition(|w| w == crate::BUILD.as_bytes()).unwrap();
        // The same version number, other sources: as a build between releases would write it.
        let other = format!("{}+{:016x}", env!("CARGO_PKG_VERSION"), 0xfeed_u64);
        assert_eq!(other.len(), crate::BUILD.len());
        assert_ne!(other, crate::BUILD);
        let mut forged = bytes.clone();
        forged[at..at + other.len()].copy_from_slice(other.as_bytes());
        // Its index's CRC-32 made again, as that studygen would have made it.
        let tail = forged.len() - 12;
        let index_len = u64::from_le_bytes(forged[tail..tail + 8].try_into().unwrap()) as usize;
        let crc = crc32fast::hash(&forged[tail - index_len..tail + 8]);
        forged[tail + 8..].copy_from_slice(&crc.to_le_bytes());
        assert!(decode(&bytes, &[3; 32]).is_some());
        assert!(decode(&forged, &[3; 32]).is_none(), "a cache another studygen wrote is ignored");
    }

    #[test]
    fn a_written_cache_reads_back() {
        let bytes = written(&[3; 32]);
        assert!(decode(&bytes, &[4; 32]).is_none(), "made with other settings");
        let cache = decode(&bytes, &[3; 32]).unwrap();
        assert_eq!(cache.key("a.md").unwrap().reads, [1]);
        assert_eq!(cache.key_at(1).map(|k| k.path.as_str()), Some("c.md"));
        assert_eq!(cache.key_at(2), None);
        assert!(cache.made("a.md").is_some());
        assert!(cache.key("c.md").unwrap().volatile);
        assert!(cache.made("c.md").is_none());
        assert!(cache.key("b.md").is_none());
        assert_eq!(cache.outcomes.len(), 1);
        assert!(cache.read(&cache.outcomes[0].1).is_some());
        assert_eq!(cache.unchanged("a.md", &(5, 6, 7, 8)), Some(digest([b"a.md".as_slice()])));
        assert_eq!(cache.unchanged("a.md", &(5, 6, 7, 9)), None, "another stamp tells nothing");
        assert_eq!(cache.unchanged("b.md", &(5, 6, 7, 8)), None);
    }

    #[test]
    #[cfg(unix)]
    fn a_cached_notes_fields_are_read_back_from_its_entry_and_checked() {
        let cards = vec![crate::cards::sample("a.md", "What is a saddle?", "A critical point"), {
            crate::cards::sample("a.md", "Why is it hard?", "Negative curvature")
        }];
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::new(dir.path()).unwrap();
        let a = spool.put(&encode(&Made { cards: cards.clone(), ..Made::default() }));
        let path = dir.path().join(FILE);
        let notes = vec![(Key { reads: vec![], ..key("a.md", false) }, a)];
        let next = Next { spool, global: [3; 32], notes, outcomes: vec![] };
        next.write_to(&path, None).unwrap();
        let file = std::fs::OpenOptions::new().read(true).write(true).open(&path).unwrap();
        let cache = Cache::decode(file.try_clone().unwrap(), &[3; 32]).unwrap();

        let (made, _, slot) = cache.made("a.md").unwrap();
        assert!(made.cards.iter().all(|c| c.fields.is_held()), "nothing is read until asked for");
        assert_eq!(made.cards, cards, "read back, the fields are those written");
        // Changed after the cards were decoded: their fields are not read back, and say why.
        let (made, _, _) = cache.made("a.md").unwrap();
        std::os::unix::fs::FileExt::write_all_at(&file, b"XX", slot.start + slot.len - 2).unwrap();
        let e = made.cards[1].fields().unwrap_err();
        assert_eq!(e.note, "a.md");
        assert!(e.to_string().contains("build again"), "{e}");
    }

    #[test]
    fn a_damaged_cache_or_entry_is_not_trusted() {
        let bytes = written(&[3; 32]);
        assert!(decode(&bytes, &[3; 32]).is_some());
        for cut in [0, 5, MAGIC.len() + 3, bytes.len() - 1] {
            assert!(decode(&bytes[..cut], &[3; 32]).is_none(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer, &[3; 32]).is_none());
        // A changed byte anywhere: the whole cache is ignored, or the entry that holds it is.
        for at in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[at] ^= 1;
            if let Some(cache) = decode(&flipped, &[3; 32]) {
                let whole = cache.made("a.md").is_some() && cache.outcomes.iter().all(|(_, s)| cache.read(s).is_some());
                assert!(!whole, "a flipped byte at {at} went unnoticed");
            }
        }
    }
}
