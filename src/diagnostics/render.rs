//! Diagnostics as text: for a person at a terminal (with the source line and a caret under the
//! column, as rustc prints them), as JSON lines, and as GitHub workflow annotations.

use std::fmt::Write;

use super::{Diagnostic, Severity, printable};

/// The terminal form, with ANSI colours when `color`:
///
/// ```text
/// error[claim-failed]: claim does not hold: `s.rate ≈ 0.5 ± 0.01`: expected 0.5 ± 0.01, measured 0.61
///   --> saddles.md:12:1
///    |
/// 12 | s.rate ≈ 0.5 ± 0.01
///    | ^
///   = hint: fix the note's claim, or the experiment if the claim is right
/// ```
pub fn terminal(d: &Diagnostic, color: bool) -> String {
    let paint = |style: &str, text: &str| if color { format!("\x1b[{style}m{text}\x1b[0m") } else { text.to_owned() };
    let level = match d.severity {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
        Severity::Info => "1;36",
    };
    let blue = "1;34";
    let mut out = String::new();
    let head = format!("{}[{}]", d.severity.as_str(), d.code.as_str());
    let _ = write!(out, "{}{} {}", paint(level, &head), paint("1", ":"), printable(&d.message));
    let _ = write!(out, "\n  {} {}", paint(blue, "-->"), printable(&d.location()));
    if let Some(source) = &d.source {
        let number = d.line.to_string();
        let pad = " ".repeat(number.len());
        // Tabs become one space each, so that the caret stands under the column's character.
        let line = printable(&source.replace('\t', " ")).into_owned();
        let _ = write!(out, "\n{pad} {}", paint(blue, "|"));
        let _ = write!(out, "\n{} {} {line}", paint(blue, &number), paint(blue, "|"));
        if d.col > 0 {
            let _ = write!(out, "\n{pad} {} {}{}", paint(blue, "|"), " ".repeat(d.col - 1), paint(level, "^"));
        }
    }
    if let Some(hint) = &d.hint {
        let _ = write!(out, "\n  = {}: {}", paint("1", "hint"), printable(hint));
    }
    out
}

/// One JSON object on one line: `file` (the vault's path joined with the note's, as given on
/// the command line), `line`, `col` (0 when unknown), `severity`, `code`, `message`, `hint`.
pub fn json(d: &Diagnostic, vault: &str) -> String {
    serde_json::json!({
        "file": joined(vault, &d.file),
        "line": d.line,
        "col": d.col,
        "severity": d.severity.as_str(),
        "code": d.code.as_str(),
        "message": d.message,
        "hint": d.hint,
    })
    .to_string()
}

/// A GitHub Actions workflow command, which the run's page shows at the file and line:
/// `::error file=notes/a.md,line=3,col=1,title=claim-failed::…`.
pub fn github(d: &Diagnostic, vault: &str) -> String {
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut props = format!("file={}", property(&joined(vault, &d.file)));
    if d.line > 0 {
        let _ = write!(props, ",line={}", d.line);
        if d.col > 0 {
            let _ = write!(props, ",col={}", d.col);
        }
    }
    let _ = write!(props, ",title={}", property(d.code.as_str()));
    let mut message = d.message.clone();
    if let Some(hint) = &d.hint {
        let _ = write!(message, "\nhint: {hint}");
    }
    format!("::{level} {props}::{}", data(&message))
}

/// `vault/file` with `/` separators; just `file` for the current folder.
fn joined(vault: &str, file: &str) -> String {
    let vault = vault.trim_end_matches(['/', '\\']);
    if vault.is_empty() || vault == "." { file.to_owned() } else { format!("{vault}/{file}") }
}

/// A workflow command's message, escaped as the runner expects.
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A workflow command's property value, escaped as the runner expects.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Code;

    fn sample() -> Diagnostic {
        let mut d = Diagnostic::error(Code::ClaimFailed, "sub/a.md", 12, 5, "claim does not hold: 50% off")
            .with_hint("fix it: now");
        d.source = Some("x ≈\t1 ± 2".into());
        d
    }

    #[test]
    fn terminal_shows_the_line_and_a_caret_under_the_column() {
        let shown = terminal(&sample(), false);
        assert_eq!(
            shown,
            "error[claim-failed]: claim does not hold: 50% off\n  --> sub/a.md:12:5\n   |\n12 | x ≈ 1 ± 2\n   |     ^\n  = hint: fix it: now"
        );
        // The caret is under the fifth character, `1`.
        let lines: Vec<&str> = shown.lines().collect();
        let caret = lines[4].chars().position(|c| c == '^').unwrap();
        assert_eq!(lines[3].chars().nth(caret), Some('1'));
        assert!(terminal(&sample(), true).contains("\x1b[1;31merror[claim-failed]\x1b[0m"));
    }

    #[test]
    fn json_has_every_field() {
        let v: serde_json::Value = serde_json::from_str(&json(&sample(), "notes/")).unwrap();
        assert_eq!(v["file"], "notes/sub/a.md");
        assert_eq!((v["line"].as_u64(), v["col"].as_u64()), (Some(12), Some(5)));
        assert_eq!((v["severity"].as_str(), v["code"].as_str()), (Some("error"), Some("claim-failed")));
        assert_eq!(v["hint"], "fix it: now");
    }

    #[test]
    fn github_annotations_escape_what_the_runner_reads() {
        assert_eq!(
            github(&sample(), "notes"),
            "::error file=notes/sub/a.md,line=12,col=5,title=claim-failed::claim does not hold: 50%25 off%0Ahint: fix it: now"
        );
        let d = Diagnostic::warning(Code::LinkUnresolved, "a,b:c.md", 0, 0, "x");
        assert_eq!(github(&d, "."), "::warning file=a%2Cb%3Ac.md,title=link-unresolved::x");
    }
}
