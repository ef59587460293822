//! Vaults configured for the plugins users already have, imported by the real Anki library: every
//! card studygen reports arrives, none is empty and none shows a blank question.

mod common;

use common::{Anki, apkg_in, build_ok, copy_vault, repo};
use regex::Regex;

/// Builds a fixture vault; returns (the Anki notes, the Anki cards) its summary line reports.
fn build_fixture(name: &str) -> (tempfile::TempDir, std::path::PathBuf, u64, u64) {
    let (tmp, vault) = copy_vault(&repo().join("tests/fixtures").join(name).join("vault"), "vault");
    let out = vault.parent().unwrap().join("out");
    let err = build_ok(&vault, &out);
    let summary = Regex::new(r"(\d+) files: (\d+) notes(?: \([^)]*\))?, (\d+) cards").unwrap();
    let c = summary.captures(&err).unwrap_or_else(|| panic!("no summary line in:\n{err}"));
    (tmp, out, c[2].parse().unwrap(), c[3].parse().unwrap())
}

/// The text a person sees: tags, styles and scripts removed.
fn visible_text(html: &str) -> String {
    let html = Regex::new(r"(?s)<style.*?</style>|<script.*?</script>").unwrap().replace_all(html, "");
    Regex::new(r"<[^>]*>").unwrap().replace_all(&html, "").split_whitespace().collect::<Vec<_>>().join(" ")
}

fn imports_whole_and_never_blank(name: &str, settings_file: &str) {
    let (_tmp, out, notes, cards) = build_fixture(name);
    assert!(
        std::path::Path::new(&repo().join("tests/fixtures").join(name).join("vault").join(settings_file)).is_file()
    );
    let anki = Anki::new();
    let log = anki.import_apkg(&apkg_in(&out));
    assert_eq!(log["new"].as_u64(), Some(notes), "{log}");
    assert_eq!(log["conflicting"].as_u64(), Some(0), "{log}");
    let col = anki.inspect();
    let all = col["cards"].as_array().unwrap();
    assert_eq!(all.len() as u64, cards, "Anki's count of cards equals what studygen printed");
    assert_eq!(col["empty_cards"], 0, "Anki's empty-card check finds nothing");
    for card in all {
        let q = visible_text(card["question"].as_str().unwrap());
        assert!(!q.is_empty(), "a card whose question renders blank: {card}");
        assert!(!q.contains("{{") && !q.contains("$"), "unrendered syntax on a question: {q}");
    }
}

#[test]
fn obsidian_to_anki_settings_vault_imports_into_real_anki() {
    imports_whole_and_never_blank("ota-settings", ".obsidian/plugins/obsidian-to-anki-plugin/data.json");
}

#[test]
fn spaced_repetition_settings_vault_imports_into_real_anki() {
    imports_whole_and_never_blank("osr-settings", ".obsidian/plugins/obsidian-spaced-repetition/data.json");
}

#[test]
fn real_vault_edge_cases_import_into_real_anki() {
    let (_tmp, out, notes, cards) = build_fixture("real-vaults");
    let anki = Anki::new();
    let log = anki.import_apkg(&apkg_in(&out));
    assert_eq!(log["new"].as_u64(), Some(notes), "{log}");
    let col = anki.inspect();
    assert_eq!(col["cards"].as_array().unwrap().len() as u64, cards);
    assert_eq!(col["empty_cards"], 0);
    for card in col["cards"].as_array().unwrap() {
        assert!(!visible_text(card["question"].as_str().unwrap()).is_empty(), "{card}");
    }
}

#[test]
fn check_names_the_settings_files_it_read() {
    let vault = repo().join("tests/fixtures/ota-settings/vault");
    let o = common::studygen(&["check", vault.to_str().unwrap()]);
    let err = common::stderr(&o);
    assert!(err.contains("settings: read .obsidian/plugins/obsidian-to-anki-plugin/data.json\n"), "{err}");
    assert!(err.contains("(5 blocks, 1 inline blocks, 3 regex)"), "the summary counts notes per syntax: {err}");
}

#[test]
fn a_broken_settings_file_warns_and_the_defaults_build() {
    let (_tmp, vault) = copy_vault(&repo().join("tests/fixtures/osr-settings/vault"), "vault");
    std::fs::write(vault.join(".obsidian/plugins/obsidian-spaced-repetition/data.json"), "{\"settings\": [").unwrap();
    let o = common::studygen(&["check", vault.to_str().unwrap()]);
    let err = common::stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("warning[settings-invalid]: plugin settings: not valid JSON"), "{err}");
    assert!(err.contains("--> .obsidian/plugins/obsidian-spaced-repetition/data.json"), "{err}");
    // With the defaults, only #flashcards notes are read, and in them `;;` lines are text.
    assert!(err.contains("3 files: 0 notes, 0 cards"), "{err}");
    assert!(!err.contains("settings: read"), "a file that could not be read is not named as read: {err}");
}

#[test]
fn force_leaves_out_every_broken_card_and_no_note_lacks_a_card() {
    let (_tmp, vault) = copy_vault(&repo().join("tests/fixtures/bad-vault"), "vault");
    std::fs::write(
        vault.join("more-broken.md"),
        "START\nCloze\nno deletion here\nEND\n\nSTART\nFancy Cloze\nText: none here either\nEND\n\nSTART\nBasic\nfine\nBack: kept\nEND\n",
    )
    .unwrap();
    std::fs::write(vault.join("studygen.toml"), "").unwrap();
    let out = vault.parent().unwrap().join("out");
    let o = common::studygen(&["build", vault.to_str().unwrap(), "--out", out.to_str().unwrap(), "--force"]);
    let err = common::stderr(&o);
    assert_eq!(o.status.code(), Some(1), "errors still fail the run: {err}");
    assert!(err.contains("more-broken.md:2:1"), "{err}");
    let summary = Regex::new(r"(\d+) notes(?: \([^)]*\))?, (\d+) cards").unwrap();
    let c = summary.captures(&err).unwrap();
    let anki = Anki::new();
    let log = anki.import_apkg(&apkg_in(&out));
    assert_eq!(log["new"].as_u64(), Some(c[1].parse().unwrap()), "{log}");
    let col = anki.inspect();
    assert_eq!(col["cards"].as_array().unwrap().len() as u64, c[2].parse::<u64>().unwrap());
    assert_eq!(col["empty_cards"], 0, "no note without a card: {err}");
    assert!(!col["notes"].as_array().unwrap().iter().any(|n| n["fields"].to_string().contains("none here either")));
}

#[test]
fn one_broken_card_never_costs_the_deck_in_real_anki() {
    let (_tmp, vault) = copy_vault(&repo().join("tests/fixtures/ota-settings/vault"), "vault");
    let out = vault.parent().unwrap().join("out");
    let good = build_ok(&vault, &out);
    std::fs::write(vault.join("Typo.md"), "BEGIN-CARD\nCloze\nA cloze without any deletion.\nEND-CARD\n").unwrap();
    let o = common::studygen(&["build", vault.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    let err = common::stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("error[cloze-missing]: Cloze card has no cloze deletion\n  --> Typo.md:2:1"), "{err}");
    let summary = Regex::new(r"(\d+) notes(?: \([^)]*\))?, (\d+) cards").unwrap();
    let (before, after) = (summary.captures(&good).unwrap(), summary.captures(&err).unwrap());
    assert_eq!((&before[1], &before[2]), (&after[1], &after[2]), "every good card is still in the deck");
    let anki = Anki::new();
    let log = anki.import_apkg(&apkg_in(&out));
    assert_eq!(log["new"].as_u64(), Some(after[1].parse().unwrap()), "{log}");
    let col = anki.inspect();
    assert_eq!(col["cards"].as_array().unwrap().len() as u64, after[2].parse::<u64>().unwrap());
    assert_eq!(col["empty_cards"], 0);
}

#[test]
#[cfg(unix)]
fn settings_files_never_follow_links_or_block() {
    let tmp = tempfile::tempdir().unwrap();
    let vault = tmp.path().join("v");
    let plugin = vault.join(".obsidian/plugins/obsidian-to-anki-plugin");
    std::fs::create_dir_all(&plugin).unwrap();
    std::fs::write(vault.join("n.md"), "START\nBasic\nq\nBack: a\nEND\n").unwrap();
    let outside = tmp.path().join("outside.json");
    std::fs::write(&outside, r#"{"settings": {"Syntax": {"Begin Note": "NEVER"}}}"#).unwrap();
    std::os::unix::fs::symlink(&outside, plugin.join("data.json")).unwrap();
    let fifo = vault.join("studygen.toml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    let o = common::studygen(&["check", vault.to_str().unwrap()]);
    let err = common::stderr(&o);
    assert!(err.contains("not a regular file"), "{err}");
    assert!(err.contains("1 notes (1 blocks)"), "the defaults are used, and the link is not followed: {err}");
}

#[test]
#[cfg(unix)]
fn a_linked_state_folder_is_never_written_through() {
    let tmp = tempfile::tempdir().unwrap();
    let vault = tmp.path().join("v");
    std::fs::create_dir_all(&vault).unwrap();
    std::fs::write(vault.join("n.md"), "START\nBasic\nq\nBack: a\nEND\n").unwrap();
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, vault.join(".studygen")).unwrap();
    let out = tmp.path().join("out");
    let o = common::studygen(&["build", vault.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    let err = common::stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("`.studygen` is a link"), "{err}");
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0, "nothing written outside the vault");
}

#[test]
fn a_vault_whose_state_cannot_be_written_still_builds() {
    // As root, permissions cannot make the vault read-only; a file where the state folder should be
    // makes the identity file just as unwritable.
    let tmp = tempfile::tempdir().unwrap();
    let vault = tmp.path().join("v");
    std::fs::create_dir_all(&vault).unwrap();
    std::fs::write(vault.join("n.md"), "START\nBasic\nq\nBack: a\nEND\n").unwrap();
    std::fs::write(vault.join(".studygen"), "not a folder").unwrap();
    let out = tmp.path().join("out");
    let o = common::studygen(&["build", vault.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    let err = common::stderr(&o);
    assert_eq!(o.status.code(), Some(0), "the exit code tells the truth: the deck was written: {err}");
    assert!(err.contains("the identity state is kept in the output folder"), "{err}");
    assert!(out.join(".studygen-identity.json").is_file(), "the state went into the output set");
    assert!(apkg_in(&out).is_file());
}

#[test]
fn notes_in_obsidians_template_folders_are_templates_not_notes() {
    // Templates hold placeholders that are neither YAML, links nor cards; Obsidian's Templates
    // plugin and Templater each name their folder.
    let (_tmp, vault) = common::vault_of(&[
        (".obsidian/templates.json", r#"{"folder": "Templates"}"#),
        (".obsidian/plugins/templater-obsidian/data.json", r#"{"templates_folder": "Meta/Tpl/"}"#),
        ("Templates/Daily.md", "---\ncreated: {{date}} {{time}}\n---\n# {{title}}\n\nSTART\nBasic\n\nBack:\nEND\n"),
        ("Meta/Tpl/Task.md", "---\ndeadline: <% tp.date.now() %>\n---\n[[{{title}}]]\n"),
        ("Saddles.md", "START\nBasic\nWhat is a saddle?\nBack: A point of mixed curvature; see [[Daily]].\nEND\n"),
    ]);
    let o = common::studygen(&["check", vault.to_str().unwrap()]);
    let err = common::stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("settings: read .obsidian/templates.json, .obsidian/plugins/templater-obsidian/data.json"),
        "{err}"
    );
    assert!(err.contains("3 files: 1 notes (1 blocks), 1 cards: 0 errors, 0 warnings\n"), "{err}");
}

/// obsidian-spaced-repetition's cards are what Obsidian renders: there `\(` and `\[` are escaped
/// brackets, as in CommonMark (a vault clipped from Wikipedia writes `F\(_f_\)` for "F(f)"), and a
/// deletion ends at its own closing marks, one letter long or not, as the plugin's cloze patterns
/// read it. An Obsidian_to_Anki block in the same vault keeps `\( … \)` as the plugin does: math.
#[test]
fn spaced_repetition_cards_read_brackets_and_short_deletions_as_obsidian_and_the_plugin_do() {
    let (tmp, vault) = common::vault_of(&[
        (
            ".obsidian/plugins/obsidian-spaced-repetition/data.json",
            r##"{"settings": {"flashcardTags": ["#flashcard/active"], "clozePatterns": ["{@{[123;;]answer[;;hint]}@}"],
                "singleLineCardSeparator": ":@:", "singleLineReversedCardSeparator": "::@::"}}"##,
        ),
        (
            "Fourier transform.md",
            "#flashcard/active\n\nThis mapping is denoted {@{F}@} and {@{F\\(_f_\\)}@} is its value.\n\nWhat does \\[1\\] cite?:@:the first source \\(a book\\)\n",
        ),
        ("Blocks.md", "START\nBasic\nThe radius \\( r_*x \\) of the ball\nBack: is \\[ r^2 \\]\nEND\n"),
    ]);
    let out = tmp.path().join("out");
    build_ok(&vault, &out);
    let cards = std::fs::read_to_string(out.join("cards.txt")).unwrap();
    assert!(
        cards.contains("<p>This mapping is denoted {{c1::F}} and {{c2::F(<em>f</em>)}} is its value.</p>"),
        "{cards}"
    );
    assert!(cards.contains("<p>What does [1] cite?</p>\t<p>the first source (a book)</p>"), "{cards}");
    assert!(cards.contains("The radius \\( r_*x \\) of the ball"), "a block keeps its math: {cards}");
    assert!(cards.contains("is \\[ r^2 \\]"), "{cards}");
}

/// obsidian-spaced-repetition's own parser tests (`tests/unit/parser.test.ts`), every case with
/// its text, its settings and the cards the plugin finds: studygen finds the same cards, of the
/// same types, starting on the same lines.
#[test]
fn the_spaced_repetition_plugins_own_parser_cases_give_the_same_cards() {
    let path = repo().join("tests/fixtures/osr-parser/cases.json");
    let cases: Vec<serde_json::Value> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(cases.len() >= 90, "the fixture holds the plugin's cases");
    let mut differ = Vec::new();
    for (n, case) in cases.iter().enumerate() {
        let text = case["text"].as_str().unwrap();
        let o = &case["options"];
        let opt = |k: &str| o[k].as_str().unwrap().to_owned();
        // The plugin reads every note it is handed: no flashcard tag is needed here.
        let mut settings = studygen::settings::Settings::default();
        let sr = &mut settings.spaced_repetition;
        (sr.tags, sr.in_use) = (Vec::new(), true);
        (sr.single, sr.single_reversed) = (opt("single"), opt("single_reversed"));
        (sr.multi, sr.multi_reversed, sr.multi_end) = (opt("multi"), opt("multi_reversed"), opt("end_marker"));
        sr.clozes = o["clozes"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_owned()).collect();
        let src = studygen::vault::SourceFile::new("n.md", text.as_bytes().to_vec());
        let note = studygen::notes::parse(&src, "V", &settings).0;
        let got: Vec<(String, usize)> =
            note.map(|n| n.cards.iter().map(|c| (format!("{:?}", c.kind), c.line - 1)).collect()).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let want: Vec<(String, usize)> = case["cards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let kind = match c["type"].as_str().unwrap() {
                    "SingleLineBasic" | "MultiLineBasic" => "Basic",
                    "SingleLineReversed" | "MultiLineReversed" => "Reversed",
                    _ => "Cloze",
                };
                // The plugin counts a line of flashcard tags above a question as the card's
                // first line; studygen starts the card at its question.
                let mut first = c["first_line"].as_u64().unwrap() as usize;
                while lines.get(first).is_some_and(|l| l.starts_with('#') && !l.contains(' ')) {
                    first += 1;
                }
                (kind.to_owned(), first)
            })
            .collect();
        if got != want {
            differ.push(format!("case {n} ({}): {text:?}\n  plugin: {want:?}\n  studygen: {got:?}", case["case"]));
        }
    }
    assert!(differ.is_empty(), "{} of {} cases differ:\n{}", differ.len(), cases.len(), differ.join("\n"));
}
