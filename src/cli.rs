//! The command line, declared with clap.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// The exit codes, shown after every help text.
macro_rules! exit_codes {
    () => {
        "
Exit codes:
  0  success
  1  the vault has errors (or warnings, with --deny-warnings); they are listed with file:line
  2  studygen could not run: bad arguments, a missing vault, an unwritable output folder"
    };
}

const AFTER_HELP: &str = concat!(
    "Examples:
  studygen build                 build notes/ into out/
  studygen check notes/          check the vault, write nothing (for CI)
",
    exit_codes!()
);

const BUILD_HELP: &str = concat!(
    "Examples:
  studygen build                               build notes/ into out/
  studygen build ~/vault --out ~/anki          the deck, cards.txt and figures into ~/anki/
  studygen build ~/vault --out ~/Desktop/ml.apkg   just the deck file
  studygen build --force                       write the deck even while a claim fails
  studygen build /ro/vault --state ~/.cache/sg  a read-only vault; identity kept elsewhere
",
    exit_codes!()
);

const WATCH_HELP: &str = concat!(
    "Examples:
  studygen watch                               rebuild notes/ into out/ on every save
  studygen watch ~/vault --out ~/anki          the same for another vault
",
    exit_codes!()
);

const CHECK_HELP: &str = concat!(
    "Examples:
  studygen check                               check notes/, write nothing
  studygen check ~/vault --deny-warnings       warnings fail too
  studygen check notes --format github         annotations for a GitHub Actions run
  studygen check notes --format json | jq .    one JSON object per diagnostic
",
    exit_codes!()
);

/// Turn an Obsidian vault into an Anki deck, and check what the notes say.
#[derive(Debug, Parser)]
#[command(name = "studygen", version, about, after_help = AFTER_HELP)]
pub(crate) struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// For people: the source line with a caret under the column, on stderr; coloured on a
    /// terminal unless NO_COLOR is set.
    Human,
    /// One JSON object per diagnostic and line on stdout: file, line, col, severity, code,
    /// message, hint.
    Json,
    /// GitHub Actions annotations on stdout (`::error file=…,line=…::…`).
    Github,
}

/// When `build` writes the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Report {
    /// When the vault has experiments or claims.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Build the vault into OUT/<vault>.apkg and OUT/cards.txt.
    #[command(after_help = BUILD_HELP)]
    Build {
        /// The vault's root folder.
        #[arg(default_value = "notes")]
        vault: PathBuf,
        /// Where to write: a folder (the deck, cards.txt, figures), or a path ending in .apkg
        /// (just that deck).
        #[arg(long, short, default_value = "out")]
        out: PathBuf,
        /// Write the deck even when the vault has errors, leaving out the broken cards.
        #[arg(long)]
        force: bool,
        /// Treat warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
        /// Keep the identity state (which GUID each card has) in DIR/identity.json instead of the
        /// vault's .studygen/ folder; for read-only vaults.
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
        /// How to print diagnostics.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// When to write OUT/report.html: auto (when the vault has experiments or claims), always,
        /// never.
        #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
        report: Report,
        /// Stop listing the cards that left the vault (after deleting them in Anki with the
        /// search in OUT/orphans.txt).
        #[arg(long)]
        forget_orphans: bool,
    },
    /// Build, then rebuild on every change to the vault, printing only what changed.
    #[command(after_help = WATCH_HELP)]
    Watch {
        /// The vault's root folder.
        #[arg(default_value = "notes")]
        vault: PathBuf,
        /// Where to write, as for build.
        #[arg(long, short, default_value = "out")]
        out: PathBuf,
        /// Where the identity state is kept, as for build.
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
    },
    /// Parse and check the whole vault without writing anything; exit 1 on any error.
    #[command(after_help = CHECK_HELP)]
    Check {
        /// The vault's root folder.
        #[arg(default_value = "notes")]
        vault: PathBuf,
        /// Treat warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
        /// Read the identity state from DIR/identity.json (see `build --state`).
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
        /// How to print diagnostics.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_is_well_formed() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
