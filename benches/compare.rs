//! The side-by-side measurement the speed targets are judged by: `cargo bench --bench compare`
//! runs `../shared/bench/compare.py` on the benchmark binary (the release profile), which builds a
//! generated vault cold, after no change and after one edited note, next to the physical floor
//! measured in the same run, and prints cold/floor, noop/cold, edit/cold and peak RSS.
//!
//! `STUDYGEN_BENCH_NOTES` (default 10000) and `STUDYGEN_BENCH_RUNS` (default 5) size it;
//! `STUDYGEN_BENCH_GENANKI=1` adds the plain Python genanki pipeline.

use std::path::Path;
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/compare.py");
    if !script.exists() {
        eprintln!(
            "compare: {} is missing; it comes with the project's shared folder (../shared beside the repository)",
            script.display()
        );
        return ExitCode::FAILURE;
    }
    let var = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
    let mut cmd = Command::new("python3");
    cmd.arg(&script)
        .args(["--studygen", env!("CARGO_BIN_EXE_studygen")])
        .args(["--notes", &var("STUDYGEN_BENCH_NOTES", "10000")])
        .args(["--runs", &var("STUDYGEN_BENCH_RUNS", "5")]);
    if std::env::var_os("STUDYGEN_BENCH_GENANKI").is_some() {
        cmd.arg("--genanki");
    }
    match cmd.status() {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(s) => {
            eprintln!("compare: compare.py exited with {s}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("compare: cannot run python3: {e}");
            ExitCode::FAILURE
        }
    }
}
