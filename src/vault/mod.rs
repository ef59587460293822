//! Loading a vault: every note (`.md`) and attachment below the root, indexed by name.
//!
//! Hidden folders (`.obsidian/`, `.trash/`, `.git/`, `.studygen/`, ...) are skipped. A file that is
//! a symbolic link to a note or attachment inside the vault stands for that file, as in Obsidian;
//! no other link is followed (not to a folder, and nothing outside the vault), so nothing outside
//! the vault is read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub mod alike;
mod own_file;
mod scan;

pub use own_file::{open_own_file, read_own_file};
pub(crate) use scan::is_note;
pub use scan::{Listing, scan};

/// Why a vault could not be loaded at all (problems inside single notes are diagnostics instead).
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// The root does not exist.
    #[error(
        "vault `{}` does not exist; give the vault's folder, as in `studygen build ~/notes` (without one, studygen reads `notes` in the current folder)",
        .0.display()
    )]
    Missing(PathBuf),
    /// The root is not a folder.
    #[error("vault `{}` is not a folder; give the folder that holds the notes, not a note", .0.display())]
    NotAFolder(PathBuf),
    /// Walking or reading failed.
    #[error("cannot read `{path}`")]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// A markdown file of the vault (it may not be valid UTF-8).
///
/// Its content is held from the load until the build has read it for the last time, then
/// [released](SourceFile::release), note by note, so that the whole vault's text is never held
/// beside every card. A released note that is read again (a note embeds it, a diagnostic quotes
/// it) is read again from its file.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the vault root, with `/` separators.
    pub rel: String,
    /// The content, `None` once released.
    content: std::sync::Mutex<Option<Content>>,
    /// The file, to read again once released; `None` for a note held in memory only, which is
    /// never released.
    path: Option<PathBuf>,
}

impl SourceFile {
    /// The file `rel` with the content `bytes`, held in memory only.
    pub fn new(rel: impl Into<String>, bytes: Vec<u8>) -> Self {
        SourceFile { rel: rel.into(), content: std::sync::Mutex::new(Some(Content::from(bytes))), path: None }
    }

    /// The file `rel`, read from `path` as `bytes`, or not read yet (`None`).
    fn on_disk(rel: String, path: PathBuf, bytes: Option<Vec<u8>>) -> Self {
        SourceFile { rel, content: std::sync::Mutex::new(bytes.map(Content::from)), path: Some(path) }
    }

    /// The content (shared, not copied). A released note is read again from its file, on the same
    /// terms as the first read (never through a link); if the file was changed since, its new bytes
    /// are read, and the next build, which sees the change, builds again what read them. A file that
    /// is gone or can no longer be read reads as empty.
    pub fn content(&self) -> Content {
        let mut held = self.content.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(content) = held.as_ref() {
            return content.clone();
        }
        let bytes =
            self.path.as_deref().and_then(|p| read_own_file(p, u64::MAX >> 1).ok().flatten()).unwrap_or_default();
        let content = Content::from(bytes);
        *held = Some(content.clone());
        content
    }

    /// Drops the content, once the build has read it for the last time (a note held in memory
    /// only keeps it). Readers that still share it keep it alive until they are done.
    pub fn release(&self) {
        if self.path.is_some() {
            *self.content.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
        }
    }
}

impl Clone for SourceFile {
    fn clone(&self) -> Self {
        let content = self.content.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        SourceFile { rel: self.rel.clone(), content: std::sync::Mutex::new(content), path: self.path.clone() }
    }
}

/// A file's content: its text when it is UTF-8, else its bytes. Both are shared, so that a parsed
/// note whose text needs no normalization holds no copy of it.
#[derive(Debug, Clone)]
pub enum Content {
    /// Valid UTF-8.
    Text(std::sync::Arc<str>),
    /// Anything else.
    Bytes(std::sync::Arc<[u8]>),
}

impl Content {
    /// The raw bytes.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Content::Text(t) => t.as_bytes(),
            Content::Bytes(b) => b,
        }
    }
}

impl From<Vec<u8>> for Content {
    fn from(bytes: Vec<u8>) -> Self {
        match String::from_utf8(bytes) {
            Ok(text) => Content::Text(text.into()),
            Err(e) => Content::Bytes(e.into_bytes().into()),
        }
    }
}

/// Every note and attachment of a vault.
#[derive(Debug, Clone)]
pub struct Vault {
    /// The root folder.
    pub root: PathBuf,
    /// The vault's name: the root folder's name.
    pub name: String,
    /// The notes, sorted by path.
    pub notes: Vec<SourceFile>,
    /// Attachments by lower-cased file name, each with the vault-relative paths that carry it (a
    /// symbolic link's name carries the path of the attachment it stands for).
    pub attachments: BTreeMap<String, Vec<String>>,
    /// The files that are symbolic links, by vault-relative path.
    pub symlinks: BTreeMap<String, Symlink>,
    /// Files and folders that could not be read: each a diagnostic at its path; the rest is built.
    pub unreadable: Vec<crate::diagnostics::Diagnostic>,
    /// Each note's [`Stamp`] when it was listed, in the order of `notes` (empty for a vault held
    /// in memory).
    pub stamps: Vec<Stamp>,
    /// When the vault was listed, in ns since the epoch.
    pub listed: i128,
}

/// A file of the vault that is a symbolic link. Obsidian shows a link to a note or attachment as
/// that file, so a link or embed through it finds the file it points to; it is not read as a note
/// of its own (its cards would be the same cards twice). No other link is followed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Symlink {
    /// To the note or attachment at this vault-relative path.
    Inside(String),
    /// To a file outside the vault: nothing is read through it.
    Outside,
    /// To nothing, to a folder, into a hidden folder, or from a note's name to an attachment (or
    /// back): Obsidian opens nothing through it either. What it points to, as written.
    Broken(String),
}

/// What the file system says of a file without reading it: size, modification and change times
/// (ns) and inode. A file whose stamp is unchanged is taken to be unchanged, as git's index does.
pub type Stamp = (u64, i128, i128, u64);

/// The [`Stamp`] of a file, from its metadata.
pub fn stamp(meta: &std::fs::Metadata) -> Stamp {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
        (meta.len(), ns(meta.mtime(), meta.mtime_nsec()), ns(meta.ctime(), meta.ctime_nsec()), meta.ino())
    }
    #[cfg(not(unix))]
    {
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i128);
        (meta.len(), mtime, 0, 0)
    }
}

impl Vault {
    /// Drops every note's text, once the build has read it for the last time: the outputs are
    /// written from the cards alone. See [`SourceFile::release`].
    pub fn release_texts(&self) {
        for note in &self.notes {
            note.release();
        }
    }

    /// The vault-relative path of the attachment called `name` (case-insensitive), if exactly one has it.
    pub fn attachment(&self, name: &str) -> Option<&str> {
        let key = file_name(name).to_lowercase();
        match self.attachments.get(&key).map(Vec::as_slice) {
            Some([one]) => Some(one),
            Some(many) => many.iter().find(|p| p.eq_ignore_ascii_case(name)).or(many.first()).map(String::as_str),
            None => None,
        }
    }
}

/// The last `/`-separated part of a path.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Loads the vault at `root`. Notes are read in parallel.
pub fn load(root: &Path) -> Result<Vault, VaultError> {
    Ok(scan(root)?.read())
}

#[cfg(test)]
mod tests {
    use super::scan::{hidden, relative};
    use super::*;

    #[test]
    fn skips_hidden_folders_and_indexes_attachments() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".obsidian")).unwrap();
        std::fs::create_dir_all(root.join("sub/img")).unwrap();
        std::fs::write(root.join(".obsidian/x.md"), "hidden").unwrap();
        std::fs::write(root.join("a.md"), "a").unwrap();
        std::fs::write(root.join("sub/b.MD"), "b").unwrap();
        std::fs::write(root.join("sub/img/Fig.png"), [0u8]).unwrap();
        let v = load(root).unwrap();
        let names: Vec<_> = v.notes.iter().map(|n| n.rel.as_str()).collect();
        assert_eq!(names, ["a.md", "sub/b.MD"]);
        assert_eq!(v.attachment("fig.PNG"), Some("sub/img/Fig.png"));
        assert!(v.attachment("nope.png").is_none());
    }

    #[test]
    fn the_listing_is_in_one_walks_order_though_folders_are_walked_apart() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let deep = format!("{}deep.md", "g/".repeat(200));
        let files =
            ["a.md", "b/x.md", "b/.h/y.md", "b/c/z.md", "c.md", "d/w.md", "d/pic.png", "e.png", "f/pic.png", &deep];
        for rel in files {
            std::fs::create_dir_all(root.join(rel).parent().unwrap()).unwrap();
            std::fs::write(root.join(rel), rel).unwrap();
        }
        // What a single walk over the whole vault gives, sorted by name at every level.
        let mut one_walk = Vec::new();
        let walker = walkdir::WalkDir::new(root).sort_by_file_name().into_iter();
        for e in walker.filter_entry(|e| e.depth() == 0 || !hidden(e.file_name())).flatten() {
            if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md") {
                one_walk.push(relative(root, e.path()));
            }
        }
        let listing = scan(root).unwrap();
        let names: Vec<&str> = listing.notes.iter().map(|(rel, _, _)| rel.as_str()).collect();
        assert_eq!(names, ["a.md", "b/c/z.md", "b/x.md", "c.md", "d/w.md", &deep]);
        assert_eq!(names, one_walk.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(listing.attachments["pic.png"], ["d/pic.png", "f/pic.png"], "in walk order");
        assert_eq!(listing.attachments["e.png"], ["e.png"]);
    }

    #[test]
    fn a_released_note_is_read_again_from_its_file_and_never_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("vault");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("a.md"), "# A\n").unwrap();
        std::fs::write(root.join("b.md"), "# B\n").unwrap();
        std::fs::write(dir.path().join("secret.md"), "outside").unwrap();
        let v = load(&root).unwrap();
        let [a, b] = v.notes.as_slice() else { panic!("two notes") };
        a.release();
        assert_eq!(a.content().bytes(), b"# A\n", "read again after release");
        // Edited after the load: the new bytes are read (the next build sees the change).
        std::fs::write(root.join("a.md"), "# A, edited\n").unwrap();
        a.release();
        assert_eq!(a.content().bytes(), b"# A, edited\n");
        // Replaced by a link out of the vault: nothing is read through it.
        std::fs::remove_file(root.join("b.md")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path().join("secret.md"), root.join("b.md")).unwrap();
        b.release();
        assert_eq!(b.content().bytes(), b"");
        // A note held in memory only is never released.
        let mem = SourceFile::new("m.md", b"kept".to_vec());
        mem.release();
        assert_eq!(mem.content().bytes(), b"kept");
    }

    /// Which symbolic links stand for a file of the vault: to a note or attachment inside it, by a
    /// relative or absolute path, through another link. Out of the vault, to nothing, to a folder,
    /// into a hidden folder, or from a note's name to an attachment: not followed.
    #[test]
    #[cfg(unix)]
    fn a_symbolic_link_stands_for_a_file_of_the_vault_and_for_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("v");
        for d in ["notes", "img", ".hidden", "sub"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        std::fs::write(root.join("notes/A.md"), "# A\n").unwrap();
        std::fs::write(root.join("img/p.png"), "png").unwrap();
        std::fs::write(root.join(".hidden/H.md"), "# H\n").unwrap();
        std::fs::write(dir.path().join("outside.md"), "# O\n").unwrap();
        let link = |to: &Path, at: &str| std::os::unix::fs::symlink(to, root.join(at)).unwrap();
        link(Path::new("../notes/A.md"), "sub/To A.md");
        link(&root.join("notes/A.md"), "Absolute A.md");
        link(Path::new("sub/To A.md"), "Chain.md");
        link(Path::new("img/p.png"), "p2.png");
        link(&dir.path().join("outside.md"), "Out.md");
        link(Path::new("Nowhere.md"), "Dangling.md");
        link(Path::new("notes"), "Folder.md");
        link(Path::new(".hidden/H.md"), "Hidden.md");
        link(Path::new("img/p.png"), "Picture.md");
        link(Path::new("Loop 2.md"), "Loop 1.md");
        link(Path::new("Loop 1.md"), "Loop 2.md");
        std::fs::create_dir_all(dir.path().join("shared")).unwrap();
        std::fs::write(dir.path().join("shared/S.md"), "q::a\n").unwrap();
        link(&dir.path().join("shared"), "Shared");
        let v = load(&root).unwrap();
        // A folder out of the vault is said (Obsidian would show its notes), and not read; a
        // folder inside it is the folder's notes, read once.
        let said: Vec<(&str, &str)> = v.unreadable.iter().map(|d| (d.file.as_str(), d.code.as_str())).collect();
        assert_eq!(said, [("Shared", "link-outside-vault")], "{:?}", v.unreadable);
        assert!(!v.unreadable[0].is_error());
        let inside = |to: &str| Symlink::Inside(to.to_owned());
        let broken = |to: &str| Symlink::Broken(to.to_owned());
        let expected: BTreeMap<String, Symlink> = [
            ("Absolute A.md", inside("notes/A.md")),
            ("Chain.md", inside("notes/A.md")),
            ("Dangling.md", broken("Nowhere.md")),
            ("Folder.md", broken("notes")),
            ("Hidden.md", broken(".hidden/H.md")),
            ("Loop 1.md", broken("Loop 2.md")),
            ("Loop 2.md", broken("Loop 1.md")),
            ("Out.md", Symlink::Outside),
            ("Shared", Symlink::Outside),
            ("Picture.md", broken("img/p.png")),
            ("p2.png", inside("img/p.png")),
            ("sub/To A.md", inside("notes/A.md")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        assert_eq!(v.symlinks, expected);
        let notes: Vec<&str> = v.notes.iter().map(|n| n.rel.as_str()).collect();
        assert_eq!(notes, ["notes/A.md"], "a link is no note of its own");
        assert_eq!(v.attachment("p2.png"), Some("img/p.png"), "the attachment the link stands for");
        assert_eq!(v.attachment("Picture.md"), None);
    }

    #[test]
    fn missing_root_is_an_error() {
        assert!(matches!(load(Path::new("/definitely/not/here")), Err(VaultError::Missing(_))));
        assert!(matches!(load(Path::new("/etc/hostname")), Err(VaultError::NotAFolder(_))));
    }
}
