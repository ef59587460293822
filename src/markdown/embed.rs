//! Embeds and images in a card: `![[file]]` and `![](file)` become an image, a sound, a link that
//! opens the file in Obsidian, or the embedded note's own HTML.

use super::escape::{escape, obsidian_url};
use super::{Resolve, display_text};

const IMAGE_EXT: [&str; 8] = ["png", "jpg", "jpeg", "gif", "webp", "svg", "avif", "bmp"];
const AUDIO_EXT: [&str; 6] = ["mp3", "wav", "ogg", "m4a", "flac", "webm"];
/// Video Anki plays as it plays sound, with `[sound:…]`.
const VIDEO_EXT: [&str; 5] = ["mp4", "mov", "mkv", "ogv", "3gp"];
/// Images browsers show besides [`IMAGE_EXT`], which only a note's prose names.
const OTHER_IMAGE_EXT: [&str; 3] = ["tif", "tiff", "ico"];

/// Whether a markdown embed's `dest` names a note, which it embeds as `![[...]]` does: a path
/// ending in `.md`, or a place in the same note (`#^block`).
fn markdown_note(dest: &str) -> bool {
    let path = dest.split('#').next().unwrap_or_default();
    path.is_empty() || extension(path) == "md"
}

/// The extension of `name`, lower-cased.
pub fn extension(name: &str) -> String {
    let file = name.rsplit('/').next().unwrap_or(name);
    file.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default()
}

pub(super) fn image(
    dest: &str,
    inner: &str,
    title: &str,
    wiki: bool,
    vault: &dyn Resolve,
    media: &mut Vec<String>,
) -> String {
    let ext = extension(dest);
    let external = dest.contains("://");
    // An Excalidraw drawing (`![[Sketch.excalidraw]]`) shows as the image the plugin exports of
    // it, when it keeps one (its auto-export writes `Sketch.excalidraw.svg` or `.png`).
    if !external && ext == "excalidraw" {
        let exported = ["svg", "png"].iter().map(|e| format!("{dest}.{e}")).find(|e| vault.media(e).is_some());
        if let Some(exported) = exported {
            return image(&exported, inner, title, wiki, vault, media);
        }
    }
    let packed = if external { None } else { vault.media(dest) };
    let (alt, size) = if wiki { (String::new(), inner.trim()) } else { (inner.to_owned(), "") };
    let size_attr = match size.split_once('x') {
        Some((w, h)) if w.parse::<u32>().is_ok() && h.parse::<u32>().is_ok() => {
            format!(" width=\"{w}\" height=\"{h}\"")
        }
        _ if size.parse::<u32>().is_ok() => format!(" width=\"{size}\""),
        _ => String::new(),
    };
    let shown_as_image = |name: &str| {
        ext.is_empty()
            || IMAGE_EXT.contains(&ext.as_str())
            || OTHER_IMAGE_EXT.contains(&ext.as_str())
            || vault.is_figure(name)
    };
    match packed {
        Some(name) if AUDIO_EXT.contains(&ext.as_str()) || VIDEO_EXT.contains(&ext.as_str()) => {
            media.push(name.clone());
            format!("[sound:{name}]")
        }
        // A PDF, a canvas or any other file a card cannot show: a link that opens it in Obsidian.
        Some(name) if !shown_as_image(&name) => format!(
            "<a class=\"embed\" href=\"{}\">{}</a>",
            escape(&obsidian_url(vault.vault_name(), dest)),
            escape(dest.rsplit('/').next().unwrap_or(dest))
        ),
        Some(name) => {
            media.push(name.clone());
            let alt = if alt.is_empty() { dest.rsplit('/').next().unwrap_or(dest).to_owned() } else { alt };
            let class = if vault.is_figure(&name) { " class=\"figure\"" } else { "" };
            format!("<img src=\"{}\" alt=\"{}\"{class}{size_attr}>", escape(&name), escape(&alt))
        }
        None if external => {
            let t = if title.is_empty() { String::new() } else { format!(" title=\"{}\"", escape(title)) };
            format!("<img src=\"{}\" alt=\"{}\"{t}>", escape(dest), escape(&alt))
        }
        None if (wiki || markdown_note(dest))
            && !IMAGE_EXT.contains(&ext.as_str())
            && !AUDIO_EXT.contains(&ext.as_str()) =>
        {
            if let Some(r) = vault.embed(dest) {
                media.extend(r.media);
                return format!("<div class=\"embed\">{}</div>", r.html);
            }
            // A note that cannot be embedded: show it as a link to the note.
            format!(
                "<a class=\"embed\" href=\"{}\">{}</a>",
                escape(&obsidian_url(vault.vault_name(), dest)),
                escape(&display_text(dest))
            )
        }
        None => format!("<span class=\"missing-media\">{}</span>", escape(dest)),
    }
}
