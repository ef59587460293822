//! The real notes in `../shared/seeds/`, saved as a vault of `.md` files, build without a panic.
//! The seeds are not the project's text, so they are read from beside the checkout, never copied.

mod common;

use std::path::PathBuf;

use common::{repo, stderr, studygen};

fn seeds_vault() -> (tempfile::TempDir, PathBuf) {
    let seeds = repo().join("../shared/seeds");
    assert!(
        seeds.is_dir(),
        "../shared/seeds is absent: these tests need the shared folder beside the checkout ({})",
        seeds.display()
    );
    let tmp = tempfile::tempdir().unwrap();
    let vault = tmp.path().join("seeds");
    std::fs::create_dir_all(&vault).unwrap();
    for entry in std::fs::read_dir(&seeds).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        std::fs::copy(&path, vault.join(format!("{stem}.md"))).unwrap();
    }
    (tmp, vault)
}

#[test]
fn the_seeds_build_and_seed_001_gives_three_cards_with_display_math() {
    let (_tmp, vault) = seeds_vault();
    let out = vault.parent().unwrap().join("out");
    let o = studygen(&["build", vault.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "{err}");
    assert!(o.status.success(), "{err}");

    // Unresolved embeds and images are reported at their place.
    for (what, place) in [
        ("missing image or attachment `Pasted image 20241003195732.png`", "000_27f738dc820ef167.md:1:1"),
        (
            "missing embed `[[ill conditioned hessians with gradient descent#ill conditioned hessians with gradient descent]]`",
            "001_9b82fce87c065ec5.md:17:1",
        ),
        ("missing image or attachment `loss-ravines.jpg`", "003_c320615150bbe1a5.md:1:"),
    ] {
        assert!(err.contains(&format!("]: {what}")), "{what} in:\n{err}");
        let at = err.find(what).unwrap();
        assert!(err[at..].lines().nth(1).unwrap().contains(place), "{what} at {place}:\n{err}");
    }

    let report = studygen::build::run(&studygen::build::Options::new(&vault, None)).unwrap();
    let seed1: Vec<_> = report.cards.iter().filter(|c| c.note.starts_with("001_")).collect();
    assert_eq!(seed1.len(), 3, "seed 001 has three START blocks");
    for card in &seed1 {
        let back = &card.fields().unwrap()[1];
        assert!(back.contains("\\[\n\\begin{split}"), "display math kept: {back}");
        assert!(back.contains("\\kappa(H) = \\frac{|\\lambda_{max}|}{|\\lambda_{min}|} \\gg 1"), "{back}");
        assert!(!back.contains('$'));
        assert!(card.anchor.is_some(), "the <!--ID--> lines anchor identity");
        assert_eq!(*card.tags, ["mathematics", "WS2526"]);
    }
    let txt = std::fs::read_to_string(out.join("cards.txt")).unwrap();
    assert_eq!(txt.lines().filter(|l| !l.starts_with('#') && l.contains("studygen Basic")).count(), 3);
}
