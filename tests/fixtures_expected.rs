//! Fixture vaults with expected output: each `tests/fixtures/<name>/vault` builds to exactly
//! `tests/fixtures/<name>/expected/cards.txt`. Set `UPDATE_EXPECT=1` to rewrite the expectations
//! after a deliberate change, and review the diff.

mod common;

use common::{copy_vault, repo};

fn check_fixture(name: &str) {
    check_fixture_at(name, "");
}

/// Builds a fixture whose vault has broken cards: the build exits 1, writes every good card, and
/// reports exactly `expected/diagnostics.txt` (each diagnostic's first two lines).
fn check_fixture_with_errors(name: &str) {
    let dir = repo().join("tests/fixtures").join(name);
    let (_tmp, vault) = copy_vault(&dir.join("vault"), "vault");
    let out = vault.parent().unwrap().join("out");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_studygen"))
        .args(["build", vault.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    let err = common::stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    let got: String = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with("error: ") || l.starts_with("warning: "))
        .map(|(i, l)| format!("{l}\n{}\n", lines.get(i + 1).unwrap_or(&"")))
        .collect();
    let cards = std::fs::read_to_string(out.join("cards.txt")).unwrap();
    for (file, text) in [("diagnostics.txt", &got), ("cards.txt", &cards)] {
        let path = dir.join("expected").join(file);
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        }
        let expected = std::fs::read_to_string(&path).expect("expected output exists (UPDATE_EXPECT=1 writes it)");
        assert_eq!(*text, expected, "{file} of fixture `{name}` differs from {}", path.display());
    }
}

/// Builds the folder `sub` of the fixture's vault (the plugins' settings may sit above it).
fn check_fixture_at(name: &str, sub: &str) {
    let dir = repo().join("tests/fixtures").join(name);
    let (_tmp, root) = copy_vault(&dir.join("vault"), "vault");
    let vault = root.join(sub);
    let out = root.parent().unwrap().join("out");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_studygen"))
        .args(["build", vault.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::stderr(&o));
    let got = std::fs::read_to_string(out.join("cards.txt")).unwrap();
    let expected_path = dir.join("expected/cards.txt");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::create_dir_all(expected_path.parent().unwrap()).unwrap();
        std::fs::write(&expected_path, &got).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path).expect("expected output exists (UPDATE_EXPECT=1 writes it)");
    assert_eq!(got, expected, "cards of fixture `{name}` differ from {}", expected_path.display());
}

#[test]
fn card_syntaxes_fixture() {
    check_fixture("cards");
}

#[test]
fn embeds_fixture() {
    check_fixture("embeds");
}

#[test]
fn obsidian_quirks_fixture() {
    check_fixture("obsidian");
}

#[test]
fn custom_note_types_fixture() {
    check_fixture("custom-types");
}

#[test]
fn obsidian_to_anki_settings_fixture() {
    check_fixture("ota-settings");
}

#[test]
fn spaced_repetition_settings_fixture() {
    check_fixture("osr-settings");
}

#[test]
fn real_vault_edge_cases_fixture() {
    check_fixture("real-vaults");
}

#[test]
fn notes_below_the_obsidian_folder_fixture() {
    check_fixture_at("ota-subfolder", "notes");
}

#[test]
fn broken_blocks_fixture() {
    check_fixture_with_errors("block-errors");
}

#[test]
fn same_vault_gives_same_guids_anywhere() {
    // Two copies in different places, built at different times, give the same GUIDs.
    let src = repo().join("tests/fixtures/cards/vault");
    let (_a, va) = copy_vault(&src, "vault");
    let (_b, vb) = copy_vault(&src, "vault");
    let guids = |v: &std::path::Path, t: &str| {
        let out = v.parent().unwrap().join("out");
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_studygen"))
            .args(["build", v.to_str().unwrap(), "--out", out.to_str().unwrap()])
            .env("SOURCE_DATE_EPOCH", t)
            .output()
            .unwrap();
        assert!(o.status.success());
        let txt = std::fs::read_to_string(out.join("cards.txt")).unwrap();
        txt.lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.split('\t').next().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(guids(&va, "1700000000"), guids(&vb, "1800000000"));
}
