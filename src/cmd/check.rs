//! `studygen check`: every check of `build`, writing nothing. Made for CI.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use studygen::build::{self, Options};

/// Checks `vault`.
pub(crate) fn run(vault: &Path, state: Option<PathBuf>, print: super::Print) -> anyhow::Result<ExitCode> {
    let mut opts = Options::new(vault, None);
    opts.trim = Some(crate::trim);
    opts.state = state;
    let (bar, progress) = super::spinner();
    opts.progress = progress;
    let report = build::run(&opts);
    bar.finish_and_clear();
    let report = report?;
    Ok(super::finish(&report, vault, print))
}
