//! The deck and the tags of a note's cards: folder settings, deck names Anki can hold, and
//! Obsidian tags in Anki's form.

use crate::diagnostics::{Code, Diagnostic};

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
    let parts: Vec<&str> = deck.split("::").map(str::trim).filter(|p| !p.is_empty()).collect();
    let cleaned = parts.join("::");
    if parts.is_empty() || cleaned.chars().count() > MAX_DECK_NAME {
        let why = if parts.is_empty() {
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
    if cleaned != deck.trim() {
        diags.push(
            Diagnostic::warning(
                Code::DeckInvalid,
                file,
                line,
                1,
                format!("deck `{deck}` has empty parts; it is read as `{cleaned}`"),
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

/// Removes repeated items, keeping the first of each.
pub fn dedup_keep_order(items: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    items.retain(|t| !t.is_empty() && seen.insert(t.clone()));
}
