//! End-to-end tests of the `studygen` command line: exit codes, messages, atomic outputs.

mod common;

use std::process::Command;

use common::{apkg_in, build_ok, copy_vault, repo, stderr, studygen, vault_of};

#[test]
fn check_passes_on_the_example_vault() {
    let (_tmp, vault) = copy_vault(&repo().join("notes"), "notes");
    let o = studygen(&["check", vault.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("0 errors"));
    assert!(!vault.join(".studygen").exists(), "check writes nothing");
}

#[test]
fn bad_input_is_reported_at_file_and_line_and_the_rest_is_processed() {
    let vault = repo().join("tests/fixtures/bad-vault");
    let o = studygen(&["check", vault.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for (place, what) in [
        ("unterminated.md:1:1", "START block has no END"),
        ("unknown-type.md:4:1", "unknown note type `Fancy Type`"),
        ("empty-front.md:2:1", "empty Front"),
        ("sub/bad-field.md:4:1", "`Bakc:` is not a field of note type `Basic`; it is read as text"),
        ("invalid-utf8.md:2:5", "invalid UTF-8"),
        ("bad-frontmatter.md:2", "unreadable frontmatter"),
    ] {
        let at = err.find(&format!("--> {place}")).unwrap_or_else(|| panic!("no `{place}` in:\n{err}"));
        let msg = err[..at].rfind("error[").max(err[..at].rfind("warning[")).unwrap();
        assert!(err[msg..at].contains(what), "`{place}` should say `{what}`:\n{err}");
    }
    assert!(err.contains("hint:"));
    assert!(!err.contains("panicked"));
    // The good card, the one after the unterminated block, the one under bad frontmatter and the
    // one with a mistyped label (whose line stays text) survive.
    assert!(err.contains("7 files: 4 notes (1 blocks, 3 spaced-repetition), 4 cards: 5 errors"), "{err}");
}

#[test]
fn a_build_quotes_the_line_of_every_problem_as_check_does() {
    // A build that writes a deck releases the notes' text before writing it: the lines must be
    // quoted before that.
    let (_tmp, vault) = copy_vault(&repo().join("tests/fixtures/bad-vault"), "bad");
    let out = vault.parent().unwrap().join("out");
    let check = stderr(&studygen(&["check", vault.to_str().unwrap()]));
    let o = studygen(&["build", vault.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    let build = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{build}");
    assert!(apkg_in(&out).exists(), "the good cards are written");
    assert!(build.contains("4 | Bakc: answer"), "the mistyped label's line is quoted:\n{build}");
    let quoted = |s: &str| -> Vec<String> { s.lines().filter(|l| l.contains(" | ")).map(str::to_owned).collect() };
    assert!(!quoted(&check).is_empty());
    assert_eq!(quoted(&build), quoted(&check), "build and check quote the same lines");
}

#[test]
fn a_failed_build_keeps_the_previous_deck() {
    let (_tmp, vault) = copy_vault(&repo().join("notes"), "notes");
    let out = vault.parent().unwrap().join("out");
    build_ok(&vault, &out);
    let apkg = apkg_in(&out);
    let before = std::fs::read(&apkg).unwrap();
    std::fs::write(vault.join("broken.md"), "A value that no experiment has: `= nope.value`\n").unwrap();
    let o = studygen(&["build", vault.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("broken.md:1:"), "{}", stderr(&o));
    assert!(stderr(&o).contains("nothing written"));
    assert_eq!(std::fs::read(&apkg).unwrap(), before, "the good deck is untouched");
    let names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.starts_with(".tmp")), "no temporary files left: {names:?}");
    // --force builds the rest.
    let o = studygen(&["build", vault.to_str().unwrap(), "--out", out.to_str().unwrap(), "--force"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("wrote"));
}

#[test]
fn a_broken_card_is_left_out_and_the_rest_is_written() {
    let (_tmp, vault) = copy_vault(&repo().join("notes"), "notes");
    let out = vault.parent().unwrap().join("out");
    let good = build_ok(&vault, &out);
    let count = |err: &str| {
        let at = err.find(" notes").unwrap();
        err[..at].rsplit(' ').next().unwrap().parse::<usize>().unwrap()
    };
    std::fs::write(vault.join("broken.md"), "START\nBasic\nno end\n\nSTART\nCloze\nno deletion\nEND\n").unwrap();
    let o = studygen(&["build", vault.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "card errors still fail the run: {err}");
    assert!(err.contains("broken.md:1:1") && err.contains("broken.md:6:1"), "{err}");
    assert!(err.contains("left out"), "{err}");
    assert_eq!(count(&err), count(&good), "every good card is written: {err}");
    let txt = std::fs::read_to_string(out.join("cards.txt")).unwrap();
    assert!(!txt.contains("no end") && !txt.contains("no deletion"));
}

#[test]
fn warnings_fail_only_when_denied() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("n.md"), "#flashcards\n\nquestion::\n").unwrap();
    let v = tmp.path().to_str().unwrap();
    let o = studygen(&["check", v]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("warning[card-empty-back]: empty back"));
    assert_eq!(studygen(&["check", v, "--deny-warnings"]).status.code(), Some(1));
}

#[test]
fn usage_errors_and_missing_vaults_exit_2() {
    let o = studygen(&["check", "/no/such/vault"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("vault `/no/such/vault` does not exist"), "{err}");
    assert!(err.contains("studygen reads `notes` in the current folder"), "the hint names the default: {err}");
    let o = studygen(&["check", "/etc/hostname"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not a folder; give the folder that holds the notes"), "{}", stderr(&o));
    assert_eq!(studygen(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn help_has_examples_and_exit_codes() {
    let o = studygen(&["build", "--help"]);
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(help.contains("Examples:") && help.contains("Exit codes:"), "{help}");
    assert!(help.contains("--out"));
}

#[test]
fn a_rebuild_with_nothing_changed_reuses_the_last_build() {
    let (_tmp, vault) = copy_vault(&repo().join("notes"), "notes");
    let out = vault.parent().unwrap().join("out");
    build_ok(&vault, &out);
    let apkg = apkg_in(&out);
    let stamp = std::fs::metadata(&apkg).unwrap().modified().unwrap();
    let err = build_ok(&vault, &out);
    assert!(err.contains("up to date"), "{err}");
    assert!(err.contains("claims: 26 checked") || err.contains("claims:"), "the summary is replayed: {err}");
    assert_eq!(std::fs::metadata(&apkg).unwrap().modified().unwrap(), stamp, "the deck was not rewritten");
    // Any edit rebuilds.
    let note = vault.join("Saddle points.md");
    let text = std::fs::read_to_string(&note).unwrap();
    std::fs::write(&note, text + "\nNew card::new answer\n").unwrap(); // the note is tagged #flashcards
    let err = build_ok(&vault, &out);
    assert!(!err.contains("up to date") && err.contains("wrote"), "{err}");
    // A deleted deck is rebuilt, although nothing in the vault changed.
    std::fs::remove_file(apkg_in(&out)).unwrap();
    let err = build_ok(&vault, &out);
    assert!(!err.contains("up to date") && err.contains("wrote"), "{err}");
    assert!(apkg_in(&out).is_file());
}

#[test]
fn two_builds_into_one_folder_take_turns() {
    let tmp = tempfile::tempdir().unwrap();
    let make = |dir: &str, front: &str| {
        let v = tmp.path().join(dir).join("v");
        std::fs::create_dir_all(&v).unwrap();
        for i in 0..200 {
            std::fs::write(v.join(format!("n{i}.md")), format!("#flashcards\n\n{front} {i}::answer {i}\n")).unwrap();
        }
        v
    };
    let (a, b) = (make("a", "Alpha"), make("b", "Beta"));
    let out = tmp.path().join("out");
    for _ in 0..3 {
        std::fs::remove_dir_all(&out).ok();
        let spawn = |v: &std::path::Path| {
            std::process::Command::new(env!("CARGO_BIN_EXE_studygen"))
                .args(["build", v.to_str().unwrap(), "--out", out.to_str().unwrap()])
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        };
        let (mut pa, mut pb) = (spawn(&a), spawn(&b));
        assert!(pa.wait().unwrap().success() && pb.wait().unwrap().success());
        let cards = std::fs::read_to_string(out.join("cards.txt")).unwrap();
        let last = if cards.contains("Alpha") { &a } else { &b };
        assert!(!(cards.contains("Alpha") && cards.contains("Beta")), "one build's cards, not a mix");
        // The record agrees with the outputs: rebuilding the vault they came from changes nothing.
        let err = build_ok(last, &out);
        assert!(err.contains("up to date"), "{err}");
    }
}

#[test]
fn out_given_as_an_apkg_path_writes_that_file() {
    let tmp = tempfile::tempdir().unwrap();
    let vault = tmp.path().join("v");
    std::fs::create_dir_all(&vault).unwrap();
    std::fs::write(
        vault.join("a.md"),
        "```experiment\nkind: saddle-escape\nid: s\nf: x^2 - y^2\nstart: [1, 1e-8]\nmethods: [gd]\n```\n\n\
         START\nBasic\nWhat does GD do at a saddle?\nBack: it escapes after `= s.gd.escape_step` steps ![[s.svg]]\nEND\n",
    )
    .unwrap();
    let deck = tmp.path().join("decks/mine.apkg");
    let o = studygen(&["build", vault.to_str().unwrap(), "--out", deck.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(deck.is_file(), "a file, not a folder named mine.apkg");
    assert!(stderr(&o).contains(&format!("wrote {}", deck.display())), "{}", stderr(&o));
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&deck).unwrap()).unwrap();
    assert!(zip.by_name("collection.anki2").is_ok());
    let mut map = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("media").unwrap(), &mut map).unwrap();
    assert!(map.contains("s.svg"), "the figure the card shows is packed: {map}");
    // Nothing else is left beside it: no temporary folder, no cards.txt.
    let names: Vec<_> = std::fs::read_dir(deck.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["mine.apkg"]);
    // A folder of that name is refused, not written into.
    std::fs::remove_file(&deck).unwrap();
    std::fs::create_dir(&deck).unwrap();
    let o = studygen(&["build", vault.to_str().unwrap(), "--out", deck.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is a folder"), "{}", stderr(&o));
}

#[test]
fn the_report_is_written_for_literate_vaults_or_when_asked() {
    let (tmp, vault) = vault_of(&[("a.md", "START\nBasic\nQ?\nBack: A.\nEND\n")]);
    let out = tmp.path().join("out");
    let build = |extra: &[&str]| {
        let mut args = vec!["build", vault.to_str().unwrap(), "--out", out.to_str().unwrap()];
        args.extend(extra);
        let o = studygen(&args);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    build(&[]);
    assert!(!out.join("report.html").exists(), "no experiments or claims: no report by default");
    build(&["--report", "always"]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<section class=\"note\"") && html.contains("Q?"), "{html}");
    std::fs::write(vault.join("b.md"), "```claims\n1 + 1 == 2\n```\n").unwrap();
    build(&[]);
    assert!(out.join("report.html").exists(), "a vault with claims gets its report");
    build(&["--report", "never"]);
    assert!(!out.join("report.html").exists());
}

#[test]
fn a_build_tells_its_progress_stage_by_stage_and_draws_nothing_into_a_pipe() {
    let (_tmp, vault) = common::copy_vault(&common::repo().join("notes"), "notes");
    let out = vault.parent().unwrap().join("out");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut opts = studygen::build::Options::new(&vault, Some(out.clone()));
    let log = seen.clone();
    opts.progress = studygen::build::Progress::new(move |s| log.lock().unwrap().push(s.to_owned()));
    let report = studygen::build::run(&opts).unwrap();
    let seen = seen.lock().unwrap().clone();
    for stage in [
        "reading the vault".to_owned(),
        format!("parsing {} notes", report.notes),
        format!("running {} experiments", report.experiments),
        "rendering cards".to_owned(),
        "writing the deck".to_owned(),
    ] {
        assert!(seen.contains(&stage), "`{stage}` in {seen:?}");
    }
    // The binary's spinner draws only on a terminal: stderr into a pipe has no control characters.
    let o = studygen(&["check", vault.to_str().unwrap()]);
    assert!(!stderr(&o).contains('\r') && !stderr(&o).contains('\u{1b}'), "{:?}", stderr(&o));
}

#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let (_tmp, vault) = vault_of(&[("a.md", "START\nBasic\nQ?\nEND\n")]);
    let bin = env!("CARGO_BIN_EXE_studygen");
    // `script` gives the command a terminal.
    let on_tty = |no_color: bool| {
        let mut cmd = std::process::Command::new("script");
        cmd.args(["-qec", &format!("{bin} check {}", vault.display()), "/dev/null"]);
        if no_color {
            cmd.env("NO_COLOR", "1");
        } else {
            cmd.env_remove("NO_COLOR");
        }
        let o = cmd.output().expect("script (util-linux) runs");
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let red = "\u{1b}[1;31merror[card-empty-back]";
    let coloured = on_tty(false);
    assert!(coloured.contains("\u{1b}[1;33mwarning[card-empty-back]") || coloured.contains(red), "{coloured:?}");
    let plain = on_tty(true);
    assert!(plain.contains("warning[card-empty-back]") && !plain.contains("\u{1b}[1;"), "{plain:?}");
    let piped = stderr(&studygen(&["check", vault.to_str().unwrap()]));
    assert!(!piped.contains('\u{1b}'), "{piped:?}");
}

/// A build with nothing changed decides so from the notes' stamps (size, times, inode) without
/// reading them; a note edited to the same size still has a new stamp, and is rebuilt.
#[test]
fn nothing_changed_is_seen_from_the_stamps_and_a_same_size_edit_is_not_missed() {
    let (tmp, vault) = vault_of(&[
        ("a.md", "START\nBasic\nWhat is a saddle?\nBack: flat, not a minimum\nEND\n"),
        ("b.md", "START\nBasic\nAnother question\nBack: another answer\nEND\n"),
    ]);
    let out = tmp.path().join("out");
    let build = || {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_studygen"))
            .args(["build", vault.to_str().unwrap(), "--out", out.to_str().unwrap()])
            .env("STUDYGEN_TIMINGS", "1")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        stderr(&o)
    };
    let err = build();
    assert!(err.contains("wrote"), "{err}");
    // A note written within a clock tick of a build could change again unseen in that tick: a build
    // that lists it then reads it to decide, and the first build after that records the stamps.
    std::thread::sleep(std::time::Duration::from_millis(100));
    build_ok(&vault, &out);
    let err = build();
    assert!(err.contains("up to date") && err.contains("timing: stamps") && !err.contains("timing: load"), "{err}");
    // The same number of bytes, another answer.
    std::fs::write(vault.join("a.md"), "START\nBasic\nWhat is a saddle?\nBack: flat, not a maximum\nEND\n").unwrap();
    let err = build();
    assert!(!err.contains("up to date") && err.contains("wrote"), "{err}");
    let txt = std::fs::read_to_string(out.join("cards.txt")).unwrap();
    assert!(txt.contains("not a maximum") && !txt.contains("not a minimum"), "{txt}");
    // The identity file, rewritten in place to the same size (as a restore from version control
    // might): its stamp moved, so the build looks, and the card takes the GUID the file gives it.
    std::thread::sleep(std::time::Duration::from_millis(100));
    build_ok(&vault, &out);
    let state = vault.join(".studygen/identity.json");
    let json = std::fs::read_to_string(&state).unwrap();
    let at = json.find("\"guid\": \"").unwrap() + "\"guid\": \"".len();
    let old_guid = &json[at..at + 16];
    let new_guid: String = old_guid.chars().rev().collect();
    assert_ne!(old_guid, new_guid);
    std::fs::write(&state, json.replacen(old_guid, &new_guid, 1)).unwrap();
    let err = build();
    assert!(!err.contains("up to date") && err.contains("wrote"), "{err}");
    let txt = std::fs::read_to_string(out.join("cards.txt")).unwrap();
    assert!(txt.contains(&new_guid) && !txt.contains(old_guid), "{txt}");
}

#[test]
fn a_note_released_before_a_later_note_embeds_it_is_read_again() {
    // One worker builds the notes in vault order, and each note's text is released once its own
    // cards are made: `a.md` is gone from memory when `b.md` embeds it, and a diagnostic in it is
    // quoted after every text was released.
    let (_tmp, vault) = vault_of(&[
        ("a.md", "# A\n\nThe embedded sentence about saddle points.\n\nSee [[nowhere-at-all]].\n"),
        ("b.md", "START\nBasic\nWhat does A say?\nBack: ![[a]]\nEND\n"),
    ]);
    let out = vault.parent().unwrap().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_studygen"))
        .args(["build", vault.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .unwrap();
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let cards = std::fs::read_to_string(out.join("cards.txt")).unwrap();
    assert!(cards.contains("The embedded sentence about saddle points."), "{cards}");
    assert!(err.contains("5 | See [[nowhere-at-all]]."), "the released note's line is quoted:\n{err}");
}
