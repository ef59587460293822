//! `cards.txt`: the deck in Anki's text-import format (Anki 2.1.54+), GUIDs included.
//!
//! Columns: GUID, note type, deck, the note type's fields, tags. Fields holding a tab, a newline
//! or a quote are quoted CSV-style. Media is not bundled in this format.

use crate::cards::Card;
use crate::cards::notetypes::Model;

/// Writes the whole file to `out`, a line per card as it comes.
pub fn write(mut out: impl std::io::Write, cards: &[Card], models: &[Model]) -> std::io::Result<()> {
    let n_fields = models.iter().map(|t| t.fields.len()).max().unwrap_or(0);
    out.write_all(b"#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n")?;
    writeln!(out, "#tags column:{}", 4 + n_fields)?;
    let mut tags = String::new();
    for card in cards {
        write_field(&mut out, &card.guid)?;
        out.write_all(b"\t")?;
        write_field(&mut out, card.type_name())?;
        out.write_all(b"\t")?;
        write_field(&mut out, &card.deck)?;
        for i in 0..n_fields {
            out.write_all(b"\t")?;
            write_field(&mut out, card.fields.get(i).map_or("", |f| &**f))?;
        }
        out.write_all(b"\t")?;
        tags.clear();
        for (i, t) in card.tags.iter().enumerate() {
            if i > 0 {
                tags.push(' ');
            }
            tags.push_str(t);
        }
        write_field(&mut out, &tags)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// One column, quoted CSV-style when it holds a tab, a line break or a quote.
fn write_field(out: &mut impl std::io::Write, field: &str) -> std::io::Result<()> {
    if !field.contains(['\t', '\n', '\r', '"']) {
        return out.write_all(field.as_bytes());
    }
    out.write_all(b"\"")?;
    for (i, part) in field.split('"').enumerate() {
        if i > 0 {
            out.write_all(b"\"\"")?;
        }
        out.write_all(part.as_bytes())?;
    }
    out.write_all(b"\"")
}

#[cfg(test)]
mod tests {
    #[test]
    fn quotes_fields_with_newlines_and_quotes() {
        let quote = |f: &str| {
            let mut out = Vec::new();
            super::write_field(&mut out, f).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_eq!(quote("a\tb"), "\"a\tb\"");
        assert_eq!(quote("say \"x\"\n"), "\"say \"\"x\"\"\n\"");
        assert_eq!(quote("plain"), "plain");
    }
}
