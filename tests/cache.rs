//! The build cache is correct, not only fast: after every kind of change, a build that uses the
//! cache gives exactly the cards, GUIDs, diagnostics and `cards.txt` of a cold build (no output
//! folder, so no cache) from the same identity state; and it rebuilt only what the change touched.
//! The deck's collection, updated in place from the previous build's, holds the rows of one built
//! anew.

mod common;

use std::path::{Path, PathBuf};

use common::{apkg_in, collection_rows, deck_contents};

use studygen::build::{self, Options, Report};

/// A small vault: notes that embed and link into each other, an image, custom cards.
fn write_vault(root: &Path) {
    let w = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    w(
        "Saddles.md",
        "# Saddles\n\n## Escape\n\nNoise escapes a strict saddle.\n\nSTART\nBasic\nWhat escapes a strict saddle?\nBack: noise\nEND\n",
    );
    w(
        "Definitions/Hessian.md",
        "---\naliases: [curvature matrix]\n---\n# Hessian\n\nThe matrix of second derivatives.\n\n## Spectrum\n\nIts eigenvalues.\n",
    );
    w(
        "Uses Hessian.md",
        "START\nBasic\nWhat is the [[curvature matrix]]?\nBack: ![[Hessian#Spectrum]]\nEND\n\nSee [[Saddles#Escape]].\n",
    );
    w("Also embeds.md", "START\nBasic\nWhole note\nBack: ![[Definitions/Hessian]]\nEND\n");
    w("Picture.md", "START\nBasic\nWhat does the plot show?\nBack: ![[plot.png]]\nEND\n");
    w("plot.png", "\u{89}PNG\r\n\u{1a}\n not really a png");
    for i in 0..6 {
        w(&format!("Filler/{i}.md"), &format!("START\nBasic\nFiller question {i}\nBack: answer {i}\nEND\n"));
    }
}

/// What a build is compared by: every card (fields, deck, tags, GUID, time, source), every diagnostic,
/// the bytes of `cards.txt`, and what the deck holds (every row of its collection, the media).
#[derive(Debug, PartialEq)]
struct Outcome {
    cards: Vec<studygen::cards::Card>,
    diagnostics: Vec<String>,
    cards_txt: Vec<u8>,
    deck: String,
}

fn outcome(report: &Report, out: &Path) -> Outcome {
    Outcome {
        cards: report.cards.clone(),
        diagnostics: report
            .diagnostics
            .iter()
            .map(|d| format!("{}:{}:{} {:?} {}", d.file, d.line, d.col, d.code, d.message))
            .collect(),
        cards_txt: std::fs::read(out.join("cards.txt")).expect("cards.txt was written"),
        deck: String::from_utf8_lossy(&deck_contents(&apkg_in(out))).into_owned(),
    }
}

struct Fixture {
    _tmp: tempfile::TempDir,
    vault: PathBuf,
    out: PathBuf,
    state: PathBuf,
    scratch: PathBuf,
    /// The first build's report.
    first: Report,
}

impl Fixture {
    fn new() -> Self {
        Self::with(|_| {})
    }

    /// The fixture, with what `more` writes into the vault.
    fn with(more: impl Fn(&Path)) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_owned();
        let vault = root.join("vault");
        write_vault(&vault);
        more(&vault);
        // Long enough for the notes' stamps to settle: the next build takes an unchanged note's
        // bytes from the cache by its stamp, and reads it only if it needs its text.
        std::thread::sleep(std::time::Duration::from_millis(50));
        let mut f = Fixture {
            vault,
            out: root.join("out"),
            state: root.join("state"),
            scratch: root.join("scratch"),
            _tmp: tmp,
            first: Report::default(),
        };
        f.first = f.build(&f.out, &f.state);
        assert_eq!(f.first.rebuilt, f.first.notes, "a first build builds every note");
        assert_eq!(f.first.errors(), 0, "{:?}", f.first.diagnostics);
        f
    }

    fn build(&self, out: &Path, state: &Path) -> Report {
        let mut opts = Options::new(&self.vault, Some(out.to_owned()));
        opts.now = 1_700_000_000;
        opts.state = Some(state.to_owned());
        build::run(&opts).expect("the build runs")
    }

    /// Builds with the cache, and cold from a copy of the same identity state; checks that both
    /// give the same outcome, and returns the cached build's report.
    fn rebuild_and_compare(&self, what: &str) -> Report {
        let cold_out = self.scratch.join("cold-out");
        let cold_state = self.scratch.join("cold-state");
        std::fs::remove_dir_all(&self.scratch).ok();
        std::fs::create_dir_all(&cold_state).unwrap();
        for e in std::fs::read_dir(&self.state).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), cold_state.join(e.file_name())).unwrap();
        }
        let cached = self.build(&self.out, &self.state);
        assert!(!cached.unchanged, "{what}: the change is seen");
        let cold = self.build(&cold_out, &cold_state);
        assert_eq!(cold.rebuilt, cold.notes, "{what}: a cold build builds every note");
        assert_eq!(outcome(&cached, &self.out), outcome(&cold, &cold_out), "{what}: cached and cold builds agree");
        cached
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.vault.join(rel), text).unwrap();
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = std::fs::read_to_string(self.vault.join(rel)).unwrap();
        assert!(text.contains(from), "{rel} has `{from}`");
        self.write(rel, &text.replacen(from, to, 1));
    }
}

fn card_with<'r>(report: &'r Report, text: &str) -> Option<&'r studygen::cards::Card> {
    report.cards.iter().find(|c| c.fields().unwrap().iter().any(|f| f.contains(text)))
}

#[test]
fn an_edited_note_is_the_only_one_rebuilt() {
    let f = Fixture::new();
    f.edit("Filler/3.md", "answer 3", "answer three");
    let r = f.rebuild_and_compare("an edited note");
    assert_eq!(r.rebuilt, 1);
    assert!(card_with(&r, "answer three").is_some());
    // The collection was updated, not built anew: the `col` row, the edited note's row, and its
    // card's row (which holds the note's modification time).
    assert!(r.deck.incremental, "{:?}", r.deck);
    assert_eq!(r.deck.rows, 3, "{:?}", r.deck);
    assert_eq!(
        collection_rows(&f.out.join(studygen::outputs::apkg::COLLECTION)),
        collection_rows(&f.scratch.join("cold-out").join(studygen::outputs::apkg::COLLECTION)),
        "the kept collection is the deck's"
    );
    // A card added and one removed: their rows come and go, and every later card's place in the
    // new-card queue moves.
    f.write("Filler/added.md", "START\nBasic\nAn added question\nBack: yes\nEND\n");
    std::fs::remove_file(f.vault.join("Filler/0.md")).unwrap();
    let r = f.rebuild_and_compare("a card added and one removed");
    assert!(r.deck.incremental, "{:?}", r.deck);
}

/// After a small edit, the update of the kept collection says which of its pages it wrote, and the
/// package reads and deflates only the pieces that hold them; every other piece is copied from the
/// previous deck unread. The deck's collection is still, byte for byte, the kept one.
#[test]
fn an_edit_reads_only_the_pieces_of_the_collection_it_wrote() {
    let f = Fixture::with(|vault| common::write_long_notes(vault, 400));
    assert!(f.first.deck.pieces >= 4, "a collection of several pieces: {:?}", f.first.deck);
    f.edit("Long/123.md", "long answer 123", "a longer answer 123");
    let r = f.rebuild_and_compare("an edit in a larger vault");
    assert!(r.deck.incremental, "{:?}", r.deck);
    assert!(r.deck.pieces_read >= 1, "the pieces holding the written pages are read: {:?}", r.deck);
    assert!(r.deck.pieces_read < r.deck.pieces, "untouched pieces are not read: {:?}", r.deck);
    assert!(r.deck.pieces_reused >= r.deck.pieces - r.deck.pieces_read, "{:?}", r.deck);
    let kept = std::fs::read(f.out.join(studygen::outputs::apkg::COLLECTION)).unwrap();
    let mut packed = Vec::new();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(apkg_in(&f.out)).unwrap()).unwrap();
    std::io::Read::read_to_end(&mut zip.by_name("collection.anki2").unwrap(), &mut packed).unwrap();
    assert!(packed == kept, "the deck holds the kept collection's bytes");
    let left: Vec<String> = std::fs::read_dir(&f.out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("-wal") || n.contains("-shm") || n.contains("-journal"))
        .collect();
    assert!(left.is_empty(), "no SQLite file is left beside the collection: {left:?}");
}

#[test]
fn an_edit_build_reads_no_field_of_a_card_it_took_from_the_cache() {
    let f = Fixture::new();
    f.edit("Filler/3.md", "answer 3", "answer three");
    let r = f.build(&f.out, &f.state);
    assert_eq!(r.rebuilt, 1);
    // The edited note's card was made now; of the others, only a custom type's are read (the
    // note types are made from them), and those in the report, which shows every card.
    let read: Vec<String> = r
        .cards
        .iter()
        .filter(|c| !c.fields.is_held())
        .filter(|c| c.custom.is_none() && &*c.note != "Filler/3.md")
        .map(|c| format!("{}:{}", c.note, c.line))
        .collect();
    assert!(!f.out.join(studygen::build::REPORT).exists(), "the vault has no report, which would read every card");
    assert!(read.is_empty(), "cards whose fields were read: {read:?}");
    let held = r.cards.iter().filter(|c| c.fields.is_held()).count();
    assert!(held + 1 >= r.cards.len() && held >= 6, "{held} of {} cards held", r.cards.len());
    // Read back, they are what a cold build gives (`rebuild_and_compare` compares every field).
    assert!(card_with(&r, "Filler question 5").is_some());
}

#[test]
fn a_note_left_unread_by_its_stamp_is_read_when_an_edited_note_embeds_it() {
    let f = Fixture::new();
    // `Definitions/Hessian.md` is unchanged, so it is not read at the load; the edited note
    // embeds its `Spectrum` section, which must then be read.
    f.edit("Uses Hessian.md", "What is the", "What, again, is the");
    let r = f.rebuild_and_compare("an edited note that embeds an unchanged one");
    assert_eq!(r.rebuilt, 1);
    let card = card_with(&r, "What, again, is the").expect("the edited card");
    assert!(
        card.fields().unwrap()[1].contains("Its eigenvalues."),
        "the embed is rendered: {:?}",
        card.fields().unwrap()
    );
}

#[test]
fn a_damaged_kept_collection_is_built_anew() {
    let f = Fixture::new();
    let kept = f.out.join(studygen::outputs::apkg::COLLECTION);
    let index = f.out.join(studygen::outputs::apkg::INDEX);
    // Damaged behind the index's back: the same size and modification time, other bytes.
    let when = std::fs::metadata(&kept).unwrap().modified().unwrap();
    let len = std::fs::metadata(&kept).unwrap().len() as usize;
    std::fs::write(&kept, vec![b'x'; len]).unwrap();
    std::fs::File::options().write(true).open(&kept).unwrap().set_modified(when).unwrap();
    f.edit("Filler/2.md", "answer 2", "answer two");
    let r = f.rebuild_and_compare("a kept collection of garbage");
    assert!(!r.deck.incremental, "{:?}", r.deck);
    // A foreign index, and one cut short.
    for (what, bytes) in [
        ("foreign", b"not an index".to_vec()),
        ("truncated", {
            let b = std::fs::read(&index).unwrap();
            b[..b.len() / 2].to_vec()
        }),
    ] {
        std::fs::write(&index, bytes).unwrap();
        f.edit("Filler/2.md", "answer two", &format!("answer two ({what})"));
        let r = f.rebuild_and_compare(what);
        assert!(!r.deck.incremental, "{what}: {:?}", r.deck);
        f.edit("Filler/2.md", &format!("answer two ({what})"), "answer two");
    }
}

/// Whether files in `dir` can have a second name.
fn hard_links_work(dir: &Path) -> bool {
    let (a, b) = (dir.join("link-probe"), dir.join("link-probe-2"));
    std::fs::write(&a, "").unwrap();
    let works = std::fs::hard_link(&a, &b).is_ok();
    std::fs::remove_file(&a).ok();
    std::fs::remove_file(&b).ok();
    works
}

/// The kept collection is updated in place (linked into the new set), so a build that fails after
/// updating it leaves the previous set's kept collection changed: the previous deck must stay as
/// it was, and the next build must not trust that collection.
#[test]
fn a_build_that_fails_after_updating_the_kept_collection_leaves_the_next_one_right() {
    let f = Fixture::new();
    let deck = apkg_in(&f.out);
    let before = std::fs::read(&deck).unwrap();
    let kept = f.out.join(studygen::outputs::apkg::COLLECTION);
    let kept_before = std::fs::metadata(&kept).unwrap().modified().unwrap();
    f.edit("Filler/2.md", "answer 2", "answer two");
    // A build that reads the same identity state (from the vault) but cannot save it: `--state`
    // names a file, not a folder. The deck is written beside the state, and the build fails.
    let vault_state = f.vault.join(studygen::cards::identity::LOCK_PATH);
    std::fs::create_dir_all(vault_state.parent().unwrap()).unwrap();
    std::fs::copy(f.state.join("identity.json"), &vault_state).unwrap();
    let not_a_folder = f.scratch.join("state-file");
    std::fs::create_dir_all(&f.scratch).unwrap();
    std::fs::write(&not_a_folder, "").unwrap();
    let mut opts = Options::new(&f.vault, Some(f.out.clone()));
    opts.now = 1_700_000_000;
    opts.state = Some(not_a_folder);
    assert!(build::run(&opts).is_err(), "the state cannot be saved");
    assert_eq!(std::fs::read(&deck).unwrap(), before, "the previous deck is untouched");
    // Where the file system has no hard links, the kept collection was copied, not taken over:
    // it is then as it was, and the next build may use it.
    let linked = hard_links_work(&f.scratch);
    let changed = std::fs::metadata(&kept).unwrap().modified().unwrap() != kept_before;
    assert_eq!(changed, linked, "the failed build updated the kept collection in place, if it could link it");
    std::fs::remove_file(&vault_state).unwrap();
    let r = f.rebuild_and_compare("after a failed build");
    assert_eq!(r.deck.incremental, !linked, "a kept collection its index does not describe is not used: {:?}", r.deck);
    // And the one after that updates the collection again.
    f.edit("Filler/2.md", "answer two", "answer 2");
    assert!(f.rebuild_and_compare("the build after").deck.incremental);
}

#[test]
fn an_edit_to_an_embedded_note_rebuilds_the_notes_that_embed_it() {
    let f = Fixture::new();
    f.edit("Definitions/Hessian.md", "Its eigenvalues.", "Its eigenvalues, all real.");
    let r = f.rebuild_and_compare("an embedded note");
    assert_eq!(r.rebuilt, 3, "the note and the two notes that embed it");
    assert_eq!(
        r.cards.iter().filter(|c| c.fields().unwrap().iter().any(|f| f.contains("all real"))).count(),
        2,
        "both embeds show the new text"
    );
    // A heading another note links to goes away: the linking note is told.
    f.edit("Saddles.md", "## Escape", "## Leaving");
    let r = f.rebuild_and_compare("a heading linked to");
    assert!(r.diagnostics.iter().any(|d| d.file == "Uses Hessian.md" && d.message.contains("has no heading")));
}

#[test]
fn a_changed_template_rebuilds_every_card() {
    let f = Fixture::new();
    let dir = f.vault.join(studygen::templates::OVERRIDE_DIR);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("source.html"), "<a class=\"src\" href=\"{{ url }}\">from {{ note }}</a>").unwrap();
    let r = f.rebuild_and_compare("a changed template");
    assert_eq!(r.rebuilt, r.notes);
    assert!(r.cards.iter().all(|c| c.fields().unwrap().last().unwrap().contains("class=\"src\"")));
}

#[test]
fn a_changed_settings_file_rebuilds_every_card() {
    let f = Fixture::new();
    f.write("studygen.toml", "deck = \"Optimization\"\n");
    let r = f.rebuild_and_compare("a changed studygen.toml");
    assert_eq!(r.rebuilt, r.notes);
    assert!(r.cards.iter().all(|c| c.deck.starts_with("Optimization")), "{:?}", r.cards[0].deck);
}

#[test]
#[cfg(unix)]
fn a_symbolic_link_pointed_elsewhere_rebuilds_the_notes_that_link_through_it() {
    let f = Fixture::with(|v| {
        std::fs::write(
            v.join("Via link.md"),
            "START\nBasic\nWhat does the link show?\nBack: ![[Spectrum link#Spectrum]]\nEND\n",
        )
        .unwrap();
        std::fs::write(v.join("Other.md"), "# Other\n\n## Spectrum\n\nAnother spectrum.\n").unwrap();
        std::os::unix::fs::symlink("Definitions/Hessian.md", v.join("Spectrum link.md")).unwrap();
    });
    let shown = |r: &Report| card_with(r, "What does the link show?").unwrap().fields().unwrap()[1].clone();
    assert!(shown(&f.first).contains("Its eigenvalues."), "the embed goes through the link: {}", shown(&f.first));
    // Only the link changes: every note is as it was.
    std::fs::remove_file(f.vault.join("Spectrum link.md")).unwrap();
    std::os::unix::fs::symlink("Other.md", f.vault.join("Spectrum link.md")).unwrap();
    let r = f.rebuild_and_compare("a symbolic link pointed at another note");
    assert!(shown(&r).contains("Another spectrum."), "{}", shown(&r));
}

#[test]
fn a_deleted_attachment_is_reported_and_unpacked() {
    let f = Fixture::new();
    std::fs::remove_file(f.vault.join("plot.png")).unwrap();
    let r = f.rebuild_and_compare("a deleted attachment");
    assert!(
        r.diagnostics.iter().any(|d| d.file == "Picture.md" && d.message.contains("missing")),
        "{:?}",
        r.diagnostics
    );
    assert!(card_with(&r, "What does the plot show?").unwrap().media.is_empty());
}

#[test]
fn an_identity_file_changed_by_hand_is_read_not_the_cache_copy() {
    let f = Fixture::new();
    // The cache keeps a copy of the state it wrote, used while the file is unchanged: a GUID
    // changed in the file (a merge, a hand edit) must win over that copy.
    let path = f.state.join("identity.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let guid = card_with(&f.first, "Filler question 4").unwrap().guid.clone();
    assert_eq!(text.matches(&guid).count(), 1);
    std::fs::write(&path, text.replace(&guid, "0123456789abcdef")).unwrap();
    f.edit("Filler/1.md", "answer 1", "answer one");
    let r = f.rebuild_and_compare("an identity file changed by hand");
    assert_eq!(card_with(&r, "Filler question 4").unwrap().guid, "0123456789abcdef");
    // Unchanged since, the file is taken from the cache's copy, and agrees with it.
    f.edit("Filler/1.md", "answer one", "answer 1");
    let r = f.rebuild_and_compare("the same identity file");
    assert_eq!(card_with(&r, "Filler question 4").unwrap().guid, "0123456789abcdef");
}

#[test]
fn a_renamed_note_keeps_its_cards_and_breaks_links_to_the_old_name() {
    let f = Fixture::new();
    let guid = card_with(&f.first, "What escapes a strict saddle?").unwrap().guid.clone();
    std::fs::rename(f.vault.join("Saddles.md"), f.vault.join("Strict saddles.md")).unwrap();
    let r = f.rebuild_and_compare("a renamed note");
    let moved = card_with(&r, "What escapes a strict saddle?").unwrap();
    assert_eq!(&*moved.note, "Strict saddles.md");
    assert_eq!(moved.guid, guid, "the card keeps its GUID through the rename");
    assert!(r.diagnostics.iter().any(|d| d.file == "Uses Hessian.md" && d.message.contains("`Saddles`")));
}

#[test]
fn a_corrupt_or_foreign_cache_is_ignored() {
    let f = Fixture::new();
    let path = f.out.join(studygen::cache::FILE);
    let good = std::fs::read(&path).unwrap();
    // The index is at the end of the file: damaged, nothing of the cache is used.
    let mut index_flipped = good.clone();
    let near_end = index_flipped.len() - 20;
    index_flipped[near_end] ^= 0x55;
    let damaged: [(&str, Vec<u8>); 4] = [
        ("truncated", good[..good.len() / 3].to_vec()),
        ("a flipped byte in the index", index_flipped),
        ("foreign", b"not a studygen cache at all".to_vec()),
        ("empty", Vec::new()),
    ];
    for (what, bytes) in damaged {
        f.edit("Filler/1.md", "answer 1", &format!("answer 1 ({what})"));
        std::fs::write(&path, bytes).unwrap();
        let r = f.rebuild_and_compare(what);
        assert_eq!(r.rebuilt, r.notes, "{what}: nothing of it is trusted");
        assert!(card_with(&r, &format!("answer 1 ({what})")).is_some(), "{what}");
        f.edit("Filler/1.md", &format!("answer 1 ({what})"), "answer 1");
    }
    // A byte of one note's entry: that entry is not used, the rest of the cache is.
    let mut bytes = std::fs::read(&path).unwrap();
    let needle = b"Filler question 3";
    let at = bytes.windows(needle.len()).position(|w| w == needle).expect("the entry holds the card's text");
    bytes[at] ^= 0x01;
    std::fs::write(&path, bytes).unwrap();
    f.edit("Filler/1.md", "answer 1", "answer 1 (an entry damaged)");
    let r = f.rebuild_and_compare("a flipped byte in an entry");
    assert_eq!(r.rebuilt, 2, "the edited note and the note whose entry was damaged");
    assert!(card_with(&r, "Filler question 3").is_some(), "its card is built from the note, not the entry");
}

/// A literate note: a cheap experiment, a claim about it derived from its parameters, and a card
/// that shows its figure.
fn literate(height: u32) -> String {
    format!(
        "# Cliffs\n\n```experiment\nkind: cliff\nid: cliff\nheight: {height}\nsharpness: 50\nstep: 0.1\nclip: 1\nsteps: 20\n```\n\n\
         ```claims\ncliff.start_grad_norm ≈ 1 + 100 * 50 / 4\n```\n\nSTART\nBasic\nWhat does a cliff do?\nBack: ![[cliff.svg]]\nEND\n"
    )
}

#[test]
fn an_unchanged_experiment_is_not_run_again_and_a_changed_one_is() {
    let f = Fixture::new();
    f.write("Cliffs.md", &literate(100));
    let r = f.rebuild_and_compare("a new experiment");
    assert_eq!(r.experiments_run, 1);
    assert!(r.claims.iter().all(|c| c.pass), "{:?}", r.claims);
    // Prose around it changes: the note is rebuilt, the experiment's outcome comes from the cache.
    f.edit("Cliffs.md", "# Cliffs", "# Cliffs and walls");
    let r = f.rebuild_and_compare("prose beside an experiment");
    assert_eq!((r.experiments_run, r.rebuilt), (0, 1));
    assert!(r.claims.iter().all(|c| c.pass));
    assert!(f.out.join("figures/cliff.svg").exists());
    // A parameter changes: it runs again, and the claim (made for height 100) no longer holds.
    f.write("Cliffs.md", &literate(200).replace("# Cliffs", "# Cliffs and walls"));
    let cold_out = f.scratch.join("before");
    let r = f.build(&f.out, &f.state);
    assert_eq!(r.experiments_run, 1);
    assert!(r.claims.iter().any(|c| !c.pass), "the slope is now 1 + 200·50/4");
    let cold = f.build(&cold_out, &f.scratch.join("state"));
    let verdicts = |r: &Report| r.claims.iter().map(|c| (c.line, c.pass, c.measured)).collect::<Vec<_>>();
    assert_eq!(verdicts(&r), verdicts(&cold));
}

#[test]
fn check_names_figures_without_drawing_them() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("Cliffs.md"), literate(100)).unwrap();
    let checked = build::run(&Options::new(tmp.path(), None)).unwrap();
    assert_eq!(checked.errors() + checked.warnings(), 0, "{:?}", checked.diagnostics);
    let card = card_with(&checked, "What does a cliff do?").unwrap();
    assert_eq!(card.media, ["cliff.svg"], "the card still shows the figure");
    let block = studygen::experiments::Block {
        file: "Cliffs.md".into(),
        line: 3,
        text: "kind: cliff\nid: cliff\nheight: 100\nsharpness: 50\nstep: 0.1\nclip: 1\nsteps: 20\n".into(),
    };
    let runs = |draw| studygen::experiments::Runs { draw, ..Default::default() };
    let (drawn, _) = studygen::experiments::run_all(std::slice::from_ref(&block), &runs(true));
    let (undrawn, _) = studygen::experiments::run_all(&[block], &runs(false));
    assert!(drawn.figures()["cliff.svg"].starts_with("<svg"));
    assert_eq!(undrawn.figures()["cliff.svg"], "", "nothing is drawn for a check");
    assert_eq!(drawn.value("cliff.start_grad_norm"), undrawn.value("cliff.start_grad_norm"));
}

#[test]
fn a_cache_that_is_a_link_is_not_followed() {
    let f = Fixture::new();
    let path = f.out.join(studygen::cache::FILE);
    let elsewhere = f.scratch.join("elsewhere");
    std::fs::create_dir_all(&f.scratch).unwrap();
    std::fs::rename(&path, &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &path).unwrap();
    f.edit("Filler/2.md", "answer 2", "answer two");
    let r = f.build(&f.out, &f.state);
    assert_eq!(r.rebuilt, r.notes, "the linked cache was not read");
    assert!(std::fs::symlink_metadata(&path).unwrap().is_file(), "the new set holds a real cache file");
}

#[test]
fn a_type_inferred_from_several_notes_follows_a_change_to_any_of_them() {
    let f = Fixture::new();
    f.write("Vocab A.md", "START\nVocab\nWord: Sattel\nMeaning: saddle\nEND\n");
    f.write("Vocab B.md", "START\nVocab\nWord: Hesse\nMeaning: Hessian\nExample: second derivatives\nEND\n");
    let r = f.rebuild_and_compare("two notes of an undeclared type");
    // `Example` is in one block of two: text inside `Meaning`, not a field.
    let a = card_with(&r, "Sattel").expect("A's card");
    assert_eq!(a.fields().unwrap().len(), 3, "Word, Meaning, Source: {:?}", a.fields().unwrap());
    assert!(card_with(&r, "Hesse").unwrap().fields().unwrap()[1].contains("second derivatives"));
    // A third block with `Example` makes it a field of every Vocab card, also of the unchanged A.
    f.write("Vocab C.md", "START\nVocab\nWord: Sattelpunkt\nMeaning: saddle point\nExample: x² − y²\nEND\n");
    let r = f.rebuild_and_compare("a third note of the type");
    let a = card_with(&r, "Sattel").expect("A's card");
    assert_eq!(a.fields().unwrap().len(), 4, "Word, Meaning, Example, Source: {:?}", a.fields().unwrap());
    assert_eq!(&*a.fields().unwrap()[2], "", "A has no example");
    assert!(card_with(&r, "Hesse").unwrap().fields().unwrap()[2].contains("second derivatives"));
}
