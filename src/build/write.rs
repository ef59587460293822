//! Writing a build's outputs: the identity state first, then the output set (the deck,
//! `cards.txt`, figures, the report, the cache and the build record), committed as one.

use std::collections::HashSet;
use std::path::Path;

use anyhow::Context as _;

use super::{ORPHANS, Options, REPORT, Report, finish_diagnostics, is_deck_file};
use crate::cache;
use crate::cards::{self, identity};
use crate::diagnostics::{Code, Diagnostic};
use crate::experiments::Lab;
use crate::outputs::staging::{RECORD, Staging};
use crate::outputs::{self, Media, apkg, atomic, record, state, text};
use crate::resolve::collect_media;
use crate::templates::Templates;
use crate::vault::Vault;

/// What the outputs are made of, besides the report's cards.
pub(super) struct Written<'a> {
    pub(super) lab: &'a Lab,
    pub(super) models: &'a [cards::notetypes::Model],
    pub(super) templates: &'a Templates,
    pub(super) root_deck: &'a str,
    /// The hash of the build's inputs but the identity state ([`record::inputs`]).
    pub(super) inputs: &'a str,
    /// The identity file as the build found it: unless the build wrote it, it is not read again.
    pub(super) state: Option<&'a state::Print>,
    /// The same from the notes' stamps ([`record::stamps`]), when they can tell.
    pub(super) stamps: Option<&'a str>,
    /// `report.html`, when it is written.
    pub(super) report: Option<&'a str>,
    /// The inputs' hash besides the notes, every note's cache entry, and the experiments' outcomes.
    pub(super) cache: std::sync::Mutex<Option<cache::Next>>,
}

/// Writes the identity state, then stages the deck, `cards.txt`, the figures and the build record,
/// and commits them to `out` as one set. The caller holds the build lock ([`outputs::lock`]).
pub(super) fn write_outputs(
    vault: &Vault,
    opts: &Options,
    out: &Path,
    state: &state::Place,
    (new_lock, changed): (identity::Lock, bool),
    w: &Written<'_>,
    report: &mut Report,
) -> anyhow::Result<()> {
    if is_deck_file(out) {
        return write_deck_file(vault, opts, out, state, (&new_lock, changed), w, report);
    }
    let apkg_name = format!("{}.apkg", outputs::safe_file_name(w.root_deck));
    let staging = Staging::begin(
        out,
        &[
            &apkg_name,
            text::FILE,
            text::INDEX,
            "figures",
            ORPHANS,
            REPORT,
            state::IN_OUT,
            cache::FILE,
            apkg::COLLECTION,
            apkg::INDEX,
        ],
    )?
    .leave_unsynced(cache::FILE);

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
    // The state as the next build finds it: in the vault (or --state), or in the output set.
    let state_now = state::Place::new(&vault.root, opts.state.as_deref(), Some(&staging.path("")));
    // The identity state, then the cache (which keeps a copy of it), on a thread of their own:
    // the state is flushed to disk before the deck may be committed, and while that waits, the
    // package and the text export have both cores. All of them are written before the commit.
    let (apkg, (saved, txt)) = std::thread::scope(|s| {
        let state_job = s.spawn(|| {
            // Dropped once written: a large vault's state is megabytes.
            let new_lock = new_lock;
            let saved = save_state(opts, out, state, (&new_lock, changed))?;
            if saved.0 {
                staging.stream(state::IN_OUT, |out| new_lock.write_json(out))?;
            }
            // The file just written is known by the print made as it was written.
            let known: Vec<&state::Print> = saved.2.iter().chain(w.state).collect();
            let print = state_now.print_known(&known);
            let cached = match w.cache.lock().ok().and_then(|mut c| c.take()) {
                Some(next) => {
                    let path = staging.path(cache::FILE);
                    let state = print.as_ref().map(|p| (p, &new_lock));
                    next.write_to(&path, state).with_context(|| format!("cannot write `{}`", path.display()))
                }
                None => Ok(()),
            };
            Ok::<_, anyhow::Error>((saved.1, print, cached))
        });
        let (apkg, txt) = rayon::join(
            || {
                let keep = apkg::Keep { old: out, new: &staging.path("") };
                apkg::write(&apkg_path, &report.cards, w.models, &media, w.templates, opts.now, Some(keep))
                    .with_context(|| format!("cannot write `{apkg_name}`"))
            },
            || {
                let previous = text::Previous::load(out);
                let mut index = None;
                staging.stream(text::FILE, |f| {
                    index = Some(text::write(f, &report.cards, w.models, previous.as_ref())?);
                    Ok(())
                })?;
                // Without its index the next build writes every line; the file is complete either way.
                index.map_or(Ok(()), |i| i.save(&staging.path("")))
            },
        );
        let saved =
            state_job.join().unwrap_or_else(|_| Err(anyhow::anyhow!("writing the identity state failed unexpectedly")));
        (apkg, (saved, txt))
    });
    let (saved, print, cached) = saved?;
    report.diagnostics.extend(saved);
    report.deck = apkg?;
    txt?;
    cached?;
    finish_diagnostics(vault, &mut report.diagnostics);
    report.card_count = report.cards.len();
    // The record is written last, and fingerprints the state as it now is.
    let record = record::Record {
        fingerprint: record::fingerprint(w.inputs, print.as_ref()),
        quick: w.stamps.map(|s| record::quick_fingerprint(s, &state_now)).unwrap_or_default(),
        report: std::mem::take(report),
        files: record::list(&staging.path("")),
    };
    let written = staging.write(RECORD, serde_json::to_string(&record)?.as_bytes());
    *report = record.report;
    written?;
    staging.commit()?;
    report.written = vec![out.join(apkg_name), out.join(text::FILE)];
    Ok(())
}

/// Writes the identity state, before the deck is committed: a state that knows more cards than
/// the deck does no harm, but a deck whose cards the state forgot would get new GUIDs on the next
/// build. `changed` says whether it differs from the state the build read. Returns whether it
/// must go into the output set instead (the vault cannot be written, and no `--state`), with the
/// warning that says so, and the print of the file it wrote.
fn save_state(
    opts: &Options,
    out: &Path,
    state: &state::Place,
    (new_lock, changed): (&identity::Lock, bool),
) -> anyhow::Result<(bool, Option<Diagnostic>, Option<state::Print>)> {
    let (target, why_not) = state.target();
    let source = state.source();
    if let state::Target::File(path) = &target
        && let Some(dir) = path.parent()
    {
        // What a killed build left there; the vault's lock is held, so it is no running build's.
        atomic::remove_stale(dir);
    }
    Ok(match target {
        state::Target::File(path) if changed || source.as_ref() != Some(&path) => match state::write(&path, new_lock) {
            Ok(print) => (false, None, Some(print)),
            Err(e) if opts.state.is_some() => return Err(e),
            Err(e) => (true, Some(state_warning(out, &format!("{e:#}"))), None),
        },
        state::Target::File(_) => (false, None, None),
        state::Target::Out => {
            (true, Some(state_warning(out, why_not.as_deref().unwrap_or("the vault cannot be written"))), None)
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
    new_lock: (&identity::Lock, bool),
    w: &Written<'_>,
    report: &mut Report,
) -> anyhow::Result<()> {
    if out.is_dir() {
        anyhow::bail!("`{}` is a folder; give --out a folder, or the path of the .apkg file to write", out.display());
    }
    let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    if save_state(opts, out, state, new_lock)?.0 {
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
    report.deck = apkg::write(out, &report.cards, w.models, &media, w.templates, opts.now, None)
        .with_context(|| format!("cannot write `{}`", out.display()))?;
    finish_diagnostics(vault, &mut report.diagnostics);
    report.card_count = report.cards.len();
    report.written = vec![out.to_owned()];
    Ok(())
}

/// The warning that the identity state went into the output set.
fn state_warning(out: &Path, why: &str) -> Diagnostic {
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
    ))
}
