//! The README is the user's manual: it documents every experiment kind and parameter, and CI runs
//! exactly its test command.

mod common;

use common::repo;
use studygen::experiments::KINDS;

fn readme() -> String {
    std::fs::read_to_string(repo().join("README.md")).unwrap()
}

#[test]
fn every_kind_and_parameter_is_documented() {
    let text = readme();
    for (kind, params) in KINDS {
        let at = text.find(&format!("#### `{kind}`")).unwrap_or_else(|| panic!("README has no section for `{kind}`"));
        let section = &text[at..];
        let section = &section[..section[5..].find("\n###").map_or(section.len(), |e| e + 5)];
        for p in params {
            assert!(section.contains(&format!("| `{}` |", p.name)), "README's `{kind}` table lacks `{}`", p.name);
        }
    }
}

#[test]
fn ci_runs_exactly_the_readme_test_command() {
    let text = readme();
    let ci = std::fs::read_to_string(repo().join(".ci/run")).unwrap();
    let cmd = ci.lines().rfind(|l| !l.starts_with('#') && !l.trim().is_empty()).unwrap().trim();
    assert_eq!(cmd, "cargo test");
    assert!(text.contains(&format!("```sh\n{cmd}\n```")), "the README gives `{cmd}` as the test command");
    assert!(text.contains("```sh\ncargo run --release -- build notes/\n```"));
}

#[test]
fn every_diagnostic_code_is_documented() {
    let text = readme();
    for code in studygen::diagnostics::Code::ALL {
        assert!(
            text.contains(&format!("| `{}` | {} |", code.as_str(), code.doc())),
            "README's table of codes lacks `{}`",
            code.as_str()
        );
    }
}
