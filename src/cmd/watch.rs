//! `studygen watch`: build, then rebuild whenever the vault changes, and print only what changed.
//!
//! File events are gathered until the vault has been quiet for a moment (an editor's save is
//! several events), then one build runs. A build that fails is reported and the watch goes on.
//! Every build replaces the output set at once, so stopping the watch (Ctrl-C) at any moment
//! leaves the last complete set.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};
use studygen::build::{self, Options, Report};
use studygen::changes::Changes;

/// How long the vault must be quiet before a rebuild.
const QUIET: Duration = Duration::from_millis(150);

/// Builds `vault` into `out`, then again after every change, until interrupted.
pub(crate) fn run(vault: &Path, out: &Path, state: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let mut opts = Options::new(vault, Some(out.to_owned()));
    opts.trim = Some(crate::trim);
    opts.state = state;
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |e: notify::Result<notify::Event>| {
        if let Ok(e) = e {
            let _ = tx.send(e);
        }
    })?;
    // Events name absolute paths: compare them with absolute ones.
    let root = std::fs::canonicalize(vault).unwrap_or_else(|_| vault.to_owned());
    watcher.watch(&root, RecursiveMode::Recursive)?;
    let out_abs = std::path::absolute(out).unwrap_or_else(|_| out.to_owned());
    let out_abs = std::fs::canonicalize(&out_abs).unwrap_or(out_abs);

    let mut last = build_once(&opts, None);
    eprintln!("watching {} (Ctrl-C to stop)", shown(vault));
    // Wait for a change that matters, then for quiet.
    while let Ok(first) = rx.recv() {
        if !matters(&first, &root, &out_abs) {
            continue;
        }
        while rx.recv_timeout(QUIET).is_ok() {}
        // Rebuild from scratch each time: a rebuild with nothing changed is cheap (the build record).
        opts.now = Options::new(vault, None).now;
        last = build_once(&opts, last.as_ref());
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether an event can change the build: not in the output folder, studygen's own state, or a
/// hidden folder (`.obsidian` holds the plugins' settings, which count).
fn matters(e: &notify::Event, vault: &Path, out: &Path) -> bool {
    if matches!(e.kind, notify::EventKind::Access(_)) {
        return false;
    }
    e.paths.iter().any(|p| {
        if p.starts_with(out) {
            return false;
        }
        let rel = p.strip_prefix(vault).unwrap_or(p);
        let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        let hidden = parts.iter().any(|c| c.starts_with('.') && c != ".obsidian");
        let temp = parts.last().is_some_and(|n| n.starts_with(".studygen-tmp-") || n.ends_with('~'));
        !hidden && !temp
    })
}

/// One build, printing what changed since `previous` (everything, the first time). Returns the
/// report to compare the next build with, or the previous one when this build failed.
fn build_once(opts: &Options, previous: Option<&Report>) -> Option<Report> {
    let start = Instant::now();
    let report = match build::run(opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {}", studygen::diagnostics::printable(&format!("{e:#}")));
            return previous.map(clone_report);
        }
    };
    let ms = start.elapsed().as_millis();
    let Some(previous) = previous else {
        let failed = report.claims.iter().filter(|c| !c.pass).count();
        eprintln!(
            "built in {ms} ms: {} cards, {} claims ({failed} failing), {} errors, {} warnings",
            report.cards.len(),
            report.claims.len(),
            report.errors(),
            report.warnings()
        );
        for d in &report.diagnostics {
            eprintln!("{d}\n");
        }
        return Some(report);
    };
    if report.unchanged {
        eprintln!("rebuilt in {ms} ms: nothing changed");
        return Some(clone_report(previous));
    }
    let c = Changes::between(previous, &report);
    print(&c, ms);
    if report.written.is_empty() {
        eprintln!("  nothing written: the notes' claims or experiments have errors; the last good outputs stay");
    }
    Some(report)
}

fn print(c: &Changes, ms: u128) {
    if c.is_empty() {
        eprintln!("rebuilt in {ms} ms: no card, claim or diagnostic changed");
        return;
    }
    eprintln!(
        "rebuilt in {ms} ms: {} card(s) added, {} changed, {} removed; {} claim(s) newly failing, {} fixed, {} new; {} new diagnostic(s), {} resolved",
        c.added.len(),
        c.changed.len(),
        c.removed.len(),
        c.failing.len(),
        c.fixed.len(),
        c.new_claims,
        c.new_diagnostics.len(),
        c.resolved
    );
    for (note, line) in &c.added {
        eprintln!("  + card {}:{line}", shown(Path::new(note)));
    }
    for (note, line) in &c.changed {
        eprintln!("  ~ card {}:{line}", shown(Path::new(note)));
    }
    for (note, guid) in &c.removed {
        eprintln!("  - card from {} (GUID {guid})", shown(Path::new(note)));
    }
    for v in &c.failing {
        eprintln!("  ✗ claim `{}` at {}:{}: expected {}, measured {}", v.text, v.file, v.line, v.expected, v.measured);
    }
    for v in &c.fixed {
        eprintln!("  ✓ claim `{}` at {}:{} holds again", v.text, v.file, v.line);
    }
    for d in &c.new_diagnostics {
        eprintln!("{d}\n");
    }
}

/// The parts of a report the next comparison needs.
fn clone_report(r: &Report) -> Report {
    Report { cards: r.cards.clone(), claims: r.claims.clone(), diagnostics: r.diagnostics.clone(), ..Report::default() }
}

fn shown(path: &Path) -> String {
    studygen::diagnostics::printable(&path.display().to_string()).into_owned()
}
