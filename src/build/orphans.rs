//! The cards that left the vault: listed on every build, with the Anki search that finds them.

use std::collections::HashSet;

use crate::cards::identity;
use crate::outputs;

/// The cards that left the vault: an `.apkg` cannot delete, so Anki keeps them until the user
/// deletes them there, and every build lists them until `--forget-orphans`.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct Orphans {
    /// Every card gone, oldest first.
    pub cards: Vec<identity::Gone>,
    /// How many of them left since the last build.
    pub new: usize,
    /// How many were forgotten by `--forget-orphans`.
    pub forgotten: usize,
    /// Anki's search for their notes, `nid:1,2,…`; empty when there are none.
    pub search: String,
}

impl Orphans {
    /// The orphans of a build whose identity state went from `old` to `new`; `live` are the GUIDs
    /// of the cards being built, whose note ids the search never names.
    pub(super) fn new(old: &identity::Lock, new: &identity::Lock, live: &[&str]) -> Self {
        if new.gone.is_empty() {
            return Orphans::default();
        }
        let before: HashSet<&str> = old.gone.iter().map(|g| g.guid.as_str()).collect();
        let live: HashSet<i64> = live.iter().map(|g| outputs::apkg::note_id(g)).collect();
        let mut ids: Vec<i64> = new.gone.iter().map(|g| outputs::apkg::note_id(&g.guid)).collect();
        ids.retain(|id| !live.contains(id));
        ids.sort_unstable();
        ids.dedup();
        let search = if ids.is_empty() {
            String::new()
        } else {
            format!("nid:{}", ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","))
        };
        let new_count = new.gone.iter().filter(|g| !before.contains(g.guid.as_str())).count();
        Orphans { cards: new.gone.clone(), new: new_count, forgotten: 0, search }
    }

    /// `OUT/orphans.txt`: the search, with how to use it, and the list.
    pub fn file(&self) -> String {
        let mut out = String::from(
            "# Cards studygen built before that are no longer in the vault. A deck file cannot delete\n\
             # notes, so Anki keeps them. To delete them: in Anki, open Browse, paste the search below,\n\
             # select all the notes it finds, and delete them. Then build once with --forget-orphans.\n\n",
        );
        out.push_str(&self.search);
        out.push_str("\n\n# note\tGUID\tgone since (Unix time)\n");
        for g in &self.cards {
            out.push_str(&format!("# {}\t{}\t{}\n", g.note, g.guid, g.since));
        }
        out
    }
}
