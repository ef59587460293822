//! The identity file's JSON, written directly: the bytes `serde_json`'s pretty printer gives for a
//! [`Lock`], at a fraction of its cost. A build that changes a single card rewrites the whole file,
//! about 200 bytes a card; token by token through `serde` that took most of the time the file
//! took to write.

use std::io::{self, Write};

use super::{Entry, Gone, Lock, ShortHash};

/// How many bytes gather before they go to `out`.
const CHUNK: usize = 1 << 16;

/// Writes `lock` to `out`, then a line break.
pub(super) fn write(lock: &Lock, out: &mut dyn Write) -> io::Result<()> {
    let mut buf = Vec::with_capacity(CHUNK + 4096);
    buf.extend_from_slice(b"{\n  \"version\": ");
    integer(&mut buf, i64::from(lock.version));
    buf.extend_from_slice(b",\n  \"notes\": {");
    for (i, (path, entries)) in lock.notes.iter().enumerate() {
        buf.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
        string(&mut buf, path)?;
        buf.extend_from_slice(b": [");
        for (j, entry) in entries.iter().enumerate() {
            buf.extend_from_slice(if j == 0 { b"\n" } else { b",\n" });
            card(&mut buf, entry);
        }
        if !entries.is_empty() {
            buf.extend_from_slice(b"\n    ");
        }
        buf.push(b']');
        if buf.len() >= CHUNK {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    if !lock.notes.is_empty() {
        buf.extend_from_slice(b"\n  ");
    }
    buf.push(b'}');
    // An empty list of gone cards is left out, as `Lock`'s `serde` attributes say.
    if !lock.gone.is_empty() {
        buf.extend_from_slice(b",\n  \"gone\": [");
        for (i, g) in lock.gone.iter().enumerate() {
            buf.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
            gone(&mut buf, g)?;
        }
        buf.extend_from_slice(b"\n  ]");
    }
    buf.extend_from_slice(b"\n}\n");
    out.write_all(&buf)?;
    out.flush()
}

/// One remembered card, at the depth of a note's list.
fn card(buf: &mut Vec<u8>, e: &Entry) {
    let Entry { guid, front, back, content, modified, anchored, kind } = e;
    buf.extend_from_slice(b"      {\n");
    hash(buf, b"guid", *guid);
    hash(buf, b"front", *front);
    hash(buf, b"back", *back);
    hash(buf, b"content", *content);
    buf.extend_from_slice(b"        \"modified\": ");
    integer(buf, *modified);
    // Left out when `false`, as `Entry`'s `Serialize` does for a human-readable format.
    if *anchored {
        buf.extend_from_slice(b",\n        \"anchored\": true");
    }
    if let Some(kind) = kind {
        buf.extend_from_slice(b",\n        \"type\": \"");
        buf.extend_from_slice(&kind.hex_digits());
        buf.push(b'"');
    }
    buf.extend_from_slice(b"\n      }");
}

/// A card's hash as a member: `"name": "16 hex digits",` and a line break.
fn hash(buf: &mut Vec<u8>, name: &[u8], h: ShortHash) {
    buf.extend_from_slice(b"        \"");
    buf.extend_from_slice(name);
    buf.extend_from_slice(b"\": \"");
    buf.extend_from_slice(&h.hex_digits());
    buf.extend_from_slice(b"\",\n");
}

/// A gone card, at the depth of the list of them.
fn gone(buf: &mut Vec<u8>, g: &Gone) -> io::Result<()> {
    let Gone { guid, note, since } = g;
    buf.extend_from_slice(b"    {\n      \"guid\": ");
    string(buf, guid)?;
    buf.extend_from_slice(b",\n      \"note\": ");
    string(buf, note)?;
    buf.extend_from_slice(b",\n      \"since\": ");
    integer(buf, *since);
    buf.extend_from_slice(b"\n    }");
    Ok(())
}

/// A JSON string, escaped as `serde_json` escapes it.
fn string(buf: &mut Vec<u8>, s: &str) -> io::Result<()> {
    serde_json::to_writer(buf, s).map_err(io::Error::other)
}

/// An integer in decimal.
fn integer(buf: &mut Vec<u8>, n: i64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        buf.push(b'-');
    }
    buf.extend_from_slice(&digits[at..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: u64, modified: i64) -> Entry {
        Entry {
            guid: ShortHash(n),
            front: ShortHash(n.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
            back: ShortHash(u64::MAX - n),
            content: ShortHash(0),
            modified,
            anchored: n.is_multiple_of(2),
            kind: (!n.is_multiple_of(3)).then_some(ShortHash(n ^ 0x5555)),
        }
    }

    /// What `serde_json`'s pretty printer gives, and a line break.
    fn serde(lock: &Lock) -> String {
        serde_json::to_string_pretty(lock).unwrap() + "\n"
    }

    fn written(lock: &Lock) -> String {
        let mut out = Vec::new();
        write(lock, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_bytes_are_those_serde_json_writes() {
        let mut lock = Lock { version: 1, ..Lock::default() };
        assert_eq!(written(&lock), serde(&lock), "no notes");
        lock.notes.insert("empty.md".into(), Vec::new());
        assert_eq!(written(&lock), serde(&lock), "a note without cards");
        // Paths that need escaping, and text outside ASCII; times of every length and sign.
        let odd = ["a \"quoted\" note.md", "back\\slash.md", "tab\there.md", "bell\u{7}.md", "Ünïcode/ノート.md"];
        for (i, path) in odd.iter().enumerate() {
            let times = [0, 7, -1, 1_796_578_199, i64::MAX, i64::MIN];
            lock.notes.insert(
                (*path).into(),
                times.iter().enumerate().map(|(j, t)| entry((i * 10 + j) as u64, *t)).collect(),
            );
        }
        assert_eq!(written(&lock), serde(&lock), "notes with cards");
        lock.gone = vec![
            Gone { guid: "0123456789abcdef".into(), note: "gone \"note\".md".into(), since: 1_700_000_000 },
            Gone { guid: "fedcba9876543210".into(), note: "x.md".into(), since: -5 },
        ];
        lock.version = 42;
        assert_eq!(written(&lock), serde(&lock), "gone cards");
        let back: Lock = serde_json::from_str(&written(&lock)).unwrap();
        assert_eq!(back, lock, "read back, `anchored` and all");
        lock.notes.clear();
        assert_eq!(written(&lock), serde(&lock), "gone cards, no notes");
        let back: Lock = serde_json::from_str(&written(&lock)).unwrap();
        assert_eq!(back, lock);
    }

    #[test]
    fn a_large_lock_is_written_in_chunks_with_the_same_bytes() {
        let mut lock = Lock { version: 1, ..Lock::default() };
        for n in 0..2_000u64 {
            lock.notes.insert(format!("folder/note-{n:05}.md"), (0..3).map(|k| entry(n * 3 + k, n as i64)).collect());
        }
        /// Counts the writes it is given.
        struct Counting(Vec<u8>, usize);
        impl Write for Counting {
            fn write(&mut self, b: &[u8]) -> io::Result<usize> {
                self.1 += 1;
                self.0.extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut out = Counting(Vec::new(), 0);
        write(&lock, &mut out).unwrap();
        assert_eq!(String::from_utf8(out.0.clone()).unwrap(), serde(&lock));
        assert!(out.0.len() > 4 * CHUNK, "a test of chunks needs more than a few: {} bytes", out.0.len());
        assert!(out.1 <= out.0.len() / CHUNK + 1, "{} writes for {} bytes", out.1, out.0.len());
    }
}
