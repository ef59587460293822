//! Notes: one markdown file parsed into frontmatter, deck, tags and the cards it declares.
//!
//! Parsing a note needs nothing but its own bytes, so notes parse in parallel and independently.

pub mod comments;
mod decks;
pub mod frontmatter;
pub mod store;
pub mod survey;
pub mod syntax;
mod text;

use decks::spaced_repetition_decks;
pub use decks::{anki_tag, dedup_keep_order, folder_deck};
use decks::{checked_deck, folder_setting};

use crate::diagnostics::{Code, Diagnostic};
use crate::experiments::Block;
use crate::markdown;
use crate::settings::Settings;
use crate::vault::SourceFile;

pub use frontmatter::Frontmatter;
pub use syntax::{CardSpec, NoteKind, Syntax};
use text::is_unconfigured_template;
pub(crate) use text::{body_of, prelude};

/// A parsed note.
#[derive(Debug, Clone)]
pub struct Note {
    /// Path relative to the vault root, with `/` separators.
    pub path: String,
    /// The path from the folder that holds `.obsidian` (the same as `path` unless the vault sits
    /// below it): what `obsidian://` links name.
    pub obsidian_path: String,
    /// The file name without `.md`: the name wikilinks use.
    pub title: String,
    /// The frontmatter properties.
    pub frontmatter: Frontmatter,
    /// The deck every card of this note goes to.
    pub deck: String,
    /// Tags for every card: frontmatter, `FILE TAGS` and inline `#tags`, in Anki form (`a::b`).
    pub tags: Vec<String>,
    /// The cards, in file order.
    pub cards: Vec<CardSpec>,
    /// The whole text with line endings normalized to `\n` and comments blanked out (shared
    /// with the vault's copy when that needed no change).
    pub text: std::sync::Arc<str>,
    /// The 0-based line where the body (after frontmatter) starts.
    pub body_line: usize,
    /// Fenced `experiment` blocks.
    pub experiments: Vec<Block>,
    /// Fenced `claims` blocks.
    pub claims: Vec<Block>,
    /// Lines that would be spaced-repetition cards if the note carried a flashcard tag.
    pub untagged_cards: Vec<usize>,
}

impl Note {
    /// The body, after the frontmatter.
    pub fn body(&self) -> &str {
        body_of(&self.text, self.body_line)
    }
}

/// Parses one note. `root_deck` is the deck for notes at the vault root.
///
/// Returns `None` only when the file cannot be read as text at all.
pub fn parse(src: &SourceFile, root_deck: &str, settings: &Settings) -> (Option<Note>, Vec<Diagnostic>) {
    parse_surveyed(src, root_deck, settings, None)
}

/// [`parse`], taking the frontmatter `surveyed` read rather than reading it again (when the note
/// still has the frontmatter block the survey found, and no parse took it before).
pub fn parse_surveyed(
    src: &SourceFile,
    root_deck: &str,
    settings: &Settings,
    surveyed: Option<&survey::Survey>,
) -> (Option<Note>, Vec<Diagnostic>) {
    // A template for new notes (in Obsidian's template folder) is not a note, nor is an Excalidraw
    // drawing (its text is the drawing's data, with a `%%` comment it leaves open).
    if settings.scope.template(&src.rel) || crate::links::is_drawing(&src.rel) {
        return (None, Vec::new());
    }
    let mut diags = Vec::new();
    let text = match prelude(src) {
        Ok((text, open_comment)) => {
            diags.extend(open_comment);
            text
        }
        Err(d) => return (None, vec![d]),
    };
    if is_unconfigured_template(&src.rel, &text) {
        return (None, Vec::new());
    }
    let lines: Vec<&str> = crate::lines::lines(&text).collect();
    let (frontmatter, body_line) = match frontmatter::split(&lines) {
        // A drawing named as a note is no note either: nothing of its data is read, not even its
        // open `%%` comment.
        Some((yaml, _)) if frontmatter::is_drawing(&yaml) => return (None, Vec::new()),
        Some((yaml, body_line)) => {
            match surveyed
                .and_then(survey::Survey::take_frontmatter)
                .unwrap_or_else(|| frontmatter::parse(&yaml, &src.rel))
            {
                Ok(fm) => (fm, body_line),
                Err(d) => {
                    diags.push(d);
                    (Frontmatter::default(), body_line)
                }
            }
        }
        None => (Frontmatter::default(), 0),
    };
    let body_lines = lines.get(body_line..).unwrap_or_default();
    // Parsing the body for tags is only needed when some line could hold one.
    // (A line's end is white space, so the whole body may hold one when one of its lines may.)
    let body_may_hold_tag = markdown::may_hold_tag(body_of(&text, body_line));
    let inline_tags = if body_may_hold_tag { markdown::inline_tags(&body_lines.join("\n")) } else { Vec::new() };
    let sr = &settings.spaced_repetition;
    let has_tag = |wanted: &[String]| {
        frontmatter.tags.iter().chain(&inline_tags).any(|t| {
            let t = t.trim_start_matches('#');
            wanted.iter().any(|w| t == w || t.strip_prefix(w.as_str()).is_some_and(|r| r.starts_with('/')))
        })
    };
    let in_folder = settings.scope.folders_to_decks && src.rel.contains('/');
    let tagged = (sr.tags.is_empty() || has_tag(&sr.tags) || in_folder)
        && !has_tag(&sr.ignore_tags)
        && !settings.scope.spaced_repetition_ignored(&src.rel);
    let cx = syntax::Context {
        file: &src.rel,
        settings,
        spaced_repetition: tagged,
        obsidian_to_anki: settings.scope.obsidian_to_anki(&src.rel),
    };
    let mut scanned = syntax::scan(&text, body_lines, body_line + 1, cx);
    diags.append(&mut scanned.diagnostics);
    if frontmatter.cards.as_deref() == Some("headings") {
        scanned.cards.extend(syntax::headings::cards(body_lines, body_line + 1, settings.heading_level));
        scanned.cards.sort_by_key(|c| c.line);
    }

    if settings.blocks.add_context || settings.blocks.add_file_link {
        obsidian_to_anki_extras(&mut scanned.cards, body_lines, body_line + 1, &src.rel, settings);
    }
    // A deck the note names is every card's; else the spaced-repetition cards' flashcard tags may
    // name theirs.
    if frontmatter.deck.is_none() && scanned.target_deck.is_none() {
        let body = (body_lines, body_line + 1);
        let place = (src.rel.as_str(), root_deck);
        spaced_repetition_decks(&mut scanned.cards, body, &frontmatter.tags, settings, place, &mut diags);
    }
    let deck_line = if frontmatter.deck.is_some() { 2 } else { scanned.target_deck_line };
    let deck = frontmatter
        .deck
        .clone()
        .or(scanned.target_deck)
        .or_else(|| folder_setting(&settings.folder_decks, &src.rel).last().map(|d| (*d).to_owned()))
        .or_else(|| settings.default_deck.clone())
        .unwrap_or_else(|| folder_deck(root_deck, &src.rel));
    let deck = checked_deck(deck, &src.rel, deck_line, root_deck, &mut diags);
    let mut tags: Vec<String> = settings.tags.iter().map(|t| anki_tag(t)).collect();
    for folder_tags in folder_setting(&settings.folder_tags, &src.rel) {
        tags.extend(folder_tags.split_whitespace().map(anki_tag));
    }
    tags.extend(frontmatter.tags.iter().chain(&scanned.file_tags).map(|t| anki_tag(t)));
    // A `#tag` written inside a card is that card's; the note's are the ones outside every card.
    // With Obsidian_to_Anki's settings, its rule instead: no inline tags, unless "Add Obsidian Tags",
    // which took them from the card's own fields already.
    let plugin_rule = |c: &CardSpec| {
        settings.blocks.plugin_tags && matches!(c.syntax, Syntax::Block | Syntax::InlineBlock | Syntax::Regex)
    };
    let first = body_line + 1;
    let own_lines = |c: &CardSpec| {
        body_lines.get(c.line.saturating_sub(first)..(c.end_line + 1).saturating_sub(first)).unwrap_or_default()
    };
    let card_has_tag =
        body_may_hold_tag && scanned.cards.iter().any(|c| own_lines(c).iter().any(|l| markdown::may_hold_tag(l)));
    if card_has_tag || settings.blocks.plugin_tags {
        let in_card = |line: usize| scanned.cards.iter().any(|c| (c.line..=c.end_line).contains(&line));
        if !settings.blocks.plugin_tags {
            let outside: Vec<&str> =
                body_lines.iter().enumerate().map(|(i, l)| if in_card(first + i) { "" } else { *l }).collect();
            tags.extend(markdown::inline_tags(&outside.join("\n")).iter().map(|t| anki_tag(t)));
        }
        let mut own_tags = Vec::with_capacity(scanned.cards.len());
        for card in &scanned.cards {
            let own = own_lines(card);
            own_tags.push(if !plugin_rule(card) && own.iter().any(|l| markdown::may_hold_tag(l)) {
                markdown::inline_tags(&own.join("\n"))
            } else {
                Vec::new()
            });
        }
        for (card, t) in scanned.cards.iter_mut().zip(own_tags) {
            card.tags.extend(t);
        }
    } else {
        tags.extend(inline_tags.iter().map(|t| anki_tag(t)));
    }
    dedup_keep_order(&mut tags);

    let title = crate::vault::file_name(&src.rel);
    let title = title.get(..title.len().saturating_sub(3)).unwrap_or(title).to_owned();
    let mut experiments = Vec::new();
    let mut claims = Vec::new();
    for (lang, block) in fenced_blocks(body_lines, body_line + 1, &src.rel) {
        match lang.as_str() {
            "experiment" => experiments.push(block),
            "claims" | "claim" => claims.push(block),
            _ => {}
        }
    }
    let note = Note {
        path: src.rel.clone(),
        obsidian_path: settings.scope.path(&src.rel),
        title,
        frontmatter,
        deck,
        tags,
        cards: scanned.cards,
        text,
        body_line,
        experiments,
        claims,
        untagged_cards: scanned.untagged_cards,
    };
    // Unreadable frontmatter is an error where it may put cards in the wrong deck or miss their
    // tags. A note that makes no card and runs nothing depends on it for nothing: Obsidian shows
    // its properties as invalid, and so does a warning here.
    if note.cards.is_empty() && note.experiments.is_empty() && note.claims.is_empty() {
        for d in diags.iter_mut().filter(|d| d.code == Code::FrontmatterInvalid) {
            d.severity = crate::diagnostics::Severity::Warning;
        }
    }
    (Some(note), diags)
}

/// Fenced code blocks with their info string (the first word after the fence).
pub(crate) fn fenced_blocks(lines: &[&str], first_line: usize, file: &str) -> Vec<(String, Block)> {
    let mut out = Vec::new();
    let mut open: Option<(String, String, usize, Vec<&str>)> = None; // fence, lang, line, text
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        match &mut open {
            Some((fence, _, _, body)) => {
                if t.starts_with(fence.as_str())
                    && t.trim_start_matches(fence.chars().next().unwrap_or('`')).trim().is_empty()
                {
                    if let Some((_, lang, line, body)) = open.take() {
                        out.push((lang, Block { file: file.to_owned(), line, text: body.join("\n") }));
                    }
                } else {
                    body.push(line);
                }
            }
            None => {
                let ch = t.chars().next().filter(|c| *c == '`' || *c == '~');
                if let Some(ch) = ch {
                    let n = t.chars().take_while(|c| *c == ch).count();
                    if n >= 3 {
                        let lang = t[n..].split_whitespace().next().unwrap_or("").to_lowercase();
                        open = Some((ch.to_string().repeat(n), lang, first_line + i + 1, Vec::new()));
                    }
                }
            }
        }
    }
    out
}

/// Whether the note has cards of a type whose fields nobody declared: their fields are inferred
/// from the whole vault, so they change when another note does.
pub fn infers_types(note: &Note) -> bool {
    note.cards.iter().any(|c| c.custom.as_ref().is_some_and(|c| c.field_names.is_empty()))
}

/// Gives every card of a type whose fields nobody declared its fields, inferred from all the
/// vault's blocks of that type (see [`syntax::fields::infer`]). Returns the fields of every type
/// that is not built in, declared or inferred, for the note types of the deck.
pub fn resolve_custom_types(
    notes: &mut [&mut Note],
    settings: &Settings,
) -> (std::collections::BTreeMap<String, crate::settings::Declared>, Vec<Diagnostic>) {
    use std::collections::BTreeMap;
    let mut usage: BTreeMap<String, Vec<syntax::fields::Usage>> = BTreeMap::new();
    for card in notes.iter().flat_map(|n| &n.cards) {
        if let Some(c) = card.custom.as_ref().filter(|c| c.field_names.is_empty()) {
            usage.entry(c.name.clone()).or_default().push(syntax::fields::usage(&c.lines));
        }
    }
    let inferred = syntax::fields::infer_all(&usage);
    let mut diags = Vec::new();
    for note in notes.iter_mut() {
        let note: &mut Note = note;
        let cards = std::mem::take(&mut note.cards);
        for mut card in cards {
            let Some(custom) = card.custom.as_mut().filter(|c| c.field_names.is_empty()) else {
                note.cards.push(card);
                continue;
            };
            let Some(inf) = inferred.get(&custom.name) else { continue };
            let lines = std::mem::take(&mut custom.lines);
            let name = custom.name.clone();
            let split = syntax::fields::split(&lines, &inf.fields.fields, &inf.aliases, &name, &note.path, &mut diags);
            custom.field_names = inf.fields.fields.clone();
            card.fields = split.values;
            card.field_lines = split.lines;
            let type_line = lines.first().map_or(card.line, |(l, _)| l.saturating_sub(1).max(card.line));
            let at = syntax::typed::At { file: &note.path, start_line: card.line, type_lineno: type_line };
            let cx = syntax::Context { file: &note.path, settings, spaced_repetition: false, obsidian_to_anki: true };
            note.cards.extend(syntax::typed::finish(card, &name, inf.fields.cloze, at, cx, &mut diags));
        }
    }
    let mut types: BTreeMap<String, crate::settings::Declared> = settings.note_types.known.clone();
    types.extend(inferred.into_iter().map(|(k, v)| (k, v.fields)));
    (types, diags)
}

/// Obsidian_to_Anki's "Add File Link" and "Add Context": a link to the note, and the note's path with
/// the headings above the card (`notes/x.md > Saddles > Escape`), appended to the fields its settings
/// name, on the cards of its own syntaxes.
fn obsidian_to_anki_extras(cards: &mut [CardSpec], lines: &[&str], first_line: usize, rel: &str, settings: &Settings) {
    let b = &settings.blocks;
    let path = settings.scope.path(rel);
    let mut headings: Vec<(usize, usize, String)> = Vec::new();
    let mut fence = false;
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = !fence;
        }
        let level = t.chars().take_while(|c| *c == '#').count();
        if !fence && (1..=6).contains(&level) && t.get(level..).is_some_and(|r| r.starts_with(' ')) {
            headings.push((first_line + i, level, t.get(level..).unwrap_or("").trim().to_owned()));
        }
    }
    let url = markdown::obsidian_url(&settings.scope.vault_name, &path);
    for card in cards.iter_mut().filter(|c| matches!(c.syntax, Syntax::Block | Syntax::InlineBlock | Syntax::Regex)) {
        let ty = card.type_name().to_owned();
        if b.add_file_link {
            let field = b.file_link_fields.get(&ty).cloned().unwrap_or_default();
            card.append.push((
                field,
                format!("<br><a href=\"{}\" class=\"obsidian-link\">Obsidian</a>", markdown::escape(&url)),
            ));
        }
        if b.add_context
            && let Some(field) = b.context_fields.get(&ty)
        {
            let mut stack: Vec<(usize, &str)> = Vec::new();
            for (line, level, text) in headings.iter().take_while(|(l, _, _)| *l < card.line) {
                let _ = line;
                stack.retain(|(l, _)| l < level);
                stack.push((*level, text));
            }
            let context =
                std::iter::once(path.as_str()).chain(stack.iter().map(|(_, t)| *t)).collect::<Vec<_>>().join(" > ");
            card.append
                .push((field.clone(), format!("\n\n<div class=\"context\">{}</div>", markdown::escape(&context))));
        }
    }
}

/// One hint per note whose lines would be spaced-repetition cards if it carried a flashcard tag.
pub fn untagged_hints<'n>(notes: impl IntoIterator<Item = &'n Note>, settings: &Settings) -> Vec<Diagnostic> {
    let sr = &settings.spaced_repetition;
    let Some(tag) = sr.tags.first().filter(|_| sr.in_use) else { return Vec::new() };
    notes
        .into_iter()
        .filter_map(|n| {
            let first = *n.untagged_cards.first()?;
            let count = n.untagged_cards.len();
            let tags: Vec<String> = sr.tags.iter().map(|t| format!("#{t}")).collect();
            // The note's own tags, which the plugin's settings may have listed once: cards with
            // review history (`<!--SR:` comments) were flashcards before.
            let own: Vec<String> = n.tags.iter().map(|t| format!("#{}", t.replace("::", "/"))).collect();
            let reviewed = n.text.contains("<!--SR:");
            let mut message = format!(
                "{count} spaced-repetition card{} here made no card: the note has no flashcard tag",
                if count == 1 { "" } else { "s" }
            );
            if !own.is_empty() {
                message.push_str(&format!(" (its tags: {})", own.join(", ")));
            }
            if reviewed {
                message.push_str(", yet it holds review history (`<!--SR:` comments): its cards were reviewed before");
            }
            let mut hint = format!(
                "add #{tag} to the note (the tags are: {}), or `tags: [{tag}]` to its frontmatter",
                tags.join(", ")
            );
            if let Some(first_own) = own.first().filter(|_| reviewed) {
                hint.push_str(&format!(
                    "; or list {first_own} among the plugin's flashcard tags (its setting \"Flashcard tags\")"
                ));
            }
            Some(Diagnostic::info(Code::NotFlashcardNote, &n.path, first, 1, message).with_hint(hint))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_default(src: &SourceFile, root: &str) -> (Option<Note>, Vec<Diagnostic>) {
        let mut settings = Settings::default();
        settings.spaced_repetition.tags.clear();
        parse(src, root, &settings)
    }

    #[test]
    fn heading_cards_when_the_note_opts_in() {
        let text = b"---\ncards: headings\n---\n# Title\n## Saddle\nmixed curvature\n### detail\nmore\n## Empty\n## Minimum\nall positive\n";
        let (n, _) = parse_default(&src("n.md", text), "V");
        let n = n.unwrap();
        let got: Vec<_> = n.cards.iter().map(|c| (c.fields[0].as_str(), c.fields[1].as_str(), c.line)).collect();
        assert_eq!(got, [("Saddle", "mixed curvature\n### detail\nmore", 5), ("Minimum", "all positive", 10)]);
    }

    #[test]
    fn spaced_repetition_cards_need_the_tag() {
        let cfg = Settings::default();
        let (n, _) = parse(&src("n.md", b"q::a\n"), "V", &cfg);
        assert!(n.unwrap().cards.is_empty());
        let (n, _) = parse(&src("n.md", b"#flashcards\n\nq::a\n"), "V", &cfg);
        assert_eq!(n.unwrap().cards.len(), 1);
        let (n, _) = parse(&src("n.md", b"---\ntags: [flashcards/optim]\n---\nq::a\n"), "V", &cfg);
        assert_eq!(n.unwrap().cards.len(), 1);
    }

    fn src(rel: &str, text: &[u8]) -> SourceFile {
        SourceFile::new(rel, text.to_vec())
    }

    /// obsidian-spaced-repetition's decks come from its flashcard tags, as the plugin finds a
    /// card's tag: the one its line starts with, else the last line of them above (outside
    /// cards), else the frontmatter's.
    #[test]
    fn spaced_repetition_cards_go_to_the_decks_their_flashcard_tags_name() {
        let text = "---\ntags: [flashcards/fm, other]\n---\nQ0::A0\n\n#flashcards/quant/algebra #flashcards/x\nQ1::A1\n\n\
                    #flashcards/other Q2::A2\nQ3::A3\n```\n#flashcards/code\n```\nQ4::A4\n\n#flashcards\nQ5::A5\n\n\
                    #flashcardsx\nQ6::A6\n- #flashcards/listed Q7::A7\n\nSTART\nBasic\nOtA\nBack: card\nEND\n";
        let decks = |settings: &Settings, text: &str| -> Vec<(String, String)> {
            let (n, d) = parse(&src("a/n.md", text.as_bytes()), "V", settings);
            assert!(d.is_empty(), "{d:?}");
            let n = n.unwrap();
            n.cards.iter().map(|c| (c.fields[0].clone(), c.deck.clone().unwrap_or_else(|| n.deck.clone()))).collect()
        };
        let settings = Settings::default();
        let want = [
            ("Q0", "V::fm"),
            ("Q1", "V::quant::algebra"),
            ("Q2", "V::other"),
            ("Q3", "V::quant::algebra"),
            ("Q4", "V::quant::algebra"),
            ("Q5", "V::a"),
            ("Q6", "V::a"),
            ("Q7", "V::listed"),
            ("OtA", "V::a"),
        ];
        let want: Vec<(String, String)> = want.iter().map(|(f, d)| ((*f).to_owned(), (*d).to_owned())).collect();
        assert_eq!(decks(&settings, text), want);

        // A deck the note names is every card's, and with decks from folders the tags name none.
        let named = text.replacen("tags:", "deck: Named\ntags:", 1);
        assert!(decks(&settings, &named).iter().all(|(_, d)| d == "Named"));
        let mut folders = Settings::default();
        folders.scope.folders_to_decks = true;
        assert!(decks(&folders, text).iter().all(|(_, d)| d == "V::a"));
        // A multi-line question that starts with a flashcard tag is in its deck, and the line is
        // the card's, not a line of tags for the cards below.
        let multi = "#flashcards/a\n\n#flashcards/b/c What is X?\n?\nThe answer.\n\nQ::A\n";
        assert_eq!(
            decks(&settings, multi),
            [("What is X?".to_owned(), "V::b::c".to_owned()), ("Q".to_owned(), "V::a".to_owned())]
        );
        // Without the frontmatter's flashcard tag, the first card takes the note's first one.
        let first = text.replacen("flashcards/fm, ", "", 1);
        assert_eq!(decks(&settings, &first)[0], ("Q0".to_owned(), "V::quant::algebra".to_owned()));
        // A subtag listed as a flashcard tag too changes no deck: the plugin's deck is the tag's path.
        let mut listed = Settings::default();
        listed.spaced_repetition.tags =
            vec!["flashcards/quant".into(), "flashcards".into(), "flashcards/quant/algebra".into()];
        assert_eq!(decks(&listed, text), want);
        // Flashcard tags that share no root are each a deck, as in the plugin's deck tree; tags
        // under one root are decks below it.
        let mut apart = Settings::default();
        apart.spaced_repetition.tags = vec!["flashcards".into(), "midterm".into(), "finals".into()];
        let terms = "#midterm\nQ1::A1\n\n#finals/week2 Q2::A2\n\n#flashcards\nQ3::A3\n\n#other\nQ4::A4\n";
        let got = decks(&apart, terms);
        assert_eq!(
            got.iter().map(|(_, d)| d.as_str()).collect::<Vec<_>>(),
            ["V::midterm", "V::finals::week2", "V::flashcards", "V::flashcards"]
        );
        let mut japanese = Settings::default();
        japanese.spaced_repetition.tags = vec!["Japanese/Kanji".into(), "Japanese/Vocabulary".into()];
        let words = "#Japanese/Kanji\nQ1::A1\n\n#Japanese/Vocabulary/N5 Q2::A2\n";
        let got = decks(&japanese, words);
        assert_eq!(got.iter().map(|(_, d)| d.as_str()).collect::<Vec<_>>(), ["V::Kanji", "V::Vocabulary::N5"]);
    }

    #[test]
    fn deck_precedence_frontmatter_then_target_deck_then_folder() {
        let (n, _) = parse_default(&src("a/b/n.md", b"---\ndeck: FM\n---\nTARGET DECK: TD\n"), "V");
        assert_eq!(n.unwrap().deck, "FM");
        let (n, _) = parse_default(&src("a/b/n.md", b"TARGET DECK: TD\n"), "V");
        assert_eq!(n.unwrap().deck, "TD");
        let (n, _) = parse_default(&src("a/b/n.md", b"text\n"), "V");
        assert_eq!(n.unwrap().deck, "V::a::b");
        let (n, _) = parse_default(&src("n.md", b"text\n"), "V");
        assert_eq!(n.unwrap().deck, "V");
    }

    #[test]
    fn tags_from_everywhere_in_anki_form() {
        let text = "---\ntags: [fm]\n---\nFILE TAGS: ft\nSee #topic/saddle and #größe, not `#code` or # heading.\n";
        let (n, d) = parse_default(&src("n.md", text.as_bytes()), "V");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(n.unwrap().tags, ["fm", "ft", "topic::saddle", "größe"]);
    }

    #[test]
    fn empty_and_over_long_deck_names() {
        let (n, d) = parse_default(&src("n.md", b"TARGET DECK: ::::\n"), "V");
        assert_eq!(n.unwrap().deck, "V");
        assert_eq!((d[0].line, d[0].message.as_str()), (1, "deck `::::` has no name in it"));
        let (n, d) = parse_default(&src("n.md", b"text\nTARGET DECK: A::::B::\n"), "V");
        assert_eq!(n.unwrap().deck, "A::blank::B::blank");
        assert_eq!((d[0].line, d[0].is_error()), (2, false));
        let long = format!("TARGET DECK: {}\n", "x".repeat(300));
        let (n, d) = parse_default(&src("n.md", long.as_bytes()), "V");
        assert_eq!(n.unwrap().deck, "V");
        assert!(d[0].message.contains("longer than 250"));
    }

    proptest::proptest! {
        /// The same as normalizing every tag, joining its parts and replacing white space.
        #[test]
        fn anki_tags_are_nfc_parts_joined(tag in "[#/a-c \t\u{301}\u{e9}\u{3000}e\u{1100}\u{1161}]{0,12}") {
            use unicode_normalization::UnicodeNormalization as _;
            let nfc: String = tag.nfc().collect();
            let t = nfc.trim().trim_start_matches('#');
            let expected =
                t.split('/').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("::").replace(char::is_whitespace, "_");
            proptest::prop_assert_eq!(anki_tag(&tag), expected);
        }
    }

    #[test]
    fn tags_keep_combining_marks_and_become_nfc() {
        let (n, _) = parse_default(&src("n.md", "See #cafe\u{301} here.\n".as_bytes()), "V");
        assert_eq!(n.unwrap().tags, ["caf\u{e9}"]);
    }

    /// A note whose lines read as cards but lacks the flashcard tag gets one hint, unless the
    /// vault does not use the spaced-repetition syntaxes (C++'s `std::any` is no card then).
    #[test]
    fn an_untagged_note_gets_a_hint_only_where_the_syntax_is_in_use() {
        let mut settings = Settings::default();
        let (n, _) = parse(&src("cpp.md", b"Type erasure: std::any holds any value.\n"), "V", &settings);
        let n = n.unwrap();
        assert!(n.cards.is_empty());
        assert_eq!(untagged_hints([&n], &settings).len(), 1);
        settings.spaced_repetition.in_use = false;
        assert!(untagged_hints([&n], &settings).is_empty());
    }

    /// A note whose cards have review history lost its flashcard tag (or the settings did): the
    /// info names the note's tags and the hint offers listing one among the flashcard tags.
    #[test]
    fn an_untagged_note_with_review_history_names_its_own_tags() {
        let settings = Settings::default();
        let text =
            b"#bsds\n\nName the four views!\n?\ndata, function, organisation, control\n<!--SR:!2025-12-23,1,212-->\n";
        let (n, _) = parse(&src("BSDS.md", text), "V", &settings);
        let d = untagged_hints([&n.unwrap()], &settings);
        let [d] = d.as_slice() else { panic!("{d:?}") };
        assert_eq!(
            d.message,
            "1 spaced-repetition card here made no card: the note has no flashcard tag (its tags: #bsds), yet it holds review history (`<!--SR:` comments): its cards were reviewed before"
        );
        let hint = d.hint.as_deref().unwrap_or_default();
        assert!(
            hint.ends_with("; or list #bsds among the plugin's flashcard tags (its setting \"Flashcard tags\")"),
            "{hint}"
        );
        // Without review history, the note's tags are named and the hint is the plain one.
        let (n, _) = parse(&src("n.md", b"#draft\n\nQ::A\n"), "V", &settings);
        let d = untagged_hints([&n.unwrap()], &settings);
        assert!(d[0].message.ends_with("the note has no flashcard tag (its tags: #draft)"), "{}", d[0].message);
        assert!(!d[0].hint.as_deref().unwrap_or_default().contains("plugin's flashcard tags"));
    }

    #[test]
    fn invalid_utf8_is_an_error_at_its_line() {
        let (n, d) = parse_default(&src("bad.md", b"ok\nal\xffso\n"), "V");
        assert!(n.is_none());
        assert_eq!((d[0].line, d[0].col), (2, 3));
        assert!(d[0].message.contains("invalid UTF-8"));
        // A note git-crypt encrypted, in a checkout without its key, says so.
        let (n, d) = parse_default(&src("locked.md", b"\0GITCRYPT\0\x8a\x10J\xf3"), "V");
        assert!(n.is_none());
        assert_eq!(d[0].message, "the note is encrypted with git-crypt, and this checkout is locked");
        assert!(d[0].hint.as_deref().unwrap_or_default().contains("git-crypt unlock"));
    }

    #[test]
    fn crlf_and_bad_frontmatter() {
        let (n, d) = parse_default(&src("n.md", b"---\r\ntags: [a\r\n---\r\nq::a\r\n"), "V");
        let n = n.unwrap();
        assert_eq!(n.cards.len(), 1);
        assert_eq!(n.cards[0].line, 4);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("unreadable frontmatter"), "{}", d[0]);
        assert!(d[0].is_error(), "the card's deck and tags may be wrong");
        // A note that makes no card depends on its frontmatter for nothing: a warning (real
        // vaults hold `Aliases: , x` and `alias` alone in notes without cards).
        for text in [&b"---\nAliases: , x\n---\nProse.\n"[..], b"---\nalias\n---\nProse.\n"] {
            let (n, d) = parse_default(&src("n.md", text), "V");
            assert!(n.unwrap().cards.is_empty());
            assert_eq!(d.len(), 1, "{d:?}");
            assert_eq!((d[0].code, d[0].is_error()), (Code::FrontmatterInvalid, false), "{}", d[0]);
        }
    }

    /// A template for new notes in a folder named as template folders are, where no template
    /// folder is set (a real vault's `Templates/`, with Templater's scripts and prompts), is no
    /// note; a note there without a template's commands is one.
    #[test]
    fn a_template_outside_the_set_folders_is_known_by_its_folder_and_commands() {
        let templater = b"---\ncards-deck: <% await tp.system.prompt(\"Deck (e.g.: Cloud):\") %>\n---\n# <% tp.file.title %>\n<%*\ntR += `Tags: ${tp.frontmatter.deck.split(\"::\")[1]}`;\n%>\nQuestion::Answer\n";
        let core = b"---\ncreated: {{date:YYYY-MM-DD}}\n---\n# {{title}}\nTerm::definition\n";
        for (rel, text) in [("Templates/Technical.md", &templater[..]), ("99 Plantillas/Clase.md", &core[..])] {
            let (n, d) = parse_default(&src(rel, text), "V");
            assert!(n.is_none() && d.is_empty(), "{rel}: {d:?}");
        }
        // The same texts elsewhere are notes (a note may keep a command Templater never ran), and
        // so is a note about C++ templates in a folder of that name.
        let (n, _) = parse_default(&src("Notes/Technical.md", templater), "V");
        assert!(n.is_some());
        let (n, _) = parse_default(
            &src("C++/Templates/SFINAE.md", b"What does SFINAE stand for?::Substitution failure is not an error\n"),
            "V",
        );
        assert_eq!(n.map(|n| n.cards.len()), Some(1));
    }

    /// A key written twice (a real vault's `sr-due:`, added again below the first) makes the
    /// whole block unreadable, in Obsidian too; the message names the key and both its lines.
    #[test]
    fn a_key_written_twice_is_named_with_both_its_lines() {
        let text = b"---\ntags:\n  - Vocabulary\nsr-due: 2025-01-05\nsr-interval: 2\nsr-due: 2025-01-27\n---\nq::a\n";
        let (n, d) = parse_default(&src("n.md", text), "V");
        assert_eq!(n.unwrap().cards.len(), 1);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0].code, d[0].line, d[0].col), (Code::FrontmatterInvalid, 6, 1), "{}", d[0]);
        assert!(d[0].message.contains("the key `sr-due` is written twice (lines 4 and 6)"), "{}", d[0]);
        assert!(d[0].hint.as_deref().is_some_and(|h| h.contains("keep one `sr-due:` line")), "{}", d[0]);
        // A key written twice deeper in is still reported, as the YAML reader says.
        let (_, d) = parse_default(&src("n.md", b"---\na:\n  b: 1\n  b: 2\n---\nq::a\n"), "V");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("duplicated key"), "{}", d[0]);
    }

    #[test]
    fn experiment_and_claims_blocks_with_their_lines() {
        let text =
            b"---\na: 1\n---\n```experiment\nkind: k\nid: i\n```\n\n~~~claims\nx.y == 1\n~~~\n```python\nno\n```\n";
        let (n, _) = parse_default(&src("n.md", text), "V");
        let n = n.unwrap();
        assert_eq!(n.experiments, [Block { file: "n.md".into(), line: 5, text: "kind: k\nid: i".into() }]);
        assert_eq!(n.claims[0].line, 10);
        assert_eq!(n.claims[0].text, "x.y == 1");
    }

    #[test]
    fn comments_hide_cards() {
        let (n, _) = parse_default(&src("n.md", b"%%\nq::a\n%%\nr::b\n"), "V");
        assert_eq!(n.unwrap().cards.len(), 1);
    }
}
