//! The vault's notes, each surveyed or parsed when first needed: an incremental build parses the
//! notes that changed, surveys the notes they link into, parses the notes they embed, and nothing
//! else. A parse is kept only when it is asked for through the store; a build parses most notes
//! [apart](Store::parse_apart) and drops each when its cards are made.

use std::sync::OnceLock;

use super::Note;
use super::survey::{self, Survey};
use crate::diagnostics::Diagnostic;
use crate::links::Outline;
use crate::settings::Settings;
use crate::vault::Vault;

/// A parse: the note (`None` when its bytes are not text) and what parsing it found.
pub type Parse = (Option<Note>, Vec<Diagnostic>);

/// Every note of a vault, in vault order, parsed on demand from any thread.
pub struct Store<'v> {
    vault: &'v Vault,
    root_deck: &'v str,
    settings: &'v Settings,
    // Boxed: a parse is large, and most slots stay empty in an incremental build; a vault's worth
    // of unboxed slots is megabytes of memory touched for nothing.
    slots: Vec<OnceLock<Box<Parse>>>,
    surveys: Vec<OnceLock<Box<Survey>>>,
    /// Each note's place, by its path (looked up for every note an entry of the cache read).
    by_path: foldhash::HashMap<&'v str, usize>,
}

impl<'v> Store<'v> {
    /// A store of `vault`'s notes, none parsed yet.
    pub fn new(vault: &'v Vault, root_deck: &'v str, settings: &'v Settings) -> Self {
        let by_path = vault.notes.iter().enumerate().map(|(i, n)| (n.rel.as_str(), i)).collect();
        let slots = vault.notes.iter().map(|_| OnceLock::new()).collect();
        let surveys = vault.notes.iter().map(|_| OnceLock::new()).collect();
        Store { vault, root_deck, settings, slots, surveys, by_path }
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
        slot.get_or_init(|| Box::new(super::parse(src, self.root_deck, self.settings)))
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

    /// The `i`th note's parse if it is kept already (without parsing it).
    pub fn kept(&self, i: usize) -> Option<&Parse> {
        self.slots.get(i)?.get().map(|p| &**p)
    }

    /// A parse of the `i`th note that the store does not keep (the kept one, cloned, if there
    /// is one).
    pub fn parse_apart(&self, i: usize) -> Parse {
        if let Some(kept) = self.kept(i) {
            return kept.clone();
        }
        match self.vault.notes.get(i) {
            Some(src) => {
                let surveyed = self.surveys.get(i).and_then(OnceLock::get).map(|s| &**s);
                super::parse_surveyed(src, self.root_deck, self.settings, surveyed)
            }
            None => (None, Vec::new()),
        }
    }

    /// Drops the `i`th note's text once the build is done with it: a parse or survey the store
    /// keeps is unaffected, and a later parse reads the note again ([`crate::vault::SourceFile::release`]).
    pub fn release(&self, i: usize) {
        if let Some(src) = self.vault.notes.get(i) {
            src.release();
        }
    }

    /// The survey of the `i`th note, surveying it now if nobody has.
    pub fn survey(&self, i: usize) -> Option<&Survey> {
        let (slot, src) = (self.surveys.get(i)?, self.vault.notes.get(i)?);
        Some(slot.get_or_init(|| Box::new(survey::survey(src))))
    }

    /// The outline of the note at vault-relative `path`, if it can be read as text.
    pub fn outline(&self, path: &str) -> Option<&Outline> {
        self.survey(self.position(path)?)?.outline.as_ref()
    }

    /// The `i`th note's aliases, if it has been parsed or surveyed (without doing either).
    pub fn aliases(&self, i: usize) -> Option<&[String]> {
        match self.parsed(i) {
            Some(note) => Some(&note.frontmatter.aliases),
            None => Some(&self.surveys.get(i)?.get()?.aliases),
        }
    }
}
