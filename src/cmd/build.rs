//! `studygen build`: the vault becomes a deck.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use studygen::build::{self, Options};

/// Builds `vault` into `out`.
pub(crate) fn run(
    vault: &Path,
    out: &Path,
    state: Option<PathBuf>,
    force: bool,
    print: super::Print,
) -> anyhow::Result<ExitCode> {
    let mut opts = Options::new(vault, Some(out.to_owned()));
    opts.force = force;
    opts.state = state;
    let report = build::run(&opts)?;
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
    Ok(code)
}

/// A path as printed: control characters escaped.
fn shown(path: &Path) -> String {
    studygen::diagnostics::printable(&path.display().to_string()).into_owned()
}
