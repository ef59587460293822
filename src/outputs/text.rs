//! `cards.txt`: the deck in Anki's text-import format (Anki 2.1.54+), GUIDs included.
//!
//! Columns: GUID, note type, deck, the note type's fields, tags. Fields holding a tab, a newline
//! or a quote are quoted CSV-style. Media is not bundled in this format.

use crate::cards::Card;
use crate::cards::notetypes::Model;

/// The whole file.
pub fn render(cards: &[Card], models: &[Model]) -> String {
    let n_fields = models.iter().map(|t| t.fields.len()).max().unwrap_or(0);
    let mut out = String::from("#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n");
    out.push_str(&format!("#tags column:{}\n", 4 + n_fields));
    for card in cards {
        let mut cols: Vec<String> = vec![card.guid.clone(), card.type_name().to_owned(), card.deck.clone()];
        cols.extend((0..n_fields).map(|i| card.fields.get(i).cloned().unwrap_or_default()));
        cols.push(card.tags.join(" "));
        let line: Vec<String> = cols.iter().map(|c| quote(c)).collect();
        out.push_str(&line.join("\t"));
        out.push('\n');
    }
    out
}

fn quote(field: &str) -> String {
    if field.contains(['\t', '\n', '\r', '"']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn quotes_fields_with_newlines_and_quotes() {
        assert_eq!(super::quote("a\tb"), "\"a\tb\"");
        assert_eq!(super::quote("say \"x\"\n"), "\"say \"\"x\"\"\n\"");
        assert_eq!(super::quote("plain"), "plain");
    }
}
