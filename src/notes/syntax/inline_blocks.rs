//! Obsidian_to_Anki's one-line blocks: `STARTI [Type] front Back: back ENDI`, with an optional
//! ID comment after `ENDI`. The type defaults to Basic; a field is switched by the word `Field:`
//! for one of the type's own fields.

use super::typed::{self, At};
use super::{CardSpec, Context, Syntax, fields};
use crate::diagnostics::{Code, Diagnostic};

/// The inline block on `raw`, if it holds one.
pub fn parse(raw: &str, lineno: usize, cx: Context<'_>, diags: &mut Vec<Diagnostic>) -> Option<CardSpec> {
    let b = &cx.settings.blocks;
    let start = raw.find(b.begin_inline.as_str())?;
    let body_start = start + b.begin_inline.len();
    let Some(end) = raw.get(body_start..).and_then(|r| r.find(b.end_inline.as_str())).map(|e| e + body_start) else {
        // The plugin sees no card here either; only a marker that stands as a word is a card left
        // open, not one inside a longer word (`STARTING SCORE = 100`).
        let before = raw.get(..start).and_then(|r| r.chars().next_back());
        let after = raw.get(body_start..).and_then(|r| r.chars().next());
        let word = !before.is_some_and(char::is_alphanumeric) && after.is_none_or(|c| c.is_whitespace() || c == '[');
        if !word {
            return None;
        }
        diags.push(
            Diagnostic::error(
                Code::InlineUnclosed,
                cx.file,
                lineno,
                start + 1,
                format!("{} without {} on the same line", b.begin_inline, b.end_inline),
            )
            .with_hint(format!("an inline card is `{} [Basic] front Back: back {}`", b.begin_inline, b.end_inline)),
        );
        return None;
    };
    let mut body = raw.get(body_start..end).unwrap_or("").trim();
    let mut type_name = "Basic";
    if let Some(rest) = body.strip_prefix('[')
        && let Some((name, after)) = rest.split_once(']')
    {
        type_name = name.trim();
        body = after.trim();
    }
    let anchor = raw.get(end..).and_then(|r| {
        let at = r.find("ID:")?;
        fields::id_line(&format!("<!--{}", r.get(at..)?.trim().trim_start_matches("<!--")))?
    });
    // Split the one line into the same shape a block has: one line per field label.
    let content = split_words_at_labels(body, type_name, lineno, cx);
    let at = At { file: cx.file, start_line: lineno, type_lineno: lineno };
    let mut card = typed::typed_card(type_name, content, at, cx, diags)?;
    card.syntax = Syntax::InlineBlock;
    card.anchor = anchor;
    Some(card)
}

/// The body with a line break before every ` Field:` of the type, so that the block reader splits it.
fn split_words_at_labels(body: &str, type_name: &str, lineno: usize, cx: Context<'_>) -> Vec<(usize, String)> {
    let types = &cx.settings.note_types;
    let name = types.map.get(type_name).map_or(type_name, String::as_str);
    let names: Vec<String> = match (types.known.get(name), super::NoteKind::from_name(name)) {
        (Some(k), _) => k.fields.clone(),
        (None, Some(kind)) => kind.fields().iter().map(|f| (*f).to_owned()).chain(["Extra".to_owned()]).collect(),
        (None, None) => Vec::new(),
    };
    let mut out = String::new();
    for (i, word) in body.split(' ').enumerate() {
        let is_label = names.iter().any(|n| word.strip_suffix(':').is_some_and(|w| w.eq_ignore_ascii_case(n)))
            || (names.is_empty() && word.ends_with(':') && word.len() > 1);
        if i > 0 {
            out.push(if is_label { '\n' } else { ' ' });
        }
        out.push_str(word);
    }
    out.lines().map(|l| (lineno, l.to_owned())).collect()
}

#[cfg(test)]
mod tests {
    use super::super::NoteKind;
    use super::*;
    use crate::settings::Settings;

    #[test]
    fn inline_blocks_with_types_and_ids() {
        let settings = Settings::default();
        let cx = Context { file: "t.md", settings: &settings, spaced_repetition: true, obsidian_to_anki: true };
        let mut d = Vec::new();
        let c = parse("STARTI [Basic] Front text Back: back text ENDI <!--ID: 99-->", 3, cx, &mut d).unwrap();
        assert_eq!(
            (c.fields.clone(), c.anchor, c.line),
            (vec!["Front text".to_owned(), "back text".to_owned()], Some(99), 3)
        );
        let c = parse("STARTI [Cloze] A {{c1::cloze}} ENDI", 4, cx, &mut d).unwrap();
        assert_eq!((c.kind, c.fields[0].as_str()), (NoteKind::Cloze, "A {{c1::cloze}}"));
        assert!(parse("STARTI no end", 5, cx, &mut d).is_none());
        assert_eq!(d[0].message, "STARTI without ENDI on the same line");
        // A longer word that begins with the marker is text, as the plugin reads it.
        for text in ["STARTING SCORE = 100", "RESTARTING the run", "a STARTI_x name"] {
            assert!(parse(text, 6, cx, &mut d).is_none());
        }
        assert_eq!(d.len(), 1, "{d:?}");
    }
}
