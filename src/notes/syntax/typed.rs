//! A card of a named note type, shared by every Obsidian_to_Anki syntax (blocks, inline blocks,
//! custom regexes): its fields split by the type's own labels, CurlyCloze and "Add Obsidian Tags"
//! applied, and the checks every card gets (a question, a deletion for cloze types, an answer).

use super::fields::{self, Split};
use super::{CardSpec, Context, Custom, NoteKind, Syntax, curly_cloze, has_cloze};
use crate::diagnostics::{Code, Diagnostic};

/// Where a card was written.
#[derive(Debug, Clone, Copy)]
pub struct At<'a> {
    /// The note.
    pub file: &'a str,
    /// The card's first line.
    pub start_line: usize,
    /// The line that names its type.
    pub type_lineno: usize,
}

/// A card of the named type from its content lines, or `None` (with an error) when it is broken.
/// A type whose fields are not known yet gets them later, from the whole vault.
pub fn typed_card(
    type_name: &str,
    content: Vec<(usize, String)>,
    at: At<'_>,
    cx: Context<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<CardSpec> {
    let types = &cx.settings.note_types;
    let name = types.map.get(type_name).map_or(type_name, String::as_str);
    let builtin = NoteKind::from_name(name);
    let known = types.known.get(name).filter(|k| {
        // A built-in type listed with its usual fields stays the built-in one.
        builtin.is_none_or(|b| {
            b.fields().len() != k.fields.len()
                || !b.fields().iter().zip(&k.fields).all(|(x, y)| x.eq_ignore_ascii_case(y))
        })
    });
    let (fields, cloze, kind): (Vec<String>, bool, Option<NoteKind>) = match (known, builtin) {
        (Some(k), _) => (k.fields.clone(), k.cloze, None),
        (None, Some(kind)) => {
            (kind.fields().iter().map(|f| (*f).to_owned()).collect(), kind == NoteKind::Cloze, Some(kind))
        }
        // A block whose type line was left out: its question is read as the type's name.
        (None, None) if reads_as_text(type_name) => {
            diags.push(
                Diagnostic::error(
                    Code::NoteTypeUnknown,
                    at.file,
                    at.type_lineno,
                    1,
                    format!("`{type_name}` is read as the card's note type, but it reads as text"),
                )
                .with_hint(format!(
                    "the line after {} names the note type; if it was left out, add it above this line (such as `Basic`); the card was left out, as Obsidian_to_Anki leaves it out",
                    cx.settings.blocks.begin_note
                )),
            );
            return None;
        }
        (None, None) if types.create_unknown => {
            if types.from_anki {
                diags.push(
                    Diagnostic::warning(Code::NoteTypeUnknown, at.file, at.type_lineno, 1, format!("note type `{type_name}` is not one of your Anki note types"))
                        .with_hint("Obsidian_to_Anki's fields_dict lists them, and the plugin skips this card; studygen makes the type from its blocks. Check the name, or map it in studygen.toml"),
                );
            }
            // Fields come from the whole vault's blocks of this type: see `fields::infer`.
            let mut card = CardSpec::new(NoteKind::Basic, Vec::new(), at.start_line, Syntax::Block);
            card.custom = Some(Custom { name: name.to_owned(), field_names: Vec::new(), lines: content });
            return Some(card);
        }
        (None, None) => {
            diags.push(
                Diagnostic::error(Code::NoteTypeUnknown, at.file, at.type_lineno, 1, format!("unknown note type `{type_name}`")).with_hint(format!(
                    "the line after {} names the note type: {}, or a type declared in studygen.toml or the plugin's fields_dict",
                    cx.settings.blocks.begin_note,
                    NoteKind::NAMES.join(", ")
                )),
            );
            return None;
        }
    };
    let aliases: Vec<(String, usize)> =
        if kind == Some(NoteKind::Cloze) { vec![("Extra".to_owned(), 1)] } else { Vec::new() };
    let Split { values, lines } = fields::split(&content, &fields, &aliases, name, at.file, diags);
    let mut card = CardSpec::new(kind.unwrap_or(NoteKind::Basic), values, at.start_line, Syntax::Block);
    card.field_lines = lines;
    if kind.is_none() {
        card.custom = Some(Custom { name: name.to_owned(), field_names: fields, lines: Vec::new() });
    }
    finish(card, name, cloze, at, cx, diags)
}

/// Whether a note type's name, not declared anywhere, reads as a card's text rather than a name:
/// a question, a `Label: value` line, Markdown or math, or a sentence. Anki's note types are
/// short names (`Basic (and reversed card)`, `FIT-Card`, `Cloze-AnKingMaster-v2`).
fn reads_as_text(name: &str) -> bool {
    const MARKUP: [&str; 8] = ["**", "__", "==", "$", "`", "[[", "](", "<"];
    let question = name.ends_with(['?', '？', ':', '：']);
    let label = name.split_once(": ").is_some_and(|(l, v)| !l.trim().is_empty() && !v.trim().is_empty());
    question || label || MARKUP.iter().any(|m| name.contains(m)) || name.split_whitespace().count() > 10
}

/// Applies CurlyCloze and the checks every Obsidian_to_Anki card gets: a question, a deletion
/// for cloze types, an answer for the others.
pub fn finish(
    mut card: CardSpec,
    type_name: &str,
    cloze: bool,
    at: At<'_>,
    cx: Context<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<CardSpec> {
    let b = &cx.settings.blocks;
    if b.add_obsidian_tags {
        // Obsidian_to_Anki's "Add Obsidian Tags": `#tag` in a field is the card's tag, not its text.
        for f in &mut card.fields {
            let (text, tags) = take_tags(f);
            *f = text;
            card.tags.extend(tags);
        }
    }
    if b.curly_cloze && type_name.contains("Cloze") {
        for f in &mut card.fields {
            *f = curly_cloze::convert(f, b.highlights_to_clozes);
        }
    }
    let cloze = cloze || (card.custom.is_some() && card.fields.iter().any(|f| has_cloze(f)));
    if cloze {
        card.kind = NoteKind::Cloze;
    }
    let first = card.custom.as_ref().and_then(|c| c.field_names.first().cloned());
    let first = first.unwrap_or_else(|| card.kind.fields()[0].to_owned());
    if card.fields.first().is_none_or(|f| f.trim().is_empty()) {
        // A skeleton's `Back: -` (a bare list marker) is no text either.
        let hidden = card.fields.iter().any(|f| !f.trim().trim_matches(['-', '*', '+', ' ', '\n']).is_empty());
        // An empty skeleton in a folder named as template folders are is a template for new cards
        // (a vault whose template settings are not in it): left out, and said, but no error.
        if !hidden && crate::notes::text::in_template_named_folder(at.file) {
            diags.push(
                Diagnostic::warning(Code::CardEmptyFront, at.file, at.type_lineno, 1, "an empty card, left out: it reads as a skeleton for new cards, in a template folder")
                    .with_hint("set this folder as the template folder in Obsidian's Templates or Templater settings, and studygen reads no file in it as a note"),
            );
            return None;
        }
        diags.push(
            Diagnostic::error(Code::CardEmptyFront, at.file, at.type_lineno, 1, format!("empty {first}: the card has no question"))
                .with_hint(if hidden {
                    format!("the card's text sits in other fields, which the front does not show; put the question first, or under `{first}:`")
                } else {
                    "write the question on the lines after the note type".to_owned()
                }),
        );
        return None;
    }
    if cloze && !card.fields.iter().any(|f| has_cloze(f)) {
        diags.push(
            Diagnostic::error(
                Code::ClozeMissing,
                at.file,
                at.type_lineno,
                1,
                format!("{type_name} card has no cloze deletion"),
            )
            .with_hint("mark what to hide as {{c1::text}}, or use a Basic type; the card was left out"),
        );
        return None;
    }
    if !cloze && card.fields.iter().skip(1).all(|f| f.trim().is_empty()) {
        diags.push(
            Diagnostic::warning(Code::CardEmptyBack, at.file, at.start_line, 1, "empty back: the card has no answer")
                .with_hint(if card.syntax == Syntax::Regex {
                    format!("the custom regex of `{type_name}` found no text for the answer here: write the answer where the regex reads it, after the question")
                } else {
                    "add the answer under the second field's label, such as `Back:`".to_owned()
                }),
        );
    }
    Some(card)
}

/// `#tags` (the plugin's `#(\w+)`, plus `/` for nested tags) taken out of a field's text.
fn take_tags(field: &str) -> (String, Vec<String>) {
    static TAG: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"(^|\s)#([\w/-]*[^\W\d][\w/-]*)").unwrap());
    let mut tags = Vec::new();
    let text = TAG.replace_all(field, |c: &regex::Captures<'_>| {
        tags.push(c[2].to_owned());
        if c[1].contains('\n') { c[1].to_owned() } else { String::new() }
    });
    (text.trim_end().to_owned(), tags)
}
