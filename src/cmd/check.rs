//! `studygen check`: every check of `build`, writing nothing. Made for CI.

use std::path::Path;
use std::process::ExitCode;

use studygen::build::{self, Options};

/// Checks `vault`.
pub(crate) fn run(vault: &Path, deny_warnings: bool) -> anyhow::Result<ExitCode> {
    let report = build::run(&Options::new(vault, None))?;
    Ok(super::finish(&report, deny_warnings))
}
