//! Outputs: the Anki package, the text export and the figures, staged and committed as one set,
//! and where the identity state is kept.

pub mod apkg;
pub mod atomic;
pub mod lock;
pub mod record;
pub mod report;
pub mod staging;
pub mod state;
pub mod text;

/// A media file to pack: the name cards use, and where its bytes are.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Media {
    /// The file name cards refer to, unique in the package.
    pub name: String,
    /// The file to read.
    pub path: std::path::PathBuf,
}

/// A file name that is safe on every file system: `A::B/C` → `A__B_C`.
pub fn safe_file_name(name: &str) -> String {
    let s: String = name.chars().map(|c| if c.is_alphanumeric() || "-_. ".contains(c) { c } else { '_' }).collect();
    let s = s.trim().trim_matches('.').to_owned();
    if s.is_empty() { "deck".to_owned() } else { s }
}
