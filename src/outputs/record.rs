//! The build record, `OUT/.studygen-build.json`: what the set in OUT was built from (a
//! fingerprint of every input), the report of that build, and every file of the set with its size
//! and modification time. A build whose fingerprint matches, and whose recorded files are all
//! still there unchanged, has nothing to do.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::build::{Options, Report};
use crate::cache::{self, Digest};
use crate::outputs::staging::RECORD;
use crate::outputs::state;
use crate::vault::{self, Stamp, Vault};

/// The most of one settings or template file the fingerprint reads.
const MAX_INPUT: u64 = 16 << 20;

/// What the record holds.
#[derive(Debug, Serialize, Deserialize)]
pub struct Record {
    /// The fingerprint of the inputs.
    pub fingerprint: String,
    /// The same from the notes' [`Stamp`]s instead of their bytes, so that a build with nothing
    /// changed need not read them; empty when a note was written too close to the build for its
    /// stamp to tell (see [`stamps`]).
    #[serde(default)]
    pub quick: String,
    /// The build's report.
    pub report: Report,
    /// Every file of the set but the record: path inside OUT, size, modification time (ns).
    pub files: Vec<(String, u64, u128)>,
}

/// A hash of everything a build depends on but the notes and the identity state: studygen's
/// version, the vault's place, the options, the attachments (path, size and modification time),
/// the symbolic links and what each stands for, template overrides and settings files.
pub fn global(
    root: &Path,
    attachments: &BTreeMap<String, Vec<String>>,
    symlinks: &BTreeMap<String, vault::Symlink>,
    opts: &Options,
) -> Digest {
    let mut parts: Vec<Vec<u8>> = vec![
        crate::BUILD.into(),
        root.to_string_lossy().as_bytes().to_vec(),
        vec![u8::from(opts.force), opts.report as u8],
    ];
    for (rel, link) in symlinks {
        parts.push(format!("{rel} -> {link:?}").into_bytes());
    }
    for rel in attachments.values().flatten() {
        let meta = std::fs::metadata(root.join(rel)).ok();
        parts.push(rel.as_bytes().to_vec());
        parts.push(format!("{:?}{:?}", meta.as_ref().map(std::fs::Metadata::len), meta.map(|m| mtime(&m))).into());
    }
    let templates = crate::templates::DEFAULTS.iter().map(|(n, _)| root.join(crate::templates::OVERRIDE_DIR).join(n));
    for path in templates.chain(crate::settings::files(root)) {
        parts.push(path.to_string_lossy().as_bytes().to_vec());
        // An unreadable file (a link, a FIFO) is an input too: it makes the build fail or warn.
        parts.push(match vault::read_own_file(&path, MAX_INPUT) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => b"absent".to_vec(),
            Err(e) => format!("unreadable: {e}").into(),
        });
    }
    cache::digest(parts.iter().map(Vec::as_slice))
}

/// The hash of every input but the identity state: the [`global`] hash, and every note's path and
/// hash (`digests`, in vault order). Computed once per build; [`fingerprint`] adds the state.
pub fn inputs(global: &Digest, vault: &Vault, digests: &[Digest]) -> String {
    let parts = std::iter::once(global.as_slice())
        .chain(vault.notes.iter().zip(digests).flat_map(|(n, d)| [n.rel.as_bytes(), d.as_slice()]));
    hex(&cache::digest(parts))
}

/// Like [`inputs`], from the notes' paths and stamps instead of their bytes. `None` when a note's
/// stamp had not [`settled`] when the vault was listed.
pub fn stamps<'a>(
    global: &Digest,
    notes: impl IntoIterator<Item = (&'a str, &'a Stamp)>,
    listed: i128,
) -> Option<String> {
    // Each stamp as 48 bytes, in one buffer: formatting a string per note cost a quarter of a
    // nothing-changed build.
    let notes: Vec<(&str, &Stamp)> = notes.into_iter().collect();
    let mut stamps = Vec::with_capacity(notes.len() * 48);
    for (_, stamp) in &notes {
        if !settled(stamp, listed) {
            return None;
        }
        stamps.extend(stamp.0.to_le_bytes());
        stamps.extend(stamp.1.to_le_bytes());
        stamps.extend(stamp.2.to_le_bytes());
        stamps.extend(stamp.3.to_le_bytes());
    }
    let parts = notes.iter().zip(stamps.chunks_exact(48)).flat_map(|((rel, _), stamp)| [rel.as_bytes(), stamp]);
    Some(hex(&cache::digest(std::iter::once(global.as_slice()).chain(parts))))
}

/// Whether a file whose stamp is `stamp` when the vault is listed at `listed` (ns since the
/// epoch) may be taken to be unchanged while its stamp is: `false` when it was modified within one
/// clock tick of `listed`, since a second change in that tick could leave the stamp as it was
/// after the build read the first. A tick is taken to be 20 ms where the file system keeps
/// nanoseconds, and 2 s where it keeps whole seconds (FAT keeps 2 s).
pub fn settled(stamp: &Stamp, listed: i128) -> bool {
    const FINE: i128 = 20_000_000;
    const COARSE: i128 = 2_000_000_000;
    let racy = |t: i128| t > listed - if t % 1_000_000_000 == 0 { COARSE } else { FINE };
    !racy(stamp.1) && !racy(stamp.2)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The build's fingerprint: the [`inputs`] hash and the identity state as it is now (its
/// [`state::Place::print`]).
pub fn fingerprint(inputs: &str, state: Option<&state::Print>) -> String {
    hex_digest(inputs, &state.map(state::Print::bytes).unwrap_or_default())
}

/// The quick fingerprint: of the notes' [`stamps`] and the state file's stamp
/// ([`state::Place::stamp_bytes`]), so that a build with nothing changed reads no file.
pub fn quick_fingerprint(stamps: &str, state: &state::Place) -> String {
    hex_digest(stamps, &state.stamp_bytes())
}

fn hex_digest(inputs: &str, state: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(inputs);
    h.update(state);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn mtime(meta: &std::fs::Metadata) -> u128 {
    meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos())
}

/// Records in the set in `out` the stamps fingerprint `quick` of its inputs, found after the set
/// was written (its notes were too new then): the next build with nothing changed need not read
/// the notes. Best effort: a record that cannot be rewritten stays as it was.
pub fn remember_stamps(out: &Path, quick: &str) {
    let Ok(Some(bytes)) = vault::read_own_file(&out.join(RECORD), MAX_INPUT) else { return };
    let Ok(mut record) = serde_json::from_slice::<Record>(&bytes) else { return };
    if record.quick != quick {
        record.quick = quick.to_owned();
        if let Ok(json) = serde_json::to_string(&record) {
            crate::outputs::atomic::write(&out.join(RECORD), json.as_bytes()).ok();
        }
    }
}

/// Lists every file under `dir` (a staged set), for the record.
pub fn list(dir: &Path) -> Vec<(String, u64, u128)> {
    let mut files: Vec<(String, u64, u128)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?.to_string_lossy().replace('\\', "/");
            let meta = e.metadata().ok()?;
            (rel != RECORD).then(|| (rel, meta.len(), mtime(&meta)))
        })
        .collect();
    files.sort();
    files
}

/// The last build's report, if its record `matches` and every file it wrote is still in `out`,
/// unchanged: a deleted deck or figure is rebuilt.
pub fn unchanged(out: &Path, matches: impl Fn(&Record) -> bool) -> Option<Report> {
    let bytes = vault::read_own_file(&out.join(RECORD), MAX_INPUT).ok()??;
    let record: Record = serde_json::from_slice(&bytes).ok()?;
    if !matches(&record) || record.files.is_empty() {
        return None;
    }
    let intact = record.files.iter().all(|(rel, len, time)| {
        std::fs::symlink_metadata(out.join(rel)).is_ok_and(|m| m.is_file() && m.len() == *len && mtime(&m) == *time)
    });
    if !intact {
        return None;
    }
    let mut report = record.report;
    report.unchanged = true;
    Some(report)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_stamp_within_a_clock_tick_of_the_listing_cannot_be_trusted() {
        let listed: i128 = 1_700_000_000_123_456_789;
        let at = |mtime: i128| (10u64, mtime, mtime, 1u64);
        let one = |s: (u64, i128, i128, u64)| super::stamps(&[0; 32], [("a.md", &s)], listed);
        assert!(one(at(listed - 5_000_000)).is_none(), "5 ms before the listing");
        assert!(one(at(listed + 5_000_000)).is_none(), "after the listing");
        assert!(one(at(listed - 50_000_000)).is_some(), "50 ms before");
        // Whole seconds: a file system that keeps 1 or 2 s.
        let whole = listed - listed % 1_000_000_000;
        assert!(one(at(whole - 1_000_000_000)).is_none(), "a second before, on a coarse file system");
        assert!(one(at(whole - 3_000_000_000)).is_some());
        assert_ne!(one(at(listed - 50_000_000)), one((11, listed - 50_000_000, listed - 50_000_000, 1)), "size counts");
    }
}
