//! One module per subcommand, plus the report printing they share.

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod watch;

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use studygen::build::Report;
use studygen::diagnostics::render;

use crate::cli::Format;

/// A spinner on stderr that shows the stage a build is in and the time so far (only on a
/// terminal; nothing is drawn into a pipe or a CI log), and the [`build::Progress`] that feeds it.
pub(crate) fn spinner() -> (indicatif::ProgressBar, studygen::build::Progress) {
    let bar = indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let feed = bar.clone();
    (bar, studygen::build::Progress::new(move |stage| feed.set_message(stage.to_owned())))
}

/// How a subcommand reports.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Print {
    /// Warnings fail the run.
    pub(crate) deny_warnings: bool,
    /// How diagnostics are printed.
    pub(crate) format: Format,
}

/// Prints every diagnostic (to stderr for people, to stdout as JSON or GitHub annotations), then
/// a summary on stderr; returns the exit code.
pub(crate) fn finish(report: &Report, vault: &Path, print: Print) -> ExitCode {
    let deny_warnings = print.deny_warnings;
    if report.settings_read.is_empty() {
        eprintln!("settings: none found (studygen.toml, .obsidian/plugins/*/data.json); the defaults are used");
    } else {
        eprintln!("settings: read {}", report.settings_read.join(", "));
    }
    let vault = vault.to_string_lossy();
    // Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org).
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    for d in &report.diagnostics {
        match print.format {
            Format::Human => eprintln!("{}\n", render::terminal(d, color)),
            Format::Json => println!("{}", render::json(d, &vault)),
            Format::Github => println!("{}", render::github(d, &vault)),
        }
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
