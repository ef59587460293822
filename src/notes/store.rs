//! The vault's notes, each parsed when first needed: an incremental build parses the notes that
//! changed, and the notes they embed or link into, and nothing else.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::Note;
use crate::diagnostics::Diagnostic;
use crate::settings::Settings;
use crate::vault::Vault;

/// A parse: the note (`None` when its bytes are not text) and what parsing it found.
pub type Parse = (Option<Note>, Vec<Diagnostic>);

/// Every note of a vault, in vault order, parsed on demand from any thread.
pub struct Store<'v> {
    vault: &'v Vault,
    root_deck: &'v str,
    settings: &'v Settings,
    slots: Vec<OnceLock<Parse>>,
    by_path: HashMap<&'v str, usize>,
}

impl<'v> Store<'v> {
    /// A store of `vault`'s notes, none parsed yet.
    pub fn new(vault: &'v Vault, root_deck: &'v str, settings: &'v Settings) -> Self {
        let by_path = vault.notes.iter().enumerate().map(|(i, n)| (n.rel.as_str(), i)).collect();
        let slots = vault.notes.iter().map(|_| OnceLock::new()).collect();
        Store { vault, root_deck, settings, slots, by_path }
    }

    /// How many notes the vault has.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether the vault has no notes.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The parse of the `i`th note, parsing it now if nobody has.
    pub fn parse(&self, i: usize) -> &Parse {
        static NONE: Parse = (None, Vec::new());
        let (Some(slot), Some(src)) = (self.slots.get(i), self.vault.notes.get(i)) else { return &NONE };
        slot.get_or_init(|| super::parse(src, self.root_deck, self.settings))
    }

    /// The `i`th note, parsed.
    pub fn note(&self, i: usize) -> Option<&Note> {
        self.parse(i).0.as_ref()
    }

    /// The `i`th note if it has been parsed already (without parsing it).
    pub fn parsed(&self, i: usize) -> Option<&Note> {
        self.slots.get(i)?.get()?.0.as_ref()
    }

    /// The note at vault-relative `path`, parsed.
    pub fn get(&self, path: &str) -> Option<&Note> {
        self.note(*self.by_path.get(path)?)
    }

    /// Which note `path` is.
    pub fn position(&self, path: &str) -> Option<usize> {
        self.by_path.get(path).copied()
    }

    /// The notes parsed so far, mutably, with their positions.
    pub fn parsed_mut(&mut self) -> impl Iterator<Item = (usize, &mut Note)> {
        self.slots.iter_mut().enumerate().filter_map(|(i, s)| Some((i, s.get_mut()?.0.as_mut()?)))
    }
}
