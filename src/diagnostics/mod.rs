//! Diagnostics: the problems found in a vault, each with its place, what was expected and a hint.
//!
//! Every stage returns its diagnostics next to its data; nothing here panics or stops the build.
//! They are printed once, at the end, in the style of a compiler:
//!
//! ```text
//! error[block-unclosed]: START block has no END
//!   --> cards.md:12:1
//!    |
//! 12 | START
//!    | ^
//!   = hint: close the block with a line that holds only END
//! ```
//!
//! [`render`] also writes them as JSON lines and as GitHub workflow annotations.

mod codes;
pub mod render;

use std::fmt;

pub use codes::Code;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing, never a failure, not even under `--deny-warnings` (such as links to notes
    /// not written yet, which Obsidian users keep on purpose).
    Info,
    /// Something to look at; fails only under `--deny-warnings`.
    Warning,
    /// The vault is wrong here; `check` and `build` exit 1.
    Error,
}

/// One problem at one place in the vault.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// What kind of problem it is.
    pub code: Code,
    /// The file, relative to the vault root, with `/` separators.
    pub file: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column; 0 when unknown.
    pub col: usize,
    /// What is wrong, including what was expected.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
    /// The text of the line it points at, when it points into a note ([`attach_sources`]).
    #[serde(default)]
    pub source: Option<String>,
}

impl Diagnostic {
    /// An error at `file:line:col`.
    pub fn error(code: Code, file: &str, line: usize, col: usize, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, file, line, col, message)
    }

    /// Information at `file:line:col`: reported, never failing.
    pub fn info(code: Code, file: &str, line: usize, col: usize, message: impl Into<String>) -> Self {
        Self::new(Severity::Info, code, file, line, col, message)
    }

    /// A warning at `file:line:col`.
    pub fn warning(code: Code, file: &str, line: usize, col: usize, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, file, line, col, message)
    }

    fn new(severity: Severity, code: Code, file: &str, line: usize, col: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code,
            file: file.to_owned(),
            line,
            col,
            message: message.into(),
            hint: None,
            source: None,
        }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// `file:line:col`, leaving out what is unknown.
    pub fn location(&self) -> String {
        match (self.line, self.col) {
            (0, _) => self.file.clone(),
            (l, 0) => format!("{}:{l}", self.file),
            (l, c) => format!("{}:{l}:{c}", self.file),
        }
    }

    /// Is this a warning?
    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }

    /// Is this an error?
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Diagnostic {
    /// The terminal form without colour; see [`render::terminal`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render::terminal(self, false))
    }
}

/// Attaches to each diagnostic that points at a line of a note the text of that line, for the
/// terminal's source snippet. `text_of` gives a note's text by its vault-relative path. A line
/// with a NUL byte is binary (a note git-crypt encrypted, a file that is no text) and gets none.
pub fn attach_sources<'a>(diags: &mut [Diagnostic], text_of: impl Fn(&str) -> Option<&'a [u8]>) {
    for d in diags.iter_mut().filter(|d| d.line > 0 && d.source.is_none()) {
        let Some(bytes) = text_of(&d.file) else { continue };
        let Some(line) = bytes.split(|b| *b == b'\n').nth(d.line - 1) else { continue };
        if line.contains(&0) {
            continue;
        }
        let line = String::from_utf8_lossy(line);
        let line = line.trim_end_matches('\r');
        // A snippet is a reminder, not a copy: a very long line is cut.
        d.source = Some(match line.char_indices().nth(240) {
            Some((at, _)) => format!("{}…", &line[..at]),
            None => line.to_owned(),
        });
    }
}

/// `s` with control characters escaped (`\n` → `\\n`, ESC → `\\u{1b}`).
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return s.into();
    }
    s.chars()
        .map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() })
        .collect::<String>()
        .into()
}

/// Sorts diagnostics by file, line and column so that output is stable.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| (&a.file, a.line, a.col, &a.message).cmp(&(&b.file, b.line, b.col, &b.message)));
}

/// Maps byte offsets of a text to 1-based line and column (columns count characters).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The 1-based line and column of byte `offset` in `text`.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let col = text.get(start..offset.min(text.len())).map_or(1, |s| s.chars().count() + 1);
        (line, col)
    }
}

/// The 1-based line and column of offsets met in increasing order, counted as it goes: for a
/// reader that reports a few places in a long text, it reads the text once, up to the last place.
#[derive(Debug)]
pub struct LineCursor<'t> {
    text: &'t str,
    /// The offset counted up to, the line it is on, and where that line starts.
    at: usize,
    line: usize,
    line_start: usize,
}

impl<'t> LineCursor<'t> {
    /// A cursor at the start of `text`.
    pub fn new(text: &'t str) -> Self {
        LineCursor { text, at: 0, line: 1, line_start: 0 }
    }

    /// The 1-based line and column (in characters) of byte `offset`, as [`LineIndex::line_col`]
    /// gives it. An offset before the last one asked for starts the count again.
    pub fn line_col(&mut self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        if offset < self.at {
            *self = LineCursor::new(self.text);
        }
        let passed = self.text.as_bytes().get(self.at..offset).unwrap_or_default();
        for (i, b) in passed.iter().enumerate() {
            if *b == b'\n' {
                self.line += 1;
                self.line_start = self.at + i + 1;
            }
        }
        self.at = offset;
        let col = self.text.get(self.line_start..offset).map_or(1, |s| s.chars().count() + 1);
        (self.line, col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_counts_as_the_index_does() {
        let text = "ab\nçd\n\nx\n";
        let idx = LineIndex::new(text);
        let mut cursor = LineCursor::new(text);
        for offset in [0, 1, 3, 5, 5, 8, 9, 10, 2, 7, 99] {
            assert_eq!(cursor.line_col(offset), idx.line_col(text, offset), "offset {offset}");
        }
    }

    #[test]
    fn line_col_counts_from_one_and_in_chars() {
        let text = "ab\nçd\n\nx";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.line_col(text, 3), (2, 1));
        assert_eq!(idx.line_col(text, 5), (2, 2)); // 'd' after a two-byte 'ç'
        assert_eq!(idx.line_col(text, 8), (4, 1));
    }

    #[test]
    fn control_characters_are_never_printed_raw() {
        let d = Diagnostic::warning(Code::LinkUnresolved, "evil\n  --> fake.md:1\u{1b}[2J.md", 3, 1, "link `a\rb`");
        let shown = d.to_string();
        assert_eq!(shown.lines().count(), 2, "{shown}");
        assert!(!shown.contains('\u{1b}') && !shown.contains('\r'), "{shown}");
    }

    /// A snippet shows the line as text, a bad byte as `�`; a binary line (git-crypt's
    /// ciphertext starts `\0GITCRYPT\0`) shows none.
    #[test]
    fn a_binary_line_gets_no_snippet() {
        let notes: [(&str, &[u8]); 2] =
            [("text.md", b"ok\ncaf\xe9 au lait\n"), ("secret.md", b"\0GITCRYPT\0\x91\x10J\n")];
        let mut diags = [
            Diagnostic::error(Code::InvalidUtf8, "text.md", 2, 4, "invalid UTF-8"),
            Diagnostic::error(Code::InvalidUtf8, "secret.md", 1, 1, "encrypted"),
        ];
        attach_sources(&mut diags, |file| notes.iter().find(|(f, _)| *f == file).map(|(_, b)| *b));
        assert_eq!(diags[0].source.as_deref(), Some("caf\u{fffd} au lait"));
        assert_eq!(diags[1].source, None);
    }

    #[test]
    fn display_has_location_and_hint() {
        let d = Diagnostic::error(Code::ClaimFailed, "a.md", 3, 0, "bad").with_hint("fix it");
        assert_eq!(d.to_string(), "error[claim-failed]: bad\n  --> a.md:3\n  = hint: fix it");
    }
}
