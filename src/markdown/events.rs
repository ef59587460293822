//! The events studygen reads a note's markdown as: pulldown-cmark's, with its byte ranges, mended
//! where Obsidian reads the text otherwise.
//!
//! A file whose name starts with `[` (`[Lecture 7-1] Networks.pdf`, as course material is often
//! named) is linked `[[[Lecture 7-1] Networks.pdf#page=8|p. 8]]`. Obsidian reads a wikilink from
//! its first `[[`; pulldown-cmark from the last, leaving the name without its `[` and the `[` (or
//! `![`, an embed) as text before the link. The link is given back its `[`, and an embed is an
//! image as `![[...]]` is. But `^[[[note|why]]]` is an inline footnote whose text is a link: its
//! `^[` opens the footnote, and the link is to `note`.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

/// The events of `md`, with their byte ranges.
pub fn events(md: &str) -> Box<dyn Iterator<Item = (Event<'_>, Range<usize>)> + '_> {
    // Most notes have no `[[[`: their events are as parsed, and are not gathered first.
    if !md.contains("[[[") {
        return Box::new(super::parser(md).into_offset_iter());
    }
    let mut events: Vec<(Event<'_>, Range<usize>)> = super::parser(md).into_offset_iter().collect();
    bracketed_names(&mut events);
    Box::new(events.into_iter())
}

/// Gives a wikilink preceded by a text ending in `[` that `[` back (see the module's comment).
fn bracketed_names(events: &mut Vec<(Event<'_>, Range<usize>)>) {
    let mut i = 1;
    while i < events.len() {
        let wiki = matches!(&events[i].0, Event::Start(Tag::Link { link_type: LinkType::WikiLink { .. }, .. }));
        if !wiki || footnote_opener(events, i - 1) || !take_last(events, i - 1, '[') {
            i += 1;
            continue;
        }
        // The text before may have become empty, and is gone then: find the link again.
        let at = if ends_empty(events, i - 1) {
            events.remove(i - 1);
            i - 1
        } else {
            i
        };
        let embed = at > 0 && take_last(events, at - 1, '!');
        let at = if embed && ends_empty(events, at - 1) {
            events.remove(at - 1);
            at - 1
        } else {
            at
        };
        let cut = if embed { 2 } else { 1 };
        let Some((Event::Start(Tag::Link { link_type, dest_url, title, id }), range)) = events.get(at) else {
            i = at + 1;
            continue;
        };
        let (link_type, title, id) = (*link_type, title.clone(), id.clone());
        let dest_url = CowStr::from(format!("[{dest_url}"));
        let range = range.start.saturating_sub(cut)..range.end;
        let start = if embed {
            Event::Start(Tag::Image { link_type, dest_url, title, id })
        } else {
            Event::Start(Tag::Link { link_type, dest_url, title, id })
        };
        events[at] = (start, range);
        if embed && let Some(end) = events.iter_mut().skip(at).find(|(e, _)| matches!(e, Event::End(TagEnd::Link))) {
            end.0 = Event::End(TagEnd::Image);
        }
        i = at + 1;
    }
}

/// Whether the text up to `events[i]` ends in `^[`, which opens an inline footnote (pulldown-cmark
/// may give the `[` a text event of its own).
fn footnote_opener(events: &[(Event<'_>, Range<usize>)], i: usize) -> bool {
    let text = |i: usize| match events.get(i) {
        Some((Event::Text(t), _)) => Some(&**t),
        _ => None,
    };
    match text(i) {
        Some("[") => i.checked_sub(1).and_then(text).is_some_and(|t| t.ends_with('^')),
        Some(t) => t.ends_with("^["),
        None => false,
    }
}

/// Removes `c` from the end of the text event `events[i]`, if it is a text ending in `c`.
fn take_last(events: &mut [(Event<'_>, Range<usize>)], i: usize, c: char) -> bool {
    let Some((Event::Text(t), range)) = events.get_mut(i) else { return false };
    let Some(rest) = t.strip_suffix(c) else { return false };
    *t = CowStr::from(rest.to_owned());
    range.end = range.end.saturating_sub(c.len_utf8());
    true
}

/// Whether `events[i]` is a text with nothing left in it.
fn ends_empty(events: &[(Event<'_>, Range<usize>)], i: usize) -> bool {
    matches!(events.get(i), Some((Event::Text(t), _)) if t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(md: &str) -> Vec<String> {
        events(md)
            .filter_map(|(e, r)| match e {
                Event::Start(Tag::Link { dest_url, .. }) => Some(format!("link {dest_url} at {}", r.start)),
                Event::Start(Tag::Image { dest_url, .. }) => Some(format!("embed {dest_url} at {}", r.start)),
                Event::Text(t) if !t.trim().is_empty() => Some(format!("text {t}")),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_name_that_starts_with_a_bracket_keeps_it() {
        assert_eq!(
            links("See ![[[Lecture 7-1] Networks.pdf#page=8|p. 8]] and [[[Lecture 7-1] Networks.pdf|the slides]]."),
            [
                "text See ",
                "embed [Lecture 7-1] Networks.pdf#page=8 at 4",
                "text p. 8",
                "text  and ",
                "link [Lecture 7-1] Networks.pdf at 52",
                "text the slides",
                "text .",
            ]
        );
        // Nothing else changes: a bracket before a link that is not right before it, and code.
        assert_eq!(links("[ [[Note]]"), ["text [", "link Note at 2", "text Note"]);
        assert_eq!(links("`x[[[0]]]` [[Note]]"), ["link Note at 11", "text Note"]);
    }

    /// A real vault's inline footnote that is a link: `^[` opens the footnote, and the link is to
    /// the note, not to a file named `[002 Central tendency`.
    #[test]
    fn an_inline_footnote_that_is_a_link_links_to_its_note() {
        assert_eq!(
            links("the modal class.^[[[002 Central tendency#Mode| What is mode?]]] Below it"),
            [
                "text the modal class.^",
                "text [",
                "link 002 Central tendency#Mode at 18",
                "text  What is mode?",
                "text ]",
                "text  Below it"
            ]
        );
    }
}
