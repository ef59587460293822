//! The three Anki note types studygen emits.
//!
//! Anki matches an imported note to an existing one by GUID, but updates it only when the note
//! type has the same id *and* the same field and template names. These ids and names are
//! therefore fixed forever: changing any of them would make every re-import conflict.

use std::collections::{BTreeMap, HashMap};

use super::Card;
use super::identity::stable_id;
use crate::config::Declared;
use crate::diagnostics::Diagnostic;
use crate::notes::NoteKind;

/// A fixed note type.
#[derive(Debug, Clone, Copy)]
pub struct NoteType {
    /// Anki's note-type id.
    pub id: i64,
    /// The name shown in Anki.
    pub name: &'static str,
    /// Field names, in order. The last is always `Source`, a link back to the note.
    pub fields: &'static [&'static str],
    /// Card template names with the template file prefix that renders each.
    pub templates: &'static [(&'static str, &'static str)],
    /// Whether this is a cloze type.
    pub cloze: bool,
}

/// Front, Back: one card.
pub const BASIC: NoteType = NoteType {
    id: 1_764_115_200_101,
    name: "studygen Basic",
    fields: &["Front", "Back", "Source"],
    templates: &[("Card 1", "basic")],
    cloze: false,
};

/// Front, Back: a card each way.
pub const REVERSED: NoteType = NoteType {
    id: 1_764_115_200_102,
    name: "studygen Basic (and reversed card)",
    fields: &["Front", "Back", "Source"],
    templates: &[("Card 1", "basic"), ("Card 2", "reversed")],
    cloze: false,
};

/// Text with deletions, Back Extra: one card per cloze number.
pub const CLOZE: NoteType = NoteType {
    id: 1_764_115_200_103,
    name: "studygen Cloze",
    fields: &["Text", "Back Extra", "Source"],
    templates: &[("Cloze", "cloze")],
    cloze: true,
};

/// Every note type, in a fixed order.
pub const ALL: [NoteType; 3] = [BASIC, REVERSED, CLOZE];

/// The note type for a kind of card.
pub fn for_kind(kind: NoteKind) -> NoteType {
    match kind {
        NoteKind::Basic => BASIC,
        NoteKind::Reversed => REVERSED,
        NoteKind::Cloze => CLOZE,
    }
}

/// A note type as emitted: a built-in one, or one made from the vault's blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    /// Anki's note-type id: fixed for built-ins, hashed from the name for the others.
    pub id: i64,
    /// The name.
    pub name: String,
    /// Field names, `Source` last.
    pub fields: Vec<String>,
    /// Card template names with the template file prefix that renders each (`custom` for the others).
    pub templates: Vec<(String, String)>,
    /// Whether it is a cloze type.
    pub cloze: bool,
}

impl From<NoteType> for Model {
    fn from(t: NoteType) -> Self {
        Model {
            id: t.id,
            name: t.name.to_owned(),
            fields: t.fields.iter().map(|f| (*f).to_owned()).collect(),
            templates: t.templates.iter().map(|(n, p)| ((*n).to_owned(), (*p).to_owned())).collect(),
            cloze: t.cloze,
        }
    }
}

/// Every note type the cards use: the three built-ins, then one per other type name.
///
/// A type that is not built in has the fields its blocks use, in order of first use (or, when
/// declared in `studygen.toml`, exactly the declared ones), then `Source`. It is a cloze type when its
/// name contains "Cloze", it is declared so, or any of its cards holds `{{cN::...}}`. Custom cards'
/// fields are put in their type's order here. A card of a cloze type without a deletion is an error.
pub fn models(cards: &mut [Card], declared: &BTreeMap<String, Declared>) -> (Vec<Model>, Vec<Diagnostic>) {
    let mut custom: BTreeMap<String, (Vec<String>, bool)> = BTreeMap::new();
    for card in cards.iter() {
        let Some(c) = &card.custom else { continue };
        let entry = custom.entry(c.name.clone()).or_insert_with(|| match declared.get(&c.name) {
            Some(d) => (d.fields.clone(), d.cloze),
            None => (Vec::new(), false),
        });
        if !declared.contains_key(&c.name) {
            for f in &c.field_names {
                if !entry.0.iter().any(|e| e.eq_ignore_ascii_case(f)) {
                    entry.0.push(f.clone());
                }
            }
        }
        entry.1 |= card.kind == NoteKind::Cloze;
    }
    let mut models: Vec<Model> = ALL.into_iter().map(Model::from).collect();
    for (name, (fields, cloze)) in &custom {
        let mut fields = fields.clone();
        fields.push("Source".to_owned());
        let template = if *cloze { "Cloze" } else { "Card 1" };
        models.push(Model {
            id: stable_id("notetype", name),
            name: name.clone(),
            fields,
            templates: vec![(template.to_owned(), "custom".to_owned())],
            cloze: *cloze,
        });
    }
    let by_name: HashMap<&str, &Model> = models.iter().map(|m| (m.name.as_str(), m)).collect();
    let mut diags = Vec::new();
    for card in cards.iter_mut() {
        let Some(c) = card.custom.take() else { continue };
        let Some(model) = by_name.get(c.name.as_str()) else { continue };
        let source = card.fields.last().cloned().unwrap_or_default();
        let mut fields: Vec<String> = model
            .fields
            .iter()
            .take(model.fields.len() - 1)
            .map(|f| {
                c.field_names
                    .iter()
                    .position(|n| n.eq_ignore_ascii_case(f))
                    .and_then(|i| card.fields.get(i))
                    .cloned()
                    .unwrap_or_default()
            })
            .collect();
        fields.push(source);
        card.fields = fields;
        card.kind = if model.cloze { NoteKind::Cloze } else { NoteKind::Basic };
        if model.cloze && card.cloze_numbers().is_empty() {
            diags.push(
                Diagnostic::error(
                    &card.note,
                    card.line,
                    1,
                    format!("card of cloze type `{}` has no cloze deletion", c.name),
                )
                .with_hint("mark what to hide as {{c1::text}}"),
            );
        }
        card.custom = Some(crate::notes::cards::Custom { name: c.name, field_names: model.fields.clone() });
    }
    (models, diags)
}
