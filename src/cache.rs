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
use std::io::Write;
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::cards::Card;
use crate::diagnostics::Diagnostic;
use crate::lints::NoteLinks;

/// The cache's file name in the output folder.
pub const FILE: &str = ".studygen-cache";

/// The first bytes of the file: its format, with a version.
const MAGIC: &[u8; 16] = b"studygen-cache\x00\x01";

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

/// Identifies the file's writer: the format and studygen's version.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    studygen: String,
    /// The hash of the build's inputs besides the notes (settings, templates, options): entries
    /// made with others are of no use.
    global: Digest,
    notes: u64,
    experiments: u64,
}

/// A loaded cache: every entry's key, and its [`Made`] still encoded.
#[derive(Debug, Default)]
pub struct Cache {
    bytes: Vec<u8>,
    entries: HashMap<String, (Key, Range<usize>)>,
    outcomes: Vec<(Digest, Range<usize>)>,
}

impl Cache {
    /// The cache in `out` for a build whose inputs besides the notes hash to `global`, or an
    /// empty one when there is none or it cannot be trusted.
    pub fn load(out: &Path, global: &Digest) -> Cache {
        let Ok(bytes) = std::fs::read(out.join(FILE)) else { return Cache::default() };
        Self::decode(bytes, global).unwrap_or_default()
    }

    fn decode(mut bytes: Vec<u8>, global: &Digest) -> Option<Cache> {
        // The file ends with the CRC-32 of all before it: a changed byte anywhere is noticed.
        let body = bytes.len().checked_sub(4)?;
        let crc = u32::from_le_bytes(bytes.get(body..)?.try_into().ok()?);
        if crc32fast::hash(bytes.get(..body)?) != crc {
            return None;
        }
        bytes.truncate(body);
        let mut at = MAGIC.len();
        if bytes.get(..at)? != MAGIC {
            return None;
        }
        let header: Header = postcard::from_bytes(chunk(&bytes, &mut at)?).ok()?;
        if header.studygen != env!("CARGO_PKG_VERSION") || header.global != *global {
            return None;
        }
        let mut entries = HashMap::new();
        for _ in 0..header.notes {
            let key: Key = postcard::from_bytes(chunk(&bytes, &mut at)?).ok()?;
            let start = at + 8;
            let made = chunk(&bytes, &mut at)?.len();
            entries.insert(key.path.clone(), (key, start..start + made));
        }
        let mut outcomes = Vec::new();
        for _ in 0..header.experiments {
            let spec: Digest = chunk(&bytes, &mut at)?.try_into().ok()?;
            let start = at + 8;
            let len = chunk(&bytes, &mut at)?.len();
            outcomes.push((spec, start..start + len));
        }
        (at == bytes.len()).then_some(Cache { bytes, entries, outcomes })
    }

    /// The entry of `path`, if there is one.
    pub fn key(&self, path: &str) -> Option<&Key> {
        self.entries.get(path).map(|(k, _)| k)
    }

    /// What `path` made, decoded; `None` for a volatile note or a corrupt entry.
    pub fn made(&self, path: &str) -> Option<Made> {
        let (key, range) = self.entries.get(path)?;
        if key.volatile {
            return None;
        }
        postcard::from_bytes(self.bytes.get(range.clone())?).ok()
    }

    /// The experiments' outcomes, by the hash of their spec ([`crate::experiments::spec_hash`]).
    pub fn outcomes(&self) -> HashMap<Digest, crate::experiments::Outcome> {
        self.outcomes
            .iter()
            .filter_map(|(spec, range)| Some((*spec, postcard::from_bytes(self.bytes.get(range.clone())?).ok()?)))
            .collect()
    }

    /// What `path` made, as encoded, to write into the next cache unchanged.
    pub fn raw(&self, path: &str) -> Option<&[u8]> {
        let (_, range) = self.entries.get(path)?;
        self.bytes.get(range.clone())
    }
}

/// Reads the length-prefixed chunk at `*at` and moves past it.
fn chunk<'a>(bytes: &'a [u8], at: &mut usize) -> Option<&'a [u8]> {
    let len = usize::try_from(u64::from_le_bytes(bytes.get(*at..*at + 8)?.try_into().ok()?)).ok()?;
    let start = *at + 8;
    let body = bytes.get(start..start.checked_add(len)?)?;
    *at = start + len;
    Some(body)
}

/// One note's entry for the next cache: its key, and what it made, encoded.
#[derive(Debug)]
pub struct Entry<'a> {
    /// What it was made from.
    pub key: Key,
    /// [`Made`], encoded ([`encode`]), or what the last cache held; empty for a volatile note.
    pub made: std::borrow::Cow<'a, [u8]>,
}

/// Encodes what a note made, for an [`Entry`].
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

/// What the next cache holds.
#[derive(Debug)]
pub struct Next<'a> {
    /// The hash of the build's inputs besides the notes.
    pub global: &'a Digest,
    /// Every note's entry, in vault order.
    pub entries: &'a [Entry<'a>],
    /// The experiments' outcomes ([`outcomes`]).
    pub outcomes: &'a [(Digest, Vec<u8>)],
}

/// Writes the cache `next` to `out`.
pub fn write(out: impl Write, next: &Next<'_>) -> std::io::Result<()> {
    let Next { global, entries, outcomes } = *next;
    let mut out = Checksummed { out, crc: crc32fast::Hasher::new() };
    fn put(out: &mut impl Write, bytes: &[u8]) -> std::io::Result<()> {
        out.write_all(&(bytes.len() as u64).to_le_bytes())?;
        out.write_all(bytes)
    }
    fn encoded<T: Serialize>(v: &T) -> std::io::Result<Vec<u8>> {
        postcard::to_stdvec(v).map_err(std::io::Error::other)
    }
    out.write_all(MAGIC)?;
    let header = Header {
        studygen: env!("CARGO_PKG_VERSION").to_owned(),
        global: *global,
        notes: entries.len() as u64,
        experiments: outcomes.len() as u64,
    };
    put(&mut out, &encoded(&header)?)?;
    for e in entries {
        put(&mut out, &encoded(&e.key)?)?;
        put(&mut out, &e.made)?;
    }
    for (spec, outcome) in outcomes {
        put(&mut out, spec)?;
        put(&mut out, outcome)?;
    }
    let crc = out.crc.finalize().to_le_bytes();
    out.out.write_all(&crc)?;
    out.out.flush()
}

/// A writer that keeps the CRC-32 of what went through it.
struct Checksummed<W> {
    out: W,
    crc: crc32fast::Hasher,
}

impl<W: Write> Write for Checksummed<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.crc.update(buf.get(..n).unwrap_or_default());
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, volatile: bool) -> Entry<'static> {
        let key = Key {
            path: path.into(),
            content: digest([path.as_bytes()]),
            context: [7; 32],
            reads: vec![("b.md".into(), [1; 32])],
            volatile,
            aliases: vec!["alias".into()],
        };
        let made = Made { cards: Vec::new(), diagnostics: Vec::new(), links: NoteLinks::default() };
        Entry { key, made: if volatile { Vec::new().into() } else { encode(&made).into() } }
    }

    #[test]
    fn a_written_cache_reads_back() {
        let mut bytes = Vec::new();
        let (entries, outcomes) = ([entry("a.md", false), entry("c.md", true)], [([9; 32], vec![0])]);
        write(&mut bytes, &Next { global: &[3; 32], entries: &entries, outcomes: &outcomes }).unwrap();
        assert!(Cache::decode(bytes.clone(), &[4; 32]).is_none(), "made with other settings");
        let cache = Cache::decode(bytes, &[3; 32]).unwrap();
        assert_eq!(cache.key("a.md").unwrap().reads, [("b.md".to_owned(), [1; 32])]);
        assert!(cache.made("a.md").is_some());
        assert!(cache.key("c.md").unwrap().volatile);
        assert!(cache.made("c.md").is_none());
        assert!(cache.key("b.md").is_none());
    }

    #[test]
    fn a_damaged_cache_is_not_trusted() {
        let mut bytes = Vec::new();
        write(&mut bytes, &Next { global: &[3; 32], entries: &[entry("a.md", false)], outcomes: &[] }).unwrap();
        assert!(Cache::decode(bytes.clone(), &[3; 32]).is_some());
        for cut in [0, 5, MAGIC.len() + 3, bytes.len() - 1] {
            assert!(Cache::decode(bytes[..cut].to_vec(), &[3; 32]).is_none(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Cache::decode(longer, &[3; 32]).is_none());
        for at in [3, bytes.len() / 2, bytes.len() - 2] {
            let mut flipped = bytes.clone();
            flipped[at] ^= 1;
            assert!(Cache::decode(flipped, &[3; 32]).is_none(), "flipped at {at}");
        }
    }
}
