//! The three Anki note types studygen emits.
//!
//! Anki matches an imported note to an existing one by GUID, but updates it only when the note
//! type has the same id *and* the same field and template names. These ids and names are
//! therefore fixed forever: changing any of them would make every re-import conflict.

use std::collections::{BTreeMap, HashMap};

use super::Card;
use super::identity::stable_id;
use crate::diagnostics::{Code, Diagnostic};
use crate::notes::NoteKind;
use crate::settings::Declared;

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
    /// For a cloze type that is not built in: the fields after the first that hold deletions in
    /// some card, which the front must show for Anki to make those cards.
    pub cloze_fields: Vec<String>,
}

impl From<NoteType> for Model {
    fn from(t: NoteType) -> Self {
        Model {
            id: t.id,
            name: t.name.to_owned(),
            fields: t.fields.iter().map(|f| (*f).to_owned()).collect(),
            templates: t.templates.iter().map(|(n, p)| ((*n).to_owned(), (*p).to_owned())).collect(),
            cloze: t.cloze,
            cloze_fields: Vec::new(),
        }
    }
}

/// Every note type the cards use: the three built-ins, then one per other type name.
///
/// A type that is not built in has the fields `types` gives it (declared in studygen.toml, listed
/// in the plugin's `fields_dict`, or inferred from the vault's blocks), then `Source`. It is a cloze
/// type when it is declared so, its name contains "Cloze", or any of its cards holds `{{cN::...}}`
/// in any field. A card of a cloze type without a deletion would make no card in Anki: it is an
/// error, and the card is left out.
pub fn models(cards: &mut Vec<Card>, types: &BTreeMap<String, Declared>) -> (Vec<Model>, Vec<Diagnostic>) {
    let mut custom: BTreeMap<String, (Vec<String>, bool, Vec<String>)> = BTreeMap::new();
    for card in cards.iter() {
        let Some(c) = &card.custom else { continue };
        let entry = custom.entry(c.name.clone()).or_insert_with(|| match types.get(&c.name) {
            Some(d) => (d.fields.clone(), d.cloze, Vec::new()),
            None => (c.field_names.clone(), false, Vec::new()),
        });
        let numbers = card.cloze_numbers();
        entry.1 |= !numbers.is_empty() || card.kind == NoteKind::Cloze;
        // A card of such a type is never held in the cache without its fields (see `cache`).
        let fields = card.fields().unwrap_or_default();
        for (name, value) in c.field_names.iter().zip(fields).skip(1) {
            if crate::notes::syntax::has_cloze(value) && !entry.2.contains(name) {
                entry.2.push(name.clone());
            }
        }
    }
    let mut models: Vec<Model> = ALL.into_iter().map(Model::from).collect();
    for (name, (fields, cloze, cloze_fields)) in &custom {
        let mut fields = fields.clone();
        fields.push("Source".to_owned());
        let template = if *cloze { "Cloze" } else { "Card 1" };
        models.push(Model {
            id: stable_id("notetype", name),
            name: name.clone(),
            cloze_fields: fields.iter().filter(|f| cloze_fields.contains(f)).cloned().collect(),
            fields,
            templates: vec![(template.to_owned(), "custom".to_owned())],
            cloze: *cloze,
        });
    }
    let by_name: HashMap<&str, &Model> = models.iter().map(|m| (m.name.as_str(), m)).collect();
    let mut diags = Vec::new();
    cards.retain_mut(|card| {
        let Some(c) = &card.custom else { return true };
        let Some(model) = by_name.get(c.name.as_str()) else { return true };
        card.kind = if model.cloze { NoteKind::Cloze } else { NoteKind::Basic };
        if model.cloze && card.cloze_numbers().is_empty() {
            diags.push(
                Diagnostic::error(
                    Code::ClozeMissing,
                    &card.note,
                    card.line,
                    1,
                    format!("card of cloze type `{}` has no cloze deletion", c.name),
                )
                .with_hint("mark what to hide as {{c1::text}}; the card was left out"),
            );
            return false;
        }
        true
    });
    (models, diags)
}
