//! One module per subcommand, plus the report printing they share.

pub(crate) mod build;
pub(crate) mod check;

use std::process::ExitCode;

use studygen::build::Report;

/// Prints every diagnostic to stderr, then a summary; returns the exit code.
pub(crate) fn finish(report: &Report, deny_warnings: bool) -> ExitCode {
    if report.settings_read.is_empty() {
        eprintln!("settings: none found (studygen.toml, .obsidian/plugins/*/data.json); the defaults are used");
    } else {
        eprintln!("settings: read {}", report.settings_read.join(", "));
    }
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
    let by_syntax: Vec<String> = report.syntaxes.iter().map(|(s, n)| format!("{n} {}", s.label())).collect();
    let by_syntax = if by_syntax.is_empty() { String::new() } else { format!(" ({})", by_syntax.join(", ")) };
    let infos = report.diagnostics.iter().filter(|d| d.severity == studygen::diagnostics::Severity::Info).count();
    eprintln!(
        "{} files: {} notes{by_syntax}, {} cards: {} errors, {} warnings{}",
        report.notes,
        report.card_count,
        report.anki_cards,
        report.errors(),
        report.warnings(),
        if infos > 0 { format!(", {infos} info") } else { String::new() }
    );
    if failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
}
