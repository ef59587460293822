//! The output set under stress: builds killed at random moments, concurrent builds into one folder,
//! read-only vaults, and outputs deleted behind studygen's back.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use common::{collection_rows, copy_vault, deck_contents, repo, stderr, unprivileged};
use rand::{Rng, SeedableRng};
use studygen::outputs::apkg;

/// Every file of an output set but the build record, with its bytes. Also checks that the record
/// lists exactly these files with their sizes, so the record agrees with the set.
fn snapshot(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for e in walkdir::WalkDir::new(out).into_iter().map(Result::unwrap).filter(|e| e.file_type().is_file()) {
        let rel = e.path().strip_prefix(out).unwrap().to_string_lossy().into_owned();
        files.insert(rel, std::fs::read(e.path()).unwrap());
    }
    let record: serde_json::Value =
        serde_json::from_slice(&files.remove(".studygen-build.json").expect("the set has its record")).unwrap();
    // The build cache records the inputs' metadata (attachments' modification times), which the
    // tests' copies of a vault change; tests/cache.rs checks what it holds.
    let cache = files.remove(studygen::cache::FILE).expect("the set has its cache");
    let listed: BTreeMap<String, u64> = record["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f[0].as_str().unwrap().to_owned(), f[1].as_u64().unwrap()))
        .collect();
    let mut actual: BTreeMap<String, u64> = files.iter().map(|(k, v)| (k.clone(), v.len() as u64)).collect();
    actual.insert(studygen::cache::FILE.to_owned(), cache.len() as u64);
    assert_eq!(listed, actual, "the record lists the set's files");
    // The kept collection's index and the index of `cards.txt` record their files' modification
    // times, as the cache does.
    files.remove(apkg::INDEX).expect("the set has the collection's index");
    files.remove(studygen::outputs::text::INDEX).expect("the set has the index of cards.txt");
    // A collection updated in place holds the same rows as one built anew, in other pages: the
    // deck and the kept collection are compared by what they hold.
    for (name, bytes) in files.iter_mut() {
        if name.ends_with(".apkg") {
            *bytes = deck_contents(&out.join(name));
        } else if name == apkg::COLLECTION {
            *bytes = collection_rows(&out.join(name)).into_bytes();
        }
    }
    files
}

/// The binary, with a fixed build time so that two builds of one vault write the same bytes.
fn studygen() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_studygen"));
    c.env("SOURCE_DATE_EPOCH", "1700000000");
    c
}

fn build(vault: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    studygen().arg("build").arg(vault).arg("--out").arg(out).args(extra).output().unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    if to.exists() {
        std::fs::remove_dir_all(to).unwrap();
    }
    for e in walkdir::WalkDir::new(from).into_iter().map(Result::unwrap) {
        let dst = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dst).unwrap();
        } else {
            std::fs::copy(e.path(), &dst).unwrap();
        }
    }
}

/// Files beside OUT or inside the vault that a build left behind.
fn leftovers(vault: &Path, out: &Path) -> Vec<PathBuf> {
    let beside = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains(".studygen-"));
    let inside = walkdir::WalkDir::new(vault).into_iter().map(Result::unwrap).map(|e| e.into_path()).filter(|p| {
        let n = p.file_name().unwrap().to_string_lossy();
        n.starts_with(".tmp") || n.starts_with(".studygen-tmp")
    });
    beside.chain(inside).collect()
}

/// The example vault, plus enough generated notes that writing the deck takes a while.
fn big_vault() -> (tempfile::TempDir, PathBuf) {
    let (tmp, vault) = copy_vault(&repo().join("notes"), "notes");
    let dir = vault.join("generated");
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..800 {
        let mut text = String::new();
        for j in 0..5 {
            text.push_str(&format!(
                "START\nBasic\nQuestion {i}.{j}: what is $x_{j}^2$?\nBack: answer {i}.{j}\nEND\n\n"
            ));
        }
        std::fs::write(dir.join(format!("n{i:04}.md")), text).unwrap();
    }
    (tmp, vault)
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_old_set_or_the_new_one() {
    let (tmp, vault) = big_vault();
    let out = tmp.path().join("out");
    let o = build(&vault, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let old_set = snapshot(&out);
    let (old_vault, old_out) = (tmp.path().join("vault-a"), tmp.path().join("out-a"));
    copy_dir(&vault, &old_vault);
    copy_dir(&out, &old_out);
    let edit = |vault: &Path| {
        std::fs::write(vault.join("generated/n0003.md"), "START\nBasic\nAn edited question\nBack: new\nEND\n").unwrap();
        std::fs::write(vault.join("generated/added.md"), "START\nBasic\nAn added question\nBack: yes\nEND\n").unwrap();
    };
    // Timed as every trial below starts: from copies, whose new modification times make the
    // build cache stale, so the build is a cold one.
    copy_dir(&old_vault, &vault);
    copy_dir(&old_out, &out);
    edit(&vault);
    let started = Instant::now();
    let o = build(&vault, &out, &[]);
    let full = started.elapsed();
    assert!(o.status.success(), "{}", stderr(&o));
    let new_set = snapshot(&out);
    assert_ne!(old_set, new_set);

    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let (mut old_seen, mut new_seen) = (0, 0);
    for trial in 0..14 {
        copy_dir(&old_vault, &vault);
        copy_dir(&old_out, &out);
        edit(&vault);
        // Offsets spread over the whole build, jittered: every phase is hit by some kill.
        let at = full.mul_f64((trial as f64 + rng.random::<f64>()) / 12.0);
        let mut child =
            studygen().arg("build").arg(&vault).arg("--out").arg(&out).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(at);
        child.kill().ok(); // SIGKILL: no destructor runs
        child.wait().unwrap();
        let now = snapshot(&out);
        if now == old_set {
            old_seen += 1;
        } else if now == new_set {
            new_seen += 1;
        } else {
            panic!("killed after {at:?}: the output folder holds neither the old set nor the new one");
        }
        // The next build finishes the job and leaves nothing behind.
        let o = build(&vault, &out, &[]);
        assert!(o.status.success(), "{}", stderr(&o));
        let after = snapshot(&out);
        let differ: Vec<&String> =
            new_set.keys().chain(after.keys()).filter(|k| new_set.get(*k) != after.get(*k)).collect();
        assert!(differ.is_empty(), "after the kill at {at:?}, a build completes the new set; these differ: {differ:?}");
        assert_eq!(leftovers(&vault, &out), Vec::<PathBuf>::new(), "no temporary file after the kill at {at:?}");
    }
    assert!(old_seen > 0, "some kills landed before the commit");
    assert!(new_seen > 0, "some builds finished before the kill");
}

/// A build takes the build lock before it reads the identity state: what another build wrote there
/// meanwhile is what this one starts from, and is not lost when it writes its own.
#[test]
fn a_build_reads_the_identity_state_once_it_holds_the_build_lock() {
    use std::io::{BufRead as _, Read as _};
    let tmp = tempfile::tempdir().unwrap();
    let vault = tmp.path().join("v");
    std::fs::create_dir_all(&vault).unwrap();
    let note = vault.join("saddle.md");
    std::fs::write(&note, "#flashcards\n\nWhat is a saddle point?::A critical point that is no extremum\n").unwrap();
    let out = tmp.path().join("out");
    let first = build(&vault, &out, &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let state_file = vault.join(".studygen/identity.json");
    let state = std::fs::read_to_string(&state_file).unwrap();
    let ours = state.split("\"guid\": \"").nth(1).and_then(|s| s.get(..16)).unwrap().to_owned();
    // The state another build left: the same card, remembered under another GUID.
    let theirs = "00000000000000aa";
    // An edit to the card's back, so that the next build has work to do (the card keeps its front).
    std::fs::write(&note, "#flashcards\n\nWhat is a saddle point?::A critical point where the gradient vanishes\n")
        .unwrap();
    let held = studygen::outputs::lock::acquire(&vault, &out).unwrap();
    let mut child = studygen()
        .arg("build")
        .arg(&vault)
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while !line.contains("waiting for another studygen build") {
        line.clear();
        assert!(err.read_line(&mut line).unwrap() > 0, "the build ended without waiting for the lock");
    }
    std::fs::write(&state_file, state.replace(&ours, theirs)).unwrap();
    drop(held);
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    assert!(child.wait().unwrap().success(), "{rest}");
    let cards = std::fs::read_to_string(out.join("cards.txt")).unwrap();
    assert!(cards.contains(theirs) && !cards.contains(&ours), "the state as it was when the lock was taken: {cards}");
    let state = std::fs::read_to_string(&state_file).unwrap();
    assert!(state.contains(theirs) && !state.contains(&ours), "{state}");
}

#[test]
fn concurrent_builds_into_one_folder_leave_one_complete_set() {
    let (tmp1, v1) = copy_vault(&repo().join("notes"), "notes");
    let (_tmp2, v2) = copy_vault(&repo().join("tests/fixtures/cards"), "notes");
    // Each vault's own set, built alone (this also writes each vault's identity state).
    let sets: Vec<BTreeMap<String, Vec<u8>>> = [&v1, &v2]
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let out = tmp1.path().join(format!("alone{i}"));
            let o = build(v, &out, &[]);
            assert!(o.status.code().is_some_and(|c| c <= 1), "{}", stderr(&o));
            snapshot(&out)
        })
        .collect();
    let out = tmp1.path().join("shared-out");
    for round in 0..6 {
        let spawn = |v: &Path| studygen().arg("build").arg(v).arg("--out").arg(&out).output();
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(|| spawn(&v1).unwrap());
            let b = s.spawn(|| spawn(&v2).unwrap());
            (a.join().unwrap(), b.join().unwrap())
        });
        for o in [&a, &b] {
            assert!(o.status.code().is_some_and(|c| c <= 1), "round {round}: {}", stderr(o));
            assert!(!stderr(o).contains("panicked"));
        }
        let now = snapshot(&out);
        assert!(now == sets[0] || now == sets[1], "round {round}: the folder holds a mix of two builds");
        // The record belongs to the set it sits in: a rebuild of the vault that lost says so and
        // writes its own set, never "up to date" with the other vault's deck.
        let o = build(&v1, &out, &[]);
        assert!(snapshot(&out) == sets[0], "round {round}: {}", stderr(&o));
    }
}

#[test]
fn a_deleted_deck_or_figure_is_rebuilt() {
    let (tmp, vault) = copy_vault(&repo().join("notes"), "notes");
    let out = tmp.path().join("out");
    assert!(build(&vault, &out, &[]).status.success());
    let set = snapshot(&out);
    let deck = set.keys().find(|k| k.ends_with(".apkg")).unwrap().clone();
    let figure = set.keys().find(|k| k.starts_with("figures/")).unwrap().clone();
    for victim in [&deck, &figure] {
        std::fs::remove_file(out.join(victim)).unwrap();
        let o = build(&vault, &out, &[]);
        assert!(!stderr(&o).contains("up to date"), "{victim} is missing: {}", stderr(&o));
        assert_eq!(snapshot(&out), set, "{victim} is back");
    }
    // A changed output is rebuilt too; an untouched set is up to date.
    std::fs::write(out.join("cards.txt"), "edited by hand").unwrap();
    assert!(!stderr(&build(&vault, &out, &[])).contains("up to date"));
    assert_eq!(snapshot(&out), set);
    assert!(stderr(&build(&vault, &out, &[])).contains("up to date"));
    // A build killed after its commit, before it removed the old set, leaves that set beside
    // OUT; the next build finds the new set up to date and still clears it.
    let old_set = tmp.path().join(".out.studygen-new-Killed1");
    copy_dir(&out, &old_set);
    assert!(stderr(&build(&vault, &out, &[])).contains("up to date"));
    assert_eq!(leftovers(&vault, &out), Vec::<PathBuf>::new());
    assert_eq!(snapshot(&out), set);
}

#[test]
fn a_folder_with_other_files_is_never_replaced() {
    let (tmp, vault) = copy_vault(&repo().join("notes"), "notes");
    let out = tmp.path().join("mine");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("thesis.tex"), "my work").unwrap();
    let o = build(&vault, &out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("`thesis.tex`, which studygen did not write"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(out.join("thesis.tex")).unwrap(), "my work");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
}

#[test]
fn a_read_only_vault_builds_and_keeps_its_identity_in_the_output_folder() {
    use std::os::unix::fs::PermissionsExt;
    let (tmp, vault) = copy_vault(&repo().join("tests/fixtures/cards"), "vault");
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let out_parent = tmp.path().join("outputs");
    std::fs::create_dir(&out_parent).unwrap();
    std::fs::set_permissions(&out_parent, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = out_parent.join("out");
    let state = out_parent.join("state");
    // Not writable by anyone but root; the builds below run as another user when we are root.
    for e in walkdir::WalkDir::new(&vault).into_iter().map(Result::unwrap) {
        let mode = if e.file_type().is_dir() { 0o555 } else { 0o444 };
        std::fs::set_permissions(e.path(), std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let run = |extra: &[&str]| {
        let mut c = studygen();
        c.arg("build").arg(&vault).arg("--out").arg(&out).args(extra);
        unprivileged(c).output().unwrap()
    };
    let o = run(&[]);
    let err = stderr(&o);
    assert!(o.status.code().is_some_and(|c| c <= 1), "{err}");
    assert!(err.contains("the identity state is kept in the output folder"), "{err}");
    assert!(out.join(".studygen-identity.json").is_file(), "{err}");
    assert!(!vault.join(".studygen").exists(), "nothing is written into the vault");
    let first = snapshot(&out);
    // Built again into the same folder, the state is read back from there: same cards, same GUIDs.
    std::fs::remove_file(out.join(".studygen-build.json")).unwrap();
    let o = run(&[]);
    assert!(o.status.code().is_some_and(|c| c <= 1), "{}", stderr(&o));
    assert_eq!(snapshot(&out).get("cards.txt"), first.get("cards.txt"));

    // With --state, the state goes where it is told, and nothing is said about it.
    let o = run(&["--state", state.to_str().unwrap()]);
    assert!(o.status.code().is_some_and(|c| c <= 1), "{}", stderr(&o));
    assert!(!stderr(&o).contains("identity state is kept"), "{}", stderr(&o));
    assert!(state.join("identity.json").is_file());
    assert_eq!(snapshot(&out).get("cards.txt"), first.get("cards.txt"), "the same GUIDs from the moved state");
}

#[test]
fn a_build_into_a_new_folder_writes_the_same_deck_bytes_every_time() {
    let (tmp, vault) = copy_vault(&repo().join("notes"), "notes");
    let deck = |out: &Path| {
        let o = build(&vault, out, &[]);
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::read(common::apkg_in(out)).unwrap()
    };
    let first = deck(&tmp.path().join("a"));
    assert_eq!(first, deck(&tmp.path().join("b")), "two cold builds, one deck");
    // A rebuild that updates the kept collection (the deck was deleted) holds the same rows.
    let a = tmp.path().join("a");
    std::fs::remove_file(a.join(common::apkg_in(&a).file_name().unwrap())).unwrap();
    assert_eq!(deck_contents_of(&deck(&a)), deck_contents_of(&first));
    // `--out FILE.apkg` builds the collection anew every time.
    let file = |name: &str| {
        let path = tmp.path().join(name);
        assert!(build(&vault, &path, &[]).status.success());
        std::fs::read(path).unwrap()
    };
    assert_eq!(file("one.apkg"), file("two.apkg"));
}

/// [`deck_contents`] of a package's bytes.
fn deck_contents_of(bytes: &[u8]) -> Vec<u8> {
    let tmp = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(tmp.path(), bytes).unwrap();
    deck_contents(tmp.path())
}
