//! The package file: the collection deflated in independent pieces on every core, then the media
//! map and the media files.
//!
//! Each piece of [`PIECE`] bytes is deflated on its own and ends byte-aligned (a sync flush), so
//! the pieces joined, with a final empty block after the last, are one deflate stream. A piece
//! whose bytes are those of the previous deck's piece (by length, CRC-32 and 128-bit XXH3) is
//! copied from that deck, not deflated again. When the update of the collection says which pages
//! it wrote ([`Touched`]), a piece holding none of them is copied without being read.
//! The collection's zip entry is written here, since the zip crate only stores data it compressed
//! itself; the zip crate then appends the media to the archive, through a buffer that holds its
//! seeks ([`SeekBuffer`]).

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

use anyhow::Context as _;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::super::{Media, atomic};
use super::early::Early;
use super::seek_buffer::SeekBuffer;
use super::touched::Touched;

/// The size of a piece of the collection.
pub(super) const PIECE: u64 = 256 << 10;

/// How many pieces are in memory at once: they are deflated together, then written in order.
const BATCH: usize = 8;

/// The name of the collection inside the package.
const NAME: &[u8] = b"collection.anki2";

/// The largest collection written by [`write()`]'s own entry, which has no ZIP64 fields; a larger one
/// goes through the zip crate whole.
const MAX_OWN_ENTRY: u64 = 0xF000_0000;

/// A deflated piece of the collection, where it lies in the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Piece {
    /// Its length before deflating.
    raw_len: u32,
    /// The CRC-32 of its bytes before deflating.
    crc: u32,
    /// The 128-bit XXH3 of its bytes before deflating: with the length and CRC-32, what tells that
    /// a piece is the same as the previous deck's (the previous collection's bytes are not kept).
    hash: u128,
    /// Where its deflated bytes start in the package.
    offset: u64,
    /// How many deflated bytes it has.
    len: u32,
    /// The CRC-32 of its deflated bytes, checked when they are copied into a new package.
    packed_crc: u32,
}

/// The previous build's package, whose pieces a new package may reuse.
pub(super) struct Previous<'a> {
    pub(super) package: &'a Path,
    pub(super) pieces: &'a [Piece],
    /// The pages written since the previous package was made from the collection, when known:
    /// every other byte of the collection is as it was then.
    pub(super) touched: Option<&'a Touched>,
}

/// What [`write()`] did: the pieces of the collection, how many came from the previous package, and
/// how many were read from the collection.
pub(super) struct Packed {
    pub(super) pieces: Vec<Piece>,
    pub(super) reused: usize,
    pub(super) read: usize,
}

/// Writes the package `path`, atomically: the collection (the SQLite file `collection`) and the
/// media.
pub(super) fn write(
    path: &Path,
    collection: &Path,
    previous: Option<&Previous<'_>>,
    early: Option<&Early>,
    media: &[Media],
) -> anyhow::Result<Packed> {
    let mut tmp = atomic::begin(path)?;
    let raw_len = std::fs::metadata(collection)?.len();
    let packed = if raw_len <= MAX_OWN_ENTRY {
        let packed = write_collection(tmp.as_file_mut(), collection, raw_len, previous, early)?;
        let zip = zip::ZipWriter::new_append(SeekBuffer::new(tmp.as_file_mut())?)?;
        append_media(zip, media)?;
        packed
    } else {
        let mut zip = zip::ZipWriter::new(BufWriter::with_capacity(1 << 20, tmp.as_file_mut()));
        zip.start_file("collection.anki2", deflate().large_file(true))?;
        std::io::copy(&mut File::open(collection)?, &mut zip)?;
        append_media(zip, media)?;
        Packed { pieces: Vec::new(), reused: 0, read: 1 }
    };
    atomic::commit(tmp, path)?;
    Ok(packed)
}

fn deflate() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(false)
}

/// Appends the media map and the media files, and finishes the archive.
fn append_media<W: Write + Seek>(mut zip: zip::ZipWriter<W>, media: &[Media]) -> anyhow::Result<()> {
    let map: std::collections::BTreeMap<String, &str> =
        media.iter().enumerate().map(|(i, m)| (i.to_string(), m.name.as_str())).collect();
    zip.start_file("media", deflate())?;
    zip.write_all(serde_json::to_string(&map)?.as_bytes())?;
    for (i, m) in media.iter().enumerate() {
        let mut file = File::open(&m.path).with_context(|| format!("cannot read media `{}`", m.path.display()))?;
        // Images, sound and video are compressed already: deflating them again costs time and
        // saves nothing.
        let opts = if compressed(&m.name) {
            deflate().compression_method(zip::CompressionMethod::Stored).compression_level(None)
        } else {
            deflate()
        };
        zip.start_file(i.to_string(), opts)?;
        std::io::copy(&mut file, &mut zip).with_context(|| format!("cannot read media `{}`", m.path.display()))?;
    }
    zip.finish()?.flush()?;
    Ok(())
}

/// Whether a media file's format is compressed already.
fn compressed(name: &str) -> bool {
    const FORMATS: [&str; 16] = [
        "png", "jpg", "jpeg", "gif", "webp", "avif", "mp3", "ogg", "m4a", "aac", "flac", "webm", "mp4", "mov", "mkv",
        "ogv",
    ];
    let ext = crate::markdown::extension(name);
    FORMATS.contains(&ext.as_str())
}

/// Writes a zip archive holding only the collection's entry into `file` (empty).
fn write_collection(
    file: &mut File,
    collection: &Path,
    raw_len: u64,
    previous: Option<&Previous<'_>>,
    early: Option<&Early>,
) -> anyhow::Result<Packed> {
    let source = File::open(collection).with_context(|| format!("cannot read `{}`", collection.display()))?;
    // The previous files are only read from; one that cannot be opened is not reused.
    let previous = previous.and_then(|p| Some((File::open(p.package).ok()?, p.pieces, p.touched)));
    let mut out = BufWriter::with_capacity(1 << 20, &mut *file);
    out.write_all(&local_header(0, 0, 0))?;
    let header_len = out.stream_position()?;
    let mut packed = Packed { pieces: Vec::new(), reused: 0, read: 0 };
    let mut crc = crc32fast::Hasher::new();
    let mut offset = header_len;
    let indexes: Vec<u64> = (0..raw_len.div_ceil(PIECE)).collect();
    for batch in indexes.chunks(BATCH) {
        let done: Vec<std::io::Result<Deflated>> = batch
            .par_iter()
            .map(|&i| {
                let start = i * PIECE;
                let len = PIECE.min(raw_len - start);
                let old = previous.as_ref().and_then(|(package, pieces, touched)| {
                    Some((package, pieces.get(usize::try_from(i).ok()?)?, *touched))
                });
                // A piece the update did not write is the previous one, if it had this length.
                let untouched = old.filter(|(_, piece, touched)| {
                    u64::from(piece.raw_len) == len && touched.is_some_and(|t| !t.any_in(start, len))
                });
                let unread =
                    untouched.and_then(|(package, piece, _)| Some((piece, packed_bytes(piece, package).ok()??)));
                if let Some((piece, bytes)) = unread {
                    let Piece { crc, hash, raw_len, packed_crc, .. } = *piece;
                    return Ok(Deflated { bytes, crc, hash, raw_len, packed_crc, reused: true, read: false });
                }
                let mut raw = vec![0; usize::try_from(len).unwrap_or(0)];
                read_at(&source, &mut raw, start)?;
                let (crc, hash) = (crc32fast::hash(&raw), xxhash_rust::xxh3::xxh3_128(&raw));
                let old =
                    old.and_then(|(package, piece, _)| reuse(piece, raw.len(), crc, hash, package).ok().flatten());
                let reused = old.is_some();
                let bytes = match old.or_else(|| early?.take(i, raw.len(), crc, hash)) {
                    Some(bytes) => bytes,
                    None => compress(&raw)?,
                };
                let raw_len = u32::try_from(raw.len()).map_err(std::io::Error::other)?;
                Ok(Deflated { packed_crc: crc32fast::hash(&bytes), bytes, crc, hash, raw_len, reused, read: true })
            })
            .collect();
        for piece in done {
            let Deflated { bytes, crc: raw_crc, hash, raw_len, packed_crc, reused, read } = piece?;
            out.write_all(&bytes)?;
            let len = u32::try_from(bytes.len())?;
            packed.pieces.push(Piece { raw_len, crc: raw_crc, hash, offset, len, packed_crc });
            packed.reused += usize::from(reused);
            packed.read += usize::from(read);
            crc.combine(&crc32fast::Hasher::new_with_initial_len(raw_crc, u64::from(raw_len)));
            offset += u64::from(len);
        }
    }
    // A final, empty block with fixed codes ends the stream.
    out.write_all(&[0x03, 0x00])?;
    offset += 2;
    let crc = crc.finalize();
    let packed_len = u32::try_from(offset - header_len)?;
    let raw_len = u32::try_from(raw_len)?;
    out.write_all(&central_header(crc, packed_len, raw_len))?;
    let central_len = u32::try_from(out.stream_position()? - offset)?;
    out.write_all(&end_of_central(central_len, u32::try_from(offset)?))?;
    out.seek(SeekFrom::Start(0))?;
    out.write_all(&local_header(crc, packed_len, raw_len))?;
    out.flush()?;
    drop(out);
    file.seek(SeekFrom::End(0))?;
    Ok(packed)
}

/// A piece of the collection, deflated or copied from the previous package.
struct Deflated {
    bytes: Vec<u8>,
    /// The CRC-32 and XXH3 of the piece before deflating, and its length.
    crc: u32,
    hash: u128,
    raw_len: u32,
    /// The CRC-32 of `bytes`.
    packed_crc: u32,
    /// Whether `bytes` came from the previous package.
    reused: bool,
    /// Whether the piece was read from the collection.
    read: bool,
}

/// The previous package's deflated bytes for a piece of `raw_len` bytes whose CRC-32 and XXH3 are
/// `raw_crc` and `raw_hash`, if the previous piece's were the same; the deflated bytes are checked
/// against their CRC.
fn reuse(
    piece: &Piece,
    raw_len: usize,
    raw_crc: u32,
    raw_hash: u128,
    package: &File,
) -> std::io::Result<Option<Vec<u8>>> {
    let same = usize::try_from(piece.raw_len).ok() == Some(raw_len) && piece.crc == raw_crc && piece.hash == raw_hash;
    if !same {
        return Ok(None);
    }
    packed_bytes(piece, package)
}

/// The previous package's deflated bytes for `piece`, if they are what the piece says (by their
/// CRC-32).
fn packed_bytes(piece: &Piece, package: &File) -> std::io::Result<Option<Vec<u8>>> {
    // A piece deflates to little more than its length; an index that says otherwise is not read.
    if u64::from(piece.len) > PIECE + PIECE / 8 {
        return Ok(None);
    }
    let mut bytes = vec![0; usize::try_from(piece.len).unwrap_or(0)];
    read_at(package, &mut bytes, piece.offset)?;
    Ok((crc32fast::hash(&bytes) == piece.packed_crc).then_some(bytes))
}

/// Deflates `raw` on its own, ending byte-aligned without a final block.
pub(super) fn compress(raw: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut deflater = flate2::Compress::new(flate2::Compression::new(1), false);
    let mut out = Vec::with_capacity(raw.len() / 3 + 1024);
    loop {
        let consumed = usize::try_from(deflater.total_in()).unwrap_or(usize::MAX);
        let rest = raw.get(consumed..).unwrap_or_default();
        deflater.compress_vec(rest, &mut out, flate2::FlushCompress::Sync).map_err(std::io::Error::other)?;
        let all_in = usize::try_from(deflater.total_in()).ok() == Some(raw.len());
        // The flush is complete when it left room in the buffer.
        if all_in && out.len() < out.capacity() {
            return Ok(out);
        }
        out.reserve(out.capacity().max(4096));
    }
}

pub(super) fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
    }
    #[cfg(not(unix))]
    {
        let mut file = file.try_clone()?;
        file.seek(SeekFrom::Start(offset))?;
        std::io::Read::read_exact(&mut file, buf)
    }
}

/// The entry's modification date: 1980-01-01, 00:00 (MS-DOS format), as the zip crate writes.
const DOS_DATE: u16 = (1 << 5) | 1;

fn local_header(crc: u32, packed_len: u32, raw_len: u32) -> Vec<u8> {
    let mut h = Vec::with_capacity(30 + NAME.len());
    h.extend(0x0403_4b50u32.to_le_bytes());
    for v in [20u16, 0, 8, 0, DOS_DATE] {
        h.extend(v.to_le_bytes());
    }
    for v in [crc, packed_len, raw_len] {
        h.extend(v.to_le_bytes());
    }
    h.extend(u16::try_from(NAME.len()).unwrap_or(0).to_le_bytes());
    h.extend(0u16.to_le_bytes());
    h.extend(NAME);
    h
}

fn central_header(crc: u32, packed_len: u32, raw_len: u32) -> Vec<u8> {
    let mut h = Vec::with_capacity(46 + NAME.len());
    h.extend(0x0201_4b50u32.to_le_bytes());
    // Made by Unix, zip 2.0; needs 2.0; no flags; deflated.
    for v in [0x0314u16, 20, 0, 8, 0, DOS_DATE] {
        h.extend(v.to_le_bytes());
    }
    for v in [crc, packed_len, raw_len] {
        h.extend(v.to_le_bytes());
    }
    // Name length; no extra field, comment, disk number or internal attributes.
    for v in [u16::try_from(NAME.len()).unwrap_or(0), 0, 0, 0, 0] {
        h.extend(v.to_le_bytes());
    }
    // A regular file, rw-r--r--; its local header is at the start.
    h.extend((0o100_644u32 << 16).to_le_bytes());
    h.extend(0u32.to_le_bytes());
    h.extend(NAME);
    h
}

fn end_of_central(central_len: u32, central_offset: u32) -> Vec<u8> {
    let mut h = Vec::with_capacity(22);
    h.extend(0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, 1, 1] {
        h.extend(v.to_le_bytes());
    }
    h.extend(central_len.to_le_bytes());
    h.extend(central_offset.to_le_bytes());
    h.extend(0u16.to_le_bytes());
    h
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    /// A collection-sized file of text that compresses, with a different tail each time.
    fn sample(dir: &Path, name: &str, tail: &str) -> std::path::PathBuf {
        let mut bytes = Vec::new();
        let mut i = 0u64;
        while bytes.len() < 3 * PIECE as usize + 1000 {
            bytes.extend(format!("row {i}: the Hessian at a saddle has eigenvalues of both signs\n").as_bytes());
            i += 1;
        }
        bytes.extend(tail.as_bytes());
        let path = dir.join(name);
        std::fs::write(&path, &bytes).unwrap();
        path
    }

    fn unpack(package: &Path) -> (Vec<u8>, Vec<String>) {
        let mut zip = zip::ZipArchive::new(File::open(package).unwrap()).unwrap();
        let names = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
        let mut bytes = Vec::new();
        zip.by_name("collection.anki2").unwrap().read_to_end(&mut bytes).unwrap();
        (bytes, names)
    }

    #[test]
    fn pieces_join_into_one_stream_and_unchanged_pieces_are_reused() {
        let tmp = tempfile::tempdir().unwrap();
        let media = tmp.path().join("plot.svg");
        std::fs::write(&media, "<svg/>").unwrap();
        let media = [Media { name: "plot.svg".into(), path: media }];
        let first = sample(tmp.path(), "first", "first tail");
        let deck = tmp.path().join("a.apkg");
        let packed = write(&deck, &first, None, None, &media).unwrap();
        assert_eq!(packed.pieces.len(), 4);
        assert_eq!(packed.reused, 0);
        let (bytes, names) = unpack(&deck);
        assert_eq!(bytes, std::fs::read(&first).unwrap(), "the zip's own reader inflates and checks the CRC");
        assert_eq!(names.len(), 3, "the collection, the media map and one media file: {names:?}");

        let second = sample(tmp.path(), "second", "another tail");
        let previous = Previous { package: &deck, pieces: &packed.pieces, touched: None };
        let deck2 = tmp.path().join("b.apkg");
        let again = write(&deck2, &second, Some(&previous), None, &media).unwrap();
        assert_eq!(again.reused, 3, "only the last piece changed");
        assert_eq!(unpack(&deck2).0, std::fs::read(&second).unwrap());

        // Told which pages were written since (here, one in the last piece), the pieces before are
        // copied without being read.
        let touched = Touched::of(4096, vec![u32::try_from(3 * PIECE / 4096 + 1).unwrap()]);
        let told = Previous { package: &deck, pieces: &packed.pieces, touched: Some(&touched) };
        let deck5 = tmp.path().join("e.apkg");
        let fast = write(&deck5, &second, Some(&told), None, &media).unwrap();
        assert_eq!((fast.reused, fast.read), (3, 1));
        assert_eq!(unpack(&deck5).0, std::fs::read(&second).unwrap());
        assert_eq!(fast.pieces, again.pieces, "the same pieces as when every piece was read");

        // A piece is the same only by its length, CRC-32 and XXH3 together: here the first piece's
        // XXH3 differs, as if other bytes had the same CRC.
        let mut pieces = packed.pieces.clone();
        pieces[0].hash ^= 1;
        let other = Previous { package: &deck, pieces: &pieces, touched: None };
        let deck4 = tmp.path().join("d.apkg");
        assert_eq!(write(&deck4, &second, Some(&other), None, &media).unwrap().reused, 2);
        assert_eq!(unpack(&deck4).0, std::fs::read(&second).unwrap());

        // A previous package whose bytes are not what its pieces say is not trusted.
        let mut damaged = std::fs::read(&deck).unwrap();
        let at = usize::try_from(packed.pieces[1].offset).unwrap() + 10;
        damaged[at] ^= 0xff;
        std::fs::write(&deck, damaged).unwrap();
        let deck3 = tmp.path().join("c.apkg");
        let third = write(&deck3, &second, Some(&previous), None, &media).unwrap();
        assert_eq!(third.reused, 2, "the damaged piece is deflated again");
        assert_eq!(unpack(&deck3).0, std::fs::read(&second).unwrap());
    }
}
