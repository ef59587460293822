//! Heading cards, for notes with `cards: headings` in their frontmatter: each heading of the
//! configured level is a front, the text under it (up to the next heading of the same or a higher
//! level) its back. Headings inside code blocks do not count.

use super::{CardSpec, NoteKind, Syntax};

/// The heading cards of the body `lines` (`first_line` is the 1-based number of `lines[0]`).
pub fn cards(lines: &[&str], first_line: usize, level: usize) -> Vec<CardSpec> {
    let mut cards = Vec::new();
    let mut fence = false;
    let mut open: Option<(usize, String, Vec<&str>)> = None;
    let flush = |open: &mut Option<(usize, String, Vec<&str>)>, cards: &mut Vec<CardSpec>| {
        if let Some((line, front, body)) = open.take() {
            let back = body.join("\n").trim().to_owned();
            if !back.is_empty() {
                let mut card = CardSpec::new(NoteKind::Basic, vec![front, back], line, Syntax::Heading);
                card.field_lines = vec![line, line + 1];
                cards.push(card);
            }
        }
    };
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = !fence;
        }
        let hashes = t.chars().take_while(|c| *c == '#').count();
        let is_heading = !fence && (1..=6).contains(&hashes) && t.get(hashes..).is_some_and(|r| r.starts_with(' '));
        if is_heading && hashes <= level {
            flush(&mut open, &mut cards);
            if hashes == level {
                open = Some((first_line + i, t.get(hashes..).unwrap_or("").trim().to_owned(), Vec::new()));
            }
            continue;
        }
        if let Some((_, _, body)) = &mut open {
            body.push(line);
        }
    }
    flush(&mut open, &mut cards);
    cards
}
