//! The short stable hashes cards are known by: a GUID, and what identity matches a card by (its
//! front, back and content). Each is the first 64 bits of a SHA-256, held as a number and written
//! as 16 hex digits, as the identity file has them.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

/// A [`ShortHash`] made part by part, without gathering the parts first: the same as
/// [`ShortHash::of`] of the parts.
#[derive(Clone, Default)]
pub struct Parts(Sha256);

impl Parts {
    /// Adds a part.
    pub fn part(&mut self, part: &str) -> &mut Parts {
        self.0.update(part.as_bytes());
        self.0.update([0x1f]);
        self
    }

    /// Adds `text` with every run of white space made one space, and none at the ends, as a part:
    /// the same as `part(&words(text))`.
    pub fn words(&mut self, text: &str) -> &mut Parts {
        self.part(&words(text))
    }

    /// The hash.
    pub fn finish(&self) -> ShortHash {
        let digest = self.0.clone().finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        ShortHash(u64::from_be_bytes(first))
    }
}

/// `text` with every run of white space made one space, and none at the ends. Most text has
/// nothing to change, and is given back as it is.
pub(crate) fn words(text: &str) -> Cow<'_, str> {
    let text = text.trim();
    // ASCII with no white space but single spaces: as it is (`\t` to `\r` are white space).
    let plain = text.bytes().all(|b| b.is_ascii() && !(b'\t'..=b'\r').contains(&b)) && !text.contains("  ");
    if plain {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    Cow::Owned(out)
}

/// A short stable hash: 16 hex digits in the identity file, a number in memory and in the build
/// cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct ShortHash(pub u64);

impl ShortHash {
    /// The hash of `parts`, each followed by a unit separator.
    pub fn of(parts: &[&str]) -> ShortHash {
        let mut h = Parts::default();
        for p in parts {
            h.part(p);
        }
        h.finish()
    }

    /// Its 16 hex digits.
    pub fn hex(self) -> String {
        self.hex_digits().iter().map(|&b| char::from(b)).collect()
    }

    /// The 16 hex digits, without a `String`: every card's GUID and hashes are written on every
    /// build.
    pub fn hex_digits(self) -> [u8; 16] {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut hex = [0u8; 16];
        for (i, digit) in hex.iter_mut().enumerate() {
            *digit = DIGITS[(self.0 >> (60 - 4 * i)) as usize & 0xf];
        }
        hex
    }

    /// The hash written as `hex`, if it is 16 hex digits.
    pub fn parse(hex: &str) -> Option<ShortHash> {
        if hex.len() != 16 {
            return None;
        }
        let mut n = 0u64;
        for b in hex.bytes() {
            let digit = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => return None,
            };
            n = n << 4 | u64::from(digit);
        }
        Some(ShortHash(n))
    }
}

/// A hasher for keys that are already hashes (a [`ShortHash`], an id made from one): it spreads
/// the key's bits by one multiplication instead of hashing it again.
#[derive(Debug, Default, Clone, Copy)]
pub struct Spread(u64);

impl std::hash::Hasher for Spread {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(self.0.rotate_left(8) ^ u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        // Fibonacci hashing: the high bits, which hash tables use too, depend on every bit of `n`.
        self.0 = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
}

/// Hash maps and sets keyed by hashes and ids use `Spread`.
pub type BuildSpread = std::hash::BuildHasherDefault<Spread>;

impl std::hash::Hash for ShortHash {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.0);
    }
}

impl std::fmt::Display for ShortHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl Serialize for ShortHash {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            let digits = self.hex_digits();
            s.serialize_str(std::str::from_utf8(&digits).map_err(serde::ser::Error::custom)?)
        } else {
            s.serialize_u64(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for ShortHash {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() { d.deserialize_str(HexVisitor) } else { u64::deserialize(d).map(ShortHash) }
    }
}

/// Reads 16 hex digits without copying them.
struct HexVisitor;

impl serde::de::Visitor<'_> for HexVisitor {
    type Value = ShortHash;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("16 hex digits")
    }

    fn visit_str<E: serde::de::Error>(self, hex: &str) -> Result<ShortHash, E> {
        ShortHash::parse(hex).ok_or_else(|| E::custom(format!("`{hex}` is not 16 hex digits")))
    }
}

#[cfg(test)]
mod tests {
    /// Parts added one by one, and words with their white space made single spaces, hash as the
    /// whole parts do.
    #[test]
    fn parts_hash_as_the_whole_parts() {
        for text in ["", "a", "  two\t words \n", "x\u{a0}y\u{2003} z", "line\r\nbreak  ", "v\u{b}t", "one two", "é  e"]
        {
            let single: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(Parts::default().words(text).finish(), ShortHash::of(&[&single]), "{text:?}");
            assert_eq!(
                Parts::default().part("card").part("n.md").words(text).finish(),
                ShortHash::of(&["card", "n.md", &single])
            );
        }
    }

    use super::*;

    proptest::proptest! {
        /// White space made single is what splitting at every white space and joining with one
        /// space gives, for ASCII and Unicode white space alike.
        #[test]
        fn words_are_the_text_split_at_white_space(text in "[a\u{e9} \t\n\r\u{b}\u{c}\u{a0}\u{2003}]{0,24}") {
            let expected: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(words(&text), expected);
        }
    }

    #[test]
    fn a_hash_is_written_and_read_as_16_hex_digits() {
        let h = ShortHash::of(&["card", "a.md", "front"]);
        assert_eq!(h.hex().len(), 16);
        assert_eq!(ShortHash::parse(&h.hex()), Some(h));
        for n in [0, 1, 0xf, 0x0123_4567_89ab_cdef, u64::MAX, h.0] {
            assert_eq!(ShortHash(n).hex(), format!("{n:016x}"), "zero-padded lower-case hex");
        }
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(json, format!("\"{}\"", h.hex()));
        assert_eq!(serde_json::from_str::<ShortHash>(&json).unwrap(), h);
        assert_eq!(postcard::from_bytes::<ShortHash>(&postcard::to_stdvec(&h).unwrap()).unwrap(), h);
        for bad in ["", "123", "0123456789abcdeg", "0123456789abcdef0", "+123456789abcdef"] {
            assert_eq!(ShortHash::parse(bad), None, "{bad}");
            assert!(serde_json::from_str::<ShortHash>(&format!("\"{bad}\"")).is_err(), "{bad}");
        }
    }

    #[test]
    fn spread_ids_differ_in_their_high_bits() {
        use std::hash::{BuildHasher, Hasher};
        // Ids near each other (a note's cards, ids stepped past a taken one) must not share the
        // high bits hash tables group entries by.
        let high: std::collections::HashSet<u64> =
            (1_000_000_000_000i64..1_000_000_001_000).map(|id| BuildSpread::default().hash_one(id) >> 57).collect();
        assert!(high.len() > 100, "{} of 128 values", high.len());
        let mut h = Spread::default();
        h.write(b"ab");
        let mut g = Spread::default();
        g.write(b"ba");
        assert_ne!(h.finish(), g.finish(), "bytes are hashed in order");
    }

    #[test]
    fn the_first_eight_bytes_of_the_sha256_of_the_parts() {
        // `printf 'a\x1f' | sha256sum` begins 69fc94c033d1f48c.
        assert_eq!(ShortHash::of(&["a"]).hex(), "69fc94c033d1f48c");
    }
}
