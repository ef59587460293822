//! `cards.txt`: the deck in Anki's text-import format (Anki 2.1.54+), GUIDs included.
//!
//! Columns: GUID, note type, deck, the note type's fields, tags. Fields holding a tab, a newline
//! or a quote are quoted CSV-style. Media is not bundled in this format.
//!
//! A build into a folder keeps an index beside the file ([`INDEX`]): where each note's lines lie
//! and a hash of what they were made from. The next build has the system copy the lines of every
//! note whose hash is unchanged from the previous file (`copy_file_range` on Linux), and writes
//! only the others. The index is used only while the file has the size and modification time it
//! records.

use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{BufWriter, Read as _, Seek as _, SeekFrom, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::cards::Card;
use crate::cards::notetypes::Model;
use crate::vault;

/// The file's name in OUT.
pub const FILE: &str = "cards.txt";

/// The index of the lines, in OUT.
pub const INDEX: &str = ".studygen-cards.index";

/// The first bytes of the index: its format, with a version.
const MAGIC: &[u8; 16] = b"studygen-text\x00\x00\x01";

/// The largest index read (about 60 bytes a note).
const MAX_INDEX: u64 = 1 << 30;

/// One note's lines in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Segment {
    /// The note (vault-relative path).
    note: String,
    /// A hash of everything its lines are made from ([`signature`]).
    signature: u64,
    /// How many bytes its lines take.
    len: u64,
}

/// Where each note's lines lie in a `cards.txt`: after the header, one segment after another.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    /// The file's size and modification time (ns since the epoch) when it was written.
    stamp: (u64, u128),
    /// How many bytes the header lines take.
    header: u64,
    segments: Vec<Segment>,
}

/// The previous build's file and its index, whose lines a new file may copy.
pub struct Previous {
    file: File,
    /// Each note's segment, with its offset in the file, in the file's order.
    segments: Vec<(u64, Segment)>,
    /// Where each note's segment is in `segments`, by its note: made only when a note is not
    /// where the previous note's successor is (a note was added, removed or renamed).
    by_note: std::cell::OnceCell<foldhash::HashMap<String, usize>>,
}

impl Previous {
    /// The file and index kept in `dir`, if both read and the file is as the index says.
    pub fn load(dir: &Path) -> Option<Previous> {
        let bytes = vault::read_own_file(&dir.join(INDEX), MAX_INDEX).ok()??;
        let index: Index = postcard::from_bytes(bytes.strip_prefix(MAGIC)?).ok()?;
        let file = File::open(dir.join(FILE)).ok()?;
        (stamp(&file) == Some(index.stamp)).then_some(())?;
        let mut offset = index.header;
        let mut segments = Vec::with_capacity(index.segments.len());
        for s in index.segments {
            let end = offset.checked_add(s.len)?;
            segments.push((offset, s));
            offset = end;
        }
        (offset == index.stamp.0).then_some(Previous { file, segments, by_note: std::cell::OnceCell::new() })
    }

    /// The segment of `note`, if the previous file has one. Notes come in the same order as
    /// before, mostly: `next` is where the one after the last note found is, and is moved past
    /// this one.
    fn find(&self, note: &str, next: &mut usize) -> Option<&(u64, Segment)> {
        let at = match self.segments.get(*next) {
            Some((_, s)) if s.note == note => *next,
            _ => *self
                .by_note
                .get_or_init(|| self.segments.iter().enumerate().map(|(i, (_, s))| (s.note.clone(), i)).collect())
                .get(note)?,
        };
        *next = at + 1;
        self.segments.get(at)
    }
}

/// A file's size and modification time.
fn stamp(file: &File) -> Option<(u64, u128)> {
    let meta = file.metadata().ok()?;
    let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
    Some((meta.len(), modified))
}

impl Index {
    /// Writes the index into `dir`, for the file at `dir/cards.txt` as it now is.
    pub fn save(mut self, dir: &Path) -> anyhow::Result<()> {
        let file = File::open(dir.join(FILE))?;
        self.stamp = stamp(&file).ok_or_else(|| anyhow::anyhow!("cannot read the time of `{FILE}`"))?;
        let mut out = BufWriter::with_capacity(1 << 16, File::create(dir.join(INDEX))?);
        out.write_all(MAGIC)?;
        let mut out = postcard::to_io(&self, out)?;
        out.flush()?;
        Ok(())
    }
}

/// Writes the whole file to `out`, a line per card, copying the lines of notes whose cards are as
/// in `previous`. Returns the index of what it wrote.
pub fn write(
    out: &mut BufWriter<File>,
    cards: &[Card],
    models: &[Model],
    previous: Option<&Previous>,
) -> std::io::Result<Index> {
    let mut out = Counting { inner: out, len: 0 };
    let n_fields = models.iter().map(|t| t.fields.len()).max().unwrap_or(0);
    out.write_all(b"#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n")?;
    writeln!(out, "#tags column:{}", 4 + n_fields)?;
    let mut index = Index { header: out.len, ..Index::default() };
    // The run of copied notes not yet copied: where it starts in the previous file, and its length.
    let mut run: Option<(u64, u64)> = None;
    let mut next = 0;
    for note in cards.chunk_by(|a, b| a.note == b.note) {
        let signature = signature(note, n_fields)?;
        let name = note.first().map(|c| &*c.note).unwrap_or_default();
        let old = previous.and_then(|p| p.find(name, &mut next)).filter(|(_, s)| s.signature == signature);
        if let Some((offset, segment)) = old {
            run = match run {
                Some((start, len)) if start + len == *offset => Some((start, len + segment.len)),
                _ => {
                    copy(&mut out, previous, run)?;
                    Some((*offset, segment.len))
                }
            };
            index.segments.push(segment.clone());
            continue;
        }
        copy(&mut out, previous, run.take())?;
        let start = out.len;
        write_lines(&mut out, note, n_fields)?;
        index.segments.push(Segment { note: name.to_owned(), signature, len: out.len - start });
    }
    copy(&mut out, previous, run)?;
    out.flush()?;
    Ok(index)
}

/// Copies the bytes `run` (start, length) of the previous file to `out`.
fn copy(out: &mut Counting<'_>, previous: Option<&Previous>, run: Option<(u64, u64)>) -> std::io::Result<()> {
    let (Some(p), Some((start, len))) = (previous, run) else { return Ok(()) };
    (&p.file).seek(SeekFrom::Start(start))?;
    // File to file: std has the system copy the bytes, without reading them into this process.
    let copied = std::io::copy(&mut (&p.file).take(len), out.inner)?;
    if copied != len {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "the previous cards.txt is shorter than its index says",
        ));
    }
    out.len += copied;
    Ok(())
}

/// A hash of everything a note's lines are made from: the number of field columns, and each
/// card's GUID, deck, note type, and content and row hashes (its type, fields and tags; see
/// [`crate::cards::identity::Keys`]), or its fields and tags themselves when it has no keys.
fn signature(cards: &[Card], n_fields: usize) -> std::io::Result<u64> {
    // A hash with a fixed seed, the same in every run of one build of studygen: the index is read
    // only by the next build, and a different hash there would only mean lines written anew.
    let mut h = std::hash::BuildHasher::build_hasher(&foldhash::fast::FixedState::default());
    n_fields.hash(&mut h);
    for card in cards {
        card.guid.hash(&mut h);
        card.deck.hash(&mut h);
        card.type_name().hash(&mut h);
        card.keys.content.0.hash(&mut h);
        card.keys.row.0.hash(&mut h);
        if card.keys.content == Default::default() {
            card.fields().map_err(std::io::Error::other)?.hash(&mut h);
            card.tags.hash(&mut h);
        }
    }
    Ok(h.finish())
}

/// One column, quoted CSV-style when it holds a tab, a line break or a quote.
fn write_field(out: &mut impl Write, field: &str) -> std::io::Result<()> {
    // (Two vectorized searches: fields are most of the file's bytes.)
    let bytes = field.as_bytes();
    if memchr::memchr3(b'\t', b'\n', b'"', bytes).is_none() && memchr::memchr(b'\r', bytes).is_none() {
        return out.write_all(bytes);
    }
    out.write_all(b"\"")?;
    let mut start = 0;
    for quote in memchr::memchr_iter(b'"', bytes) {
        out.write_all(bytes.get(start..quote).unwrap_or_default())?;
        out.write_all(b"\"\"")?;
        start = quote + 1;
    }
    out.write_all(bytes.get(start..).unwrap_or_default())?;
    out.write_all(b"\"")
}

/// Writes a note's cards, a line each.
fn write_lines(out: &mut impl Write, cards: &[Card], n_fields: usize) -> std::io::Result<()> {
    let mut tags = String::new();
    for card in cards {
        write_field(out, &card.guid)?;
        out.write_all(b"\t")?;
        write_field(out, card.type_name())?;
        out.write_all(b"\t")?;
        write_field(out, &card.deck)?;
        let fields = card.fields().map_err(std::io::Error::other)?;
        for i in 0..n_fields {
            out.write_all(b"\t")?;
            write_field(out, fields.get(i).map_or("", |f| &**f))?;
        }
        out.write_all(b"\t")?;
        tags.clear();
        for (i, t) in card.tags.iter().enumerate() {
            if i > 0 {
                tags.push(' ');
            }
            tags.push_str(t);
        }
        write_field(out, &tags)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The file being written, and how many bytes it has.
struct Counting<'o> {
    inner: &'o mut BufWriter<File>,
    len: u64,
}

impl Write for Counting<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn card(note: &str, front: &str, guid: &str) -> Card {
        let back = "back\twith a tab";
        Card { tags: vec!["t".to_owned()].into(), guid: guid.into(), ..crate::cards::sample(note, front, back) }
            .with_keys(front, back)
    }

    /// Writes `cards` into `dir` as a build does (a new file, then renamed over the old one),
    /// with the previous file there if any; returns the file's text and the index.
    fn build(dir: &Path, cards: &[Card]) -> (String, Index) {
        let (mut all, _) = crate::cards::notetypes::models(&mut cards.to_vec(), &BTreeMap::new());
        all.sort_by(|a, b| a.name.cmp(&b.name));
        let previous = Previous::load(dir);
        let new = dir.join("new.txt");
        let mut out = BufWriter::new(File::create(&new).unwrap());
        let index = write(&mut out, cards, &all, previous.as_ref()).unwrap();
        drop((out, previous));
        std::fs::rename(&new, dir.join(FILE)).unwrap();
        index.clone().save(dir).unwrap();
        (std::fs::read_to_string(dir.join(FILE)).unwrap(), index)
    }

    /// Each note's lines are copied or written anew, and either way the file is the one a first
    /// build writes.
    #[test]
    fn copied_lines_make_the_same_file_as_written_ones() {
        let dir = tempfile::tempdir().unwrap();
        let notes = |edited: &str| {
            let mut cards = Vec::new();
            for n in 0..40 {
                let note = format!("n{n}.md");
                let front = if n == 17 { edited.to_owned() } else { format!("front {n}") };
                cards.push(card(&note, &front, &format!("g{n}a")));
                cards.push(card(&note, &format!("second \"{n}\""), &format!("g{n}b")));
            }
            cards
        };
        let fresh = |cards: &[Card]| build(tempfile::tempdir().unwrap().path(), cards);
        let (first, _) = build(dir.path(), &notes("front 17"));
        assert_eq!(first, fresh(&notes("front 17")).0);
        assert!(first.contains("\"back\twith a tab\""), "{first}");

        // One note edited, one note's GUID changed, one note gone, two notes swapped.
        let mut cards = notes("edited\nfront");
        cards.iter_mut().filter(|c| &*c.note == "n30.md").for_each(|c| c.guid.push('x'));
        cards.retain(|c| &*c.note != "n5.md");
        cards.swap(20, 22);
        cards.swap(21, 23);
        let (second, index) = build(dir.path(), &cards);
        assert_eq!(second, fresh(&cards).0);
        assert_eq!(index.segments.len(), 39);
        assert!(second.contains("\"edited\nfront\"") && second.contains("g30ax") && !second.contains("g5a"));
        // Unchanged, it is copied whole.
        let (third, _) = build(dir.path(), &cards);
        assert_eq!(third, second);

        // The unchanged notes' lines do come from the previous file: marked there (in place, its
        // size and time kept), the mark is copied, while the edited note's lines are written anew.
        let path = dir.path().join(FILE);
        let time = std::fs::metadata(&path).unwrap().modified().unwrap();
        // A note after the gone one and the swapped pair, too: found where it is, then copied.
        let marked = third.replacen("front 3\t", "FRONT 3\t", 1).replacen("front 35\t", "FRONT 35\t", 1);
        let marked = marked.replacen("edited", "EDITED", 1);
        std::fs::write(&path, &marked).unwrap();
        std::fs::File::options().write(true).open(&path).unwrap().set_modified(time).unwrap();
        cards.iter_mut().filter(|c| &*c.note == "n17.md").for_each(|c| c.guid.push('y'));
        let (fourth, _) = build(dir.path(), &cards);
        assert!(
            fourth.contains("FRONT 3\t") && fourth.contains("FRONT 35\t") && !fourth.contains("EDITED"),
            "{fourth}"
        );
    }

    /// A missing or foreign index, or a file that is not the one it describes, is not used.
    #[test]
    fn an_index_that_does_not_describe_the_file_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Previous::load(dir.path()).is_none());
        build(dir.path(), &[card("a.md", "front", "g1")]);
        assert!(Previous::load(dir.path()).is_some());
        std::fs::write(dir.path().join(FILE), "other text").unwrap();
        assert!(Previous::load(dir.path()).is_none());
        build(dir.path(), &[card("a.md", "front", "g1")]);
        std::fs::write(dir.path().join(INDEX), b"studygen-text\x00\x00\x01garbage").unwrap();
        assert!(Previous::load(dir.path()).is_none());
    }

    #[test]
    fn quotes_fields_with_newlines_and_quotes() {
        let quote = |f: &str| {
            let mut out = Vec::new();
            super::write_field(&mut out, f).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_eq!(quote("a\tb"), "\"a\tb\"");
        assert_eq!(quote("say \"x\"\n"), "\"say \"\"x\"\"\n\"");
        assert_eq!(quote("plain"), "plain");
        assert_eq!(quote("cr\r"), "\"cr\r\"");
        assert_eq!(quote("\"\""), "\"\"\"\"\"\"");
        assert_eq!(quote("q\"end"), "\"q\"\"end\"");
        assert_eq!(quote(""), "");
    }
}
