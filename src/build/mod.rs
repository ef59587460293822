//! The pipeline: load the vault, parse notes, render cards, give them identity, write outputs.
//!
//! `check` runs the same stages and stops before writing anything.

mod experiments;
mod notes_stage;
mod options;
mod orphans;
mod timings;
mod write;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::cache::{self, Cache, Digest};
use crate::cards::identity::{self, Lock};
use crate::cards::{self, Card};
use crate::diagnostics::{self, Diagnostic};
use crate::notes::Note;
use crate::notes::store::Store;
use crate::outputs::{self, record, state};
use crate::resolve::{Trace, VaultMedia};
use crate::templates::Templates;
use crate::vault::{self, Vault};
use crate::{lints, settings};

use experiments::run_experiments;
pub use options::{Options, Progress, Report, ReportMode};
pub use orphans::Orphans;
use timings::Stopwatch;
use write::{Written, write_outputs};

/// Checks a vault held in memory: notes by vault-relative path, with no attachments, settings or
/// state. For fuzzing and property tests: it runs every stage `check` runs, and writes nothing.
pub fn check_in_memory(notes: impl IntoIterator<Item = (String, Vec<u8>)>) -> anyhow::Result<Report> {
    let mut notes: Vec<vault::SourceFile> =
        notes.into_iter().map(|(rel, bytes)| vault::SourceFile::new(rel, bytes)).collect();
    notes.sort_by(|a, b| a.rel.cmp(&b.rel));
    notes.dedup_by(|a, b| a.rel == b.rel);
    let root = PathBuf::from("/nonexistent/studygen-in-memory-vault");
    let vault = Vault {
        root: root.clone(),
        name: "vault".into(),
        notes,
        attachments: BTreeMap::new(),
        symlinks: BTreeMap::new(),
        unreadable: Vec::new(),
        stamps: Vec::new(),
        listed: 0,
    };
    let opts = Options::new(root, None);
    let global = record::global(&vault.root, &vault.attachments, &vault.symlinks, &opts);
    run_loaded(vault, global, Cache::default(), &opts, Stopwatch::new())
}

/// Runs the pipeline.
pub fn run(opts: &Options) -> anyhow::Result<Report> {
    let mut clock = Stopwatch::new();
    opts.progress.say("reading the vault");
    let listing = vault::scan(&opts.vault)?;
    let global = record::global(&listing.root, &listing.attachments, &listing.symlinks, opts);
    // Nothing changed since the last build, by the notes' stamps: no note needs to be read.
    if let Some(out) = &opts.out
        && !opts.forget_orphans
    {
        let notes = listing.notes.iter().map(|(rel, _, stamp)| (rel.as_str(), stamp));
        if let Some(stamps) = record::stamps(&global, notes, listing.listed) {
            let state = state::Place::new(&listing.root, opts.state.as_deref(), opts.out.as_deref());
            let quick = record::quick_fingerprint(&stamps, &state);
            if let Some(report) = record::unchanged(out, |r| r.quick == quick) {
                outputs::staging::tidy(&listing.root, out);
                clock.lap("stamps");
                return Ok(up_to_date(report));
            }
        }
    }
    // The cache is loaded first: a note whose stamp is the one its entry was made from is not read
    // unless the build needs its text.
    let cache = cache_folder(opts).map(|out| Cache::load(out, &global)).unwrap_or_default();
    let vault = listing.read_except(|rel, stamp| cache.unchanged(rel, stamp).is_some());
    clock.lap("load");
    run_loaded(vault, global, cache, opts, clock)
}

/// Where the build cache is: in the output set, so only a build into a folder keeps one.
fn cache_folder(opts: &Options) -> Option<&Path> {
    opts.out.as_deref().filter(|o| !is_deck_file(o))
}

/// The report of a build that found nothing to do: nothing left the vault, and nothing was
/// forgotten, since the last one.
fn up_to_date(mut report: Report) -> Report {
    report.orphans.new = 0;
    report.orphans.forgotten = 0;
    report
}

/// Runs the pipeline on a loaded vault, with the build cache of the output folder.
/// `global` is [`record::global`] of the vault.
fn run_loaded(
    vault: Vault,
    global: Digest,
    cache: Cache,
    opts: &Options,
    mut clock: Stopwatch,
) -> anyhow::Result<Report> {
    let state = state::Place::new(&vault.root, opts.state.as_deref(), opts.out.as_deref());
    let digests: Vec<Digest> = (0..vault.notes.len())
        .into_par_iter()
        .map(|i| {
            let note = &vault.notes[i];
            let known = vault.stamps.get(i).and_then(|stamp| cache.unchanged(&note.rel, stamp));
            known.unwrap_or_else(|| cache::digest([note.content().bytes()]))
        })
        .collect();
    let inputs = opts.out.as_ref().map(|_| record::inputs(&global, &vault, &digests)).unwrap_or_default();
    let stamps = opts
        .out
        .as_ref()
        .and_then(|_| {
            let notes = vault.notes.iter().map(|n| n.rel.as_str()).zip(&vault.stamps);
            record::stamps(&global, notes, vault.listed)
        })
        .filter(|_| vault.stamps.len() == vault.notes.len());
    // The identity file is read to know its hash only if it is not as the cache's build left it.
    let print = opts.out.as_ref().and_then(|_| state.print_known(cache.state_print().as_slice()));
    let fingerprint = opts.out.as_ref().map(|_| record::fingerprint(&inputs, print.as_ref()));
    if let (Some(out), Some(fp)) = (&opts.out, &fingerprint)
        && !opts.forget_orphans
        && let Some(report) = record::unchanged(out, |r| r.fingerprint == *fp)
    {
        if let Some(stamps) = &stamps
            && let Ok(_held) = outputs::lock::acquire(&vault.root, out)
        {
            record::remember_stamps(out, &record::quick_fingerprint(stamps, &state));
        }
        outputs::staging::tidy(&vault.root, out);
        clock.lap("fingerprint");
        return Ok(up_to_date(report));
    }
    // Builds that share the output folder or the vault's state take turns, from before the state
    // is read to after the new one is written: one build's state is not lost to another's.
    let _held = opts.out.as_deref().map(|out| outputs::lock::acquire(&vault.root, out)).transpose()?;
    // A build that held the lock meanwhile may have written the state, or made the first one: its
    // print is taken again (by its stamp, a file as it was is not read again).
    let print = opts.out.as_ref().and_then(|_| state.print_known(&print.iter().collect::<Vec<_>>()));
    let templates = Templates::load(&vault.root)?;
    let set_out = cache_folder(opts);
    // The previous build left the state it wrote in the cache too, by the hash of the file: that
    // copy is decoded, or else the file is read, on its own thread while the notes are built.
    let copy = print.as_ref().and_then(|p| cache.state_copy(p.digest));
    let place = state.clone();
    let lock = StateRead(std::thread::spawn(move || match copy.as_deref().and_then(cache::decode_state) {
        Some(lock) => Ok(lock),
        None => place.load(),
    }));
    let mut report = Report { notes: vault.notes.len(), ..Report::default() };
    report.diagnostics.extend(vault.unreadable.iter().cloned());
    let (settings, diags) = settings::load(&vault.root);
    report.diagnostics.extend(diags);
    report.settings_read = settings.read.clone();
    let root_deck = settings.deck.clone().unwrap_or_else(|| vault.name.clone());
    // Without a place for the next cache's spool, the build goes on and writes no cache.
    let spool = set_out.and_then(|out| {
        cache::Spool::continuing(out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")), &cache)
            .ok()
    });
    clock.lap("cache");

    opts.progress.say(&format!("parsing {} notes", vault.notes.len()));
    let paths: Vec<&str> = vault.notes.iter().map(|n| n.rel.as_str()).collect();
    let known = notes_stage::known(&paths, &digests, &cache);
    // The parsed notes live in this block only: they are freed before identity and the outputs.
    let (lab, types, made) = {
        let store = Store::new(&vault, &root_deck, &settings);
        let volatile = notes_stage::survey_unknown(&store, &known);
        clock.lap("survey");

        let literate: Vec<&Note> =
            volatile.iter().enumerate().filter(|(_, v)| **v).filter_map(|(i, _)| store.parsed(i)).collect();
        let blocks: usize = literate.iter().map(|n| n.experiments.len()).sum();
        opts.progress.say(&format!("running {blocks} experiments"));
        let runs = crate::experiments::Runs { draw: opts.out.is_some(), known: cache.outcomes() };
        let (lab, verdicts, diags) = run_experiments(&literate, &runs);
        clock.lap("experiments");
        clock.slowest(&lab.run_ms);
        report.wrong_notes = diags.iter().filter(|d| d.is_error()).count();
        report.diagnostics.extend(diags);
        report.claims = verdicts;
        report.experiments = lab.experiments.len();
        report.experiments_run = lab.run_ms.len();
        // The names index and the context's hash each take a pass over every note: at once.
        let (mut shared, context) = rayon::join(
            || notes_stage::shared(&vault, &settings, &lab, &store, &paths, &known),
            || notes_stage::context(&global, &store, &paths, &known, &lab),
        );
        opts.progress.say("rendering cards");
        let places = notes_stage::places(&paths, &cache, &store);
        clock.lap("names and context");
        let stage = notes_stage::Inputs {
            store: &store,
            paths: &paths,
            digests: &digests,
            known: &known,
            places: &places,
            volatile: &volatile,
            context,
            cache: &cache,
            shared: &shared,
            templates: &templates,
            settings: &settings,
            spool: spool.as_ref(),
        };
        let mut made = notes_stage::make(&stage)?;
        clock.lap("notes: parse and render, or cache");
        // Every name of every note, freed on a worker: the main thread goes on meanwhile.
        let index = std::mem::take(&mut shared.index);
        rayon::spawn(move || drop(index));
        report.diagnostics.append(&mut made.type_diagnostics);
        (lab, std::mem::take(&mut made.types), made)
    };
    // Every note's parse and text is freed, and the memory is handed back to the system: before
    // the cards are gathered into one list, and again before the outputs, which build the deck's
    // collection. When fewer than a tenth of the notes were built, little was freed: handing it back would
    // cost more than it saves. Measured after one edit: 10,000 notes, 2 to 8 ms less and a peak
    // 12 MiB higher (111 MiB); 100,000 notes, 780 MiB instead of 650 MiB (cards taken from the
    // cache leave their fields there, so an edit build's peak is far below a cold one's).
    let trim = made.rebuilt * 10 >= made.made.len();
    if trim {
        opts.trim();
    }
    report.rebuilt = made.rebuilt;
    // The vault's link lints, while every note's cards are gathered into one list.
    let (links, made_cards): (Vec<_>, Vec<_>) =
        made.made.into_iter().map(|m| (m.links, (m.diagnostics, m.cards))).unzip();
    let (summary, cards) = rayon::join(
        || lints::summarize(paths.iter().copied().zip(&links), settings.lints.unresolved_links),
        || {
            let mut cards: Vec<Card> = Vec::with_capacity(made_cards.iter().map(|(_, c)| c.len()).sum());
            let mut diagnostics = Vec::new();
            for (diags, note_cards) in made_cards {
                diagnostics.extend(diags);
                cards.extend(note_cards);
            }
            (cards, diagnostics)
        },
    );
    let (mut cards, diagnostics) = cards;
    clock.lap("cards gathered, vault link lints");
    report.diagnostics.extend(summary);
    report.diagnostics.extend(diagnostics);
    rayon::spawn(move || drop(links));
    let mut entries = made.entries;
    // Each entry keeps its note's stamp, if it can tell the next build that the note is unchanged.
    for ((key, _), stamp) in entries.iter_mut().zip(&vault.stamps) {
        key.stamp = record::settled(stamp, vault.listed).then_some(*stamp);
    }
    let (models, diags) = cards::notetypes::models(&mut cards, &types);
    report.diagnostics.extend(cards::duplicates(&cards));
    for c in &cards {
        *report.syntaxes.entry(c.syntax).or_default() += 1;
    }
    report.diagnostics.extend(diags);
    clock.lap("note types and duplicates");

    opts.progress.say(&format!("giving {} cards their identity", cards.len()));
    let lock = lock.wait()?;
    let present: foldhash::HashSet<&str> = vault.notes.iter().map(|n| n.rel.as_str()).collect();
    let (mut new_lock, diags) = identity::assign(&mut cards, &present, &lock, opts.now);
    report.diagnostics.extend(diags);
    let live: Vec<&str> = cards.iter().map(|c| c.guid.as_str()).collect();
    report.orphans = Orphans::new(&lock, &new_lock, &live);
    if opts.forget_orphans {
        report.orphans = Orphans { forgotten: new_lock.gone.len(), ..Orphans::default() };
        new_lock.gone.clear();
    }
    // The state the build read is needed no more: only whether the new one differs. That is
    // found while the cards Anki will make of the notes are counted.
    let (changed, anki_cards) = rayon::join(
        || new_lock != lock,
        || {
            let per_note = |c: &Card| match models.iter().find(|m| m.name == c.type_name()) {
                Some(m) if m.cloze => c.cloze_numbers().len(),
                Some(m) => m.templates.len(),
                None => 1,
            };
            cards.par_iter().map(per_note).sum::<usize>()
        },
    );
    drop(lock);
    clock.lap("identity");
    report.anki_cards = anki_cards;
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
    let wanted = match opts.report {
        ReportMode::Always => true,
        ReportMode::Never => false,
        ReportMode::Auto => !lab.experiments.is_empty() || !report.claims.is_empty(),
    };
    let literate = wanted && set_out.is_some();
    if literate {
        opts.progress.say("writing the report");
    }
    let literate = literate.then(|| {
        let mut diagnostics = report.diagnostics.clone();
        finish_diagnostics(&vault, &mut diagnostics);
        // The report shows every note's prose: all of them are parsed (again: the report is for
        // literate vaults, which are small).
        let store = Store::new(&vault, &root_deck, &settings);
        let all: Vec<&Note> = (0..store.len()).into_par_iter().filter_map(|i| store.note(i)).collect();
        let shared = notes_stage::shared(&vault, &settings, &lab, &store, &paths, &known);
        let render_md = |n: &Note, md: &str| {
            let trace = Trace::default();
            let media = VaultMedia::for_note(&shared, &n.path, &trace);
            crate::markdown::render(md, crate::markdown::Style::default(), &media).html
        };
        outputs::report::render(&outputs::report::Inputs {
            vault_name: &shared.vault_name,
            notes: &all,
            lab: &lab,
            claims: &report.claims,
            cards: &report.cards,
            diagnostics: &diagnostics,
            block_markers: (&settings.blocks.begin_note, &settings.blocks.end_note),
            render: &render_md,
        })
    });
    clock.lap("report");
    // The notes' text has been read for the last time: the diagnostics quote their lines now, and
    // the deck is written without the vault in memory.
    attach_sources(&vault, &mut report.diagnostics);
    vault.release_texts();
    if trim {
        opts.trim();
    }
    opts.progress.say("writing the deck");
    let next = spool.map(|spool| cache::Next { spool, global, notes: entries, outcomes: cache::outcomes(&lab) });
    let written = Written {
        lab: &lab,
        models: &models,
        templates: &templates,
        root_deck: &root_deck,
        inputs: &inputs,
        state: print.as_ref(),
        stamps: stamps.as_deref(),
        report: literate.as_deref(),
        cache: std::sync::Mutex::new(next),
    };
    write_outputs(&vault, opts, out, &state, (new_lock, changed), &written, &mut report)?;
    clock.lap("outputs");
    Ok(report)
}

/// The identity state the build started from, being read on its own thread.
struct StateRead(std::thread::JoinHandle<anyhow::Result<Lock>>);

impl StateRead {
    /// The state, once it is read.
    fn wait(self) -> anyhow::Result<Lock> {
        self.0.join().map_err(|_| anyhow::anyhow!("reading the identity state failed unexpectedly"))?
    }
}

/// Whether `--out` names a single deck file rather than a folder.
fn is_deck_file(out: &Path) -> bool {
    out.extension().is_some_and(|e| e.eq_ignore_ascii_case("apkg"))
}

/// The vault as a literate document, in the output folder.
pub const REPORT: &str = "report.html";

/// The list of cards that left the vault, in the output folder.
pub const ORPHANS: &str = "orphans.txt";

/// Sorts the diagnostics and gives each the text of the line it points at.
fn finish_diagnostics(vault: &Vault, diags: &mut [Diagnostic]) {
    diagnostics::sort(diags);
    attach_sources(vault, diags);
}

/// Gives each diagnostic that has none the text of the line it points at, while the vault still
/// holds its notes' text (see [`Vault::release_texts`]).
fn attach_sources(vault: &Vault, diags: &mut [Diagnostic]) {
    let wanted: HashSet<&str> = diags.iter().filter(|d| d.source.is_none()).map(|d| d.file.as_str()).collect();
    let texts: HashMap<&str, crate::vault::Content> =
        vault.notes.iter().filter(|n| wanted.contains(n.rel.as_str())).map(|n| (n.rel.as_str(), n.content())).collect();
    diagnostics::attach_sources(diags, |file| texts.get(file).map(|c| c.bytes()).filter(|b| !b.is_empty()));
}
