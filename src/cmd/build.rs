//! `studygen build`: the vault becomes a deck.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use studygen::build::{self, Options};

/// The options of `build` beyond the vault, the output and printing.
pub(crate) struct Flags {
    /// `--state DIR`.
    pub(crate) state: Option<PathBuf>,
    /// `--force`.
    pub(crate) force: bool,
    /// `--forget-orphans`.
    pub(crate) forget_orphans: bool,
    /// `--report`.
    pub(crate) report: crate::cli::Report,
}

/// Builds `vault` into `out`.
pub(crate) fn run(vault: &Path, out: &Path, flags: Flags, print: super::Print) -> anyhow::Result<ExitCode> {
    let mut opts = Options::new(vault, Some(out.to_owned()));
    opts.trim = Some(crate::trim);
    opts.force = flags.force;
    opts.state = flags.state;
    opts.forget_orphans = flags.forget_orphans;
    opts.report = match flags.report {
        crate::cli::Report::Auto => build::ReportMode::Auto,
        crate::cli::Report::Always => build::ReportMode::Always,
        crate::cli::Report::Never => build::ReportMode::Never,
    };
    let (bar, progress) = super::spinner();
    opts.progress = progress;
    let report = build::run(&opts);
    bar.finish_and_clear();
    let report = report?;
    let code = super::finish(&report, vault, print);
    if report.unchanged {
        eprintln!("up to date: nothing changed since the last build into {}", shown(out));
    } else if report.written.is_empty() {
        eprintln!(
            "nothing written: the notes' claims or experiments have errors, and a deck from wrong notes teaches wrong things; fix them, or pass --force"
        );
    } else if report.errors() > 0 {
        eprintln!("the broken cards above were left out; every other card is in the deck");
    }
    for path in &report.written {
        eprintln!("wrote {}", shown(path));
    }
    orphans(&report.orphans, out);
    // The process ends next, and the system takes its memory back at once: freeing every card one
    // by one first would only delay the exit.
    std::mem::forget(report);
    Ok(code)
}

/// Lists the cards that left the vault, and how to delete them in Anki.
fn orphans(o: &build::Orphans, out: &Path) {
    if o.forgotten > 0 {
        eprintln!("orphans: forgot {} card(s) that had left the vault", o.forgotten);
    }
    if o.cards.is_empty() {
        return;
    }
    let mut notes: Vec<String> = o.cards.iter().map(|g| g.note.clone()).collect();
    notes.sort_unstable();
    notes.dedup();
    if notes.len() > 5 {
        let more = format!("{} more notes", notes.len() - 4);
        notes.truncate(4);
        notes.push(more);
    }
    eprintln!(
        "orphans: {} card(s) left the vault ({} since the last build; from {}). A deck cannot delete, so Anki keeps them.",
        o.cards.len(),
        o.new,
        shown(Path::new(&notes.join(", ")))
    );
    if o.search.is_empty() {
        return;
    }
    eprintln!("  to delete them, search Anki's browser for: {}", o.search);
    if out.is_dir() {
        eprintln!(
            "  (also in {}); once deleted, build with --forget-orphans",
            shown(&out.join(studygen::build::ORPHANS))
        );
    } else {
        eprintln!("  once deleted, build with --forget-orphans");
    }
}

/// A path as printed: control characters escaped.
fn shown(path: &Path) -> String {
    studygen::diagnostics::printable(&path.display().to_string()).into_owned()
}
