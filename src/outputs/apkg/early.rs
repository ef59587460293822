//! Deflating the collection while SQLite still builds it. A collection built anew is written in
//! id order, so most of its pages, once SQLite has written them out, never change again: the pieces
//! the file has grown past are deflated on the other core, which is otherwise idle while SQLite's
//! bulk load runs on one. The package then takes a piece's early bytes only where the piece's bytes
//! are still those that were deflated (by length, CRC-32 and XXH3), and deflates the rest (the
//! first piece, with the header and the tables' roots, and the pages written last).

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use super::package::{PIECE, compress, read_at};

/// A piece deflated early, with what it was deflated from.
struct Deflated {
    raw_len: usize,
    crc: u32,
    hash: u128,
    bytes: Vec<u8>,
}

/// The pieces deflated while the collection was built, by their place.
#[derive(Default)]
pub(super) struct Early {
    pieces: Vec<Mutex<Option<Deflated>>>,
}

impl Early {
    /// Deflates the pieces of the file `path` that it has grown a whole piece past, in order,
    /// until `done` is set. A file that is not there yet is waited for.
    pub(super) fn deflate_while(path: &Path, done: &AtomicBool) -> Early {
        let mut pieces = Vec::new();
        let mut file = None;
        // The first piece holds the header and the tables' roots, which change to the end.
        let mut next: u64 = 1;
        while !done.load(Ordering::Acquire) {
            if file.is_none() {
                file = std::fs::File::open(path).ok();
            }
            let Some(f) = file.as_ref() else {
                std::thread::sleep(std::time::Duration::from_millis(2));
                continue;
            };
            let len = f.metadata().map_or(0, |m| m.len());
            if (next + 2) * PIECE > len {
                std::thread::sleep(std::time::Duration::from_millis(2));
                continue;
            }
            let mut raw = vec![0; PIECE as usize];
            let Ok(bytes) = read_at(f, &mut raw, next * PIECE).and_then(|()| compress(&raw)) else { break };
            let (crc, hash) = (crc32fast::hash(&raw), xxhash_rust::xxh3::xxh3_128(&raw));
            let at = usize::try_from(next).unwrap_or(usize::MAX);
            pieces.resize_with(at, || Mutex::new(None));
            pieces.push(Mutex::new(Some(Deflated { raw_len: raw.len(), crc, hash, bytes })));
            next += 1;
        }
        Early { pieces }
    }

    /// The deflated bytes of the piece at `index`, if it was deflated early from the bytes it
    /// holds now (`raw_len` long, with this CRC-32 and XXH3).
    pub(super) fn take(&self, index: u64, raw_len: usize, crc: u32, hash: u128) -> Option<Vec<u8>> {
        let slot = self.pieces.get(usize::try_from(index).ok()?)?;
        let piece = slot.lock().ok()?.take()?;
        (piece.raw_len == raw_len && piece.crc == crc && piece.hash == hash).then_some(piece.bytes)
    }

    /// How many pieces were deflated early.
    #[cfg(test)]
    fn count(&self) -> usize {
        self.pieces.iter().filter(|p| p.lock().is_ok_and(|p| p.is_some())).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read as _, Write as _};

    fn piece(n: u8) -> Vec<u8> {
        (0..PIECE as usize).map(|i| (i % 251) as u8 ^ n).collect()
    }

    /// The pieces a growing file has passed are deflated while it grows; the package takes one
    /// only while its bytes are still those deflated.
    #[test]
    fn finished_pieces_are_deflated_and_taken_only_while_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("collection");
        let done = AtomicBool::new(false);
        let early = std::thread::scope(|s| {
            let worker = s.spawn(|| Early::deflate_while(&path, &done));
            let mut file = std::fs::File::create(&path).unwrap();
            for n in 0..6 {
                file.write_all(&piece(n)).unwrap();
                file.flush().unwrap();
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            // Pieces 1 to 4 end a piece or more before the end: they are deflated as the file grows.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
            while !std::fs::metadata(&path).is_ok_and(|m| m.len() == 6 * PIECE) && std::time::Instant::now() < deadline
            {
            }
            // Time to deflate them (a millisecond or two each), with room for a busy machine.
            std::thread::sleep(std::time::Duration::from_secs(2));
            done.store(true, Ordering::Release);
            worker.join().unwrap()
        });
        assert_eq!(early.count(), 4, "the first piece and the last are left to the package");
        let hashes = |raw: &[u8]| (crc32fast::hash(raw), xxhash_rust::xxh3::xxh3_128(raw));
        // Piece 2 as it was: its deflated bytes inflate to it.
        let (crc, hash) = hashes(&piece(2));
        let bytes = early.take(2, PIECE as usize, crc, hash).expect("piece 2 was deflated early");
        let mut stream = bytes.clone();
        stream.extend([0x03, 0x00]);
        let mut inflated = Vec::new();
        flate2::read::DeflateDecoder::new(&stream[..]).read_to_end(&mut inflated).unwrap();
        assert_eq!(inflated, piece(2));
        // Piece 3 changed since: none. Piece 0 and piece 5 were never deflated early.
        let (crc, hash) = hashes(&piece(9));
        assert_eq!(early.take(3, PIECE as usize, crc, hash), None);
        let (crc, hash) = hashes(&piece(0));
        assert_eq!(early.take(0, PIECE as usize, crc, hash), None);
        let (crc, hash) = hashes(&piece(5));
        assert_eq!(early.take(5, PIECE as usize, crc, hash), None);
    }
}
