//! Which notes each plugin reads: Obsidian_to_Anki's scan directory and ignored globs,
//! obsidian-spaced-repetition's ignored folders and folders-as-decks, and which files are Obsidian
//! templates rather than notes.

use crate::diagnostics::Diagnostic;

/// Which notes each plugin reads, from its settings. Paths are matched relative to the folder that
/// holds `.obsidian`, as the plugins match them.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// The vault's path below that folder (`""` or `notes/`).
    pub(super) prefix: String,
    /// Obsidian_to_Anki's `Scan Directory`, if set.
    pub(super) scan_directory: Option<String>,
    /// Obsidian_to_Anki's `IGNORED_FILE_GLOBS`.
    pub(super) ota_ignored: Option<globset::GlobSet>,
    /// obsidian-spaced-repetition's `noteFoldersToIgnore`.
    pub(super) osr_ignored: Option<globset::GlobSet>,
    /// obsidian-spaced-repetition's `convertFoldersToDecks`.
    pub folders_to_decks: bool,
    /// The Obsidian vault's name: the folder that holds `.obsidian` (or the vault's own folder).
    pub vault_name: String,
    /// The template folders of Obsidian's Templates plugin and of Templater ([`super::templates`]).
    pub(super) templates: Vec<String>,
}

impl Scope {
    /// The path of a note as the plugins see it: from the folder that holds `.obsidian`.
    pub fn path(&self, rel: &str) -> String {
        format!("{}{rel}", self.prefix)
    }

    /// Whether Obsidian_to_Anki's syntaxes apply to the note at vault path `rel`.
    pub fn obsidian_to_anki(&self, rel: &str) -> bool {
        let path = self.path(rel);
        let in_dir =
            self.scan_directory.as_ref().is_none_or(|d| path.starts_with(&format!("{}/", d.trim_matches('/'))));
        in_dir && !self.ota_ignored.as_ref().is_some_and(|g| g.is_match(&path))
    }

    /// Whether the note at vault path `rel` is a template, in a template folder: no cards are made
    /// of it, and nothing in it is reported.
    pub fn template(&self, rel: &str) -> bool {
        let path = self.path(rel);
        self.templates.iter().any(|d| path.strip_prefix(d.as_str()).is_some_and(|rest| rest.starts_with('/')))
    }

    /// Whether obsidian-spaced-repetition skips the note at vault path `rel`.
    pub fn spaced_repetition_ignored(&self, rel: &str) -> bool {
        self.osr_ignored.as_ref().is_some_and(|g| g.is_match(self.path(rel)))
    }
}

/// Compiles the plugins' globs (a plain folder name means everything below it); a bad glob is a
/// warning and is left out.
pub(super) fn globs(patterns: &[String], file: &str, diags: &mut Vec<Diagnostic>) -> Option<globset::GlobSet> {
    let mut set = globset::GlobSetBuilder::new();
    for p in patterns.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let is_glob = p.contains(['*', '?', '[', '{']);
        let pattern = if is_glob { p.to_owned() } else { format!("{}/**", p.trim_matches('/')) };
        match globset::GlobBuilder::new(&pattern).literal_separator(true).build() {
            Ok(g) => {
                set.add(g);
            }
            Err(e) => diags.push(super::plugin_warning(file, &format!("glob `{p}` is left out: {e}"))),
        }
    }
    set.build().ok()
}
