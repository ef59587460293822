//! Fixture vaults with expected output: each `tests/fixtures/<name>/vault` builds to exactly
//! `tests/fixtures/<name>/expected/cards.txt`. Set `UPDATE_EXPECT=1` to rewrite the expectations
//! after a deliberate change, and review the diff.

mod common;

use common::{copy_vault, repo};

fn check_fixture(name: &str) {
    check_fixture_at(name, "");
}

/// Builds a fixture whose vault has broken cards: the build exits 1, writes every good card, and
/// reports exactly the expected diagnostics, in each format: `expected/diagnostics.txt` (for
/// people: message, place, source line and caret, hint), `diagnostics.jsonl` (`--format json`)
/// and `diagnostics.github` (`--format github`).
fn check_fixture_with_errors(name: &str) {
    let dir = repo().join("tests/fixtures").join(name);
    let (_tmp, vault) = copy_vault(&dir.join("vault"), "vault");
    let root = vault.parent().unwrap();
    let studygen = |args: &[&str]| {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_studygen"))
            .args(args)
            .current_dir(root)
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{}", common::stderr(&o));
        o
    };
    let o = studygen(&["build", "vault", "--out", "out"]);
    let err = common::stderr(&o);
    // Everything but the settings line and the summary at the end.
    let human: String = err
        .lines()
        .filter(|l| !l.starts_with("settings: ") && !l.starts_with("wrote ") && !l.starts_with("the broken cards"))
        .take_while(|l| !l.contains(" files: "))
        .map(|l| format!("{l}\n"))
        .collect();
    let json = common::stdout(&studygen(&["check", "vault", "--format", "json"]));
    let github = common::stdout(&studygen(&["check", "vault", "--format", "github"]));
    let cards = std::fs::read_to_string(root.join("out/cards.txt")).unwrap();
    for (file, text) in [
        ("diagnostics.txt", &human),
        ("diagnostics.jsonl", &json),
        ("diagnostics.github", &github),
        ("cards.txt", &cards),
    ] {
        let path = dir.join("expected").join(file);
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        }
        let expected = std::fs::read_to_string(&path).expect("expected output exists (UPDATE_EXPECT=1 writes it)");
        assert_eq!(*text, expected, "{file} of fixture `{name}` differs from {}", path.display());
    }
    // Every JSON line is an object with the documented fields.
    for line in json.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        for key in ["file", "line", "col", "severity", "code", "message", "hint"] {
            assert!(v.get(key).is_some(), "{key} in {line}");
        }
        assert!(v["file"].as_str().unwrap().starts_with("vault/"));
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

#[test]
fn no_block_sits_inside_a_paragraph() {
    // HTML does not allow a `<div>` (an embed, a callout) inside a `<p>`: browsers split the
    // paragraph and the card's layout breaks.
    for entry in std::fs::read_dir(repo().join("tests/fixtures")).unwrap() {
        let path = entry.unwrap().path().join("expected/cards.txt");
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        for part in text.split("<p>").skip(1) {
            let inside = part.split("</p>").next().unwrap();
            assert!(!inside.contains("<div"), "{}: a <div> inside <p>{inside}</p>", path.display());
        }
    }
}
