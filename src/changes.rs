//! What changed between two builds, as `watch` prints it: cards added, changed and removed (by
//! GUID and modification time), claims that now fail or hold again, and new diagnostics.

use std::collections::{BTreeMap, HashSet};

use crate::build::Report;
use crate::claims::Verdict;
use crate::diagnostics::Diagnostic;

/// The difference from one build's report to the next.
#[derive(Debug, Default)]
pub struct Changes {
    /// Cards with a GUID the previous build did not have: (note, line).
    pub added: Vec<(String, usize)>,
    /// Cards whose content changed (a new modification time).
    pub changed: Vec<(String, usize)>,
    /// Cards of the previous build that are gone: (note, GUID).
    pub removed: Vec<(String, String)>,
    /// Claims that fail now and did not before (or are new and fail).
    pub failing: Vec<Verdict>,
    /// Claims that failed before and hold now.
    pub fixed: Vec<Verdict>,
    /// Claims that are new and hold.
    pub new_claims: usize,
    /// Diagnostics the previous build did not have.
    pub new_diagnostics: Vec<Diagnostic>,
    /// Diagnostics of the previous build that are gone.
    pub resolved: usize,
}

impl Changes {
    /// From `old` to `new`.
    pub fn between(old: &Report, new: &Report) -> Changes {
        let mut c = Changes::default();
        let before: BTreeMap<&str, i64> = old.cards.iter().map(|k| (k.guid.as_str(), k.modified)).collect();
        let now: HashSet<&str> = new.cards.iter().map(|k| k.guid.as_str()).collect();
        for k in &new.cards {
            match before.get(k.guid.as_str()) {
                None => c.added.push((k.note.to_string(), k.line)),
                Some(m) if *m != k.modified => c.changed.push((k.note.to_string(), k.line)),
                Some(_) => {}
            }
        }
        c.removed = old
            .cards
            .iter()
            .filter(|k| !now.contains(k.guid.as_str()))
            .map(|k| (k.note.to_string(), k.guid.clone()))
            .collect();
        let was: BTreeMap<(&str, &str), bool> =
            old.claims.iter().map(|v| ((v.file.as_str(), v.text.as_str()), v.pass)).collect();
        for v in &new.claims {
            match (was.get(&(v.file.as_str(), v.text.as_str())), v.pass) {
                (Some(true) | None, false) => c.failing.push(v.clone()),
                (Some(false), true) => c.fixed.push(v.clone()),
                (None, true) => c.new_claims += 1,
                _ => {}
            }
        }
        let key = |d: &Diagnostic| (d.code, d.file.clone(), d.line, d.col, d.message.clone());
        let had: HashSet<_> = old.diagnostics.iter().map(key).collect();
        let has: HashSet<_> = new.diagnostics.iter().map(key).collect();
        c.new_diagnostics = new.diagnostics.iter().filter(|d| !had.contains(&key(d))).cloned().collect();
        c.resolved = had.difference(&has).count();
        c
    }

    /// Nothing changed that a reader would see.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.changed.is_empty()
            && self.removed.is_empty()
            && self.failing.is_empty()
            && self.fixed.is_empty()
            && self.new_claims == 0
            && self.new_diagnostics.is_empty()
            && self.resolved == 0
    }
}
