//! What a build into a folder keeps for the next one, beside the deck: the collection itself
//! ([`COLLECTION`], the SQLite file the deck holds) and its index ([`INDEX`]): the signature of
//! every row, and where each deflated piece of the collection lies in the deck.
//!
//! The index names the collection's and the deck's sizes and modification times; when either file
//! is not as the index says, or the index cannot be read, nothing kept is used.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::collection::{CardRow, Fixed, Signature};
use super::package::Piece;
use crate::vault;

/// The kept collection, in OUT.
pub const COLLECTION: &str = ".studygen-collection";

/// The kept collection's index, in OUT.
pub const INDEX: &str = ".studygen-collection.index";

/// The first bytes of the index: its format, with a version.
const MAGIC: &[u8; 16] = b"studygen-deck\x00\x00\x04";

/// The largest index read (about 100 bytes a card).
const MAX_INDEX: u64 = 1 << 30;

/// A file's size and modification time (ns since the epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    len: u64,
    modified: u128,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::symlink_metadata(path).ok().filter(std::fs::Metadata::is_file)?;
        let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
        Some(Stamp { len: meta.len(), modified })
    }
}

/// The index of a kept collection.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Index {
    collection: Stamp,
    /// The deck's file name in OUT, and its stamp.
    package: (String, Stamp),
    /// Every note row's id and signature, in id order.
    #[serde(with = "fixed")]
    pub(super) notes: Vec<(i64, Signature)>,
    /// Every card row, in id order.
    #[serde(with = "fixed")]
    pub(super) cards: Vec<CardRow>,
    /// The deck's pieces of the collection.
    pub(super) pieces: Vec<Piece>,
}

impl Index {
    /// Describes the collection at `collection` and the deck at `package` (both complete).
    pub(super) fn new(
        collection: &Path,
        package: &Path,
        notes: Vec<(i64, Signature)>,
        cards: Vec<CardRow>,
        pieces: Vec<Piece>,
    ) -> Option<Index> {
        let name = package.file_name()?.to_string_lossy().into_owned();
        Some(Index { collection: Stamp::of(collection)?, package: (name, Stamp::of(package)?), notes, cards, pieces })
    }

    /// The index kept in `dir`, if it reads and its collection is as it says.
    pub(super) fn load(dir: &Path) -> Option<Index> {
        let bytes = vault::read_own_file(&dir.join(INDEX), MAX_INDEX).ok()??;
        let index: Index = postcard::from_bytes(bytes.strip_prefix(MAGIC)?).ok()?;
        (Stamp::of(&dir.join(COLLECTION)) == Some(index.collection)).then_some(index)
    }

    /// The deck in `dir` whose pieces the index lists, if it is as the index says.
    pub(super) fn package(&self, dir: &Path) -> Option<std::path::PathBuf> {
        let path = dir.join(&self.package.0);
        (Stamp::of(&path) == Some(self.package.1)).then_some(path)
    }

    /// Writes the index into `dir`.
    pub(super) fn save(&self, dir: &Path) -> anyhow::Result<()> {
        use std::io::Write as _;
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create(dir.join(INDEX))?);
        out.write_all(MAGIC)?;
        let mut out = postcard::to_io(self, out)?;
        out.flush()?;
        Ok(())
    }
}

/// A list of rows as one run of fixed-width bytes ([`Fixed`]).
mod fixed {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::Fixed;

    pub(super) fn serialize<T: Fixed, S: Serializer>(rows: &[T], s: S) -> Result<S::Ok, S::Error> {
        let mut bytes = Vec::with_capacity(rows.len() * T::WIDTH);
        for row in rows {
            row.put(&mut bytes);
        }
        s.serialize_bytes(&bytes)
    }

    /// Reads what [`serialize`] wrote, from bytes it can borrow from (as `postcard::from_bytes`
    /// gives).
    pub(super) fn deserialize<'de, T: Fixed, D: Deserializer<'de>>(d: D) -> Result<Vec<T>, D::Error> {
        let bytes = <&[u8]>::deserialize(d)?;
        if bytes.len() % T::WIDTH != 0 {
            return Err(serde::de::Error::custom("a list of rows cut short"));
        }
        Ok(bytes.chunks_exact(T::WIDTH).map(T::get).collect())
    }
}
