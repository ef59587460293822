//! Link lints: broken and ambiguous links, missing embeds and images, links that would leave the
//! vault, and embed cycles, each reported at its `file:line:col`.

use std::collections::{BTreeMap, HashMap};

use pulldown_cmark::{Event, LinkType, Tag};

use crate::diagnostics::{Code, Diagnostic, LineCursor, Severity};
use crate::links::{self, Index, Outline, Reference, Resolution};
use crate::markdown::{self, extension};
use crate::notes::Note;
use crate::settings::Level;
use crate::vault::Symlink;
use crate::vault::alike::Alike;

mod cycles;
mod hints;
mod sections;

use cycles::cycles;
use hints::{UNRUN_TEMPLATE, cut_hint, cut_short, elsewhere, hidden_folder, missing_hint, unrun_template, web_page_of};
use sections::section_missing;

/// One link or embed found in a note.
#[derive(Debug, Clone)]
struct Found {
    /// The destination to resolve (a markdown link's percent-decoded).
    dest: String,
    /// The link as messages show it: `[[dest]]`, or a markdown link's `(dest)` as written.
    shown: String,
    embed: bool,
    wiki: bool,
    line: usize,
    col: usize,
    /// A markdown link's path as it goes on past a `)` that ended it (see [`cut_short`]).
    cut: Option<String>,
}

fn links_of(note: &Note) -> Vec<Found> {
    let text = &note.text;
    let mut lines = LineCursor::new(text);
    let body_start = text.split_inclusive('\n').take(note.body_line).map(str::len).sum::<usize>();
    let body = text.get(body_start..).unwrap_or("");
    let mut out = Vec::new();
    for (ev, range) in markdown::events(body) {
        let (dest, embed, wiki) = match &ev {
            Event::Start(Tag::Link { link_type: LinkType::WikiLink { .. }, dest_url, .. }) => {
                (markdown::wikilink_dest(dest_url).to_owned(), false, true)
            }
            // A link with no text to a part of its own note (`## [](#h-1)Steps`) is a web page's
            // anchor, kept by a web clipper: nothing shows it, and nothing follows it.
            Event::Start(Tag::Link { dest_url, .. })
                if dest_url.starts_with('#') && body.get(range.clone()).is_some_and(|s| s.starts_with("[](")) =>
            {
                continue;
            }
            // A markdown link into the vault (`[text](Other%20note.md#Part)`) is checked as a
            // wikilink is.
            Event::Start(Tag::Link { link_type, dest_url, .. }) => {
                match markdown::markdown_link_target(*link_type, dest_url) {
                    Some(dest) => (dest, false, false),
                    None => continue,
                }
            }
            Event::Start(Tag::Image { link_type, dest_url, .. }) => match link_type {
                LinkType::WikiLink { .. } => (markdown::wikilink_dest(dest_url).to_owned(), true, true),
                _ => match markdown::internal_link(dest_url) {
                    Some(dest) => (dest, true, false),
                    None => continue,
                },
            },
            _ => continue,
        };
        if dest.contains("://") {
            continue;
        }
        let shown = match &ev {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) if !wiki => format!("({dest_url})"),
            _ => format!("[[{dest}]]"),
        };
        let cut = match &ev {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) if !wiki => {
                body.get(range.end..).and_then(|after| cut_short(dest_url, after))
            }
            _ => None,
        };
        let (line, col) = lines.line_col(body_start + range.start);
        out.push(Found { dest, shown, embed, wiki, line, col, cut });
    }
    out
}

/// Attachment types: a link whose name ends in one of these names a file, not a note, so
/// `[[5.5.3 Topic]]` is a note and `[[scan.pdf]]` a file.
const ATTACHMENT_EXT: [&str; 42] = [
    "png",
    "jpg",
    "jpeg",
    "gif",
    "webp",
    "svg",
    "avif",
    "bmp",
    "tif",
    "tiff",
    "ico",
    "mp3",
    "wav",
    "ogg",
    "oga",
    "opus",
    "m4a",
    "flac",
    "aac",
    "webm",
    "mp4",
    "mov",
    "mkv",
    "ogv",
    "pdf",
    "canvas",
    "excalidraw",
    "base",
    "3gp",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "odt",
    "ods",
    "odp",
    "rtf",
    "epub",
    "zip",
    "csv",
];

/// The diagnostics of the whole vault from every note's [`NoteLinks`], in vault order: each
/// note's own, each unresolved target once (at its first link, with the count), and embed cycles.
pub fn summarize<'a>(
    per_note: impl IntoIterator<Item = (&'a str, &'a NoteLinks)>,
    unresolved: Level,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut embeds: BTreeMap<String, Vec<(String, usize)>> = BTreeMap::new();
    let mut missing: BTreeMap<String, (Diagnostic, usize)> = BTreeMap::new();
    let per_note: Vec<(&str, &NoteLinks)> = per_note.into_iter().collect();
    // Each block id the vault's notes set, with the first note that sets it.
    let mut blocks: HashMap<&str, &str> = HashMap::new();
    for (path, links) in &per_note {
        for id in &links.blocks {
            blocks.entry(id.as_str()).or_insert(path);
        }
    }
    for (path, links) in per_note {
        let from = diags.len();
        diags.extend(links.diagnostics.iter().cloned());
        for (at, id, lacking) in &links.moved {
            let Some(d) = diags.get_mut(from + at) else { continue };
            if let Some(other) = blocks.get(id.as_str()).filter(|o| **o != lacking.as_str()) {
                let name = other.strip_suffix(".md").unwrap_or(other);
                d.hint = Some(format!("the block `^{id}` is set in `{other}`: link `[[{name}#^{id}]]`"));
            }
        }
        for u in &links.unresolved {
            missing.entry(crate::links::key(&u.target)).and_modify(|(_, n)| *n += 1).or_insert_with(|| {
                let d = Diagnostic::warning(
                    Code::LinkUnresolved,
                    path,
                    u.line,
                    u.col,
                    match &u.why {
                    Some(why) => format!("unresolved link `{}`: {why}", u.dest),
                    None => format!("unresolved link `{}`: no note is called `{}`", u.dest, u.target),
                },
                )
                .with_hint(
                    "create the note, or fix the name; set [lints] unresolved_links in studygen.toml to change how loud this is",
                );
                (d, 1)
            });
        }
        if !links.embeds.is_empty() {
            embeds.insert(path.to_owned(), links.embeds.clone());
        }
    }
    let severity = match unresolved {
        Level::Allow => None,
        Level::Info => Some(Severity::Info),
        Level::Warn => Some(Severity::Warning),
        Level::Error => Some(Severity::Error),
    };
    if let Some(severity) = severity {
        for (_, (mut d, n)) in missing {
            d.severity = severity;
            if n > 1 {
                d.message.push_str(&format!(" ({n} links in the vault; this is the first)"));
            }
            diags.push(d);
        }
    }
    diags.extend(cycles(&embeds));
    diags
}

/// One note's link problems, its unresolved links and the notes it embeds (with the line of each
/// embed).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct NoteLinks {
    diagnostics: Vec<Diagnostic>,
    unresolved: Vec<Unresolved>,
    embeds: Vec<(String, usize)>,
    /// The block ids (`^fa7459`) the note sets, without their `^`.
    blocks: Vec<String>,
    /// Each of `diagnostics` that is a link to a block its note lacks: its place there, the id,
    /// and that note. The vault may hold the block in another note (the paragraph was moved).
    moved: Vec<(usize, String, String)>,
}

/// A link to a note the vault does not have. Vaults hold many (notes to write later), so each is
/// kept small; only the first link to each target becomes a diagnostic.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Unresolved {
    /// The target, as written.
    target: String,
    /// The link, as messages show it.
    dest: String,
    line: usize,
    col: usize,
    /// Why nothing is found, when there is more to say than that no note has the name: the name
    /// is a symbolic link that is not followed, a web page whose name a note has, or a Templater
    /// command that was not run.
    why: Option<String>,
}

/// Checks the links and embeds of one note. `outline` gives the outline of another note, whose
/// headings and block ids section links are checked against.
pub fn check_note<'n>(
    note: &Note,
    index: &Index,
    media: &(dyn Fn(&str) -> bool + Sync),
    alike: &dyn Fn(&str) -> Option<Alike>,
    outline: &dyn Fn(&str) -> Option<&'n Outline>,
) -> NoteLinks {
    let mut diags = Vec::new();
    let mut unresolved = Vec::new();
    let mut embeds = Vec::new();
    let mut moved = Vec::new();
    for f in links_of(note) {
        let at = |code: Code, msg: String, hint: &str| {
            Diagnostic::warning(code, &note.path, f.line, f.col, msg).with_hint(hint)
        };
        let mut r = Reference::parse(&f.dest);
        let kind = if f.embed { "embed" } else { "link" };
        match links::from_note(&note.path, &r.target) {
            Some(target) => {
                let target = target.into_owned();
                r.target = target;
            }
            None => {
                // A path with a `..` too many often names a file that is there.
                let (above, inside) = links::above_vault(&note.path, &r.target);
                let there =
                    !inside.is_empty() && (media(&inside) || index.resolve(&note.path, &inside) != Resolution::Missing);
                let hint = if there {
                    let folders = if above == 1 { "folder" } else { "folders" };
                    format!(
                        "it climbs {above} {folders} above the vault; without {above} of its `../` it names `{inside}`, which is in the vault"
                    )
                } else {
                    "links and embeds may only name files inside the vault".to_owned()
                };
                diags.push(at(
                    Code::LinkOutsideVault,
                    format!("{kind} `{}` points outside the vault; it is not followed", f.dest),
                    &hint,
                ));
                continue;
            }
        }
        let ext = extension(&r.target);
        let is_file = ATTACHMENT_EXT.contains(&ext.as_str()) || (!ext.is_empty() && ext != "md" && media(&r.target));
        // An embedded drawing is reported where a card holds it: in prose, the embed is
        // Obsidian's alone.
        let drawing = |path: &str| {
            let in_card = note.cards.iter().any(|c| (c.line..=c.end_line).contains(&f.line));
            (f.embed && in_card).then(|| at(
                Code::EmbedDrawing,
                format!("embed `{}` is an Excalidraw drawing (`{path}`); the card shows a link to it", f.shown),
                "studygen cannot draw it: turn on Excalidraw's auto-export (SVG or PNG), whose image beside the drawing the card then shows, or export one and embed it",
            ))
        };
        // An image, and a file a link names, need only be in the vault; a markdown link to a
        // note is resolved as a wikilink is.
        // A markdown embed of a note (`![](Other.md)`, `![](#^block)`) embeds it as `![[...]]` does.
        let note_embed = f.embed && !f.wiki && (r.target.is_empty() || ext == "md");
        if is_file || (f.embed && !f.wiki && !note_embed) {
            // An Excalidraw drawing is the note `Name.excalidraw.md`, which Obsidian finds by the
            // name `Name.excalidraw`.
            let note_of_drawing = (ext == "excalidraw" && f.wiki && !media(&r.target))
                .then(|| index.resolve(&note.path, &r.target).note().map(str::to_owned))
                .flatten()
                .filter(|p| links::is_drawing(p));
            if let Some(path) = note_of_drawing {
                // The card shows the drawing's exported image, when the plugin keeps one.
                if !["svg", "png"].iter().any(|e| media(&format!("{}.{e}", r.target))) {
                    diags.extend(drawing(&path));
                }
                continue;
            }
            if !media(&r.target) {
                // Excalidraw keeps a drawing as the note `Name.excalidraw.md`, linked `[[Name.excalidraw]]`.
                let what = match (ext.as_str(), f.embed) {
                    ("excalidraw", _) => "Excalidraw drawing",
                    (_, true) => "image or attachment",
                    (_, false) => "attachment",
                };
                diags.push(match index.unfollowed(&r.target) {
                    Some((rel, Symlink::Outside)) => outside_symlink(&at, kind, &f.shown, rel),
                    Some((rel, Symlink::Broken(to))) => at(
                        Code::AttachmentMissing,
                        format!(
                            "missing {what} `{}`: `{rel}` is a symbolic link to `{to}`, which is no file of the vault",
                            r.target
                        ),
                        "point the link at a file of the vault, or put the file in its place",
                    ),
                    _ => at(
                        Code::AttachmentMissing,
                        format!("missing {what} `{}`", r.target),
                        &f.cut.as_deref().map_or_else(
                            || match hidden_folder(&r.target) {
                                // A book exported from GitBook keeps its images in `.gitbook/assets`.
                                Some(folder) => format!(
                                    "its path goes through `{folder}`, a hidden folder, which Obsidian does not read (nor does studygen); move the file out of it"
                                ),
                                None => missing_hint(&r.target, alike(&r.target)),
                            },
                            cut_hint,
                        ),
                    ),
                });
            }
            continue;
        }
        let target_note: Option<&str> = if r.target.is_empty() {
            Some(&note.path)
        } else {
            match index.resolve(&note.path, &r.target) {
                Resolution::Found(p) => Some(p),
                Resolution::Missing => {
                    let symlink = index.unfollowed(&r.target);
                    let why = match symlink {
                        Some((rel, Symlink::Broken(to))) => {
                            Some(format!("`{rel}` is a symbolic link to `{to}`, which is no note of the vault"))
                        }
                        _ if f.cut.is_some() => f.cut.as_deref().map(cut_hint),
                        _ if unrun_template(&r.target) => Some(UNRUN_TEMPLATE.to_owned()),
                        _ => web_page_of(index, &note.path, &r.target)
                            .map(|found| {
                                format!(
                                    "no note is called `{}`; the note `{found}` has its name: the link names the web page the note was made from, and `.md` finds the note",
                                    r.target
                                )
                            })
                            .or_else(|| {
                                let (name, found) = elsewhere(index, &note.path, &r.target)?;
                                let part = f.dest.find('#').map_or("", |at| &f.dest[at..]);
                                Some(format!(
                                    "no note is at `{}`; the note `{found}` has its name, in another folder: link `[[{name}{part}]]`",
                                    r.target
                                ))
                            }),
                    };
                    if let Some((rel, Symlink::Outside)) = symlink {
                        diags.push(outside_symlink(&at, kind, &f.shown, rel));
                    } else if f.embed {
                        let why = why.unwrap_or_else(|| format!("no note is called `{}`", r.target));
                        let hint = if unrun_template(&r.target) {
                            "run the template's commands (Templater: Replace templates in the active file), or write the note's name; the card shows a link instead"
                        } else {
                            "check the name, or create the note; the card shows a link instead"
                        };
                        diags.push(at(Code::EmbedMissing, format!("missing embed `{}`: {why}", f.shown), hint));
                    } else {
                        unresolved.push(Unresolved {
                            target: r.target.clone(),
                            dest: f.shown.clone(),
                            line: f.line,
                            col: f.col,
                            why,
                        });
                    }
                    None
                }
                Resolution::Ambiguous(paths) => {
                    let opened = paths.first().copied();
                    let mut listed = paths;
                    listed.sort_unstable();
                    let (n, listed, opened_path) = (listed.len(), listed.join(", "), opened.unwrap_or_default());
                    // Notes that share the name as an alias: Obsidian, which finds a note by its
                    // file name alone, opens none of them.
                    let diag = if index.alias_only(&r.target) {
                        let stem = opened_path.rsplit('/').next().unwrap_or(opened_path);
                        let stem = stem.strip_suffix(".md").unwrap_or(stem);
                        at(
                            Code::LinkAmbiguous,
                            format!(
                                "ambiguous {kind} `{}`: no note is called that, and {n} notes have it as an alias: {listed}; Obsidian finds a note by its file name and opens none of them; studygen opens `{opened_path}`, the shortest path",
                                f.shown
                            ),
                            &format!(
                                "link the note by its name with the alias shown after `|`, such as `[[{stem}|{}]]`, as Obsidian writes a link to an alias",
                                r.target
                            ),
                        )
                    } else {
                        at(
                            Code::LinkAmbiguous,
                            format!(
                                "ambiguous {kind} `{}`: {n} notes are called that: {listed}; Obsidian opens `{opened_path}`, the shortest path, and so does studygen",
                                f.shown
                            ),
                            "write the path, such as `[[folder/name]]`, to name the one you mean",
                        )
                    };
                    diags.push(diag);
                    opened
                }
            }
        };
        let Some(path) = target_note else { continue };
        if f.embed && links::is_drawing(path) {
            diags.extend(drawing(path));
            continue;
        }
        // Excalidraw names a part of a drawing with `#^area=id` (also `group=`, `frame=`,
        // `clippedframe=`), an element of its data, which only it reads: no block of a note.
        let drawing_part = r
            .block
            .as_deref()
            .is_some_and(|b| ["area=", "group=", "frame=", "clippedframe="].iter().any(|p| b.starts_with(p)));
        if (!r.headings.is_empty() || r.block.is_some())
            && !drawing_part
            && let Some(target) = outline(path)
            && !target.has_section(&r.headings, r.block.as_deref())
        {
            let d = section_missing(note, &f, &r, path, target, index);
            if let (Some(id), Severity::Warning) = (&r.block, d.severity) {
                moved.push((diags.len(), id.clone(), path.to_owned()));
            }
            diags.push(d);
        }
        // A section or block of the note itself renders once and is no cycle.
        let part_of_self = path == note.path && (!r.headings.is_empty() || r.block.is_some());
        if f.embed && !part_of_self {
            embeds.push((path.to_owned(), f.line));
        }
    }
    let blocks = outline(&note.path).map(|o| o.block_ids().map(str::to_owned).collect()).unwrap_or_default();
    NoteLinks { diagnostics: diags, unresolved, embeds, blocks, moved }
}

/// The warning for a link or embed (`kind`, shown as `shown`) whose target is `rel`, a symbolic
/// link out of the vault, made by `at`.
fn outside_symlink(at: &dyn Fn(Code, String, &str) -> Diagnostic, kind: &str, shown: &str, rel: &str) -> Diagnostic {
    at(
        Code::LinkOutsideVault,
        format!("{kind} `{shown}`: `{rel}` is a symbolic link to a file outside the vault; it is not followed"),
        "put the file itself in the vault in place of the link: studygen reads nothing outside the vault",
    )
}
