//! What a build is asked to do ([`Options`]) and what it found and wrote ([`Report`]).

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::Orphans;
use crate::cards::Card;
use crate::claims::Verdict;
use crate::diagnostics::Diagnostic;
use crate::notes;

/// What to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The vault's root folder.
    pub vault: PathBuf,
    /// Where to write; `None` checks without writing anything.
    pub out: Option<PathBuf>,
    /// Write the deck even when the vault has errors (the broken cards are left out).
    pub force: bool,
    /// The time in seconds given to new and changed cards.
    pub now: i64,
    /// Where the identity state is kept, instead of the vault's `.studygen/`.
    pub state: Option<PathBuf>,
    /// Drop the list of cards that left the vault (the user deleted them in Anki).
    pub forget_orphans: bool,
    /// When to write `report.html`.
    pub report: ReportMode,
    /// Told what each stage is about to do, for a progress display.
    pub progress: Progress,
    /// Called between stages that free much memory, to give it back to the system: the program
    /// chooses the allocator, and knows how (see `main.rs`).
    pub trim: Option<fn()>,
}

/// Told, as each stage of a build begins, what it does (`parsing 10000 notes`).
#[derive(Clone, Default)]
pub struct Progress(Option<std::sync::Arc<Say>>);

/// What [`Progress`] calls.
type Say = dyn Fn(&str) + Send + Sync;

impl Progress {
    /// A progress that calls `f`.
    pub fn new(f: impl Fn(&str) + Send + Sync + 'static) -> Self {
        Progress(Some(std::sync::Arc::new(f)))
    }

    pub(super) fn say(&self, what: &str) {
        if let Some(f) = &self.0 {
            f(what);
        }
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "Progress(..)" } else { "Progress(none)" })
    }
}

/// When `build` writes `OUT/report.html`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReportMode {
    /// When the vault has experiments or claims: the literate part the report is for.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl Options {
    /// Options for `vault`, writing to `out` (or only checking), at the current time.
    ///
    /// The time is `SOURCE_DATE_EPOCH` when set, for reproducible builds.
    pub fn new(vault: impl Into<PathBuf>, out: Option<PathBuf>) -> Self {
        let now = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
        });
        Options {
            vault: vault.into(),
            out,
            force: false,
            now,
            state: None,
            forget_orphans: false,
            report: ReportMode::Auto,
            progress: Progress::default(),
            trim: None,
        }
    }

    /// Gives memory the build freed back to the system, if the program said how.
    pub(super) fn trim(&self) {
        if let Some(trim) = self.trim {
            trim();
        }
    }
}

/// What a run found and wrote.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Report {
    /// Every diagnostic, sorted by place.
    pub diagnostics: Vec<Diagnostic>,
    /// How many notes were read.
    pub notes: usize,
    /// The cards, with identity.
    #[serde(skip)]
    pub cards: Vec<Card>,
    /// Every claim, checked.
    pub claims: Vec<Verdict>,
    /// How many experiments ran.
    pub experiments: usize,
    /// How many Anki notes the vault has (also when `cards` was not rebuilt).
    pub card_count: usize,
    /// How many errors are about what the notes claim (failing claims, broken experiments, unknown
    /// values): these keep `build` from writing a deck, unless forced.
    #[serde(default)]
    pub wrong_notes: usize,
    /// How many Anki cards those notes make: two for a reversed note, one per number for a cloze.
    #[serde(default)]
    pub anki_cards: usize,
    /// Nothing changed since the last build into the same folder, so nothing was rebuilt.
    pub unchanged: bool,
    /// How many notes were parsed and rendered anew; the cache gave the others.
    #[serde(default)]
    pub rebuilt: usize,
    /// How many experiments ran; the cache gave the others' outcomes.
    #[serde(default)]
    pub experiments_run: usize,
    /// Files written.
    #[serde(skip)]
    pub written: Vec<PathBuf>,
    /// The settings files that were read.
    #[serde(default)]
    pub settings_read: Vec<String>,
    /// How many notes (Anki notes: one per card written) each syntax made.
    #[serde(default)]
    pub syntaxes: BTreeMap<notes::Syntax, usize>,
    /// Cards built before that are no longer in the vault, and the Anki search that finds them.
    #[serde(default)]
    pub orphans: Orphans,
    /// How the deck's collection was written: updated from the previous build's, or anew.
    #[serde(default)]
    pub deck: crate::outputs::apkg::Update,
}

impl Report {
    /// How many diagnostics are errors.
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// How many diagnostics are warnings.
    pub fn warnings(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_warning()).count()
    }
}
