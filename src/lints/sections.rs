//! The warning for a link or embed to a heading or block that its note lacks, with what the link
//! most likely meant.

use super::Found;
use crate::diagnostics::{Code, Diagnostic};
use crate::links::{Index, Outline, Reference};
use crate::notes::Note;

/// The warning for a link to a heading or block the note `path` (whose outline is `target`) lacks.
/// A markdown link by GitHub's or Wikipedia's anchor to a heading that is there is an info with the link Obsidian
/// follows; `[[#Topic]]` where a note is called `Topic` names that note.
pub(super) fn section_missing(
    note: &Note,
    f: &Found,
    r: &Reference,
    path: &str,
    target: &Outline,
    index: &Index,
) -> Diagnostic {
    let kind = if f.embed { "embed" } else { "link" };
    let part =
        r.block.as_ref().map_or_else(|| format!("heading `{}`", r.headings.join("#")), |b| format!("block `^{b}`"));
    let message = format!("{kind} `{}`: `{path}` has no {part}", f.shown);
    // The link opens the note, only not at the place: an info, which says why and what to write.
    let info = |why: String, hint: String| {
        Diagnostic::info(Code::SectionMissing, &note.path, f.line, f.col, format!("{message}; {why}")).with_hint(hint)
    };
    // Markdown from sites built with Pandoc, VitePress, Docusaurus or Hugo sets heading ids.
    let id = match (r.headings.as_slice(), &r.block) {
        ([one], None) => target.heading_with_id(one),
        _ => None,
    };
    if let Some((heading, key)) = id {
        return info(
            format!(
                "it is the id the heading `{heading}` sets with `{{#{}}}`, which Obsidian reads as part of the heading's text",
                r.headings.join("#")
            ),
            format!("Obsidian finds a heading by its text: write `#{}`", key.replace(' ', "%20")),
        );
    }
    // Markdown copied from GitHub or Wikipedia links headings by the site's anchors.
    let web = match (f.wiki, r.headings.as_slice(), &r.block) {
        (false, [one], None) => target.web_anchor(one),
        _ => None,
    };
    if let Some((heading, site)) = web {
        return info(
            format!("it is {site} anchor for the heading `{heading}`"),
            format!(
                "Obsidian finds a heading by its text, not by {site} anchor: write `#{}`",
                heading.replace(' ', "%20")
            ),
        );
    }
    // An HTML anchor, as Typora and GitHub follow them.
    let html = match (r.headings.as_slice(), &r.block) {
        ([one], None) => target.has_html_anchor(one).then_some(one),
        _ => None,
    };
    if let Some(anchor) = html {
        return info(
            format!("it names the HTML anchor `<a id=\"{anchor}\">`, which Obsidian does not follow"),
            "Obsidian links to headings and block ids: link the heading above the anchor, or end its paragraph with a block id `^id` and link `#^id`".to_owned(),
        );
    }
    // A section that became a note of its own (Obsidian's "extract this heading") keeps its links.
    let named = match (r.target.is_empty(), r.headings.as_slice(), &r.block) {
        (true, [one], None) => index.resolve(&note.path, one).note().map(|n| (n.to_owned(), one)),
        _ => None,
    };
    let hint = match named {
        Some((named, name)) => format!("the note `{named}` has that name: link the note, `[[{name}]]`"),
        None => "check the heading or block id".to_owned(),
    };
    Diagnostic::warning(Code::SectionMissing, &note.path, f.line, f.col, message).with_hint(hint)
}
