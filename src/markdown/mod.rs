//! Markdown to Anki HTML, through pulldown-cmark with every option the vault needs set in one place.
//!
//! What Obsidian adds on top of CommonMark is handled here: math (`$…$` → `\(…\)`, `$$…$$` →
//! `\[…\]`, the LaTeX passed through byte for byte with only `<`, `>` and `&` escaped), wikilinks
//! shown by their display text and linking back to Obsidian, `==highlights==`, image embeds, and
//! line breaks on single newlines. Comments are removed earlier, when the note is read.

use std::sync::LazyLock;

mod embed;
mod escape;
mod events;
mod math;
mod tags;

pub use embed::extension;
use embed::image;
use escape::escape_math;
pub use escape::{escape, obsidian_url};
pub use events::events;
use tags::tag_spans;
pub use tags::{inline_tags, may_hold_tag};

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use regex::Regex;

/// The parser options every part of studygen uses.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_MATH
        | Options::ENABLE_WIKILINKS
}

/// A pulldown-cmark parser with [`options`].
pub fn parser(md: &str) -> Parser<'_> {
    Parser::new_ext(md, options())
}

/// A wikilink's destination as Obsidian reads it. In a table a wikilink's `|` is written `\|`
/// (`[[note\|alias]]`, `![[figure.png\|300]]`), and pulldown-cmark leaves that backslash at the
/// end of the destination. No note or attachment name ends with one (Obsidian does not allow `\`
/// in file names), so it is dropped wherever the link is written.
pub fn wikilink_dest(dest: &str) -> &str {
    dest.strip_suffix('\\').unwrap_or(dest)
}

/// The vault target of a markdown link (not a wikilink, nor an `<autolink>`): [`internal_link`]
/// of its destination. The cards and the lints read a link's target through this one function.
pub fn markdown_link_target(link_type: LinkType, dest: &str) -> Option<String> {
    match link_type {
        LinkType::WikiLink { .. } | LinkType::Autolink | LinkType::Email => None,
        _ => internal_link(dest),
    }
}

/// The vault target of a markdown link `[text](dest)`, as Obsidian reads it: percent-decoded
/// (`Saddle%20points.md#Newton` is `Saddle points.md#Newton`). `None` for a link with a scheme
/// (`https:`, `mailto:`, `obsidian:`), which leaves the vault, or an empty one.
pub fn internal_link(dest: &str) -> Option<String> {
    let scheme = dest.split_once(':').is_some_and(|(s, _)| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    if dest.is_empty() || scheme {
        return None;
    }
    let bytes = dest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(v) if b == b'%' => {
                out.push(v);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// What the renderer asks of the vault.
pub trait Resolve {
    /// The vault's name, for `obsidian://` links.
    fn vault_name(&self) -> &str;
    /// The file name under which the attachment `target` is packed, if it exists.
    fn media(&self, target: &str) -> Option<String>;
    /// The rendered note, section or block that `![[dest]]` embeds, if it exists.
    fn embed(&self, _dest: &str) -> Option<Rendered> {
        None
    }
    /// The note being rendered (vault-relative, without `.md`), which `[[#Heading]]` links to.
    fn current_note(&self) -> Option<&str> {
        None
    }
    /// Whether the packed file `name` is an experiment's figure (drawn for cards: the card CSS
    /// inverts it in night mode).
    fn is_figure(&self, _name: &str) -> bool {
        false
    }
    /// The formatted value of an experiment result `id.name`, if it exists.
    fn value(&self, _name: &str) -> Option<String> {
        None
    }
}

/// How a field is rendered.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// The field holds cloze deletions: `}}` inside math is spaced so that Anki's cloze parser
    /// does not end the deletion early.
    pub cloze: bool,
    /// Math is written only as Obsidian reads it, between `$` signs: `\(` and `\[` are escaped
    /// brackets, as CommonMark reads them, not Anki's math. True for obsidian-spaced-repetition's
    /// cards, which Obsidian renders; Obsidian_to_Anki keeps a `\( … \)` the user wrote as math.
    pub dollar_math_only: bool,
}

/// Rendered HTML and the media files it uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rendered {
    /// The HTML.
    pub html: String,
    /// Packed media file names the HTML refers to.
    pub media: Vec<String>,
}

/// Renders `md` to HTML.
pub fn render(md: &str, style: Style, vault: &dyn Resolve) -> Rendered {
    let (protected, kept) = math::protect(md, !style.dollar_math_only);
    let mut r = render_protected(&protected, style, vault);
    if !kept.is_empty() {
        r.html = math::restore(&r.html, &kept, |latex, display| self::math(latex, display, style));
    }
    r
}

fn render_protected(md: &str, style: Style, vault: &dyn Resolve) -> Rendered {
    let events: Vec<Event<'_>> = events(md).map(|(e, _)| e).collect();
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len());
    let mut media = Vec::new();
    let mut text = String::new();
    let mut mark_open = false;
    let mut callouts: Vec<Option<crate::callouts::Header>> = Vec::new();
    // An embed is a block (`<div>`), which HTML does not allow inside a paragraph.
    let mut in_paragraph = false;
    let mut i = 0;
    while let Some(ev) = events.get(i) {
        match ev {
            Event::Start(Tag::Paragraph) => in_paragraph = true,
            Event::End(TagEnd::Paragraph) => in_paragraph = false,
            _ => {}
        }
        if !matches!(ev, Event::Text(_)) && !text.is_empty() {
            if matches!(
                ev,
                Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_)) | Event::SoftBreak | Event::HardBreak
            ) {
                // A block id (`^id`) ends its line; Obsidian hides it.
                if let Some(m) = BLOCK_ID.find(&text) {
                    text.truncate(m.start());
                }
            }
            out.push(Event::InlineHtml(highlight(&std::mem::take(&mut text), &mut mark_open, &events[i..]).into()));
        }
        match ev {
            Event::Start(Tag::BlockQuote(_)) => match callout_header(&events, i) {
                Some((header, next, reopen)) => {
                    out.push(Event::Html(crate::callouts::open(&header, &escape(&header.title)).into()));
                    if reopen {
                        out.push(Event::Start(Tag::Paragraph));
                    }
                    callouts.push(Some(header));
                    i = next;
                    continue;
                }
                None => {
                    callouts.push(None);
                    out.push(ev.clone());
                }
            },
            Event::End(TagEnd::BlockQuote(_)) => match callouts.pop() {
                Some(Some(h)) => out.push(Event::Html(crate::callouts::close(&h).into())),
                _ => out.push(ev.clone()),
            },
            Event::Text(t) => text.push_str(t),
            Event::SoftBreak => out.push(Event::HardBreak),
            Event::InlineMath(m) => out.push(Event::InlineHtml(math(m, false, style).into())),
            Event::DisplayMath(m) => out.push(Event::InlineHtml(math(m, true, style).into())),
            Event::Start(Tag::Link { link_type: LinkType::WikiLink { has_pothole }, dest_url, .. }) => {
                let dest_url = wikilink_dest(dest_url);
                let (inner, next) = inner_text(&events, i, |e| matches!(e, Event::End(TagEnd::Link)));
                let shown = if *has_pothole { inner } else { display_text(dest_url) };
                // `[[#Heading]]` opens the heading in the note that holds the link.
                let target = match vault.current_note() {
                    Some(note) if dest_url.starts_with('#') => format!("{note}{dest_url}"),
                    Some(note) => crate::links::from_note(note, dest_url).unwrap_or(dest_url.into()).into_owned(),
                    None => dest_url.to_string(),
                };
                out.push(Event::InlineHtml(
                    format!(
                        "<a class=\"wikilink\" href=\"{}\">{}</a>",
                        escape(&obsidian_url(vault.vault_name(), &target)),
                        escape(&shown)
                    )
                    .into(),
                ));
                i = next;
            }
            // A markdown link into the vault opens the note in Obsidian, as a wikilink does; its
            // text keeps its formatting.
            Event::Start(Tag::Link { link_type, dest_url, title, id })
                if let Some(target) = markdown_link_target(*link_type, dest_url) =>
            {
                let target = match vault.current_note() {
                    Some(note) if target.starts_with('#') => format!("{note}{target}"),
                    Some(note) => crate::links::from_note(note, &target).map_or(target.clone(), |t| t.into_owned()),
                    None => target,
                };
                let (path, part) = target.split_once('#').map_or((target.as_str(), None), |(p, h)| (p, Some(h)));
                let path = path.strip_suffix(".md").unwrap_or(path);
                let target = part.map_or_else(|| path.to_owned(), |h| format!("{path}#{h}"));
                out.push(Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url: obsidian_url(vault.vault_name(), &target).into(),
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::Start(Tag::Image { link_type, dest_url, title, .. }) => {
                let (inner, next) = inner_text(&events, i, |e| matches!(e, Event::End(TagEnd::Image)));
                let wiki = matches!(link_type, LinkType::WikiLink { .. });
                // A markdown image's path is percent-encoded (`Pasted%20image.png`), as Obsidian
                // writes it; one with a scheme (`https:`) is left as it is.
                let dest: std::borrow::Cow<'_, str> = match wiki {
                    true => wikilink_dest(dest_url).into(),
                    false => internal_link(dest_url).map_or(dest_url.as_ref().into(), Into::into),
                };
                // A relative path is read from the note's folder (see `links::from_note`).
                let dest = match vault.current_note() {
                    Some(note) if !dest.contains("://") => {
                        crate::links::from_note(note, &dest).map_or(dest.clone(), |d| d.into_owned().into())
                    }
                    _ => dest,
                };
                let html = image(&dest, &inner, title, wiki, vault, &mut media);
                // The paragraph is closed around an embedded block, and reopened after it.
                let html = if in_paragraph && html.starts_with("<div") { format!("</p>{html}<p>") } else { html };
                out.push(Event::InlineHtml(html.into()));
                i = next;
            }
            Event::Code(c) if c.starts_with("= ") && crate::claims::is_citation(&c[2..]) => {
                let name = c[2..].trim();
                let html = match vault.value(name) {
                    Some(v) => format!("<span class=\"value\" title=\"{}\">{}</span>", escape(name), escape(&v)),
                    None => format!("<span class=\"value missing\">{}</span>", escape(name)),
                };
                out.push(Event::InlineHtml(html.into()));
            }
            Event::Html(h) | Event::InlineHtml(h) if h.trim_start().starts_with("<!--") => {
                out.push(Event::InlineHtml(CowStr::from(String::new())));
            }
            // Obsidian renders `$…$` inside raw HTML too.
            Event::Html(h) if h.contains('$') => {
                out.push(Event::Html(math::in_html(h, |latex, display| self::math(latex, display, style)).into()));
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    if !text.is_empty() {
        out.push(Event::InlineHtml(highlight(&text, &mut mark_open, &[]).into()));
    }
    let mut html = String::with_capacity(md.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    let mut html = if html.contains("<p></p>") { html.replace("<p></p>", "") } else { html };
    html.truncate(html.trim_end().len());
    Rendered { html, media }
}

/// If the blockquote starting at `events[start]` is a callout: its header, the index of the first
/// event of its content, and whether the header shared its paragraph with content (which must then
/// be reopened).
fn callout_header(events: &[Event<'_>], start: usize) -> Option<(crate::callouts::Header, usize, bool)> {
    if !matches!(events.get(start + 1), Some(Event::Start(Tag::Paragraph))) {
        return None;
    }
    let mut line = String::new();
    let mut j = start + 2;
    while let Some(Event::Text(t)) = events.get(j) {
        line.push_str(t);
        j += 1;
    }
    let header = crate::callouts::parse(&line)?;
    match events.get(j) {
        Some(Event::End(TagEnd::Paragraph)) => Some((header, j + 1, false)),
        Some(Event::SoftBreak | Event::HardBreak) => Some((header, j + 1, true)),
        _ => None,
    }
}

/// The text inside the element starting at `events[start]`, and the index of its end event.
fn inner_text(events: &[Event<'_>], start: usize, is_end: impl Fn(&Event<'_>) -> bool) -> (String, usize) {
    let mut s = String::new();
    let mut j = start + 1;
    while let Some(e) = events.get(j) {
        if is_end(e) {
            break;
        }
        match e {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) => s.push_str(t),
            _ => {}
        }
        j += 1;
    }
    (s, j)
}

fn math(latex: &str, display: bool, style: Style) -> String {
    let mut body = escape_math(latex);
    if style.cloze {
        while body.contains("}}") {
            body = body.replace("}}", "} }");
        }
    }
    if display { format!("\\[{body}\\]") } else { format!("\\({body}\\)") }
}

/// What Obsidian shows for `[[target]]`: `note > heading`, or `heading` for `[[#heading]]`.
pub fn display_text(dest: &str) -> String {
    let parts: Vec<&str> = dest.split('#').map(|p| p.trim_start_matches('^')).collect();
    match parts.as_slice() {
        [note] => (*note).to_owned(),
        ["", rest @ ..] => rest.join(" > "),
        all => all.join(" > "),
    }
}

/// Escapes `text` and turns `==x==` into `<mark>x</mark>`. A mark may close in a later text
/// event of the same block (`==a *b* c==`); one opens only when a closing `==` follows.
fn highlight(text: &str, open: &mut bool, rest: &[Event<'_>]) -> String {
    if !text.contains("==") {
        return tag_spans(escape(text));
    }
    let mut out = String::with_capacity(text.len());
    let mut pieces = text.split("==").peekable();
    let escape = |s: &str| tag_spans(escape(s));
    if let Some(first) = pieces.next() {
        out.push_str(&escape(first));
    }
    while let Some(piece) = pieces.next() {
        if *open {
            out.push_str("</mark>");
            *open = false;
        } else if !piece.starts_with(char::is_whitespace)
            && !piece.is_empty()
            && (pieces.peek().is_some() || closes_later(rest))
        {
            out.push_str("<mark>");
            *open = true;
        } else {
            out.push_str("==");
        }
        out.push_str(&escape(piece));
    }
    out
}

fn closes_later(rest: &[Event<'_>]) -> bool {
    for e in rest {
        match e {
            Event::Text(t) if t.contains("==") => return true,
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell) => return false,
            _ => {}
        }
    }
    false
}

static BLOCK_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?:^|\s)\^[A-Za-z0-9-]+\s*$").unwrap());

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) struct V;
    impl Resolve for V {
        fn vault_name(&self) -> &str {
            "My Vault"
        }
        fn media(&self, target: &str) -> Option<String> {
            [
                "fig.png",
                "a/clip.mp3",
                "p.webp",
                "p.avif",
                "p.gif",
                "p.jpeg",
                "Pasted image 1.png",
                "talk.mp4",
                "notes/lecture.pdf",
                "map.canvas",
            ]
            .contains(&target)
            .then(|| target.replace('/', "_"))
        }
        fn value(&self, name: &str) -> Option<String> {
            (name == "s.gd.steps").then(|| "102".to_owned())
        }
    }

    #[test]
    fn literate_values_show_in_place() {
        assert_eq!(
            html("GD needs `= s.gd.steps` steps"),
            "<p>GD needs <span class=\"value\" title=\"s.gd.steps\">102</span> steps</p>"
        );
        assert!(html("`= s.nope`").contains("value missing"));
        assert_eq!(html("`code`"), "<p><code>code</code></p>");
        // Dataview's inline queries share the syntax, and stay code.
        assert_eq!(
            html("`= this.file.name` and `= 10800`"),
            "<p><code>= this.file.name</code> and <code>= 10800</code></p>"
        );
    }

    /// Renders `md` with the test vault: also used by the math tests.
    pub(super) fn html(md: &str) -> String {
        render(md, Style::default(), &V).html
    }

    #[test]
    fn math_passes_through_byte_for_byte() {
        assert_eq!(html("a $x_1 * y_2 < z$ b"), "<p>a \\(x_1 * y_2 &lt; z\\) b</p>");
        let h = html("$$\n\\begin{split}a &= b_{i} \\\\\n\"q\"--\n\\end{split}\n$$");
        assert!(h.contains("\\[\n\\begin{split}a &amp;= b_{i} \\\\\n\"q\"--\n\\end{split}\n\\]"), "{h}");
        assert!(!h.contains('$'));
    }

    #[test]
    fn cloze_math_keeps_braces_apart() {
        let r = render("{{c1::$\\frac{1}{x^{2}}$}}", Style { cloze: true, ..Style::default() }, &V);
        assert_eq!(r.html, "<p>{{c1::\\(\\frac{1}{x^{2} }\\)}}</p>");
    }

    #[test]
    fn wikilinks_show_display_text() {
        assert_eq!(
            html("[[note]] [[note|alias]] [[note#Head]] [[#Local]]"),
            "<p><a class=\"wikilink\" href=\"obsidian://open?vault=My%20Vault&amp;file=note\">note</a> \
             <a class=\"wikilink\" href=\"obsidian://open?vault=My%20Vault&amp;file=note\">alias</a> \
             <a class=\"wikilink\" href=\"obsidian://open?vault=My%20Vault&amp;file=note%23Head\">note &gt; Head</a> \
             <a class=\"wikilink\" href=\"obsidian://open?vault=My%20Vault&amp;file=%23Local\">Local</a></p>"
        );
    }

    #[test]
    fn inline_tags_show_as_tags() {
        assert_eq!(
            html("see #saddle/index and C# or [[n#h]]"),
            "<p>see <span class=\"tag\">#saddle/index</span> and C# or <a class=\"wikilink\" href=\"obsidian://open?vault=My%20Vault&amp;file=n%23h\">n &gt; h</a></p>"
        );
    }

    #[test]
    fn highlights_and_code_classes() {
        assert_eq!(html("a ==b c== d == e"), "<p>a <mark>b c</mark> d == e</p>");
        assert_eq!(html("==a *b* c=="), "<p><mark>a <em>b</em> c</mark></p>");
        assert_eq!(html("```python\nx = 1\n```"), "<pre><code class=\"language-python\">x = 1\n</code></pre>");
    }

    #[test]
    fn a_markdown_link_into_the_vault_opens_the_note_in_obsidian() {
        let h =
            html("[the **step**](Saddle%20points.md#Newton%20step), [web](https://example.com), [mail](mailto:a@b.c)");
        let href = escape(&obsidian_url("My Vault", "Saddle points#Newton step"));
        assert!(h.contains(&format!("<a href=\"{href}\">the <strong>step</strong></a>")), "{h}");
        assert!(h.contains("<a href=\"https://example.com\">web</a>"), "{h}");
        assert!(h.contains("<a href=\"mailto:a@b.c\">mail</a>"), "{h}");
        let img = html("![plot](Pasted%20image%201.png) ![web](https://example.com/a%20b.png)");
        assert!(
            img.contains("<img src=\"Pasted image 1.png\" alt=\"plot\">"),
            "a markdown image's path is decoded: {img}"
        );
        assert!(img.contains("<img src=\"https://example.com/a%20b.png\""), "{img}");
        assert_eq!(internal_link("a%2Fb%C3%A9.md"), Some("a/bé.md".to_owned()));
        assert_eq!(internal_link("100%.md"), Some("100%.md".to_owned()), "a % that starts no escape stays");
        assert_eq!(internal_link("obsidian://open?file=x"), None);
        assert_eq!(internal_link(""), None);
    }

    #[test]
    fn a_wikilink_in_a_table_escapes_its_pipe_as_obsidian_does() {
        let h = html("| what | where |\n| --- | --- |\n| [[Saddle points#Newton\\|the step]] | ![[fig.png\\|300]] |");
        let href = escape(&obsidian_url("My Vault", "Saddle points#Newton"));
        assert!(h.contains(&format!("href=\"{href}\">the step</a>")), "{h}");
        assert!(h.contains("<img src=\"fig.png\" alt=\"fig.png\" width=\"300\">"), "{h}");
        assert!(!h.contains('\\'), "{h}");
    }

    #[test]
    fn images_audio_and_note_embeds() {
        let r = render("![[fig.png|300]] ![[a/clip.mp3]] ![[other#Sec]] ![[gone.png]]", Style::default(), &V);
        assert_eq!(r.media, ["fig.png", "a_clip.mp3"]);
        assert!(r.html.contains("<img src=\"fig.png\" alt=\"fig.png\" width=\"300\">"), "{}", r.html);
        assert!(r.html.contains("[sound:a_clip.mp3]"));
        assert!(r.html.contains("class=\"embed\""));
        assert!(r.html.contains("<span class=\"missing-media\">gone.png</span>"));
        assert!(!r.html.contains("[["));
    }

    /// A card shows a video as Anki plays one, and a file it cannot show (a PDF, a canvas) as a link
    /// that opens it in Obsidian, without packing it.
    #[test]
    fn videos_play_and_other_files_are_links() {
        let r = render("![[talk.mp4]] ![[notes/lecture.pdf]] ![[map.canvas]]", Style::default(), &V);
        assert_eq!(r.media, ["talk.mp4"]);
        assert!(r.html.contains("[sound:talk.mp4]"), "{}", r.html);
        for (dest, shown) in [("notes/lecture.pdf", "lecture.pdf"), ("map.canvas", "map.canvas")] {
            let href = escape(&obsidian_url("My Vault", dest));
            assert!(r.html.contains(&format!("<a class=\"embed\" href=\"{href}\">{shown}</a>")), "{}", r.html);
        }
        assert!(!r.html.contains("<img"), "{}", r.html);
    }

    #[test]
    fn callouts_nest_and_fold() {
        assert_eq!(
            html("> [!faq]- Why?\n> Because $x$.\n>\n> > [!tip]\n> > inner"),
            "<details class=\"callout\" data-callout=\"question\"><summary class=\"callout-title\"><span class=\"callout-icon\">?</span> Why?</summary><div class=\"callout-content\">\n<p>Because \\(x\\).</p>\n<div class=\"callout\" data-callout=\"tip\"><div class=\"callout-title\"><span class=\"callout-icon\">🔥</span> Tip</div><div class=\"callout-content\">\n<p>inner</p>\n</div></div></div></details>"
        );
        assert_eq!(html("> plain quote"), "<blockquote>\n<p>plain quote</p>\n</blockquote>");
    }

    #[test]
    fn block_ids_are_hidden() {
        assert_eq!(html("a claim ^claim-1\nnext"), "<p>a claim<br />\nnext</p>");
        assert_eq!(html("- item ^it"), "<ul>\n<li>item</li>\n</ul>");
        assert_eq!(html("x^2 stays"), "<p>x^2 stays</p>");
    }

    #[test]
    fn every_image_type_anki_shows() {
        for img in ["p.webp", "p.avif", "p.gif", "p.jpeg"] {
            let r = render(&format!("![[{img}]]"), Style::default(), &V);
            assert_eq!(r.media, [img], "{img}");
            assert!(r.html.contains(&format!("<img src=\"{img}\"")), "{}", r.html);
        }
    }

    #[test]
    fn gfm_tables_strikethrough_tasks_footnotes() {
        let h = html("| a |\n|---|\n| b |\n\n~~x~~\n\n- [x] done\n\nnote[^1]\n\n[^1]: foot");
        for part in ["<table>", "<del>x</del>", "checkbox", "footnote-definition"] {
            assert!(h.contains(part), "{part} missing in {h}");
        }
    }

    #[test]
    fn tags_outside_code() {
        assert_eq!(inline_tags("#a/b text #c1 #123 `#no`\n```\n#no\n```\n(#ü) [[#NoLink]]"), ["a/b", "c1", "ü"]);
    }
}
