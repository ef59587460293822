//! The pipeline: load the vault, parse notes, render cards, give them identity, write outputs.
//!
//! `check` runs the same stages and stops before writing anything.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use rayon::prelude::*;

use crate::cards::identity;
use crate::cards::{self, Card};
use crate::claims::{self, Verdict};
use crate::diagnostics::{self, Code, Diagnostic};
use crate::experiments::{self, Lab};
use crate::notes::{self, Note};
use crate::outputs::staging::{RECORD, Staging};
use crate::outputs::{self, Media, apkg, atomic, record, state};
use crate::resolve::{Shared, VaultMedia, collect_media};
use crate::templates::Templates;
use crate::vault::{self, Vault};
use crate::{links, lints, settings};

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

    fn say(&self, what: &str) {
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
}

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
    fn new(old: &identity::Lock, new: &identity::Lock, live: &[&str]) -> Self {
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

/// Checks a vault held in memory: notes by vault-relative path, with no attachments, settings or
/// state. For fuzzing and property tests: it runs every stage `check` runs, and writes nothing.
pub fn check_in_memory(notes: impl IntoIterator<Item = (String, Vec<u8>)>) -> anyhow::Result<Report> {
    let mut notes: Vec<vault::SourceFile> =
        notes.into_iter().map(|(rel, bytes)| vault::SourceFile { rel, bytes }).collect();
    notes.sort_by(|a, b| a.rel.cmp(&b.rel));
    notes.dedup_by(|a, b| a.rel == b.rel);
    let root = PathBuf::from("/nonexistent/studygen-in-memory-vault");
    let vault =
        Vault { root: root.clone(), name: "vault".into(), notes, attachments: BTreeMap::new(), unreadable: Vec::new() };
    run_loaded(vault, &Options::new(root, None), Stopwatch::new())
}

/// Runs the pipeline.
pub fn run(opts: &Options) -> anyhow::Result<Report> {
    let mut clock = Stopwatch::new();
    opts.progress.say("reading the vault");
    let vault = vault::load(&opts.vault)?;
    clock.lap("load");
    run_loaded(vault, opts, clock)
}

/// Runs the pipeline on a loaded vault.
fn run_loaded(vault: Vault, opts: &Options, mut clock: Stopwatch) -> anyhow::Result<Report> {
    let state = state::Place::new(&vault.root, opts.state.as_deref(), opts.out.as_deref());
    let inputs = opts.out.as_ref().map(|_| record::inputs(&vault, opts)).unwrap_or_default();
    let fingerprint = opts.out.as_ref().map(|_| record::fingerprint(&inputs, &state));
    if let (Some(out), Some(fp)) = (&opts.out, &fingerprint)
        && !opts.forget_orphans
        && let Some(mut report) = record::unchanged(out, fp)
    {
        clock.lap("fingerprint");
        // Nothing left the vault, and nothing was forgotten, since that build.
        report.orphans.new = 0;
        report.orphans.forgotten = 0;
        return Ok(report);
    }
    let templates = Templates::load(&vault.root)?;
    let lock = state.load()?;
    let mut report = Report { notes: vault.notes.len(), ..Report::default() };
    report.diagnostics.extend(vault.unreadable.iter().cloned());
    let (settings, diags) = settings::load(&vault.root);
    report.diagnostics.extend(diags);
    report.settings_read = settings.read.clone();
    let root_deck = settings.deck.clone().unwrap_or_else(|| vault.name.clone());

    opts.progress.say(&format!("parsing {} notes", vault.notes.len()));
    let parsed: Vec<(Option<Note>, Vec<Diagnostic>)> =
        vault.notes.par_iter().map(|src| notes::parse(src, &root_deck, &settings)).collect();
    let mut notes = Vec::with_capacity(parsed.len());
    for (note, diags) in parsed {
        report.diagnostics.extend(diags);
        notes.extend(note);
    }
    let (types, diags) = notes::resolve_custom_types(&mut notes, &settings);
    report.diagnostics.extend(diags);
    report.diagnostics.extend(notes::untagged_hints(&notes, &settings));

    clock.lap("parse");
    let blocks: usize = notes.iter().map(|n| n.experiments.len()).sum();
    opts.progress.say(&format!("running {blocks} experiments"));
    let (lab, verdicts, diags) = run_experiments(&notes);
    clock.lap("experiments");
    report.wrong_notes = diags.iter().filter(|d| d.is_error()).count();
    report.diagnostics.extend(diags);
    report.claims = verdicts;
    report.experiments = lab.experiments.len();
    let figures: BTreeMap<String, String> = lab.figures().into_keys().map(|n| (n.to_lowercase(), n)).collect();
    let index = links::Index::new(notes.iter().map(|n| (n.path.as_str(), n.frontmatter.aliases.as_slice())));
    let by_path: HashMap<&str, &Note> = notes.iter().map(|n| (n.path.as_str(), n)).collect();
    let shared = Shared {
        vault: &vault,
        vault_name: settings.scope.vault_name.clone(),
        lab: &lab,
        figures,
        notes: by_path,
        index,
        skipped: std::sync::Mutex::default(),
    };
    opts.progress.say("checking links and embeds");
    let media_exists = |t: &str| shared.media(t).is_some();
    report.diagnostics.extend(lints::check(&notes, &shared.index, &media_exists, settings.lints.unresolved_links));
    clock.lap("lints");
    opts.progress.say("rendering cards");
    let rendered: Vec<Vec<Card>> = notes
        .par_iter()
        .map(|n| {
            let spent = std::cell::Cell::new((0, 0));
            cards::render(n, &templates, &VaultMedia::for_note(&shared, &n.path, &spent))
        })
        .collect::<anyhow::Result<_>>()?;
    let mut cards: Vec<Card> = rendered.into_iter().flatten().collect();
    report.diagnostics.extend(shared.skipped_embeds());
    let (models, diags) = cards::notetypes::models(&mut cards, &types);
    report.diagnostics.extend(cards::duplicates(&cards));
    for c in &cards {
        *report.syntaxes.entry(c.syntax).or_default() += 1;
    }
    report.diagnostics.extend(diags);
    clock.lap("render");

    opts.progress.say(&format!("giving {} cards their identity", cards.len()));
    let present: HashSet<String> = vault.notes.iter().map(|n| n.rel.clone()).collect();
    let (mut new_lock, diags) = identity::assign(&mut cards, &present, &lock, opts.now);
    report.diagnostics.extend(diags);
    let live: Vec<&str> = cards.iter().map(|c| c.guid.as_str()).collect();
    report.orphans = Orphans::new(&lock, &new_lock, &live);
    if opts.forget_orphans {
        report.orphans = Orphans { forgotten: new_lock.gone.len(), ..Orphans::default() };
        new_lock.gone.clear();
    }
    clock.lap("identity");
    report.anki_cards = cards
        .iter()
        .map(|c| {
            let model = models.iter().find(|m| m.name == c.type_name());
            match model {
                Some(m) if m.cloze => c.cloze_numbers().len(),
                Some(m) => m.templates.len(),
                None => 1,
            }
        })
        .sum();
    report.cards = cards;
    report.card_count = report.cards.len();

    let Some(out) = &opts.out else {
        finish_diagnostics(&vault, &mut report.diagnostics);
        return Ok(report);
    };
    // A broken card is left out and the rest is written; but a deck built from notes whose claims
    // or experiments are wrong would teach wrong things, so those block it (unless forced).
    if report.wrong_notes > 0 && !opts.force {
        finish_diagnostics(&vault, &mut report.diagnostics);
        return Ok(report);
    }
    let render_md = |n: &Note, md: &str| {
        let spent = std::cell::Cell::new((0, 0));
        crate::markdown::render(md, crate::markdown::Style::default(), &VaultMedia::for_note(&shared, &n.path, &spent))
            .html
    };
    let wanted = match opts.report {
        ReportMode::Always => true,
        ReportMode::Never => false,
        ReportMode::Auto => !lab.experiments.is_empty() || !report.claims.is_empty(),
    };
    let literate = wanted && !out.extension().is_some_and(|e| e.eq_ignore_ascii_case("apkg"));
    if literate {
        opts.progress.say("writing the report");
    }
    let literate = literate.then(|| {
        let mut diagnostics = report.diagnostics.clone();
        finish_diagnostics(&vault, &mut diagnostics);
        outputs::report::render(&outputs::report::Inputs {
            vault_name: &shared.vault_name,
            notes: &notes,
            lab: &lab,
            claims: &report.claims,
            cards: &report.cards,
            diagnostics: &diagnostics,
            block_markers: (&settings.blocks.begin_note, &settings.blocks.end_note),
            render: &render_md,
        })
    });
    clock.lap("report");
    opts.progress.say("writing the deck");
    let written = Written {
        lab: &lab,
        models: &models,
        templates: &templates,
        root_deck: &root_deck,
        inputs: &inputs,
        report: literate.as_deref(),
    };
    write_outputs(&vault, opts, out, &state, (&lock, &new_lock), &written, &mut report)?;
    clock.lap("outputs");
    Ok(report)
}

/// The vault as a literate document, in the output folder.
pub const REPORT: &str = "report.html";

/// The list of cards that left the vault, in the output folder.
pub const ORPHANS: &str = "orphans.txt";

/// Sorts the diagnostics and gives each the text of the line it points at.
fn finish_diagnostics(vault: &Vault, diags: &mut [Diagnostic]) {
    diagnostics::sort(diags);
    let wanted: HashSet<&str> = diags.iter().map(|d| d.file.as_str()).collect();
    let texts: HashMap<&str, &[u8]> = vault
        .notes
        .iter()
        .filter(|n| wanted.contains(n.rel.as_str()))
        .map(|n| (n.rel.as_str(), n.bytes.as_slice()))
        .collect();
    diagnostics::attach_sources(diags, |file| texts.get(file).copied());
}

/// What the outputs are made of, besides the report's cards.
struct Written<'a> {
    lab: &'a Lab,
    models: &'a [cards::notetypes::Model],
    templates: &'a Templates,
    root_deck: &'a str,
    /// The hash of the build's inputs but the identity state ([`record::inputs`]).
    inputs: &'a str,
    /// `report.html`, when it is written.
    report: Option<&'a str>,
}

/// Writes the identity state, then stages the deck, `cards.txt`, the figures and the build record,
/// and commits them to `out` as one set.
fn write_outputs(
    vault: &Vault,
    opts: &Options,
    out: &Path,
    state: &state::Place,
    (lock, new_lock): (&identity::Lock, &identity::Lock),
    w: &Written<'_>,
    report: &mut Report,
) -> anyhow::Result<()> {
    // Builds that share the output folder or the vault's state take turns.
    let _held = outputs::lock::acquire(&vault.root, out)?;
    if out.extension().is_some_and(|e| e.eq_ignore_ascii_case("apkg")) {
        return write_deck_file(vault, opts, out, state, (lock, new_lock), w, report);
    }
    let apkg_name = format!("{}.apkg", outputs::safe_file_name(w.root_deck));
    let staging = Staging::begin(out, &[&apkg_name, "cards.txt", "figures", ORPHANS, REPORT, state::IN_OUT])?;

    if save_state(opts, out, state, (lock, new_lock), report)? {
        staging.write(state::IN_OUT, new_lock.to_json().as_bytes())?;
    }

    if !report.orphans.cards.is_empty() {
        staging.write(ORPHANS, report.orphans.file().as_bytes())?;
    }
    if let Some(html) = w.report {
        staging.write(REPORT, html.as_bytes())?;
    }
    for (name, svg) in w.lab.figures() {
        staging.write(&format!("figures/{name}"), svg.as_bytes())?;
    }
    let mut media = collect_media(vault, &report.cards);
    let used: HashSet<&str> = report.cards.iter().flat_map(|c| c.media.iter().map(String::as_str)).collect();
    media.extend(
        w.lab
            .figures()
            .into_keys()
            .filter(|n| used.contains(n.as_str()))
            .map(|name| Media { path: staging.path(&format!("figures/{name}")), name }),
    );
    media.sort();
    media.dedup_by(|a, b| a.name == b.name);
    let apkg_path = staging.path(&apkg_name);
    // The package and the text export are independent: write them on both cores.
    let (apkg, txt) = rayon::join(
        || {
            apkg::write(&apkg_path, &report.cards, w.models, &media, w.templates, opts.now)
                .with_context(|| format!("cannot write `{apkg_name}`"))
        },
        || staging.stream("cards.txt", |f| outputs::text::write(std::io::BufWriter::with_capacity(1 << 16, f), &report.cards, w.models)),
    );
    apkg?;
    txt?;
    finish_diagnostics(vault, &mut report.diagnostics);
    report.card_count = report.cards.len();
    // The record is written last, and fingerprints the state as it now is.
    let state_now = state::Place::new(&vault.root, opts.state.as_deref(), Some(&staging.path("")));
    let record = record::Record {
        fingerprint: record::fingerprint(w.inputs, &state_now),
        report: std::mem::take(report),
        files: record::list(&staging.path("")),
    };
    let written = staging.write(RECORD, serde_json::to_string(&record)?.as_bytes());
    *report = record.report;
    written?;
    staging.commit()?;
    report.written = vec![out.join(apkg_name), out.join("cards.txt")];
    Ok(())
}

/// Writes the identity state, first: a state that knows more cards than the deck does no harm,
/// but a deck whose cards the state forgot would get new GUIDs on the next build. Returns whether
/// it must go into the output set instead (the vault cannot be written, and no `--state`).
fn save_state(
    opts: &Options,
    out: &Path,
    state: &state::Place,
    (lock, new_lock): (&identity::Lock, &identity::Lock),
    report: &mut Report,
) -> anyhow::Result<bool> {
    let (target, why_not) = state.target();
    let source = state.source();
    if let state::Target::File(path) = &target
        && let Some(dir) = path.parent()
    {
        // What a killed build left there; the vault's lock is held, so it is no running build's.
        atomic::remove_stale(dir);
    }
    Ok(match target {
        state::Target::File(path) if new_lock != lock || source.as_ref() != Some(&path) => {
            match atomic::write(&path, new_lock.to_json().as_bytes()) {
                Ok(()) => false,
                Err(e) if opts.state.is_some() => return Err(e),
                Err(e) => {
                    state_warning(report, out, &format!("{e:#}"));
                    true
                }
            }
        }
        state::Target::File(_) => false,
        state::Target::Out => {
            state_warning(report, out, why_not.as_deref().unwrap_or("the vault cannot be written"));
            true
        }
    })
}

/// `--out x.apkg`: writes just that deck (atomically, by rename), with the figures it shows as
/// media; no `cards.txt`, figure files or build record.
fn write_deck_file(
    vault: &Vault,
    opts: &Options,
    out: &Path,
    state: &state::Place,
    locks: (&identity::Lock, &identity::Lock),
    w: &Written<'_>,
    report: &mut Report,
) -> anyhow::Result<()> {
    if out.is_dir() {
        anyhow::bail!("`{}` is a folder; give --out a folder, or the path of the .apkg file to write", out.display());
    }
    let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    if save_state(opts, out, state, locks, report)? {
        anyhow::bail!(
            "the vault cannot be written, so the identity state has nowhere to go beside a single deck file; pass --state DIR, or give --out a folder"
        );
    }
    // The figures the cards show are packed from a temporary folder beside the deck.
    let figures = tempfile::Builder::new().prefix(atomic::TEMP_PREFIX).tempdir_in(dir)?;
    let used: HashSet<&str> = report.cards.iter().flat_map(|c| c.media.iter().map(String::as_str)).collect();
    let mut media = collect_media(vault, &report.cards);
    for (name, svg) in w.lab.figures().into_iter().filter(|(n, _)| used.contains(n.as_str())) {
        let path = figures.path().join(&name);
        std::fs::write(&path, svg)?;
        media.push(Media { path, name });
    }
    media.sort();
    media.dedup_by(|a, b| a.name == b.name);
    apkg::write(out, &report.cards, w.models, &media, w.templates, opts.now)
        .with_context(|| format!("cannot write `{}`", out.display()))?;
    finish_diagnostics(vault, &mut report.diagnostics);
    report.card_count = report.cards.len();
    report.written = vec![out.to_owned()];
    Ok(())
}

/// Warns that the identity state went into the output set.
fn state_warning(report: &mut Report, out: &Path, why: &str) {
    report.diagnostics.push(
        Diagnostic::warning(
            Code::StateInOutput,
            identity::LOCK_PATH,
            0,
            0,
            format!("the identity state is kept in the output folder: {why}"),
        )
        .with_hint(format!(
            "the deck was built, and later builds into `{}` keep their GUIDs; pass --state DIR to keep it elsewhere",
            out.display()
        )),
    );
}

/// Prints how long each stage took when `STUDYGEN_TIMINGS` is set.
struct Stopwatch {
    last: Option<std::time::Instant>,
}

impl Stopwatch {
    fn new() -> Self {
        Stopwatch { last: std::env::var_os("STUDYGEN_TIMINGS").map(|_| std::time::Instant::now()) }
    }

    fn lap(&mut self, stage: &str) {
        if let Some(last) = self.last {
            eprintln!("timing: {stage}: {:.1} ms", last.elapsed().as_secs_f64() * 1000.0);
            self.last = Some(std::time::Instant::now());
        }
    }
}

/// Runs every experiment, checks every claim and every cited value.
fn run_experiments(notes: &[Note]) -> (Lab, Vec<Verdict>, Vec<Diagnostic>) {
    let blocks: Vec<experiments::Block> = notes.iter().flat_map(|n| n.experiments.iter().cloned()).collect();
    let (lab, mut diags) = experiments::run_all(&blocks);
    let mut all = Vec::new();
    for block in notes.iter().flat_map(|n| &n.claims) {
        let (c, d) = claims::parse(block);
        all.extend(c);
        diags.extend(d);
    }
    let (verdicts, d) = claims::check(&all, &lab);
    diags.extend(d);
    for note in notes {
        for (name, line, col) in claims::cited_values(&note.text) {
            if lab.value(&name).is_none() {
                let id = name.split('.').next().unwrap_or("");
                let names = lab.names(id);
                let hint = if names.is_empty() {
                    format!("no experiment `{id}` in the vault")
                } else {
                    format!("`{id}` has: {}", names.join(", "))
                };
                diags.push(
                    Diagnostic::error(Code::ValueUnknown, &note.path, line, col, format!("unknown value `{name}`"))
                        .with_hint(hint),
                );
            }
        }
    }
    (lab, verdicts, diags)
}
