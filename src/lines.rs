//! A text's lines, as `str::lines` splits them, found with a vectorized search: every note is
//! split into lines several times a build (its survey, its outline, its parse), and its lines are
//! short, so the search's cost per line is what counts.

/// The lines of `text`, exactly as [`str::lines`] gives them: split at `\n`, a line's `\r` before
/// it dropped, and no empty line after a final `\n`.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let mut ends = memchr::memchr_iter(b'\n', text.as_bytes());
    std::iter::from_fn(move || match ends.next() {
        Some(end) => {
            let line = text.get(start..end).unwrap_or_default();
            start = end + 1;
            Some(line.strip_suffix('\r').unwrap_or(line))
        }
        None if start < text.len() => {
            let line = text.get(start..).unwrap_or_default();
            start = text.len();
            Some(line)
        }
        None => None,
    })
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        /// The same lines as `str::lines`, whatever the mix of `\n`, `\r` and text.
        #[test]
        fn the_lines_str_lines_gives(text in "[a\\r\\né]{0,30}") {
            let expected: Vec<&str> = text.lines().collect();
            proptest::prop_assert_eq!(super::lines(&text).collect::<Vec<_>>(), expected);
        }
    }
}
