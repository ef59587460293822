//! The deck and the tags of a note's cards: folder settings, deck names Anki can hold, and
//! Obsidian tags in Anki's form.

use super::syntax::spaced_repetition::question_tag;
use super::syntax::{CardSpec, Syntax};
use crate::diagnostics::{Code, Diagnostic};
use crate::settings::Settings;

/// The values a folder setting gives a note: from its outermost folder to its innermost.
pub(super) fn folder_setting<'a>(map: &'a std::collections::BTreeMap<String, String>, rel: &str) -> Vec<&'a str> {
    if map.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<&str> = map.get("").map(String::as_str).into_iter().collect();
    let mut folder = String::new();
    let parts: Vec<&str> = rel.split('/').collect();
    for part in parts.iter().take(parts.len().saturating_sub(1)) {
        if !folder.is_empty() {
            folder.push('/');
        }
        folder.push_str(part);
        out.extend(map.get(&folder).map(String::as_str));
    }
    out
}

/// The longest deck name accepted, in characters.
const MAX_DECK_NAME: usize = 250;

/// A deck name Anki can hold: empty `::` parts are dropped (with a warning), and a name with no
/// part left or over [`MAX_DECK_NAME`] characters is an error; the note's cards then go to the root deck.
pub(super) fn checked_deck(
    deck: String,
    file: &str,
    line: usize,
    root_deck: &str,
    diags: &mut Vec<Diagnostic>,
) -> String {
    // As Anki reads a deck name: each part between `::` without the white space around it, and
    // an empty part named `blank` (`Maths :: Algebra` is `Maths::Algebra`, `A::::B` is
    // `A::blank::B`). Obsidian_to_Anki hands the name to Anki as written.
    let parts: Vec<&str> = deck.split("::").map(str::trim).collect();
    let named = parts.iter().filter(|p| !p.is_empty()).count();
    let cleaned = parts.iter().map(|p| if p.is_empty() { "blank" } else { p }).collect::<Vec<_>>().join("::");
    if named == 0 || cleaned.chars().count() > MAX_DECK_NAME {
        let why = if named == 0 {
            "has no name in it".to_owned()
        } else {
            format!("is longer than {MAX_DECK_NAME} characters")
        };
        diags.push(
            Diagnostic::error(
                Code::DeckInvalid,
                file,
                line,
                1,
                format!("deck `{}` {why}", crate::diagnostics::printable(&deck)),
            )
            .with_hint(format!("name the deck like `Course::Topic`; the cards went to `{root_deck}`")),
        );
        return root_deck.to_owned();
    }
    if named < parts.len() {
        diags.push(
            Diagnostic::warning(
                Code::DeckInvalid,
                file,
                line,
                1,
                format!(
                    "deck `{deck}` has an empty part between `::`, which Anki names `blank`; it is read as `{cleaned}`"
                ),
            )
            .with_hint("write `A::B`, with a name between every `::`"),
        );
    }
    cleaned
}

/// The deck of a note from its folder: `root::folder::sub`, or `root` at the vault root.
pub fn folder_deck(root_deck: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = rel.split('/').collect();
    parts.pop();
    std::iter::once(root_deck).chain(parts).collect::<Vec<_>>().join("::")
}

/// Converts an Obsidian tag to Anki's form: `#a/b` → `a::b`, white space → `_`.
pub fn anki_tag(tag: &str) -> String {
    use unicode_normalization::{IsNormalized, UnicodeNormalization as _, is_nfc_quick};
    // Most tags are NFC already (every ASCII one is): they are not normalized again.
    let nfc: std::borrow::Cow<'_, str> = if tag.is_ascii() || is_nfc_quick(tag.chars()) == IsNormalized::Yes {
        tag.into()
    } else {
        tag.nfc().collect::<String>().into()
    };
    let mut out = String::with_capacity(nfc.len() + 2);
    for part in nfc.trim().trim_start_matches('#').split('/').filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push_str("::");
        }
        out.extend(part.chars().map(|c| if c.is_whitespace() { '_' } else { c }));
    }
    out
}

/// Removes repeated and empty items, keeping the first of each. A card's few tags are compared
/// with those kept before them; a long list goes through a set.
pub fn dedup_keep_order(items: &mut Vec<String>) {
    const FEW: usize = 16;
    let keep: Vec<bool> = if items.len() <= FEW {
        items.iter().enumerate().map(|(i, t)| !t.is_empty() && !items[..i].contains(t)).collect()
    } else {
        let mut seen = foldhash::HashSet::default();
        items.iter().map(|t| !t.is_empty() && seen.insert(t.as_str())).collect()
    };
    let mut keep = keep.into_iter();
    items.retain(|_| keep.next().unwrap_or(false));
}

/// obsidian-spaced-repetition's decks, which come from its flashcard tags: a card under
/// `#flashcards/quant/algebra` goes to `root::quant::algebra`. As in the plugin, a card's tag is
/// the tag its first line starts with, or else the last line of flashcard tags above it (outside
/// every card), or else the frontmatter's, or else the note's first. The first flashcard tag of
/// that line is taken (a card is in one Anki deck), and its path below the root the flashcard tags
/// share names the deck: with the one tag `#flashcards`, a card under it alone stays in the note's
/// deck; with `#kanji` and `#vocab`, they are the decks. All cards stay in the note's deck when the
/// plugin makes decks of folders (`convertFoldersToDecks`), or when the note names its deck.
pub(super) fn spaced_repetition_decks(
    cards: &mut [CardSpec],
    body: (&[&str], usize),
    frontmatter_tags: &[String],
    settings: &Settings,
    (file, root_deck): (&str, &str),
    diags: &mut Vec<Diagnostic>,
) {
    let sr = &settings.spaced_repetition;
    let (body_lines, first_line) = body;
    if settings.scope.folders_to_decks || !cards.iter().any(|c| c.syntax == Syntax::SpacedRepetition) {
        return;
    }
    // The plugin's deck is a flashcard tag's whole path. The root the flashcard tags share (all of
    // a lone one) is left out, and the parts left name the deck below the root deck: with the one
    // tag `#flashcards`, `#flashcards/quant` is `quant`; of `#japanese/kanji` and `#japanese/vocab`,
    // `kanji` and `vocab`. `None` for a tag that is no flashcard tag.
    let root = shared_root(&sr.tags);
    let below = |tag: &str| -> Option<Vec<String>> {
        let tag = tag.trim_start_matches('#');
        sr.tags
            .iter()
            .filter(|t| !t.is_empty())
            .find(|t| tag == t.as_str() || tag.strip_prefix(t.as_str()).is_some_and(|r| r.starts_with('/')))?;
        Some(tag.split('/').skip(root).filter(|p| !p.is_empty()).map(str::to_owned).collect())
    };
    // Every line that holds a flashcard tag, with the first one, and whether a card holds the line.
    let in_card = |n: usize| cards.iter().any(|c| (c.line..=c.end_line).contains(&n));
    let mut tag_lines: Vec<(usize, Vec<String>, bool)> = Vec::new();
    let mut fence: Option<&str> = None;
    for (i, raw) in body_lines.iter().enumerate() {
        let t = raw.trim_start();
        if let Some(marker) = ["```", "~~~"].into_iter().find(|m| t.starts_with(m)) {
            fence = match fence {
                None => Some(marker),
                Some(open) if open == marker => None,
                open => open,
            };
            continue;
        }
        if fence.is_some() || !crate::markdown::may_hold_tag(raw) {
            continue;
        }
        if let Some(parts) = crate::markdown::inline_tags(raw).iter().find_map(|t| below(t)) {
            tag_lines.push((first_line + i, parts, in_card(first_line + i)));
        }
    }
    let front_matter = frontmatter_tags.iter().find_map(|t| below(t));
    let first = front_matter.clone().or_else(|| tag_lines.first().map(|(_, p, _)| p.clone()));
    for card in cards.iter_mut().filter(|c| c.syntax == Syntax::SpacedRepetition) {
        let own = body_lines.get(card.line.saturating_sub(first_line)).and_then(|l| question_tag(l)).and_then(below);
        let above = || tag_lines.iter().rev().find(|(n, _, held)| !held && *n < card.line).map(|(_, p, _)| p.clone());
        let parts = own.or_else(above).or_else(|| front_matter.clone()).or_else(|| first.clone()).unwrap_or_default();
        if !parts.is_empty() {
            let deck = format!("{root_deck}::{}", parts.join("::"));
            card.deck = Some(checked_deck(deck, file, card.line, root_deck, diags));
        }
    }
}

/// How many parts of their path the flashcard tags `tags` share: all of a lone tag's.
fn shared_root(tags: &[String]) -> usize {
    let mut paths = tags.iter().filter(|t| !t.is_empty()).map(|t| t.split('/').collect::<Vec<_>>());
    let Some(first) = paths.next() else { return 0 };
    paths.fold(first.len(), |n, p| first.iter().zip(&p).take(n).take_while(|(a, b)| a == b).count())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deck names read as Anki reads them (checked against the real Anki library by
    /// `tests/anki_import.rs`): white space around `::` goes, an empty part is `blank`.
    #[test]
    fn a_deck_name_is_read_as_anki_reads_it() {
        let read = |deck: &str| {
            let mut diags = Vec::new();
            let name = checked_deck(deck.to_owned(), "n.md", 3, "Root", &mut diags);
            (name, diags.iter().map(|d| (d.is_error(), d.line)).collect::<Vec<_>>())
        };
        assert_eq!(read("Maths :: Algebra Elemental"), ("Maths::Algebra Elemental".to_owned(), vec![]));
        assert_eq!(read(" X ::Y "), ("X::Y".to_owned(), vec![]));
        assert_eq!(read("A::::B"), ("A::blank::B".to_owned(), vec![(false, 3)]));
        assert_eq!(read("A::B::"), ("A::B::blank".to_owned(), vec![(false, 3)]));
        assert_eq!(read(" :: "), ("Root".to_owned(), vec![(true, 3)]));
    }

    proptest::proptest! {
        /// Short and long lists alike keep the first of each item, in order, and no empty one.
        #[test]
        fn dedup_keeps_the_first_of_each_in_order(items in proptest::collection::vec("[ab]{0,2}", 0..40)) {
            let mut expected: Vec<String> = Vec::new();
            for t in &items {
                if !t.is_empty() && !expected.contains(t) {
                    expected.push(t.clone());
                }
            }
            let mut got = items.clone();
            dedup_keep_order(&mut got);
            proptest::prop_assert_eq!(got, expected);
        }
    }
}
