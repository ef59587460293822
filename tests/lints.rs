//! `studygen check` reports what is broken in a vault's links and embeds, at file:line:col.

mod common;

use common::{repo, stderr, studygen};

fn check_embeds(extra: &[&str]) -> (Option<i32>, String) {
    let vault = repo().join("tests/fixtures/embeds/vault");
    let mut args = vec!["check", vault.to_str().unwrap()];
    args.extend(extra);
    let o = studygen(&args);
    (o.status.code(), stderr(&o))
}

/// `studygen check` of `vault`, which must pass (warnings and infos alone); its stderr.
fn check_passes(vault: &std::path::Path) -> String {
    let o = studygen(&["check", vault.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    err
}

/// `cards.txt` of a build of `vault` into `tmp/out`.
fn cards_of(tmp: &tempfile::TempDir, vault: &std::path::Path) -> String {
    let out = tmp.path().join("out");
    common::build_ok(vault, &out);
    std::fs::read_to_string(out.join("cards.txt")).unwrap()
}

#[test]
fn broken_ambiguous_missing_and_escaping_links_are_warnings_at_their_place() {
    let (code, err) = check_embeds(&[]);
    assert_eq!(code, Some(0), "warnings alone pass: {err}");
    for (msg, place) in [
        ("info[link-unresolved]: unresolved link `[[Nowhere]]`", "cards.md:25:13"),
        ("missing embed `[[Missing note]]`", "cards.md:25:29"),
        ("missing image or attachment `lost.png`", "cards.md:25:51"),
        ("ambiguous link `[[Dup]]`: 2 notes are called that: other/Dup.md, sub/Dup.md", "cards.md:26:16"),
        ("embed `../../etc/passwd` points outside the vault; it is not followed", "cards.md:27:9"),
        // A path from the vault's root, as in Obsidian: `etc/hosts` in the vault, never the system's.
        ("info[link-unresolved]: unresolved link `[[/etc/hosts]]`: no note is called `etc/hosts`", "cards.md:27:35"),
        ("`sub/Source note.md` has no heading `No such heading`", "cards.md:29:14"),
    ] {
        let at = err.find(msg).unwrap_or_else(|| panic!("no `{msg}` in:\n{err}"));
        assert!(err[at..].lines().nth(1).unwrap().ends_with(place), "`{msg}` at {place}:\n{err}");
    }
    assert!(!err.contains("The source"), "an alias resolves: {err}");
}

#[test]
fn an_embed_cycle_ends_and_names_every_file_in_the_chain() {
    let (_, err) = check_embeds(&[]);
    assert!(
        err.contains("warning[embed-cycle]: embed cycle: Loop A.md → Loop B.md → Loop A.md\n  --> Loop A.md:1:"),
        "{err}"
    );
    // The cards render too: the cycle is cut with its chain shown.
    let expected = std::fs::read_to_string(repo().join("tests/fixtures/embeds/expected/cards.txt")).unwrap();
    assert!(expected.contains("embed cycle: Loop A.md → Loop B.md → Loop A.md"));
}

#[test]
fn deny_warnings_makes_them_fail() {
    let (code, _) = check_embeds(&["--deny-warnings"]);
    assert_eq!(code, Some(1));
}

#[test]
fn nothing_outside_the_vault_is_read() {
    let expected = std::fs::read_to_string(repo().join("tests/fixtures/embeds/expected/cards.txt")).unwrap();
    assert!(!expected.contains("root:"), "no /etc/passwd content");
    assert!(!expected.contains("<div class=\"\"embed\"\"><p>root"));
}

#[test]
#[cfg(unix)]
fn symlinks_that_leave_the_vault_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "secret::card from outside\n").unwrap();
    std::fs::write(outside.path().join("secret.png"), b"\x89PNG").unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let vault = tmp.path().join("v");
    std::fs::create_dir_all(&vault).unwrap();
    std::os::unix::fs::symlink(outside.path(), vault.join("linked-dir")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.png"), vault.join("secret.png")).unwrap();
    std::fs::write(vault.join("n.md"), "#flashcards\n\nQ::![[secret.png]] and [[secret]]\n").unwrap();
    let o = studygen(&["check", vault.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(err.contains("1 files: 1 notes"), "the linked folder's note is not read: {err}");
    assert!(
        err.contains("warning[link-outside-vault]: embed `[[secret.png]]`: `secret.png` is a symbolic link to a file outside the vault; it is not followed"),
        "{err}"
    );
    assert!(err.contains("unresolved link `[[secret]]`"), "{err}");
}

/// Links in a vault that stand for files of the vault, as Obsidian follows them: a link to a note
/// is that note to every link and embed (and is not read as a second copy of its cards), a link to
/// an attachment is that attachment, also through a link to a link; a link to nothing says so.
#[test]
#[cfg(unix)]
fn a_symbolic_link_to_a_file_of_the_vault_stands_for_that_file() {
    let tmp = tempfile::tempdir().unwrap();
    let vault = tmp.path().join("v");
    std::fs::create_dir_all(vault.join("notes")).unwrap();
    std::fs::create_dir_all(vault.join("img")).unwrap();
    std::fs::write(
        vault.join("notes/Hessian.md"),
        "# Hessian\n\n## Spectrum\n\nIts eigenvalues.\n\nHessian::matrix of second derivatives\n",
    )
    .unwrap();
    std::fs::write(vault.join("img/plot.png"), b"\x89PNG\r\n\x1a\n not really").unwrap();
    let link = |to: &str, at: &str| std::os::unix::fs::symlink(to, vault.join(at)).unwrap();
    link("notes/Hessian.md", "Curvature matrix.md");
    link("img/plot.png", "plot link.png");
    link("plot link.png", "plot link to a link.png");
    link("notes/Gone.md", "Dangling.md");
    std::fs::write(
        vault.join("n.md"),
        "#flashcards\n\nSpectrum?::![[Curvature matrix#Spectrum]]\n\nPlot?::![[plot link to a link.png]]\n\nSee [Curvature](Curvature%20matrix.md#No%20such%20part) and [[Dangling]].\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = studygen(&["build", vault.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("2 files: 2 notes"), "a link to a note is not read as a note: {err}");
    assert!(!err.contains("Curvature matrix#Spectrum"), "the embed through the link to a note resolves: {err}");
    assert!(!err.contains("missing image"), "the link to an attachment resolves: {err}");
    assert!(
        err.contains(
            "link `(Curvature%20matrix.md#No%20such%20part)`: `notes/Hessian.md` has no heading `No such part`"
        ),
        "a section through the link is looked up in the note it stands for: {err}"
    );
    assert!(
        err.contains("unresolved link `[[Dangling]]`: `Dangling.md` is a symbolic link to `notes/Gone.md`, which is no note of the vault"),
        "{err}"
    );
    let cards = std::fs::read_to_string(out.join("cards.txt")).unwrap();
    assert!(cards.contains("Its eigenvalues."), "the embed goes through the link: {cards}");
    assert!(cards.contains("src=\"\"plot.png\"\""), "the image is the attachment the links lead to: {cards}");
    assert_eq!(cards.matches("matrix of second derivatives").count(), 1, "the note's card is made once: {cards}");
}

#[test]
fn unresolved_links_are_reported_once_per_target_and_never_fail_unless_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let vault = tmp.path().join("v");
    std::fs::create_dir_all(&vault).unwrap();
    std::fs::write(vault.join("a.md"), "See [[Later note]] and [[later note]].\n\nAlso [[Other]].\n").unwrap();
    std::fs::write(vault.join("b.md"), "Again [[Later note]], and [[5.5.3 Topic]].\n").unwrap();
    std::fs::write(vault.join("5.5.3 Topic.md"), "# Topic\n\nA note whose name has dots.\n").unwrap();
    let o = studygen(&["check", "--deny-warnings", vault.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "unresolved links do not fail under --deny-warnings: {err}");
    assert_eq!(err.matches("unresolved link").count(), 2, "{err}");
    assert!(err.contains("info[link-unresolved]: unresolved link `[[Later note]]`: no note is called `Later note` (3 links in the vault; this is the first)\n  --> a.md:1:5"), "{err}");
    assert!(!err.contains("5.5.3"), "a name with dots is a note: {err}");
    std::fs::write(vault.join("studygen.toml"), "[lints]\nunresolved_links = \"warn\"\n").unwrap();
    let o = studygen(&["check", "--deny-warnings", vault.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("warning[link-unresolved]: unresolved link `[[Later note]]`"));
    std::fs::write(vault.join("studygen.toml"), "[lints]\nunresolved_links = \"allow\"\n").unwrap();
    assert!(!stderr(&studygen(&["check", vault.to_str().unwrap()])).contains("unresolved"));
}

#[test]
fn a_note_may_embed_its_own_sections_and_link_its_headings() {
    let tmp = tempfile::tempdir().unwrap();
    let vault = tmp.path().join("v");
    std::fs::create_dir_all(&vault).unwrap();
    std::fs::write(
        vault.join("Self.md"),
        "#flashcards\n\n## Definition\n\nA saddle has mixed curvature. ^def\n\n## Cards\n\nWhat is a saddle?::![[Self#^def]] see [[#Definition]]\nAnd?::![[#Definition]]\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = studygen(&["build", vault.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(!err.contains("cycle"), "{err}");
    let cards = std::fs::read_to_string(out.join("cards.txt")).unwrap();
    assert!(cards.contains("A saddle has mixed curvature."), "{cards}");
    assert!(!cards.contains("embed-cycle"), "{cards}");
    assert!(cards.contains("file=Self%23Definition"), "[[#Heading]] opens the note it is in: {cards}");
}

#[test]
fn notes_that_all_embed_each_other_are_checked_and_built_quickly() {
    let tmp = tempfile::tempdir().unwrap();
    let vault = tmp.path().join("v");
    std::fs::create_dir_all(&vault).unwrap();
    let n = 12;
    for i in 0..n {
        let embeds: String = (0..n).filter(|j| *j != i).map(|j| format!("![[N{j}]] ")).collect();
        std::fs::write(vault.join(format!("N{i}.md")), format!("#flashcards\n\nQ{i}::{embeds}\n")).unwrap();
    }
    let out = tmp.path().join("out");
    let o = studygen(&["build", vault.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert_eq!(err.matches("embed cycle:").count(), 1, "one cycle per group of notes: {err}");
    let cards = std::fs::metadata(out.join("cards.txt")).unwrap().len();
    // Without a budget, each card would expand 11^10 embeds.
    assert!(cards < 20_000_000, "embeds are expanded within a budget: cards.txt is {cards} bytes");
}

#[test]
fn a_wikilink_in_a_table_escapes_its_pipe_and_resolves_as_obsidian_resolves_it() {
    // Obsidian's own help vault writes aliased links in tables this way: `[[note#heading\|alias]]`.
    let (_tmp, vault) = common::vault_of(&[
        ("Target.md", "# Target\n\n## Newton step\n\nThe step. ^blk\n\n## How large can it be?\n\nSmall.\n"),
        (
            "Table.md",
            "| link | figure |\n| --- | --- |\n| [[Target#Newton step\\|the step]] | ![[fig.png\\|300]] |\n| [[Target#^blk\\|block]] | [[Gone\\|gone]] |\n| [[Target#No such\\|nope]] | ![[lost.png\\|100]] |\n\nAs Obsidian writes a link to a heading with a question mark: [[Target#How large can it be]].\n",
        ),
    ]);
    std::fs::write(vault.join("fig.png"), b"\x89PNG\r\n\x1a\n").unwrap();
    let err = check_passes(&vault);
    let messages: Vec<&str> = err.lines().filter(|l| l.contains("]: ")).collect();
    assert!(!messages.iter().any(|l| l.contains('\\')), "no target keeps the escape's backslash: {err}");
    for (msg, place) in [
        ("info[link-unresolved]: unresolved link `[[Gone]]`: no note is called `Gone`", "Table.md:4:28"),
        ("warning[section-missing]: link `[[Target#No such]]`: `Target.md` has no heading `No such`", "Table.md:5:3"),
        ("warning[attachment-missing]: missing image or attachment `lost.png`", "Table.md:5:30"),
    ] {
        let at = err.find(msg).unwrap_or_else(|| panic!("no `{msg}` in:\n{err}"));
        assert!(err[at..].lines().nth(1).unwrap().ends_with(place), "`{msg}` at {place}:\n{err}");
    }
    assert_eq!(err.matches("-->").count(), 3, "the links that resolve are not reported: {err}");
}

#[test]
fn relative_links_are_read_from_the_notes_folder_as_obsidian_writes_them() {
    // Obsidian's "Relative path to file" link format writes `../Assets/figure.png` from a note in
    // `Notes/`: the file is inside the vault, and the link works there.
    let (tmp, vault) = common::vault_of(&[
        ("Other/Saddles.md", "# Saddles\n\n## Escape\n\nNegative curvature lets descent leave.\n"),
        (
            "Notes/Topic.md",
            "See [[../Other/Saddles#Escape]] and ![[../Assets/figure.png]] and ![plot](./../Assets/figure.png).\n\nSTART\nBasic\nHow does descent leave a saddle?\nBack: ![[../Other/Saddles#Escape]] ![[../Assets/figure.png|200]]\nEND\n\nNot this: [[../../outside]].\n",
        ),
    ]);
    std::fs::create_dir_all(vault.join("Assets")).unwrap();
    std::fs::write(vault.join("Assets/figure.png"), b"\x89PNG\r\n\x1a\n").unwrap();
    let err = check_passes(&vault);
    assert!(err.contains("warning[link-outside-vault]: link `../../outside` points outside the vault"), "{err}");
    assert_eq!(err.matches("-->").count(), 1, "every relative link inside the vault resolves: {err}");
    let cards = cards_of(&tmp, &vault);
    assert!(cards.contains("Negative curvature lets descent leave."), "the embed is rendered: {cards}");
    assert!(
        cards.contains("src=\"\"figure.png\"\" alt=\"\"figure.png\"\" width=\"\"200\"\""),
        "the image is packed: {cards}"
    );
}

#[test]
fn a_name_several_notes_share_resolves_as_obsidian_resolves_it() {
    // Obsidian opens the note in the linking note's own folder; else the one with the shortest path.
    let (tmp, vault) = common::vault_of(&[
        ("cards/Adverbs.md", "# Adverbs\n\nSee [[Adverbs]] and [[Verbs]].\n"),
        ("wiki/grammar/Adverbs.md", "# Adverbs\n\nThe wiki's page.\n"),
        ("cards/Verbs.md", "# Verbs\n\nText.\n"),
        ("wiki/Verbs.md", "# Verbs\n\nOther text.\n"),
        ("long-folder-name/Saddle.md", "# Saddle\n\n## Escape\n\nThe long one.\n"),
        ("b/Saddle.md", "# Saddle\n\n## Escape\n\nNegative curvature lets descent leave.\n"),
        ("deck.md", "START\nBasic\nHow does descent leave a saddle?\nBack: ![[Saddle#Escape]]\nEND\n"),
    ]);
    let o = studygen(&["check", vault.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(err.matches("-->").count(), 1, "only the link from another folder is reported: {err}");
    assert!(
        err.contains("warning[link-ambiguous]: ambiguous embed `[[Saddle#Escape]]`: 2 notes are called that: b/Saddle.md, long-folder-name/Saddle.md; Obsidian opens `b/Saddle.md`, the shortest path, and so does studygen\n  --> deck.md:4:7"),
        "{err}"
    );
    let cards = cards_of(&tmp, &vault);
    assert!(cards.contains("Negative curvature lets descent leave."), "the card embeds that note's section: {cards}");
}

#[test]
fn markdown_links_into_the_vault_are_checked_as_wikilinks_are() {
    // With "Use [[Wikilinks]]" off, Obsidian writes `[text](Other%20note.md#Heading)`.
    let (_tmp, vault) = common::vault_of(&[
        ("sub/Other note.md", "# Other note\n\n## Part two\n\nText.\n"),
        (
            "links.md",
            "[ok](sub/Other%20note.md#Part%20two), [by name](Other%20note.md), [no part](Other%20note.md#Part%20three), [gone](Nowhere.md), [web](https://example.com), [mail](mailto:a@b.c)\n\n![plot](img/Pasted%20image%201.png) ![lost](Lost%20image.png) ![web](https://example.com/x%20y.png)\n",
        ),
    ]);
    std::fs::create_dir_all(vault.join("img")).unwrap();
    std::fs::write(vault.join("img/Pasted image 1.png"), b"\x89PNG\r\n\x1a\n").unwrap();
    let o = studygen(&["check", vault.to_str().unwrap()]);
    let err = stderr(&o);
    for (msg, place) in [
        (
            "warning[section-missing]: link `(Other%20note.md#Part%20three)`: `sub/Other note.md` has no heading `Part three`",
            "links.md:1:67",
        ),
        ("info[link-unresolved]: unresolved link `(Nowhere.md)`: no note is called `Nowhere.md`", "links.md:1:108"),
        ("warning[attachment-missing]: missing image or attachment `Lost image.png`", "links.md:3:37"),
    ] {
        let at = err.find(msg).unwrap_or_else(|| panic!("no `{msg}` in:\n{err}"));
        assert!(err[at..].lines().nth(1).unwrap().ends_with(place), "`{msg}` at {place}:\n{err}");
    }
    assert_eq!(
        err.matches("-->").count(),
        3,
        "the links and images that resolve, and those out of the vault, are not reported: {err}"
    );
}

#[test]
fn an_excalidraw_drawing_is_a_link_on_the_card_not_its_data() {
    // The Excalidraw plugin keeps a drawing as the note `Name.excalidraw.md`, whose text is the
    // drawing's data; Obsidian finds it by the name `Name.excalidraw`.
    let drawing = "---\nexcalidraw-plugin: parsed\ntags: [excalidraw]\n---\n==⚠  Switch to EXCALIDRAW VIEW in the MORE OPTIONS menu of this document. ⚠==\n\n# Text Elements\ngas ^DlPvAJnE\n\n%%\n# Drawing\n```json\n{\"type\": \"excalidraw\", \"elements\": []}\n```\n\nSTART\nBasic\nNot a card\nBack: data\nEND\n";
    let (tmp, vault) = common::vault_of(&[
        ("Excalidraw/Gas work.excalidraw.md", drawing),
        (
            "Thermo.md",
            "START\nBasic\nWhat work does a gas do?\nBack: $p\\,dV$, drawn in ![[Gas work.excalidraw]]\nEND\n\nSTART\nBasic\nAnd drawn whole?\nBack: ![[Gas work.excalidraw.md]]\nEND\n\nAlso ![[Gas work.excalidraw]] in prose, which no card shows, and [[Gas work.excalidraw|the drawing]]; but ![[Lost.excalidraw]].\n",
        ),
    ]);
    let err = check_passes(&vault);
    for place in ["Thermo.md:4:25", "Thermo.md:10:7"] {
        let at = err.find(&format!("--> {place}")).unwrap_or_else(|| panic!("nothing at {place}:\n{err}"));
        let before = &err[..at];
        assert!(
            before.rsplit("warning[").next().unwrap().starts_with("embed-drawing]: embed `"),
            "a drawing at {place}:\n{err}"
        );
    }
    assert_eq!(err.matches("warning[embed-drawing]").count(), 2, "the link and the prose are no card's: {err}");
    // The drawing is no note: its open `%%` comment and its text are not read for cards.
    assert!(!err.contains("comment-unclosed") && !err.contains("Gas work.excalidraw.md:"), "{err}");
    assert!(err.contains("(2 blocks), 2 cards"), "{err}");
    assert!(err.contains("missing Excalidraw drawing `Lost.excalidraw`"), "{err}");
    assert!(
        !err.contains("`Gas work.excalidraw` is missing") && !err.contains("missing image or attachment `Gas"),
        "{err}"
    );
    let cards = cards_of(&tmp, &vault);
    assert!(!cards.contains("EXCALIDRAW VIEW") && !cards.contains("Text Elements"), "no drawing data: {cards}");
    assert!(cards.contains("file=Gas%20work.excalidraw\"\">Gas work.excalidraw</a>"), "a link to the drawing: {cards}");
}

#[test]
fn a_sync_services_copy_of_a_note_is_named_in_the_duplicates_it_makes() {
    // Dropbox, Nextcloud, Synology Drive and their kin keep the other version of a note changed on
    // two devices beside it: its cards are the note's again, with the same IDs.
    let card = "START\nBasic\nWhat is a saddle point?\nBack: a critical point of mixed curvature\n<!--ID: 1630675105837-->\nEND\n";
    let copy = "Optimization/Saddles (Ana's conflicted copy 2021-09-29).md";
    let (_tmp, vault) = common::vault_of(&[("Optimization/Saddles.md", card), (copy, card)]);
    let o = studygen(&["check", vault.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "a duplicate id is an error: {err}");
    assert!(err.contains("error[id-duplicate]"), "{err}");
    let hint = format!("hint: `{copy}` is a copy a sync service made of the other note (its name says so)");
    assert!(err.contains("warning[card-duplicate]"), "{err}");
    assert_eq!(err.matches(&hint).count(), 2, "the id's error and the front's warning name the copy: {err}");
    // Two notes that merely share a card are told to merge it, as before.
    let (_tmp, vault) = common::vault_of(&[("Optimization/Saddles.md", card), ("Optimization/Minima.md", card)]);
    let err = stderr(&studygen(&["check", vault.to_str().unwrap()]));
    assert!(err.contains("hint: each <!--ID: n--> line must be unique in the vault; remove the copy"), "{err}");
    assert!(!err.contains("sync service"), "{err}");
}

#[test]
fn a_missing_heading_hints_at_the_nearest_one_and_the_hinted_link_finds_it() {
    let target =
        "# Saddle points\n\n## Hessian eigenvalues\n\nMixed signs.\n\n## Escaping saddles with noise\n\nNoise helps.\n";
    let links = |a: &str, b: &str| format!("See [[Saddle points#{a}]] and [[Saddle points#{b}]].\n");
    let (_tmp, vault) = common::vault_of(&[
        ("Saddle points.md", target),
        ("Index.md", &links("Hessian eigenvalue", "Escaping saddles")),
    ]);
    let err = check_passes(&vault);
    let hints: Vec<String> =
        err.lines().filter_map(|l| l.split_once("link `#")?.1.strip_suffix('`').map(str::to_owned)).collect();
    assert_eq!(hints, ["Hessian eigenvalues", "Escaping saddles with noise"], "the headings as written: {err}");
    assert!(err.contains("the nearest heading there reads `Hessian eigenvalues`"), "{err}");
    // The links the hints give find the headings.
    std::fs::write(vault.join("Index.md"), links(&hints[0], &hints[1])).unwrap();
    let err = check_passes(&vault);
    assert!(!err.contains("section-missing"), "{err}");
}

#[test]
fn a_link_that_leaves_out_a_headings_number_or_mark_is_hinted_the_heading() {
    // Chinese notes number their headings `一、`, and a link leaves the number out; a heading may
    // start with a coloured square, as a status.
    let target =
        "# 一、自愿仲裁\n\n自愿。\n\n## 三、一裁终局 (Finality of Award)\n\n终局。\n\n## 🟦 A1\n\nTriangles.\n";
    let links = |a: &str, b: &str, c: &str| format!("关键词：[[仲裁#{a}]]、[[仲裁#{b}]]、[[仲裁#{c}]]。\n");
    let (_tmp, vault) = common::vault_of(&[("仲裁.md", target), ("Index.md", &links("自愿仲裁", "一裁终局", "A1"))]);
    let err = check_passes(&vault);
    let hints: Vec<String> =
        err.lines().filter_map(|l| l.split_once("link `#")?.1.strip_suffix('`').map(str::to_owned)).collect();
    assert_eq!(hints, ["一、自愿仲裁", "三、一裁终局 (Finality of Award)", "🟦 A1"], "{err}");
    // The links the hints give find the headings.
    std::fs::write(vault.join("Index.md"), links(&hints[0], &hints[1], &hints[2])).unwrap();
    let err = check_passes(&vault);
    assert!(!err.contains("section-missing"), "{err}");
}

#[test]
fn a_link_to_a_heading_a_stray_code_fence_made_code_names_the_fence() {
    // A callout converted from an admonition block left its closing fence behind: from there on,
    // the note is one code block in Obsidian, its headings too.
    let target = "---\ntags: [tcp]\n---\n# TCP\n\n> [!seealso]\n> See also.\n```\n\n## Ports\n\nWell known.\n";
    let (_tmp, vault) =
        common::vault_of(&[("TCP.md", target), ("Index.md", "See [[TCP#Ports]] and [[TCP#Nothing]].\n")]);
    let err = check_passes(&vault);
    assert!(
        err.contains(
            "the heading is there, but inside a code block: the code fence on line 8 of `TCP.md` is never closed"
        ),
        "{err}"
    );
    assert_eq!(err.matches("inside a code block").count(), 1, "only the heading the fence hides: {err}");
    // Once the fence is closed (here: removed), the link finds the heading.
    std::fs::write(vault.join("TCP.md"), target.replace("```\n", "")).unwrap();
    let err = check_passes(&vault);
    assert!(!err.contains("link `[[TCP#Ports]]`"), "{err}");
    assert!(err.contains("link `[[TCP#Nothing]]`"), "{err}");
}

#[test]
fn an_open_comment_is_reported_where_its_percent_signs_are() {
    // A percent written twice (`45.9%%`, as a literature export has it) opens a comment that
    // Obsidian never closes: the rest of the note is hidden, and the warning points at the `%%`.
    let (tmp, vault) = common::vault_of(&[(
        "Trial.md",
        "START\nBasic\nShown?\nBack: yes\nEND\n\nSex: intervention 38.2% female; control: 45.9%% female\n\nSTART\nBasic\nHidden?\nBack: no\nEND\n",
    )]);
    let err = check_passes(&vault);
    assert!(err.contains("warning[comment-unclosed]: this `%%` opens a comment that is never closed"), "{err}");
    assert!(err.contains("--> Trial.md:7:46"), "at the `%%`: {err}");
    let cards = cards_of(&tmp, &vault);
    assert!(cards.contains("Shown?") && !cards.contains("Hidden?"), "{cards}");
}

#[test]
fn a_drawing_named_as_a_note_is_known_by_its_frontmatter() {
    // Drawings made by older versions of the Excalidraw plugin have a note's name; the plugin,
    // and Obsidian's view of them, know them by the frontmatter key `excalidraw-plugin`.
    let drawing = "---\n\nexcalidraw-plugin: parsed\n\n---\n==⚠  Switch to EXCALIDRAW VIEW in the MORE OPTIONS menu of this document. ⚠==\n\n\n# Text Elements\n%%\n# Drawing\n```json\n{\"type\":\"excalidraw\",\"elements\":[]}\n```\nThe question?::Not a card\n";
    let (tmp, vault) = common::vault_of(&[
        ("Attachments/Drawing 2021-12-10 14.32.07.md", drawing),
        (
            "Topic.md",
            "---\ntags: [flashcards]\n---\nSTART\nBasic\nWhat does the sketch show?\nBack: ![[Drawing 2021-12-10 14.32.07]]\nEND\n",
        ),
        // A note that only names the key in its text is a note.
        ("Plugin notes.md", "---\ntags: [flashcards]\n---\nWhich key marks a drawing?::`excalidraw-plugin`\n"),
        // Excalidraw's references to a part of a drawing are its own, no block ids.
        (
            "B-trees.md",
            "1. ![[Drawing 2021-12-10 14.32.07#^area=n0Mw2yLUzYiyCPnGfAx9k]]\n2. [[Drawing 2021-12-10 14.32.07#^group=x1]]\n3. [[Drawing 2021-12-10 14.32.07#^nosuchblock]]\n",
        ),
    ]);
    let err = check_passes(&vault);
    assert_eq!(err.matches("section-missing").count(), 1, "only the block id: {err}");
    assert!(err.contains("has no block `^nosuchblock`"), "{err}");
    assert!(!err.contains("comment-unclosed") && !err.contains("Drawing 2021-12-10 14.32.07.md:"), "{err}");
    assert!(err.contains("2 cards: 0 errors"), "the block and the spaced-repetition card, none of the drawing: {err}");
    let cards = cards_of(&tmp, &vault);
    assert!(!cards.contains("EXCALIDRAW VIEW") && !cards.contains("Not a card"), "no drawing data: {cards}");
    assert!(cards.contains(">Drawing 2021-12-10 14.32.07</a>"), "a link to the drawing: {cards}");
}

#[test]
fn a_file_of_the_name_wins_over_another_notes_alias() {
    // Obsidian finds a link's note by file name; an alias is only studygen's fallback.
    let (tmp, vault) = common::vault_of(&[
        ("Geometry/Modulus.md", "# Modulus\n\nThe length of a complex number.\n"),
        ("Sw/modules.md", "---\naliases: modulus\n---\n# Modules\n\nParts of a design.\n"),
        (
            "Circuits.md",
            "START\nBasic\nWhat is balanced?\nBack: the same ![[Modulus]] in every phase; see [[Modules]]\nEND\n",
        ),
    ]);
    let err = check_passes(&vault);
    assert!(!err.contains("ambiguous"), "the file wins: {err}");
    let cards = cards_of(&tmp, &vault);
    assert!(cards.contains("The length of a complex number."), "the file is embedded: {cards}");
    assert!(!cards.contains("Parts of a design."), "{cards}");
}

#[test]
fn a_file_whose_name_starts_with_a_bracket_is_linked_as_obsidian_links_it() {
    // Course material is often named `[Lecture 7-1] ….pdf`; Obsidian links it `[[[Lecture 7-1] ….pdf]]`.
    let (tmp, vault) = common::vault_of(&[(
        "Networks.md",
        "See ![[[Lecture 7-1] Networks.pdf#page=8|p. 8]] and [[[Lecture 7-2] Gone.pdf|the next one]].\n\nSTART\nBasic\nWhat is a neuron?\nBack: ![[[Lecture 7-1] Networks.pdf#page=9]]\nEND\n",
    )]);
    std::fs::write(vault.join("[Lecture 7-1] Networks.pdf"), b"%PDF-1.4\n").unwrap();
    let err = check_passes(&vault);
    assert!(err.contains("missing attachment `[Lecture 7-2] Gone.pdf`\n  --> Networks.md:1:53"), "{err}");
    assert_eq!(err.matches("-->").count(), 1, "the file that exists is found: {err}");
    let cards = cards_of(&tmp, &vault);
    assert!(cards.contains("file=%5BLecture%207-1%5D%20Networks.pdf"), "a link to the file: {cards}");
    assert!(!cards.contains("<p>!["), "no stray brackets: {cards}");
}

#[test]
fn a_github_anchor_to_a_heading_that_exists_is_an_info_with_the_link_obsidian_follows() {
    // Markdown copied from GitHub links its headings by GitHub's anchors, which Obsidian does not
    // follow: the heading is there, so it is an info; a heading that is not there is a warning.
    let (_tmp, vault) = common::vault_of(&[(
        "README.md",
        "## Contents\n\n- [Tool list](#tool-list)\n- [Gone](#no-such-part)\n- [Obsidian's way](#Tool%20List)\n\n## Tool List\n\nnmap\n",
    )]);
    let o = studygen(&["check", vault.to_str().unwrap(), "--deny-warnings"]);
    let err = stderr(&o);
    assert!(
        err.contains("info[section-missing]: link `(#tool-list)`: `README.md` has no heading `tool-list`; it is GitHub's anchor for the heading `tool list`\n  --> README.md:3:3"),
        "{err}"
    );
    assert!(
        err.contains("hint: Obsidian finds a heading by its text, not by GitHub's anchor: write `#tool%20list`"),
        "{err}"
    );
    assert!(err.contains("warning[section-missing]: link `(#no-such-part)`"), "{err}");
    assert_eq!(err.matches("section-missing").count(), 2, "Obsidian's own link resolves: {err}");
    assert_eq!(o.status.code(), Some(1), "the missing heading is still a warning: {err}");
}

#[test]
fn a_clipped_pages_empty_heading_anchors_are_not_reported() {
    // A web clipper (Omnivore, a real vault's) keeps each heading's own anchor as a link with no
    // text, `## [](#h-1)Steps`: nothing shows it and nothing follows it. A link with text to a
    // missing part is still a warning, as is an empty link to another note's missing part.
    let (_tmp, vault) = common::vault_of(&[
        (
            "Omnivore/Graph notes.md",
            "# Graph notes\n\n## [](#h-1)Steps\n\ntext [](#h-2)\n\n### [](#a-3)a) Three kinds\n\nsee [the steps](#h-9) and [](Other.md#gone)\n",
        ),
        ("Other.md", "# Other\n"),
    ]);
    let o = studygen(&["check", vault.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(err.contains("warning[section-missing]: link `(#h-9)`"), "{err}");
    assert!(err.contains("warning[section-missing]: link `(Other.md#gone)`"), "{err}");
    assert_eq!(err.matches("section-missing").count(), 2, "the empty anchors are not reported: {err}");
}

#[test]
fn an_image_in_a_hidden_folder_is_missing_and_the_hint_names_the_folder() {
    // A book exported from GitBook (a real vault's) keeps its images in `.gitbook/assets`, which
    // Obsidian does not read: the image is missing, and the hint says why.
    let (_tmp, vault) = common::vault_of(&[
        ("Pentest Book/enumeration/aws.md", "# AWS\n\n![](<../.gitbook/assets/image (7).png>)\n"),
        ("Pentest Book/.gitbook/assets/image (7).png", "\u{89}PNG"),
    ]);
    let o = studygen(&["check", vault.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(
        err.contains(
            "warning[attachment-missing]: missing image or attachment `Pentest Book/.gitbook/assets/image (7).png`"
        ),
        "{err}"
    );
    assert!(err.contains("its path goes through `.gitbook`, a hidden folder"), "{err}");
}

#[test]
fn a_link_whose_name_is_a_templater_command_that_did_not_run_says_so() {
    // A daily note made from its template without Templater running (a real vault's) keeps the
    // command where the name of the week's note should be.
    let (_tmp, vault) = common::vault_of(&[(
        "Diary/2024-08-26.md",
        "# Monday\n\n![[<% tp.date.now(\"gggg-[W]ww\") %>#Plan]]\n\nsee [[<% tp.file.title %>]]\n\n```\n![[<% tp.file.title %>]]\n```\n",
    )]);
    let o = studygen(&["check", vault.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(
        err.contains("warning[embed-missing]: missing embed `[[<% tp.date.now(\"gggg-[W]ww\") %>#Plan]]`: its name is a Templater command (`<% … %>`) that was not run when the note was made from its template\n  --> Diary/2024-08-26.md:3:1"),
        "{err}"
    );
    assert!(
        err.contains("hint: run the template's commands (Templater: Replace templates in the active file)"),
        "{err}"
    );
    assert!(
        err.contains(
            "info[link-unresolved]: unresolved link `[[<% tp.file.title %>]]`: its name is a Templater command"
        ),
        "{err}"
    );
    assert_eq!(err.matches("Templater command").count(), 2, "the command in code is no link: {err}");
}

#[test]
fn a_link_to_a_block_that_moved_to_another_note_names_that_note() {
    // Real vaults (KGDelez/AY-2021-2022-Term-3, Lai-shixuan/Something-new) move a paragraph with its
    // block id to another note, and the links to it break: the hint names the note that sets it
    // now, also in a build from the cache after the block moved again.
    let (tmp, vault) = common::vault_of(&[
        ("Review.md", "# Review\n\nsee [[Background#^58cb5d]] and [[Background#^gone01]]\n"),
        ("Background.md", "# Background\n\nwater is polar\n"),
        ("Properties.md", "# Properties\n\nhydrogen bonds hold water together ^58cb5d\n"),
        ("Solvents.md", "# Solvents\n\nwater dissolves salts\n"),
    ]);
    let out = tmp.path().join("out");
    let err = common::build_ok(&vault, &out);
    assert!(
        err.contains("hint: the block `^58cb5d` is set in `Properties.md`: link `[[Properties#^58cb5d]]`"),
        "{err}"
    );
    assert!(err.contains("has no block `^gone01`\n  --> Review.md:3:32"), "{err}");
    assert_eq!(err.matches("is set in").count(), 1, "a block no note sets keeps the plain hint: {err}");
    // The paragraph moves on; the note that links to it is unchanged, and comes from the cache.
    std::fs::write(vault.join("Properties.md"), "# Properties\n\nhydrogen bonds\n").unwrap();
    std::fs::write(vault.join("Solvents.md"), "# Solvents\n\nhydrogen bonds hold water together ^58cb5d\n").unwrap();
    let err = common::build_ok(&vault, &out);
    assert!(err.contains("hint: the block `^58cb5d` is set in `Solvents.md`: link `[[Solvents#^58cb5d]]`"), "{err}");
}

#[test]
fn a_wikipedia_anchor_in_a_clipped_page_is_an_info_with_the_link_obsidian_follows() {
    // A web clipper keeps Wikipedia's anchors (words joined by `_`, their case kept); the headings
    // are there, so each is an info that names its heading.
    let (_tmp, vault) = common::vault_of(&[(
        "raw/Subjuntivo – Wikipedia.md",
        "- [Presente](#Präsens_\\(Presente_de_subjuntivo\\)): **hable**\n- [Gone](#Futur_II)\n\n### Präsens (Presente de subjuntivo)\n\nhable\n",
    )]);
    let o = studygen(&["check", vault.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(
        err.contains("info[section-missing]: link `(#Präsens_(Presente_de_subjuntivo))`: `raw/Subjuntivo – Wikipedia.md` has no heading `Präsens_(Presente_de_subjuntivo)`; it is Wikipedia's anchor for the heading `präsens presente de subjuntivo`\n  --> raw/Subjuntivo – Wikipedia.md:1:3"),
        "{err}"
    );
    assert!(
        err.contains("hint: Obsidian finds a heading by its text, not by Wikipedia's anchor: write `#präsens%20presente%20de%20subjuntivo`"),
        "{err}"
    );
    assert!(err.contains("warning[section-missing]: link `(#Futur_II)`"), "a heading that is not there: {err}");
}

#[test]
fn a_heading_id_from_a_documentation_site_is_an_info_with_the_link_obsidian_follows() {
    // Docs built with VitePress, Docusaurus, Hugo or Pandoc set heading ids with `{#id}` and link
    // by them; Obsidian reads the id as part of the heading's text. The link that follows it
    // finds the heading.
    let (_tmp, vault) = common::vault_of(&[
        ("guide/computed.md", "See [typing](/guide/typing#typing-computed) and [gone](/guide/typing#no-such-id).\n"),
        ("guide/typing.md", "## Typing `computed()` {#typing-computed}\n\ntext\n"),
        ("guide/fixed.md", "See [typing](typing.md#Typing%20computed%20typing-computed).\n"),
    ]);
    let o = studygen(&["check", vault.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(
        err.contains("info[section-missing]: link `(/guide/typing#typing-computed)`: `guide/typing.md` has no heading `typing-computed`; it is the id the heading `Typing `computed()`` sets with `{#typing-computed}`, which Obsidian reads as part of the heading's text\n  --> guide/computed.md:1:5"),
        "{err}"
    );
    assert!(
        err.contains("hint: Obsidian finds a heading by its text: write `#typing%20computed%20typing-computed`"),
        "{err}"
    );
    assert!(
        err.contains("warning[section-missing]: link `(/guide/typing#no-such-id)`"),
        "an id no heading sets: {err}"
    );
    assert!(!err.contains("guide/fixed.md"), "the link the hint gives finds the heading: {err}");
}

#[test]
fn a_link_to_the_web_page_a_note_was_saved_from_names_the_note() {
    // Documentation saved from its website (an mdBook, Sphinx) links its pages as `.html`.
    let (_tmp, vault) = common::vault_of(&[
        (
            "book/ch10-lifetimes.md",
            "Refer to [slices](ch04-03-slices.html#string-slices) and [std](../std/index.html).\n",
        ),
        ("book/ch04-03-slices.md", "# Slices\n"),
    ]);
    let err = stderr(&studygen(&["check", vault.to_str().unwrap()]));
    assert!(
        err.contains("info[link-unresolved]: unresolved link `(ch04-03-slices.html#string-slices)`: no note is called `ch04-03-slices.html`; the note `book/ch04-03-slices.md` has its name: the link names the web page the note was made from, and `.md` finds the note"),
        "{err}"
    );
    assert!(
        err.contains("unresolved link `(../std/index.html)`: no note is called `std/index.html`\n"),
        "no note of that name: {err}"
    );
}

#[test]
fn a_path_that_climbs_above_the_vault_says_what_it_names_without_the_extra_folders() {
    // Tools (and notes moved by hand) write one `../` too many; the file is there, and the hint
    // names it. A path whose file is not there keeps the plain hint.
    let (_tmp, vault) = common::vault_of(&[
        (
            "Notes/Masters/Algorithms.md",
            "![](../../../Assets/Pasted%20image%201.png)\n\n![](../../../Assets/gone.png)\n",
        ),
        ("Assets/Pasted image 1.png", "png"),
    ]);
    let o = studygen(&["check", vault.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(
        err.contains("warning[link-outside-vault]: embed `../../../Assets/Pasted image 1.png` points outside the vault; it is not followed\n  --> Notes/Masters/Algorithms.md:1:1"),
        "{err}"
    );
    assert!(
        err.contains("hint: it climbs 1 folder above the vault; without 1 of its `../` it names `Assets/Pasted image 1.png`, which is in the vault"),
        "{err}"
    );
    assert!(err.contains("Algorithms.md:3:1"), "{err}");
    assert_eq!(err.matches("hint: links and embeds may only name files inside the vault").count(), 1, "{err}");
}

#[test]
fn an_alias_two_notes_share_is_ambiguous_and_says_obsidian_opens_neither() {
    // Obsidian finds a link's note by file name; `[[Relation]]` where two notes have the alias
    // `Relation` (and no note the name) opens nothing there. studygen links the shortest path and
    // says how Obsidian links an alias.
    let (_tmp, vault) = common::vault_of(&[
        ("Algebra/Relations.md", "---\naliases: [Relation]\n---\n# Relations\n"),
        ("Databases/Relation instance.md", "---\naliases: [Relation]\n---\n# Instances\n"),
        ("Physics/State.md", "a [[Relation]] of equality, and [[Relations]]\n"),
    ]);
    let o = studygen(&["check", vault.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(
        err.contains("warning[link-ambiguous]: ambiguous link `[[Relation]]`: no note is called that, and 2 notes have it as an alias: Algebra/Relations.md, Databases/Relation instance.md; Obsidian finds a note by its file name and opens none of them; studygen opens `Algebra/Relations.md`, the shortest path\n  --> Physics/State.md:1:3"),
        "{err}"
    );
    assert!(
        err.contains("hint: link the note by its name with the alias shown after `|`, such as `[[Relations|Relation]]`, as Obsidian writes a link to an alias"),
        "{err}"
    );
    assert_eq!(err.matches("link-ambiguous").count(), 1, "a file name is not ambiguous: {err}");
}

#[test]
fn a_missing_office_document_is_a_missing_attachment_not_a_missing_note() {
    // Course vaults link syllabi and slides by name; a `.docx` that is not there is a file to
    // add, not a note to write.
    let (_tmp, vault) = common::vault_of(&[
        ("Orientation.md", "![[Syllabus in BASC 101A.docx]]\n\n[[Lecture 2.pptx]]\n\n[[Grades.xlsx]]\n"),
        ("Grades.xlsx", "cells"),
    ]);
    let o = studygen(&["check", vault.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(
        err.contains("warning[attachment-missing]: missing image or attachment `Syllabus in BASC 101A.docx`\n  --> Orientation.md:1:1"),
        "{err}"
    );
    assert!(
        err.contains("warning[attachment-missing]: missing attachment `Lecture 2.pptx`\n  --> Orientation.md:3:1"),
        "{err}"
    );
    assert!(!err.contains("no note is called"), "{err}");
    assert_eq!(err.matches("attachment-missing").count(), 2, "the file that is there is found: {err}");
}

#[test]
fn a_parenthesis_that_ends_a_markdown_path_early_is_named_in_the_hint() {
    // Notion exports name folders after pages, `Gaps （momentum)` (a full-width `（` closed by an
    // ASCII `)`), and link their images with that `)` unescaped: a path's parentheses must pair,
    // so the link's path ends there, as in Obsidian, and the hint says why.
    let (_tmp, vault) = common::vault_of(&[
        (
            "Gaps.md",
            "![image.png](Gaps%20%EF%BC%88momentum)/image.png)\n\nSee [the next page](Gaps%20%EF%BC%88momentum)/Next.md), \
             [a note](Gaps.md), (aside) and [paired](Week%20(2)/Plan.md).\n\n\
             Text that follows a broken link is no path: \\([gone](Gone.md)\\), {@{[gone](Gone.md)}@}, [gone](Gone.md)(aq).\n",
        ),
        ("Gaps （momentum)/image.png", "png"),
        ("Gaps （momentum)/Next.md", "next\n"),
        ("Week (2)/Plan.md", "plan\n"),
    ]);
    let o = studygen(&["check", vault.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(err.contains("missing image or attachment `Gaps （momentum`\n  --> Gaps.md:1:1"), "{err}");
    assert!(
        err.contains("hint: a `)` in the name ended the link's path, which goes on after it: `Gaps%20%EF%BC%88momentum)/image.png`; write that `)` as `%29`, or put the path in `<...>`"),
        "{err}"
    );
    assert!(err.contains("`Gaps%20%EF%BC%88momentum)/Next.md`"), "the note link is cut short too: {err}");
    // Links followed by other text, or whose parentheses pair, are whole.
    assert_eq!(err.matches("ended the link's path").count(), 2, "{err}");
    assert!(err.contains("unresolved link `(Gone.md)`: no note is called `Gone.md`"), "{err}");
}

#[test]
fn a_line_of_a_zero_width_space_keeps_a_regex_card_and_its_id_together() {
    // A real vault's answer ends with a line holding only U+200B (pasted from a chat), then the
    // card's ID. The plugin's `^.{1,3}$` reads that line as part of the answer, so the ID follows
    // the card; were the space dropped, the line would be blank, the card would end there and its
    // ID would belong to no card (and the card would come back as a new one).
    let data = r#"{"settings": {"CUSTOM_REGEXPS": {"Basic": "((?:[^\\n][\\n]?)+) #flashcard ?\\n*((?:\\n(?:^.{1,3}$|^.{4}(?<!<!--).*))+)"}, "Defaults": {"ID Comments": true}}}"#;
    let note = "What is an event? #flashcard\nA subset of the sample space:\n\u{200b}\n<!--ID: 1751749951784-->\n\n\nWhat is \u{200b}a sample space? #flashcard\nEvery outcome.\n<!--ID: 1751749951785-->\n";
    let (tmp, vault) =
        common::vault_of(&[(".obsidian/plugins/obsidian-to-anki-plugin/data.json", data), ("Probability.md", note)]);
    let err = check_passes(&vault);
    assert!(!err.contains("id-orphan"), "both IDs belong to their cards: {err}");
    assert!(err.contains("2 cards: 0 errors, 0 warnings"), "{err}");
    let cards = cards_of(&tmp, &vault);
    assert!(cards.contains("A subset of the sample space:"), "{cards}");
    // A zero-width space inside a line is still dropped.
    assert!(cards.contains("<p>What is a sample space?</p>"), "{cards}");
}

#[test]
fn a_drawing_with_an_exported_image_shows_that_image() {
    // Excalidraw's auto-export keeps `Name.excalidraw.svg` (or `.png`) beside the drawing: the
    // card shows it, as Obsidian shows the drawing, and there is nothing to warn of.
    let drawing = "---\nexcalidraw-plugin: parsed\n---\n# Text Elements\n%%\n# Drawing\n```json\n{\"type\": \"excalidraw\"}\n```\n";
    let svg =
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>";
    let (tmp, vault) = common::vault_of(&[
        ("Excalidraw/Orbit.excalidraw.md", drawing),
        ("Excalidraw/Orbit.excalidraw.svg", svg),
        ("Excalidraw/Sketch.excalidraw.md", drawing),
        (
            "Physics.md",
            "START\nBasic\nWhat is the orbit's shape?\nBack: ![[Orbit.excalidraw|120]]\nEND\n\nSTART\nBasic\nAnd the sketch?\nBack: ![[Sketch.excalidraw]]\nEND\n",
        ),
    ]);
    let err = check_passes(&vault);
    assert_eq!(err.matches("warning[embed-drawing]").count(), 1, "only the drawing with no image: {err}");
    assert!(err.contains("--> Physics.md:10:7"), "{err}");
    let cards = cards_of(&tmp, &vault);
    assert!(
        cards.contains("<img src=\"\"Orbit.excalidraw.svg\"\" alt=\"\"Orbit.excalidraw.svg\"\" width=\"\"120\"\">"),
        "{cards}"
    );
    assert!(cards.contains(">Sketch.excalidraw</a>"), "{cards}");
    let apkg = common::apkg_in(&tmp.path().join("out"));
    let names = String::from_utf8_lossy(&common::deck_contents(&apkg)).into_owned();
    assert!(names.contains("Orbit.excalidraw.svg"), "the image is packed: {names}");
}

#[test]
fn a_missing_attachment_whose_name_reads_like_one_the_vault_has_names_it() {
    // A real vault embeds `![[BME205 Wiggers Diagram .pdf]]` (a space before the extension) where
    // the file is `BME205 Wiggers Diagram.pdf`; a pasted image often comes back as a `.jpg`.
    let (_tmp, vault) = common::vault_of(&[
        ("Week 10.md", "# ECG\n\n![[BME205 Wiggers Diagram .pdf]]\n\n![](scan.png)\n\n![[nothing like it.png]]\n"),
        ("BME205 Part 2/BME205 Wiggers Diagram.pdf", "%PDF-1.4"),
        ("img/scan.jpg", "\u{ff}\u{d8}"),
    ]);
    let o = studygen(&["check", vault.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(
        err.contains("hint: the vault has `BME205 Part 2/BME205 Wiggers Diagram.pdf`, whose name differs only in its spaces: link `BME205 Wiggers Diagram.pdf`"),
        "{err}"
    );
    assert!(
        err.contains("hint: the vault has `img/scan.jpg`, the same name with another extension: link `scan.jpg`"),
        "{err}"
    );
    let unlike = err.split("missing image or attachment `nothing like it.png`").nth(1).unwrap_or_default();
    assert!(unlike.lines().take(6).any(|l| l.contains("put the file anywhere in the vault")), "{err}");
}

#[test]
fn a_link_into_a_note_that_cannot_be_read_is_not_reported_as_a_missing_heading() {
    // A real vault keeps some notes encrypted with git-crypt; a checkout without the key holds
    // their ciphertext. Each such note is an error of its own; the links to its headings cannot
    // be checked, and are not reported again as headings it lacks.
    let (_tmp, vault) = common::vault_of(&[
        ("Planner.md", "# Plan\n\nsee [[Princeton#Short Answers]] and [[Open#Nowhere]]\n"),
        ("Open.md", "# Open\n"),
    ]);
    std::fs::write(vault.join("Princeton.md"), b"\0GITCRYPT\0\xfc\xdf\xc5\xa8\xe3\xd7\xdc\xac").unwrap();
    let o = studygen(&["check", vault.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(err.contains("error[invalid-utf8]"), "{err}");
    assert!(err.contains("git-crypt"), "{err}");
    assert!(err.contains("warning[section-missing]: link `[[Open#Nowhere]]`"), "{err}");
    assert!(!err.contains("link `[[Princeton#Short Answers]]`"), "{err}");
}

#[test]
fn a_link_by_a_path_that_finds_no_note_names_the_note_with_its_name() {
    // A real vault's embeds, written by an export, repeat a folder:
    // `![[10_Sources/Readwise/Books/10_Sources/books - Title#q1]]` for
    // `10_Sources/Readwise/Books/books - Title.md`. Obsidian matches a path against the end of the
    // notes' paths, so they find nothing; the message names the note that has the name.
    let (_tmp, vault) = common::vault_of(&[
        ("10_Sources/Readwise/Books/books - Title.md", "# Title\n\n## q1\n\nquote\n"),
        (
            "Terms/community.md",
            "# Community\n\n> ![[10_Sources/Readwise/Books/10_Sources/books - Title#q1]]\n\nsee [[Old/books - Title]] and [[Nowhere/at all]]\n",
        ),
    ]);
    let o = studygen(&["check", vault.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(
        err.contains("warning[embed-missing]: missing embed `[[10_Sources/Readwise/Books/10_Sources/books - Title#q1]]`: no note is at `10_Sources/Readwise/Books/10_Sources/books - Title`; the note `10_Sources/Readwise/Books/books - Title.md` has its name, in another folder: link `[[books - Title#q1]]`"),
        "{err}"
    );
    assert!(err.contains("unresolved link `[[Old/books - Title]]`: no note is at `Old/books - Title`; the note `10_Sources/Readwise/Books/books - Title.md` has its name, in another folder: link `[[books - Title]]`"), "{err}");
    assert!(err.contains("unresolved link `[[Nowhere/at all]]`: no note is called `Nowhere/at all`"), "{err}");
}

#[test]
fn a_link_to_a_heading_by_the_text_its_wikilink_shows_gets_the_link_obsidian_follows() {
    // A real vault's headings are wikilinks (`### [[1.3 Esophagus to duodenum|Stomach]]`), and
    // its links name them by what they show (`#Stomach`). Obsidian finds such a heading by all its
    // link's words; the hint gives that link, which studygen then finds too.
    let (_tmp, vault) = common::vault_of(&[
        ("1.3 Esophagus to duodenum.md", "# 1.3\n\n### [[1.3 Esophagus to duodenum|Stomach]]\n\nacid\n"),
        (
            "3.5 Ulcers.md",
            "# Ulcers\n\n[[1.3 Esophagus to duodenum#Stomach|stomach]] ulcers\n\n[[1.3 Esophagus to duodenum#1.3 Esophagus to duodenum Stomach]]\n",
        ),
    ]);
    let o = studygen(&["check", vault.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(
        err.contains("hint: the heading there that shows `Stomach` is a wikilink, which Obsidian finds by all its words, its brackets and `|` read as spaces: link `#1.3 Esophagus to duodenum Stomach`"),
        "{err}"
    );
    assert_eq!(err.matches("warning[section-missing]").count(), 1, "the link the hint gives is found: {err}");
}

#[test]
fn an_embedded_drawing_whose_note_is_missing_is_named_a_drawing() {
    // A real vault embeds `![[V03 - Sets 2025-10-15 15.59.14.excalidraw|50]]`; the drawing, the note
    // `V03 - Sets 2025-10-15 15.59.14.excalidraw.md`, was never committed.
    let (_tmp, vault) = common::vault_of(&[(
        "Lectures/V03 - Sets.md",
        "# Sets\n\n![[V03 - Sets 2025-10-15 15.59.14.excalidraw|50]]\n",
    )]);
    let o = studygen(&["check", vault.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(
        err.contains(
            "warning[attachment-missing]: missing Excalidraw drawing `V03 - Sets 2025-10-15 15.59.14.excalidraw`"
        ),
        "{err}"
    );
    assert!(
        err.contains("hint: the drawing is the note `V03 - Sets 2025-10-15 15.59.14.excalidraw.md`, which the vault does not have"),
        "{err}"
    );
}
