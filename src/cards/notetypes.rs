//! The three Anki note types studygen emits.
//!
//! Anki matches an imported note to an existing one by GUID, but updates it only when the note
//! type has the same id *and* the same field and template names. These ids and names are
//! therefore fixed forever: changing any of them would make every re-import conflict.

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
