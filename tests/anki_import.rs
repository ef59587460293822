//! The deck built from notes/ imported into a fresh collection by the real Anki library.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{Anki, apkg_in, build_ok, copy_vault, repo};
use serde_json::Value;
use studygen::build::{self, Options};
use studygen::cards::notetypes;

fn arr(v: &Value) -> &Vec<Value> {
    v.as_array().expect("array")
}

/// Expected Anki (notes, cards) from what the library says it will emit.
fn expected_counts(vault: &Path) -> (usize, usize, BTreeSet<String>) {
    let report = build::run(&Options::new(vault, None)).unwrap();
    assert_eq!(report.errors(), 0, "{:?}", report.diagnostics);
    let cards = report
        .cards
        .iter()
        .map(|c| {
            let nt = notetypes::for_kind(c.kind);
            if nt.cloze { c.cloze_numbers().len() } else { nt.templates.len() }
        })
        .sum();
    // The cards whose front or back is written with `$` math, from the notes as parsed.
    let (settings, _) = studygen::settings::load(vault);
    let mut math_at = BTreeSet::new();
    for src in &studygen::vault::load(vault).unwrap().notes {
        let Some(note) = studygen::notes::parse(src, "notes", &settings).0 else { continue };
        for spec in note.cards.iter().filter(|s| s.fields.iter().take(2).any(|f| f.contains('$'))) {
            math_at.insert((note.path.clone(), spec.line));
        }
    }
    let with_math = report
        .cards
        .iter()
        .filter(|c| math_at.contains(&(c.note.to_string(), c.line)))
        .map(|c| c.guid.clone())
        .collect();
    (report.cards.len(), cards, with_math)
}

#[test]
fn real_anki_imports_the_notes_deck() {
    let (_tmp, vault) = copy_vault(&repo().join("notes"), "notes");
    let out = vault.parent().unwrap().join("out");
    build_ok(&vault, &out);
    let (n_notes, n_cards, n_math) = expected_counts(&vault);
    assert!(n_notes >= 25, "the example vault has at least 25 cards");

    let anki = Anki::new();
    let log = anki.import_apkg(&apkg_in(&out));
    assert_eq!(log["new"], n_notes, "{log}");
    assert_eq!(log["conflicting"], 0);
    let col = anki.inspect();
    let notes = arr(&col["notes"]);
    let cards = arr(&col["cards"]);
    assert_eq!(notes.len(), n_notes);
    assert_eq!(cards.len(), n_cards);
    assert_eq!(col["empty_cards"], 0, "Anki's empty-card check finds nothing");

    for note in notes {
        let fields = note["fields"].as_object().unwrap();
        let mut has_math = false;
        for (name, value) in fields {
            let v = value.as_str().unwrap();
            for bad in ["$", "[[", "==", "%%"] {
                assert!(!v.contains(bad), "field {name} of {} contains raw `{bad}`: {v}", note["guid"]);
            }
            has_math |= v.contains("\\(") || v.contains("\\[");
        }
        if n_math.contains(note["guid"].as_str().unwrap()) {
            assert!(has_math, "a card written with math shows MathJax delimiters: {note}");
        }
        assert!(note["notetype"].as_str().unwrap().starts_with("studygen "));
    }
    assert!(n_math.len() >= 15, "the example vault is full of math");

    for card in cards {
        for side in ["question", "answer"] {
            let html = card[side].as_str().unwrap();
            assert!(html.contains("class=\"front\""), "{side} renders the template: {html}");
            for err in ["{{", "}}", "template error", "Error rendering", "is blank"] {
                assert!(!html.contains(err), "{side} of card {} shows `{err}`: {html}", card["id"]);
            }
        }
    }
    // Cloze deletions render as Anki's cloze spans, math inside them intact.
    assert!(cards.iter().any(|c| c["question"].as_str().unwrap().contains("class=\"cloze\"")));
    assert!(cards.iter().any(|c| { c["answer"].as_str().unwrap().contains("\\((1 + 2\\alpha)\\)") }));

    // Media the cards use, attachments and experiment figures alike, arrives with the deck.
    assert_eq!(arr(&col["media_missing"]).len(), 0, "{}", col["media_missing"]);
    let files: BTreeSet<&str> = arr(&col["media_files"]).iter().map(|m| m.as_str().unwrap()).collect();
    let mut referenced = BTreeSet::new();
    for note in notes {
        for value in note["fields"].as_object().unwrap().values() {
            for part in value.as_str().unwrap().split("<img src=\"").skip(1) {
                referenced.insert(part.split('"').next().unwrap().to_owned());
            }
        }
    }
    for figure in ["saddle.svg", "ravine.svg", "sym.svg", "critical-points.svg"] {
        assert!(referenced.contains(figure), "a card shows {figure}: {referenced:?}");
    }
    for r in &referenced {
        assert!(files.contains(r.as_str()), "{r} is referenced by a card but not in the collection's media {files:?}");
    }
    // An embedded section renders on the card, its math included, up to the next heading of its level.
    let embedded = cards
        .iter()
        .find(|c| c["question"].as_str().unwrap().contains("Recall the condition number"))
        .expect("the card with an embed");
    let answer = embedded["answer"].as_str().unwrap();
    assert!(answer.contains("<div class=\"embed\"><h2>Eigenvalues set the speed</h2>"), "{answer}");
    assert!(answer.contains("\\(\\kappa = \\lambda_{\\max} / \\lambda_{\\min}\\)"), "{answer}");
    assert!(!answer.contains("Checked by experiment"), "the section stops at the next heading: {answer}");

    // An embedded block renders without its id.
    let block = cards
        .iter()
        .find(|c| c["question"].as_str().unwrap().contains("attracted"))
        .expect("the card with a block embed")["answer"]
        .as_str()
        .unwrap();
    assert!(
        block.contains("<div class=\"embed\">") && block.contains("jumps <em>to</em> the critical point"),
        "{block}"
    );
    assert!(!block.contains("^newton"), "{block}");

    // Cited values are filled in: no card shows an unresolved value.
    assert!(cards.iter().all(|c| !c["answer"].as_str().unwrap().contains("value missing")));
    assert!(cards.iter().any(|c| c["answer"].as_str().unwrap().contains("class=\"value\"")));

    // Decks: folder, TARGET DECK and frontmatter `deck:`.
    let decks: BTreeSet<&str> = cards.iter().map(|c| c["deck"].as_str().unwrap()).collect();
    assert!(decks.contains("notes"), "{decks:?}");
    assert!(decks.contains("Optimization::Curvature"), "{decks:?}");
    assert!(decks.contains("Optimization::Foundations"), "{decks:?}");
}

fn schedule(col: &Value) -> BTreeMap<String, Value> {
    arr(&col["cards"])
        .iter()
        .map(|c| {
            let keep = ["type", "queue", "due", "ivl", "reps", "factor", "revlog"];
            let m: serde_json::Map<String, Value> = keep.iter().map(|k| ((*k).to_owned(), c[*k].clone())).collect();
            (c["id"].to_string(), Value::Object(m))
        })
        .collect()
}

#[test]
fn reimport_updates_exactly_what_changed_and_keeps_reviews() {
    let (_tmp, vault) = copy_vault(&repo().join("notes"), "notes");
    let out = vault.parent().unwrap().join("out");
    build_ok(&vault, &out);
    let anki = Anki::new();
    anki.import_apkg(&apkg_in(&out));
    let answered = anki.run("review", None);
    let before = anki.inspect();
    assert_eq!(answered["answered"], arr(&before["cards"]).len(), "every card reviewed once");
    assert!(arr(&before["cards"]).iter().all(|c| c["reps"] == 1 && c["revlog"] == 1));

    // A rebuild with nothing changed updates nothing.
    build_ok(&vault, &out);
    let log = anki.import_apkg(&apkg_in(&out));
    assert_eq!((log["new"].as_u64(), log["updated"].as_u64()), (Some(0), Some(0)), "{log}");
    assert_eq!(log["duplicate"].as_u64(), Some(arr(&before["notes"]).len() as u64), "{log}");

    // Edit one card's text and insert a new card above it.
    let note = vault.join("Saddle points.md");
    let text = std::fs::read_to_string(&note).unwrap();
    let old_front = "How do you recognize a saddle point from the Hessian?";
    assert!(text.contains(old_front));
    let edited = text.replacen(
        &format!("START\nBasic\n{old_front}"),
        "START\nBasic\nWhat is a strict saddle?\nBack: A saddle whose Hessian has at least one strictly negative eigenvalue.\nEND\n\n\
         START\nBasic\nHow do you recognize a saddle point using only the Hessian?",
        1,
    );
    std::fs::write(&note, edited).unwrap();
    build_ok(&vault, &out);
    // The deck is the previous build's collection, updated in place (see tests/cache.rs).
    let record: Value = serde_json::from_slice(&std::fs::read(out.join(".studygen-build.json")).unwrap()).unwrap();
    assert_eq!(record["report"]["deck"]["incremental"], true, "{}", record["report"]["deck"]);
    let log = anki.import_apkg(&apkg_in(&out));
    assert_eq!(log["new"], 1, "{log}");
    assert_eq!(log["updated"], 1, "{log}");
    assert_eq!(log["conflicting"], 0, "{log}");
    // Anki logs the untouched notes it matched by GUID as "duplicate" (skipped): all the others.
    assert_eq!(log["duplicate"].as_u64(), Some(arr(&before["notes"]).len() as u64 - 1), "{log}");

    let after = anki.inspect();
    let (s_before, s_after) = (schedule(&before), schedule(&after));
    for (id, sched) in &s_before {
        assert_eq!(s_after.get(id), Some(sched), "card {id} keeps its scheduling and review log");
    }
    assert_eq!(s_after.len(), s_before.len() + 1);
    let edited_note = arr(&after["notes"])
        .iter()
        .find(|n| n["fields"]["Front"].as_str().is_some_and(|f| f.contains("using only the Hessian")))
        .expect("the edited note was updated in place");
    assert!(arr(&before["notes"]).iter().any(|n| n["guid"] == edited_note["guid"]), "same GUID as before the edit");
}

/// A small edit in a larger vault: the kept collection's update names the pages it wrote, and the
/// deck reuses every other piece of the previous deck unread. Real Anki takes that deck as an
/// update of exactly the edited note, and keeps every review.
#[test]
fn a_deck_whose_unwritten_pieces_were_copied_unread_reimports_cleanly() {
    let (_tmp, vault) = copy_vault(&repo().join("notes"), "notes");
    common::write_long_notes(&vault, 400);
    let out = vault.parent().unwrap().join("out");
    build_ok(&vault, &out);
    let anki = Anki::new();
    anki.import_apkg(&apkg_in(&out));
    anki.run("review", None);
    let before = anki.inspect();

    let note = vault.join("Long/200.md");
    let text = std::fs::read_to_string(&note).unwrap();
    std::fs::write(&note, text.replacen("long answer 200", "a longer answer 200", 1)).unwrap();
    build_ok(&vault, &out);
    let record: Value = serde_json::from_slice(&std::fs::read(out.join(".studygen-build.json")).unwrap()).unwrap();
    let deck = &record["report"]["deck"];
    assert_eq!(deck["incremental"], true, "{deck}");
    assert!(deck["pieces_read"].as_u64() < deck["pieces"].as_u64(), "pieces were copied unread: {deck}");
    let log = anki.import_apkg(&apkg_in(&out));
    assert_eq!(
        (log["new"].as_u64(), log["updated"].as_u64(), log["conflicting"].as_u64()),
        (Some(0), Some(1), Some(0))
    );
    let after = anki.inspect();
    assert_eq!(schedule(&after), schedule(&before), "every card keeps its scheduling and review log");
    let edited = arr(&after["notes"])
        .iter()
        .filter(|n| n["fields"]["Back"].as_str().is_some_and(|f| f.contains("a longer answer 200")));
    assert_eq!(edited.count(), 1);
}

#[test]
fn text_export_imports_with_the_same_guids() {
    let (_tmp, vault) = copy_vault(&repo().join("notes"), "notes");
    let out = vault.parent().unwrap().join("out");
    build_ok(&vault, &out);
    let anki = Anki::new();
    anki.import_apkg(&apkg_in(&out));
    let guids = |col: &Value| {
        arr(&col["notes"]).iter().map(|n| n["guid"].as_str().unwrap().to_owned()).collect::<BTreeSet<_>>()
    };
    let from_apkg = guids(&anki.inspect());
    anki.run("remove-notes", None);
    assert!(arr(&anki.inspect()["notes"]).is_empty());
    let log = anki.run("import-text", Some(&out.join("cards.txt")));
    assert_eq!(log["new"], from_apkg.len(), "{log}");
    let col = anki.inspect();
    assert_eq!(guids(&col), from_apkg);
    assert_eq!(col["empty_cards"], 0);
}

#[test]
fn custom_note_types_import_render_and_reimport_cleanly() {
    let (_tmp, vault) = copy_vault(&repo().join("tests/fixtures/custom-types/vault"), "vault");
    let out = vault.parent().unwrap().join("out");
    build_ok(&vault, &out);
    let anki = Anki::new();
    let log = anki.import_apkg(&apkg_in(&out));
    assert_eq!((log["new"].as_u64(), log["conflicting"].as_u64()), (Some(5), Some(0)), "{log}");
    let col = anki.inspect();
    let types: BTreeSet<&str> = arr(&col["notetypes"]).iter().map(|t| t.as_str().unwrap()).collect();
    for t in ["FIT-Card", "Spanish Basic", "Cloze+", "Lecture Card"] {
        assert!(types.contains(t), "{t} in {types:?}");
    }
    let fit = arr(&col["notes"]).iter().find(|n| n["notetype"] == "FIT-Card").unwrap();
    let names: Vec<&String> = fit["fields"].as_object().unwrap().keys().collect();
    assert_eq!(names.len(), 4, "Front, Back, Mnemonic, Source: {names:?}");
    // One card per basic-shaped note, one per deletion of the cloze type.
    assert_eq!(arr(&col["cards"]).len(), 6);
    assert_eq!(col["empty_cards"], 0);
    for card in arr(&col["cards"]) {
        let answer = card["answer"].as_str().unwrap();
        assert!(!answer.contains("{{") && answer.contains("class=\"front\""), "{answer}");
    }
    assert!(arr(&col["cards"]).iter().any(|c| c["answer"].as_str().unwrap().contains("one steep wall sets the pace")));
    // Fields after the answer show their names; the answer itself does not.
    let mnemonic = arr(&col["cards"])
        .iter()
        .map(|c| c["answer"].as_str().unwrap())
        .find(|a| a.contains("data-field=\"Mnemonic\""))
        .expect("a FIT-Card answer shows its Mnemonic");
    assert!(mnemonic.contains("<div class=\"field-label\">Mnemonic</div>"), "{mnemonic}");
    assert!(!mnemonic.contains("<div class=\"field-label\">Back</div>"), "{mnemonic}");
    assert!(arr(&col["cards"]).iter().any(|c| c["question"].as_str().unwrap().contains("class=\"cloze\"")));
    // Rebuilt and re-imported: nothing new, nothing conflicting.
    std::fs::remove_file(out.join(".studygen-build.json")).unwrap();
    build_ok(&vault, &out);
    let log = anki.import_apkg(&apkg_in(&out));
    assert_eq!(
        (log["new"].as_u64(), log["updated"].as_u64(), log["conflicting"].as_u64()),
        (Some(0), Some(0), Some(0)),
        "{log}"
    );
}

#[test]
fn the_orphans_search_finds_exactly_the_deleted_cards_note_in_real_anki() {
    let (_tmp, vault) = copy_vault(&repo().join("notes"), "notes");
    let out = vault.parent().unwrap().join("out");
    build_ok(&vault, &out);
    let anki = Anki::new();
    anki.import_apkg(&apkg_in(&out));
    let before = anki.inspect();

    // Delete one card from its note.
    let note = vault.join("Saddle points.md");
    let text = std::fs::read_to_string(&note).unwrap();
    let front = "How do you recognize a saddle point from the Hessian?";
    let start = text.find(&format!("START\nBasic\n{front}")).unwrap();
    let end = start + text[start..].find("END\n").unwrap() + 4;
    std::fs::write(&note, format!("{}{}", &text[..start], &text[end..])).unwrap();
    let o = common::studygen(&["build", vault.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    let err = common::stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("orphans: 1 card(s) left the vault (1 since the last build; from Saddle points.md)"), "{err}");
    let search = err.lines().find_map(|l| l.split_once("search Anki's browser for: ")).expect("a search").1.to_owned();
    let file = std::fs::read_to_string(out.join("orphans.txt")).unwrap();
    assert!(file.lines().any(|l| l == search), "orphans.txt holds the search:\n{file}");

    // Anki's browser search finds that card's note, and no other.
    let found = anki.run("find-notes", Some(Path::new(&search)));
    let found = arr(&found["notes"]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0]["fields"]["Front"].as_str().unwrap().contains(front), "{found:?}");
    assert!(arr(&before["notes"]).iter().any(|n| n["guid"] == found[0]["guid"]));

    // It stays listed on later builds, until the user says it is deleted.
    let o = common::studygen(&["build", vault.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(common::stderr(&o).contains("up to date"), "{}", common::stderr(&o));
    assert!(common::stderr(&o).contains("orphans: 1 card(s) left the vault (0 since the last build"));
    let o = common::studygen(&["build", vault.to_str().unwrap(), "--out", out.to_str().unwrap(), "--forget-orphans"]);
    assert!(common::stderr(&o).contains("orphans: forgot 1 card(s)"), "{}", common::stderr(&o));
    let o = common::studygen(&["build", vault.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(!common::stderr(&o).contains("orphans:"), "{}", common::stderr(&o));
    assert!(!out.join("orphans.txt").exists());
}

#[test]
fn decks_are_named_as_anki_names_the_decks_the_notes_write() {
    // Obsidian_to_Anki hands a note's deck to Anki as written; Anki's own reading of each name is
    // what the imported cards' decks must be.
    let written = ["Maths :: Algebra Elemental", " Physics::  Waves ", "A::::B", "Lang::Spanish::"];
    let notes: Vec<(String, String)> = written
        .iter()
        .enumerate()
        .map(|(i, deck)| {
            (format!("n{i}.md"), format!("TARGET DECK: {deck}\n\nSTART\nBasic\nQuestion {i}?\nBack: answer\nEND\n"))
        })
        .collect();
    let refs: Vec<(&str, &str)> = notes.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let (tmp, vault) = common::vault_of(&refs);
    let out = tmp.path().join("out");
    build_ok(&vault, &out);
    let anki = Anki::new();
    let names_file = tmp.path().join("names.txt");
    std::fs::write(&names_file, written.join("\n")).unwrap();
    let anki_names = anki.run("deck-names", Some(&names_file));
    anki.import_apkg(&apkg_in(&out));
    let col = anki.inspect();
    for (i, deck) in written.iter().enumerate() {
        let card = arr(&col["cards"])
            .iter()
            .find(|c| c["question"].as_str().unwrap().contains(&format!("Question {i}?")))
            .unwrap_or_else(|| panic!("no card {i}: {col}"));
        assert_eq!(card["deck"], anki_names["names"][*deck], "the deck written `{deck}`");
    }
}
