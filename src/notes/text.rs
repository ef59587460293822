//! A note's text as every reader sees it: without a byte-order mark, with `\n` line endings,
//! without pasted zero-width spaces, and with its comments blanked out; and whether a file is a
//! template for new notes rather than a note.

use super::comments;
use crate::diagnostics::{Code, Diagnostic};
use crate::vault::SourceFile;

/// Whether the note at `rel` is a template for new notes though no template folder is set (the
/// template plugins' settings are not in the vault, or name another folder): it sits in a folder
/// named as template folders are (`Templates`, `99 Templates`, `Plantillas`, `Vorlagen`, `模板`),
/// and holds what only a template holds, a Templater command (`<% tp.date.now() %>`, `<%* … %>`)
/// or a Templates placeholder (`{{title}}`, `{{date:YYYY-MM-DD}}`). Such a file is no note, as
/// in a template folder: its prompts and scripts would be cards, and its placeholders broken links.
/// A note in such a folder without them (C++ templates, say) is a note.
pub(super) fn is_unconfigured_template(rel: &str, text: &str) -> bool {
    if !in_template_named_folder(rel) {
        return false;
    }
    let templater = text.contains("<%") && text.contains("%>") && (text.contains("tp.") || text.contains("tR"));
    let placeholder = ["{{title}}", "{{date}}", "{{time}}", "{{date:", "{{time:"].iter().any(|p| text.contains(p));
    templater || placeholder
}

/// Whether the note at `rel` sits in a folder named as template folders are (`Templates`,
/// `99 Templates`, `Plantillas`, `Vorlagen`, `模板`).
pub(crate) fn in_template_named_folder(rel: &str) -> bool {
    let folders = rel.rsplit_once('/').map_or("", |(dir, _)| dir);
    folders.split('/').any(|f| {
        let f = f.to_lowercase();
        ["template", "plantilla", "vorlage", "modèle", "modele", "模板", "テンプレート"].iter().any(|n| f.contains(n))
    })
}

/// The part of `text` after its first `body_line` lines.
pub(crate) fn body_of(text: &str, body_line: usize) -> &str {
    let start = text.split_inclusive('\n').take(body_line).map(str::len).sum::<usize>();
    text.get(start..).unwrap_or("")
}

/// `text` without a byte-order mark, with `\n` line endings, and without the zero-width and
/// non-breaking spaces pasted from the web that would hide `START`, `Back:` and tags from the
/// scanner (the former dropped, the latter read as spaces); `None` when it has none of them.
///
/// A line of nothing but such spaces is left as it is: the plugins (and Obsidian) do not read it
/// as blank, so that a regex card whose answer ends `…:\n\u{200b}\n<!--ID: n-->` still reaches its
/// ID, as it does in Obsidian_to_Anki.
fn normalize(text: &str) -> Option<String> {
    let bom = text.strip_prefix('\u{feff}');
    let text = bom.unwrap_or(text);
    let crlf = text.contains('\r');
    // (All four are outside ASCII, and most notes are ASCII: a fast check first.)
    let spaces = !text.is_ascii() && text.contains(['\u{200b}', '\u{2060}', '\u{feff}', '\u{a0}']);
    if bom.is_none() && !crlf && !spaces {
        return None;
    }
    let mut out = if crlf { text.replace("\r\n", "\n").replace('\r', "\n") } else { text.to_owned() };
    if spaces {
        out = out.split_inclusive('\n').map(without_pasted_spaces).collect();
    }
    Some(out)
}

/// One line of [`normalize`]: zero-width spaces dropped and non-breaking ones made spaces, unless
/// the line has nothing else.
fn without_pasted_spaces(line: &str) -> std::borrow::Cow<'_, str> {
    const ZERO_WIDTH: [char; 3] = ['\u{200b}', '\u{2060}', '\u{feff}'];
    if !line.contains(ZERO_WIDTH) && !line.contains('\u{a0}') {
        return line.into();
    }
    let only_spaces = line.chars().all(|c| ZERO_WIDTH.contains(&c) || c == '\u{a0}' || c.is_ascii_whitespace());
    if only_spaces {
        return line.into();
    }
    line.replace(ZERO_WIDTH, "").replace('\u{a0}', " ").into()
}

/// A note's text as every reader sees it: [`normalize`]d, comments blanked out, and shared with
/// the vault's copy when that needed no change; with the warning for a comment left open. `Err`
/// when the file is not UTF-8 text.
pub(crate) fn prelude(src: &SourceFile) -> Result<(std::sync::Arc<str>, Option<Diagnostic>), Diagnostic> {
    let content = src.content();
    let owned: std::sync::Arc<str>;
    let shared = match &content {
        crate::vault::Content::Text(t) => t,
        crate::vault::Content::Bytes(bytes) => match std::str::from_utf8(bytes) {
            Ok(t) => {
                owned = t.into();
                &owned
            }
            // A file git-crypt encrypts is its ciphertext in a checkout that is not unlocked (CI).
            Err(_) if bytes.starts_with(b"\0GITCRYPT\0") => {
                return Err(Diagnostic::error(
                    Code::InvalidUtf8,
                    &src.rel,
                    1,
                    1,
                    "the note is encrypted with git-crypt, and this checkout is locked",
                )
                .with_hint("unlock it (`git-crypt unlock`) to build the note's cards; the note was skipped"));
            }
            Err(e) => {
                let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
                let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
                let col = valid.iter().rev().take_while(|b| **b != b'\n').count() + 1;
                return Err(Diagnostic::error(
                    Code::InvalidUtf8,
                    &src.rel,
                    line,
                    col,
                    "invalid UTF-8: the note is not text in UTF-8",
                )
                .with_hint("re-save the file as UTF-8; the note was skipped"));
            }
        },
    };
    let text: &str = shared;
    let normalized = normalize(text);
    let (stripped, open_comment) = comments::strip(normalized.as_deref().unwrap_or(text));
    let text: std::sync::Arc<str> = match (stripped, normalized) {
        (Some(t), _) | (None, Some(t)) => t.into(),
        (None, None) => std::sync::Arc::clone(shared),
    };
    let open = open_comment.map(|(line, col)| {
        Diagnostic::warning(
            Code::CommentUnclosed,
            &src.rel,
            line,
            col,
            "this `%%` opens a comment that is never closed; Obsidian hides the rest of the note, and so does studygen",
        )
        .with_hint("close the comment with `%%`; two percent signs in a row (`45.9%%`) open one too")
    });
    Ok((text, open))
}
