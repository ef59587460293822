//! A file written through a buffer that holds seeks too.
//!
//! The zip writer goes back to each entry's local header to fill in its CRC and sizes once the
//! data is written. With a plain `BufWriter` every such seek flushes, so packing a thousand small
//! media files took five system calls each. Here the last megabyte written stays in memory, and a
//! seek into it only moves the cursor: a small entry's header is filled in before its bytes leave
//! the buffer.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};

/// How many bytes are held before they are written out.
const CAPACITY: usize = 1 << 20;

/// A file read, written and seeked through a buffer of the bytes last written.
pub(super) struct SeekBuffer<'f> {
    file: &'f mut File,
    /// Bytes written and not yet in the file: they belong at `start` in the file.
    held: Vec<u8>,
    /// Where `held` belongs in the file; the file's own cursor is at `start` too.
    start: u64,
    /// The cursor, within `held` (at most its length).
    at: usize,
}

impl<'f> SeekBuffer<'f> {
    /// Buffers `file`, from its current position.
    pub(super) fn new(file: &'f mut File) -> std::io::Result<Self> {
        let start = file.stream_position()?;
        Ok(SeekBuffer { file, held: Vec::with_capacity(CAPACITY), start, at: 0 })
    }

    /// Writes the held bytes to the file, and leaves the file's cursor at the buffer's.
    fn write_out(&mut self) -> std::io::Result<()> {
        if !self.held.is_empty() {
            self.file.write_all(&self.held)?;
            let cursor = self.start + self.at as u64;
            if self.at != self.held.len() {
                self.file.seek(SeekFrom::Start(cursor))?;
            }
            self.held.clear();
            self.start = cursor;
            self.at = 0;
        }
        Ok(())
    }
}

impl Write for SeekBuffer<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.at == self.held.len() && self.held.len() + bytes.len() > CAPACITY {
            self.write_out()?;
            if bytes.len() >= CAPACITY {
                let n = self.file.write(bytes)?;
                self.start += n as u64;
                return Ok(n);
            }
        }
        // Over the held bytes from the cursor, then past their end.
        let over = bytes.len().min(self.held.len() - self.at);
        self.held[self.at..self.at + over].copy_from_slice(&bytes[..over]);
        self.held.extend_from_slice(&bytes[over..]);
        self.at += bytes.len();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.write_out()?;
        self.file.flush()
    }
}

impl Seek for SeekBuffer<'_> {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::Current(d) => (self.start + self.at as u64).checked_add_signed(d),
            SeekFrom::End(_) => None,
        };
        let end = self.start + self.held.len() as u64;
        match target {
            Some(t) if (self.start..=end).contains(&t) => {
                self.at = usize::try_from(t - self.start).map_err(std::io::Error::other)?;
                Ok(t)
            }
            _ => {
                self.write_out()?;
                self.start = self.file.seek(to)?;
                Ok(self.start)
            }
        }
    }
}

impl Read for SeekBuffer<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.write_out()?;
        let n = self.file.read(buf)?;
        self.start += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A step of a test: write these bytes, or seek there.
    #[derive(Debug, Clone)]
    enum Step {
        Write(Vec<u8>),
        Seek(u64),
        SeekBack(i64),
        SeekEnd,
        Read(usize),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..200).prop_map(Step::Write),
            // Now and then a write larger than the buffer.
            (0..3usize).prop_map(|n| Step::Write(vec![7; n * CAPACITY / 2 + 1])),
            (0..4000u64).prop_map(Step::Seek),
            (0..300i64).prop_map(Step::SeekBack),
            Just(Step::SeekEnd),
            (0..100usize).prop_map(Step::Read),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Whatever is written, read and seeked, the file ends as the same steps leave a file
        /// written without the buffer.
        #[test]
        fn it_ends_as_unbuffered_writes_would(prefix in proptest::collection::vec(any::<u8>(), 0..100),
                                               steps in proptest::collection::vec(step(), 0..60)) {
            let tmp = tempfile::tempdir().unwrap();
            let open = |name: &str| {
                let path = tmp.path().join(name);
                std::fs::write(&path, &prefix).unwrap();
                let mut file = std::fs::OpenOptions::new().read(true).write(true).open(&path).unwrap();
                file.seek(SeekFrom::End(0)).unwrap();
                (path, file)
            };
            // The model: the same steps on a file of its own, unbuffered.
            let ((path, mut file), (model_path, mut model)) = (open("f"), open("model"));
            {
                let mut buffered = SeekBuffer::new(&mut file).unwrap();
                for s in &steps {
                    match s {
                        Step::Write(b) => {
                            buffered.write_all(b).unwrap();
                            model.write_all(b).unwrap();
                        }
                        Step::Seek(n) => {
                            prop_assert_eq!(buffered.seek(SeekFrom::Start(*n)).unwrap(), model.seek(SeekFrom::Start(*n)).unwrap());
                        }
                        Step::SeekBack(d) => {
                            let back = (*d).min(i64::try_from(model.stream_position().unwrap()).unwrap());
                            prop_assert_eq!(buffered.seek(SeekFrom::Current(-back)).unwrap(), model.seek(SeekFrom::Current(-back)).unwrap());
                        }
                        Step::SeekEnd => {
                            prop_assert_eq!(buffered.seek(SeekFrom::End(0)).unwrap(), model.seek(SeekFrom::End(0)).unwrap());
                        }
                        Step::Read(n) => {
                            let (mut a, mut b) = (vec![0; *n], vec![0; *n]);
                            let (ra, rb) = (buffered.read(&mut a).unwrap(), model.read(&mut b).unwrap());
                            prop_assert_eq!(&a[..ra], &b[..rb]);
                        }
                    }
                    prop_assert_eq!(buffered.stream_position().unwrap(), model.stream_position().unwrap());
                }
                buffered.flush().unwrap();
            }
            drop((file, model));
            prop_assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(&model_path).unwrap());
        }
    }
}
