//! Listing a vault: walking its folders (hidden ones skipped, symbolic links judged rather than
//! followed), then reading its notes in parallel.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{SourceFile, Stamp, Symlink, Vault, VaultError, file_name, stamp};
use crate::diagnostics::Code;

/// A vault's files, listed but not read.
#[derive(Debug, Clone)]
pub struct Listing {
    /// The root folder.
    pub root: PathBuf,
    /// The notes, sorted by path: vault-relative path, full path and stamp.
    pub notes: Vec<(String, PathBuf, Stamp)>,
    /// Attachments by lower-cased file name, each with the vault-relative paths that carry it.
    pub attachments: BTreeMap<String, Vec<String>>,
    /// The files that are symbolic links, by vault-relative path.
    pub symlinks: BTreeMap<String, Symlink>,
    /// Files and folders that could not be listed.
    pub unreadable: Vec<crate::diagnostics::Diagnostic>,
    /// When the listing began, in ns since the epoch.
    pub listed: i128,
}

/// Lists the vault at `root`: every note and attachment, with the notes' stamps.
pub fn scan(root: &Path) -> Result<Listing, VaultError> {
    let listed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as i128);
    match std::fs::metadata(root) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(VaultError::Missing(root.to_owned())),
        Err(source) => return Err(VaultError::Io { path: root.to_owned(), source }),
        Ok(m) if !m.is_dir() => return Err(VaultError::NotAFolder(root.to_owned())),
        Ok(_) => {}
    }
    // The root's entries in order, each top-level folder walked on its own, in parallel; joined
    // in the root's order, the files come in the order one walk would give.
    let top = sorted_entries(root).map_err(|source| VaultError::Io { path: root.to_owned(), source })?;
    let mut parts: Vec<Part> = Vec::new();
    for entry in top {
        let mut found = Found::default();
        match entry {
            Ok((name, _)) if hidden(&name) => continue,
            Ok((_, entry)) => match entry.file_type() {
                Ok(t) if t.is_dir() => {
                    parts.push(Part::Folder(entry.path()));
                    continue;
                }
                Ok(t) if t.is_file() => found.add(root, &entry),
                Ok(t) if t.is_symlink() => found.symlinks.push((relative(root, &entry.path()), entry.path())),
                Ok(_) => continue,
                Err(e) => found.unreadable(root, &entry.path(), &e),
            },
            Err(e) => found.unreadable(root, root, &e),
        }
        parts.push(Part::Found(found));
    }
    let found: Vec<Found> = parts
        .into_par_iter()
        .map(|part| match part {
            Part::Found(found) => found,
            Part::Folder(folder) => {
                let mut found = Found::default();
                found.walk(root, &folder);
                found
            }
        })
        .collect();
    let (mut md, mut attachments, mut unreadable) = (Vec::new(), BTreeMap::<String, Vec<String>>::new(), Vec::new());
    let mut links = Vec::new();
    for f in found {
        md.extend(f.md);
        unreadable.extend(f.unreadable);
        links.extend(f.symlinks);
        for (name, paths) in f.attachments {
            attachments.entry(name).or_default().extend(paths);
        }
    }
    // A link to a folder out of the vault hides notes that Obsidian shows: said, never followed.
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_owned());
    for (rel, path) in &links {
        let folder = std::fs::metadata(path).is_ok_and(|m| m.is_dir());
        if folder && path.canonicalize().is_ok_and(|real| !real.starts_with(&real_root)) {
            unreadable.push(
                crate::diagnostics::Diagnostic::warning(
                    Code::LinkOutsideVault,
                    rel,
                    0,
                    0,
                    format!("the folder `{rel}` is a symbolic link out of the vault: its notes are not read"),
                )
                .with_hint("nothing outside the vault is read; move the notes into the vault, or build that folder as a vault of its own"),
            );
        }
    }
    let symlinks = follow(root, links, &md, &attachments);
    for (rel, link) in &symlinks {
        if let Symlink::Inside(target) = link
            && !is_note(rel)
        {
            attachments.entry(file_name(rel).to_lowercase()).or_default().push(target.clone());
        }
    }
    Ok(Listing { root: root.to_owned(), notes: md, attachments, symlinks, unreadable, listed })
}

/// What each symbolic link (vault-relative path, full path) stands for: a link from a note's name
/// to a note of the vault, or from an attachment's name to an attachment, is followed. The target
/// is found by the link's real path, after every link on the way, so a link cannot lead out.
fn follow(
    root: &Path,
    links: Vec<(String, PathBuf)>,
    notes: &[(String, PathBuf, Stamp)],
    attachments: &BTreeMap<String, Vec<String>>,
) -> BTreeMap<String, Symlink> {
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_owned());
    let notes: std::collections::HashSet<&str> = notes.iter().map(|(rel, _, _)| rel.as_str()).collect();
    let listed =
        |rel: &str| attachments.get(&file_name(rel).to_lowercase()).is_some_and(|paths| paths.iter().any(|p| p == rel));
    links
        .into_iter()
        .map(|(rel, path)| {
            let written = || std::fs::read_link(&path).map(|t| t.to_string_lossy().into_owned()).unwrap_or_default();
            let link = match path.canonicalize() {
                Err(_) => Symlink::Broken(written()),
                Ok(real) => match real.strip_prefix(&real_root) {
                    Err(_) => Symlink::Outside,
                    Ok(inside) => {
                        let target = relative(Path::new(""), inside);
                        let found = if is_note(&rel) { notes.contains(target.as_str()) } else { listed(&target) };
                        if found { Symlink::Inside(target) } else { Symlink::Broken(written()) }
                    }
                },
            };
            (rel, link)
        })
        .collect()
}

/// Whether a vault-relative path names a note (`.md`, in any case).
pub(crate) fn is_note(rel: &str) -> bool {
    rel.to_ascii_lowercase().ends_with(".md")
}

/// A top-level entry of the vault: a file (or what could not be read of it), or a folder to walk.
enum Part {
    Found(Found),
    Folder(PathBuf),
}

/// Whether a file or folder is hidden (its name starts with `.`): not part of the vault.
pub(super) fn hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().starts_with(b".")
}

/// A folder's entries, sorted by name (each with its name), or why the folder cannot be read.
fn sorted_entries(dir: &Path) -> std::io::Result<Vec<std::io::Result<(std::ffi::OsString, std::fs::DirEntry)>>> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.map(|e| e.map(|e| (e.file_name(), e))).collect();
    entries.sort_by(|a, b| match (a, b) {
        (Ok((a, _)), Ok((b, _))) => a.cmp(b),
        (a, b) => a.is_ok().cmp(&b.is_ok()),
    });
    Ok(entries)
}

/// What a walk over part of a vault found.
#[derive(Default)]
struct Found {
    md: Vec<(String, PathBuf, Stamp)>,
    attachments: BTreeMap<String, Vec<String>>,
    /// Files that are symbolic links: vault-relative and full path.
    symlinks: Vec<(String, PathBuf)>,
    unreadable: Vec<crate::diagnostics::Diagnostic>,
}

impl Found {
    /// Walks `folder` (inside the vault at `root`), depth first in name order, without following
    /// links. The folders being walked are a stack, not the call stack: any depth is walked.
    fn walk(&mut self, root: &Path, folder: &Path) {
        let mut stack = Vec::new();
        match sorted_entries(folder) {
            Ok(entries) => stack.push(entries.into_iter()),
            Err(e) => self.unreadable(root, folder, &e),
        }
        while let Some(entries) = stack.last_mut() {
            let Some(entry) = entries.next() else {
                stack.pop();
                continue;
            };
            let entry = match entry {
                Ok((name, _)) if hidden(&name) => continue,
                Ok((_, entry)) => entry,
                Err(e) => {
                    self.unreadable(root, folder, &e);
                    continue;
                }
            };
            match entry.file_type() {
                Ok(t) if t.is_dir() => match sorted_entries(&entry.path()) {
                    Ok(entries) => stack.push(entries.into_iter()),
                    Err(e) => self.unreadable(root, &entry.path(), &e),
                },
                Ok(t) if t.is_file() => self.add(root, &entry),
                Ok(t) if t.is_symlink() => self.symlinks.push((relative(root, &entry.path()), entry.path())),
                Ok(_) => {}
                Err(e) => self.unreadable(root, &entry.path(), &e),
            }
        }
    }

    /// A file the walk found: a note, or an attachment. Its stamp is read through its folder,
    /// not by its whole path.
    fn add(&mut self, root: &Path, entry: &std::fs::DirEntry) {
        let path = entry.path();
        let rel = relative(root, &path);
        if is_note(&rel) {
            let stamp = entry.metadata().map(|m| stamp(&m)).unwrap_or_default();
            self.md.push((rel, path, stamp));
        } else {
            self.attachments.entry(file_name(&rel).to_lowercase()).or_default().push(rel);
        }
    }

    /// A file or folder the walk could not read.
    fn unreadable(&mut self, root: &Path, path: &Path, e: &std::io::Error) {
        let rel = relative(root, path);
        self.unreadable.push(unreadable_at(&rel, &format!("{e}")));
    }
}

impl Listing {
    /// Reads every note, in parallel.
    pub fn read(self) -> Vault {
        self.read_except(|_, _| false)
    }

    /// Reads every note, in parallel, but those for which `later` is true (given the note's path
    /// and stamp): they are read when first used, if ever (see [`SourceFile::content`]).
    pub fn read_except(self, later: impl Fn(&str, &Stamp) -> bool + Sync) -> Vault {
        let Listing { root, notes: md, attachments, symlinks, mut unreadable, listed } = self;
        let read: Vec<Result<(SourceFile, Stamp), crate::diagnostics::Diagnostic>> = md
            .into_par_iter()
            .map(|(rel, path, stamp)| {
                if later(&rel, &stamp) {
                    return Ok((SourceFile::on_disk(rel, path, None), stamp));
                }
                match std::fs::read(&path) {
                    Ok(bytes) => Ok((SourceFile::on_disk(rel, path, Some(bytes)), stamp)),
                    Err(e) => Err(unreadable_at(&rel, &e.to_string())),
                }
            })
            .collect();
        let mut notes = Vec::with_capacity(read.len());
        let mut stamps = Vec::with_capacity(read.len());
        for r in read {
            match r {
                Ok((n, s)) => {
                    notes.push(n);
                    stamps.push(s);
                }
                Err(d) => unreadable.push(d),
            }
        }
        let name = root
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "vault".to_owned());
        Vault { root, name, notes, attachments, symlinks, unreadable, stamps, listed }
    }
}

fn unreadable_at(rel: &str, why: &str) -> crate::diagnostics::Diagnostic {
    crate::diagnostics::Diagnostic::error(Code::UnreadableFile, rel, 0, 0, format!("cannot read `{rel}`: {why}"))
        .with_hint("check its permissions; the rest of the vault was built without it")
}

pub(super) fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}
