//! What a link that finds nothing most likely meant, for its message and hint: a path a `)` cut
//! short, a Templater command that was not run, a hidden folder, an attachment whose name reads
//! alike, the web page a note was saved from, a note in another folder.

use crate::links::Index;
use crate::vault::alike::Alike;

/// A `)` that no `(` pairs ends a markdown link's path, as in CommonMark and Obsidian: exported Notion
/// pages link `](Gaps%20%EF%BC%88momentum)/image.png)`, a full-width `（` closed by an ASCII `)`.
/// The rest of the path is then text right after the link, up to the link's own `)`. Returns the
/// path as written in full.
pub(super) fn cut_short(dest_url: &str, after: &str) -> Option<String> {
    let run = after.split(char::is_whitespace).next()?;
    let rest = run.get(..run.find(')')?)?;
    // The rest is a piece of a path (`/image.png`, `%20notes.md`), not text that follows a link
    // (`\)`, `}@}`, `(aq)`, `'s`).
    let path_like = rest.contains(['/', '.', '%'])
        && rest.contains(char::is_alphanumeric)
        && !rest.contains(|c: char| "()[]{}<>\\`*|\"'!?,;".contains(c) || c.is_whitespace());
    path_like.then(|| format!("{dest_url}){rest}"))
}

/// Whether a link's target is a Templater command (`[[<% tp.date.now("YYYY-MM-DD") %>]]`) that was
/// not run when the note was made from its template: no note has such a name.
pub(super) fn unrun_template(target: &str) -> bool {
    target.contains("<%") && target.contains("%>")
}

/// Why a link to [`unrun_template`] finds nothing.
pub(super) const UNRUN_TEMPLATE: &str =
    "its name is a Templater command (`<% … %>`) that was not run when the note was made from its template";

/// The first hidden folder (`.gitbook`) on a vault path, if any.
pub(super) fn hidden_folder(path: &str) -> Option<&str> {
    let (folders, _) = path.rsplit_once('/')?;
    folders.split('/').find(|f| f.starts_with('.') && *f != "." && *f != "..")
}

/// The hint for a missing attachment `target`, which is `alike` one the vault has.
pub(super) fn missing_hint(target: &str, alike: Option<Alike>) -> String {
    let name = |path: &str| crate::vault::file_name(path).to_owned();
    match alike {
        Some(Alike::Spacing(path)) if name(&path) != crate::vault::file_name(target) => {
            format!("the vault has `{path}`, whose name differs only in its spaces: link `{}`", name(&path))
        }
        Some(Alike::Extension(path)) => {
            format!("the vault has `{path}`, the same name with another extension: link `{}`", name(&path))
        }
        _ if crate::markdown::extension(target) == "excalidraw" => format!(
            "the drawing is the note `{}.md`, which the vault does not have: put it in the vault (was it synced or committed?), or remove the embed",
            crate::vault::file_name(target)
        ),
        _ => "put the file anywhere in the vault; it is found by name".to_owned(),
    }
}

/// What to do about a link whose path a `)` cut short ([`cut_short`]).
pub(super) fn cut_hint(full: &str) -> String {
    format!(
        "a `)` in the name ended the link's path, which goes on after it: `{full}`; write that `)` as `%29`, or put the path in `<...>`"
    )
}

/// The note whose name a link to a web page has (`ch04-03-slices.html` for `ch04-03-slices.md`),
/// as documentation saved from its website links its pages.
pub(super) fn web_page_of(index: &Index, from: &str, target: &str) -> Option<String> {
    let lower = target.to_ascii_lowercase();
    let stem =
        [".html", ".htm"].iter().find_map(|ext| lower.ends_with(ext).then(|| &target[..target.len() - ext.len()]))?;
    index.resolve(from, &format!("{stem}.md")).note().map(str::to_owned)
}

/// For a link by a path that finds no note (`Books/Sources/Title`): the note its last part, the
/// note's name, finds (`Sources/Readwise/Books/Title.md`), with that name. Obsidian matches a path
/// against the end of the notes' paths, so a folder too many or moved finds nothing.
pub(super) fn elsewhere<'i>(index: &'i Index, from: &str, target: &str) -> Option<(&'i str, &'i str)> {
    let (_, name) = target.rsplit_once('/')?;
    let found = index.resolve(from, name).note()?;
    let stem = found.rsplit('/').next().unwrap_or(found);
    Some((stem.strip_suffix(".md").unwrap_or(stem), found))
}
