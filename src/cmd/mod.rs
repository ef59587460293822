//! One module per subcommand, plus the report printing they share.

pub(crate) mod build;
pub(crate) mod check;

use std::process::ExitCode;

use studygen::build::Report;

/// Prints every diagnostic to stderr, then a summary; returns the exit code.
pub(crate) fn finish(report: &Report, deny_warnings: bool) -> ExitCode {
    for d in &report.diagnostics {
        eprintln!("{d}\n");
    }
    let failed = report.errors() > 0 || (deny_warnings && report.warnings() > 0);
    if !report.claims.is_empty() {
        let passed = report.claims.iter().filter(|c| c.pass).count();
        eprintln!(
            "claims: {} checked, {passed} passed, {} failed ({} experiments)",
            report.claims.len(),
            report.claims.len() - passed,
            report.experiments
        );
    }
    eprintln!(
        "{} notes, {} cards: {} errors, {} warnings",
        report.notes,
        report.card_count,
        report.errors(),
        report.warnings()
    );
    if failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
}
