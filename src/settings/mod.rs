//! Settings: `studygen.toml` and the two plugins' own `data.json` files, resolved into one value.
//!
//! A vault that users already configured for Obsidian_to_Anki or obsidian-spaced-repetition builds
//! with their settings and no studygen.toml. Where studygen.toml sets a key, it wins. A settings
//! file that cannot be read or has an unknown shape is a warning at that file, and the defaults
//! are used: settings never stop a build.
//!
//! The plugins' files live in `.obsidian/` at the vault root, which may be above the folder given
//! to studygen (`studygen build vault/notes`): the nearest `.obsidian` upwards is used, and folder
//! keys in it are read relative to the folder that holds it.

pub mod custom_regex;
pub mod obsidian_to_anki;
pub mod scope;
pub mod spaced_repetition;
pub mod studygen_toml;
pub mod templates;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic};
pub use custom_regex::compile_custom;
pub use scope::Scope;
pub use studygen_toml::{Declared, Level};

/// The largest settings file read (plugin data.json files carry file hashes, so they grow).
const MAX_SETTINGS_BYTES: u64 = 16 << 20;

/// Every setting that shapes the build.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The root deck, if set.
    pub deck: Option<String>,
    /// Tags for every card.
    pub tags: Vec<String>,
    /// The heading level of heading-as-front cards.
    pub heading_level: usize,
    /// Obsidian_to_Anki syntax.
    pub blocks: Blocks,
    /// Custom regex note types, in the order they claim text.
    pub regexes: Vec<CustomRegex>,
    /// obsidian-spaced-repetition syntax.
    pub spaced_repetition: SpacedRepetition,
    /// Note types.
    pub note_types: NoteTypes,
    /// How loud some checks are.
    pub lints: studygen_toml::Lints,
    /// The deck of notes that name none: Obsidian_to_Anki's `Defaults.Deck`, unless studygen.toml
    /// sets `deck` (then notes go to decks after their folders, below it).
    pub default_deck: Option<String>,
    /// Obsidian_to_Anki's `FOLDER_DECKS`, keyed by folder relative to the vault given to studygen.
    pub folder_decks: BTreeMap<String, String>,
    /// Obsidian_to_Anki's `FOLDER_TAGS`, keyed the same way.
    pub folder_tags: BTreeMap<String, String>,
    /// Which notes each plugin reads.
    pub scope: Scope,
    /// The settings files that were read, relative to the vault (or absolute when above it).
    pub read: Vec<String>,
}

impl Settings {
    /// Whether Obsidian_to_Anki's settings file was read.
    pub fn read_obsidian_to_anki(&self) -> bool {
        self.read.iter().any(|r| r.ends_with(obsidian_to_anki::PATH))
    }
}

impl Default for Settings {
    fn default() -> Self {
        resolve(studygen_toml::Config::default(), None, None, &mut Vec::new(), "")
    }
}

/// Obsidian_to_Anki's syntax settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Blocks {
    /// `START`.
    pub begin_note: String,
    /// `END`.
    pub end_note: String,
    /// `STARTI`.
    pub begin_inline: String,
    /// `ENDI`.
    pub end_inline: String,
    /// `TARGET DECK`.
    pub target_deck: String,
    /// `FILE TAGS`.
    pub file_tags: String,
    /// `DELETE`.
    pub delete: String,
    /// `FROZEN`.
    pub frozen: String,
    /// `{x}` deletions in types whose name contains "Cloze".
    pub curly_cloze: bool,
    /// With `curly_cloze`: `==x==` is a deletion too.
    pub highlights_to_clozes: bool,
    /// `#tags` in fields become the card's tags and leave its text.
    pub add_obsidian_tags: bool,
    /// Append `path > heading > subheading` to the type's field in `context_fields`.
    pub add_context: bool,
    /// Append a link to the note in Obsidian to the type's field in `file_link_fields` (else the first).
    pub add_file_link: bool,
    /// The plugin writes IDs as `<!--ID: n-->` (its default), so an `ID: n` line outside every
    /// card is the note's own text, not an ID a card left behind, unless its number is an Anki
    /// note's.
    pub id_comments: bool,
    /// `CONTEXT_FIELDS`.
    pub context_fields: BTreeMap<String, String>,
    /// `FILE_LINK_FIELDS`.
    pub file_link_fields: BTreeMap<String, String>,
    /// Obsidian_to_Anki's settings were read: tags then follow the plugin (no inline `#tags`
    /// unless "Add Obsidian Tags", which takes them from a card's own fields).
    pub plugin_tags: bool,
}

/// A custom regex note type of Obsidian_to_Anki.
#[derive(Debug, Clone)]
pub struct CustomRegex {
    /// The note type.
    pub note_type: String,
    /// The regex as the user wrote it.
    pub source: String,
    /// The four variants the plugin tries, in its order: with tags and ID, with ID, with tags, bare.
    pub variants: Vec<custom_regex::Variant>,
}

/// obsidian-spaced-repetition's syntax settings.
#[derive(Debug, Clone, PartialEq)]
pub struct SpacedRepetition {
    /// Tags (without `#`) of which a note needs one; empty means every note.
    pub tags: Vec<String>,
    /// Notes with one of these tags (without `#`) are skipped.
    pub ignore_tags: Vec<String>,
    /// `::`.
    pub single: String,
    /// `:::`.
    pub single_reversed: String,
    /// `?`.
    pub multi: String,
    /// `??`.
    pub multi_reversed: String,
    /// The line that ends a multi-line card; empty: a blank line ends it.
    pub multi_end: String,
    /// Cloze deletion patterns in the plugin's notation: `answer` is the hidden text, `[...]` an
    /// optional part holding `123` (the deletion's number) or `hint`, such as `==[123;;]answer[;;hint]==`.
    pub clozes: Vec<String>,
    /// Whether the vault uses these syntaxes, so that lines that read as cards in a note without
    /// the flashcard tag are worth a hint: unless Obsidian's list of community plugins leaves the
    /// plugin out and neither its settings nor studygen.toml set any. In a vault that does not
    /// use it, `std::any` or `Term::` are no forgotten cards.
    pub in_use: bool,
}

/// Note types: what studygen knows of each, and what to do with others.
#[derive(Debug, Clone, Default)]
pub struct NoteTypes {
    /// Whether a type nobody declared is made from its blocks' field labels.
    pub create_unknown: bool,
    /// Type names read as other names.
    pub map: BTreeMap<String, String>,
    /// Types whose fields are known: declared in studygen.toml, or from Obsidian_to_Anki's
    /// `fields_dict`.
    pub known: BTreeMap<String, Declared>,
    /// Whether Obsidian_to_Anki's `fields_dict` listed the user's Anki note types.
    pub from_anki: bool,
}

/// A plugin settings parser: the data and the problems it found, or why the file is unusable.
type Parse<T> = fn(&str) -> Result<(T, Vec<String>), String>;

/// Reads studygen.toml and the plugins' settings for the vault at `root`.
pub fn load(root: &Path) -> (Settings, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut read = Vec::new();
    let toml = match read_settings_file(&root.join(studygen_toml::FILE)) {
        Ok(None) => studygen_toml::Config::default(),
        Ok(Some(text)) => {
            read.push(studygen_toml::FILE.to_owned());
            studygen_toml::parse(&text).unwrap_or_else(|d| {
                diags.push(d);
                studygen_toml::Config::default()
            })
        }
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    Code::SettingsInvalid,
                    studygen_toml::FILE,
                    0,
                    0,
                    format!("cannot read studygen.toml: {e}"),
                )
                .with_hint("make it a UTF-8 text file, or remove it; the build went on with the defaults"),
            );
            studygen_toml::Config::default()
        }
    };
    let (obsidian_root, prefix) = obsidian_root(root);
    let shown = |rel: &str| format!("{prefix_up}{rel}", prefix_up = "../".repeat(prefix.matches('/').count()));
    // Reads and parses one plugin's settings file: a warning for each problem, `None` when unusable.
    fn plugin<T>(
        dir: Option<&Path>,
        rel: &str,
        shown: &str,
        parse: Parse<T>,
        read: &mut Vec<String>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<T> {
        let text = match read_settings_file(&dir?.join(rel)) {
            Ok(text) => text?,
            Err(e) => {
                diags.push(plugin_warning(shown, &e));
                return None;
            }
        };
        match parse(&text) {
            Ok((data, problems)) => {
                read.push(shown.to_owned());
                diags.extend(problems.iter().map(|p| plugin_warning(shown, p)));
                Some(data)
            }
            Err(e) => {
                diags.push(plugin_warning(shown, &e));
                None
            }
        }
    }
    let dir = obsidian_root.as_deref();
    let ota_path = shown(obsidian_to_anki::PATH);
    let ota = plugin(dir, obsidian_to_anki::PATH, &ota_path, obsidian_to_anki::parse, &mut read, &mut diags);
    let osr_path = shown(spaced_repetition::PATH);
    let osr = plugin(dir, spaced_repetition::PATH, &osr_path, spaced_repetition::parse, &mut read, &mut diags);
    let core_path = shown(templates::CORE_PATH);
    let core = plugin(dir, templates::CORE_PATH, &core_path, templates::parse_core, &mut read, &mut diags);
    let templater_path = shown(templates::TEMPLATER_PATH);
    let templater =
        plugin(dir, templates::TEMPLATER_PATH, &templater_path, templates::parse_templater, &mut read, &mut diags);
    let configured = osr.is_some() || toml.spaced_repetition.is_set();
    let mut settings = resolve(toml, ota, osr, &mut diags, &prefix);
    settings.spaced_repetition.in_use =
        configured || community_plugins(dir).is_none_or(|list| list.iter().any(|p| p == spaced_repetition::ID));
    settings.scope.templates = core.into_iter().chain(templater).flatten().collect();
    for d in &mut diags {
        if d.file == obsidian_to_anki::PATH {
            d.file = shown(obsidian_to_anki::PATH);
        }
    }
    settings.read = read;
    let named = obsidian_root.clone().unwrap_or_else(|| root.canonicalize().unwrap_or_else(|_| root.to_owned()));
    settings.scope.vault_name =
        named.file_name().map_or_else(|| "vault".to_owned(), |n| n.to_string_lossy().into_owned());
    (settings, diags)
}

/// The warning for a custom regex that holds full-width brackets where a character class was
/// meant (`【^\n】`, as a Chinese or Japanese input method types `[^\n]`): a regex reads them as
/// the characters themselves, so the type's cards are found nowhere, in the plugin as here.
fn full_width_brackets(note_type: &str, source: &str) -> Option<Diagnostic> {
    // Brackets around plain words (`【答案】(.+)`) are text the notes hold; a class negates or
    // escapes.
    let class = regex::Regex::new(r"【[^【】]*】").ok()?;
    let found = class.find_iter(source).map(|m| m.as_str()).find(|m| m.starts_with("【^") || m.contains('\\'))?;
    let meant = found.replacen('【', "[", 1).replacen('】', "]", 1);
    Some(
        Diagnostic::warning(
            Code::CustomRegexInvalid,
            obsidian_to_anki::PATH,
            0,
            0,
            format!(
                "custom regex of note type `{note_type}` holds `{found}`: full-width brackets, which a regex matches as the characters themselves, so this part finds no text"
            ),
        )
        .with_hint(format!(
            "an input method typed `【】` for `[]`; write `{meant}` in the plugin's settings"
        )),
    )
}

/// Obsidian's list of the community plugins a vault turned on, if it has one that reads.
fn community_plugins(dir: Option<&Path>) -> Option<Vec<String>> {
    let bytes = crate::vault::read_own_file(&dir?.join(COMMUNITY_PLUGINS), 1 << 20).ok()??;
    serde_json::from_slice(&bytes).ok()
}

/// Obsidian's list of turned-on community plugins, in the vault.
const COMMUNITY_PLUGINS: &str = ".obsidian/community-plugins.json";

/// Every settings file a build of the vault at `root` may read, for the build's fingerprint.
pub fn files(root: &Path) -> Vec<PathBuf> {
    let mut out = vec![root.join(studygen_toml::FILE)];
    if let (Some(dir), _) = obsidian_root(root) {
        out.push(dir.join(obsidian_to_anki::PATH));
        out.push(dir.join(spaced_repetition::PATH));
        out.push(dir.join(templates::CORE_PATH));
        out.push(dir.join(templates::TEMPLATER_PATH));
        out.push(dir.join(COMMUNITY_PLUGINS));
    }
    // Whatever is there counts, a link or a FIFO too: it changes what a build reports.
    out.retain(|p| std::fs::symlink_metadata(p).is_ok());
    out
}

fn plugin_warning(file: &str, problem: &str) -> Diagnostic {
    Diagnostic::warning(Code::SettingsInvalid, file, 0, 0, format!("plugin settings: {problem}"))
        .with_hint("the plugin's defaults are used for what cannot be read; fix the setting in the plugin")
}

/// The nearest folder at or above `root` that holds `.obsidian`, and the path of `root` below it
/// (`""`, or `notes/`).
fn obsidian_root(root: &Path) -> (Option<PathBuf>, String) {
    let abs = root.canonicalize().unwrap_or_else(|_| root.to_owned());
    for dir in abs.ancestors() {
        let meta = std::fs::symlink_metadata(dir.join(".obsidian"));
        if meta.is_ok_and(|m| m.is_dir()) {
            let below = abs.strip_prefix(dir).unwrap_or(Path::new(""));
            let prefix: String = below.components().map(|c| format!("{}/", c.as_os_str().to_string_lossy())).collect();
            return (Some(dir.to_owned()), prefix);
        }
    }
    (None, String::new())
}

/// Reads a settings file: a regular file (not a link, FIFO or device) of bounded size.
/// `Ok(None)` when there is none.
fn read_settings_file(path: &Path) -> Result<Option<String>, String> {
    match crate::vault::read_own_file(path, MAX_SETTINGS_BYTES) {
        Ok(None) => Ok(None),
        Ok(Some(bytes)) => String::from_utf8(bytes).map(Some).map_err(|_| "not UTF-8 text".to_owned()),
        Err(e) => Err(e.to_string()),
    }
}

fn resolve(
    toml: studygen_toml::Config,
    ota: Option<obsidian_to_anki::Data>,
    osr: Option<spaced_repetition::Data>,
    diags: &mut Vec<Diagnostic>,
    prefix: &str,
) -> Settings {
    let ota_read = ota.is_some();
    let ota = ota.unwrap_or_default();
    let osr = osr.unwrap_or_default();
    // An empty marker would match every blank line: it is never used.
    let marker = |toml: &Option<String>, key: &str, default: &str| {
        toml.clone()
            .filter(|m| !m.trim().is_empty())
            .or_else(|| ota.syntax.get(key).cloned())
            .map(|m| m.trim().to_owned())
            .unwrap_or_else(|| default.to_owned())
    };
    let b = &toml.blocks;
    let blocks = Blocks {
        begin_note: marker(&b.begin_note, "Begin Note", "START"),
        end_note: marker(&b.end_note, "End Note", "END"),
        begin_inline: marker(&b.begin_inline, "Begin Inline Note", "STARTI"),
        end_inline: marker(&b.end_inline, "End Inline Note", "ENDI"),
        target_deck: marker(&b.target_deck, "Target Deck Line", "TARGET DECK"),
        file_tags: marker(&b.file_tags, "File Tags Line", "FILE TAGS"),
        delete: marker(&None, "Delete Note Line", "DELETE"),
        frozen: marker(&None, "Frozen Fields Line", "FROZEN"),
        curly_cloze: b.curly_cloze.or(ota.curly_cloze).unwrap_or(false),
        highlights_to_clozes: b.highlights_to_clozes.or(ota.highlights_to_clozes).unwrap_or(false),
        add_obsidian_tags: b.add_obsidian_tags.or(ota.add_obsidian_tags).unwrap_or(false),
        add_context: ota.add_context.unwrap_or(false),
        add_file_link: ota.add_file_link.unwrap_or(false),
        id_comments: ota.id_comments.unwrap_or(true),
        context_fields: ota.context_fields.clone(),
        file_link_fields: ota.file_link_fields.clone(),
        plugin_tags: ota_read,
    };

    let mut known: BTreeMap<String, Declared> = ota
        .fields_dict
        .iter()
        .map(|(name, fields)| (name.clone(), Declared { fields: fields.clone(), cloze: name.contains("Cloze") }))
        .collect();
    known.extend(toml.note_types.declare.clone());
    let note_types = NoteTypes {
        create_unknown: toml.note_types.create_unknown.unwrap_or(true),
        map: toml.note_types.map.clone(),
        from_anki: !ota.fields_dict.is_empty(),
        known,
    };

    let mut regexes = Vec::new();
    for (note_type, source) in &ota.custom_regexps {
        match compile_custom(source) {
            // A match of a regex without groups gives no field: every one would be an empty card.
            Ok(variants) if variants.last().is_some_and(|v| v.regex.captures_len() <= 1) => diags.push(
                Diagnostic::warning(
                    Code::CustomRegexInvalid,
                    obsidian_to_anki::PATH,
                    0,
                    0,
                    format!("custom regex of note type `{note_type}` (`{source}`) has no group, so its matches give no field; it is skipped"),
                )
                .with_hint("a custom regex captures each field in a group, such as `^Q: (.+)\\nA: (.+)`; clear the regex in the plugin's settings if the type needs none"),
            ),
            Ok(variants) => {
                diags.extend(full_width_brackets(note_type, source));
                regexes.push(CustomRegex { note_type: note_type.clone(), source: source.clone(), variants })
            }
            Err(e) => diags.push(
                Diagnostic::warning(
                    Code::CustomRegexInvalid,
                    obsidian_to_anki::PATH,
                    0,
                    0,
                    format!("custom regex of note type `{note_type}` cannot be compiled: {e}"),
                )
                .with_hint("the note type's regex cards are skipped; fix the regex in the plugin's settings"),
            ),
        }
    }

    let sr = &toml.spaced_repetition;
    let strip = |tags: Vec<String>| -> Vec<String> {
        tags.iter().map(|t| t.trim().trim_start_matches('#').to_owned()).filter(|t| !t.is_empty()).collect()
    };
    let tags = match (&sr.tags, &sr.tag) {
        (Some(list), _) => strip(list.clone()),
        (None, Some(one)) => strip(vec![one.clone()]),
        (None, None) => strip(osr.flashcard_tags.clone().unwrap_or_else(|| vec!["#flashcards".to_owned()])),
    };
    // A separator set to nothing (or only white space) switches that syntax off, as in the plugin.
    let pick = |toml: &Option<String>, plugin: &Option<String>, default: &str| {
        let v = toml.clone().or_else(|| plugin.clone()).unwrap_or_else(|| default.to_owned());
        if v.trim().is_empty() { String::new() } else { v.trim().to_owned() }
    };
    let mut patterns = osr.patterns().unwrap_or_else(|| vec!["==[123;;]answer[;;hint]==".to_owned()]);
    let mut toggle = |on: Option<bool>, pattern: &str| match on {
        Some(true) if !patterns.iter().any(|p| p == pattern) => patterns.push(pattern.to_owned()),
        Some(false) => patterns.retain(|p| p != pattern),
        _ => {}
    };
    toggle(sr.highlight_clozes, "==[123;;]answer[;;hint]==");
    toggle(sr.bold_clozes, "**[123;;]answer[;;hint]**");
    toggle(sr.curly_clozes, "{{[123;;]answer[;;hint]}}");
    let clozes = patterns.into_iter().filter(|p| p.contains("answer")).collect();
    let spaced_repetition = SpacedRepetition {
        tags,
        ignore_tags: strip(sr.ignore_tags.clone().or(osr.tags_to_ignore.clone()).unwrap_or_default()),
        single: pick(&sr.separator, &osr.single, "::"),
        single_reversed: pick(&sr.reversed_separator, &osr.single_reversed, ":::"),
        multi: pick(&sr.multiline_separator, &osr.multi, "?"),
        multi_reversed: pick(&sr.multiline_reversed_separator, &osr.multi_reversed, "??"),
        multi_end: pick(&sr.multiline_end, &osr.multi_end, ""),
        clozes,
        // Set by [`load`], which knows the vault's plugins.
        in_use: true,
    };

    // Folder keys are relative to the folder that holds `.obsidian`; re-key them to the vault.
    let rekey = |m: &BTreeMap<String, String>| -> BTreeMap<String, String> {
        m.iter()
            .filter_map(|(k, v)| {
                let k = k.trim_matches('/');
                let full = format!("{k}/");
                let rel = full.strip_prefix(prefix).map(|r| r.trim_end_matches('/').to_owned());
                let rel =
                    rel.or_else(|| (format!("{}/", prefix.trim_end_matches('/')).starts_with(&full)).then(String::new));
                rel.map(|r| (r, v.clone()))
            })
            .collect()
    };
    let scope = Scope {
        prefix: prefix.to_owned(),
        scan_directory: ota.scan_directory.clone().filter(|d| !d.trim_matches('/').is_empty()),
        ota_ignored: ota.ignored_globs.as_ref().and_then(|g| scope::globs(g, obsidian_to_anki::PATH, diags)),
        osr_ignored: osr.ignore.as_ref().and_then(|g| scope::globs(g, spaced_repetition::PATH, diags)),
        folders_to_decks: osr.folders_to_decks.unwrap_or(false),
        vault_name: String::new(),
        templates: Vec::new(),
    };
    let mut tags = toml.tags.clone();
    tags.extend(ota.tag.clone());
    Settings {
        default_deck: if toml.deck.is_some() { None } else { ota.deck.clone() },
        deck: toml.deck.clone(),
        tags,
        heading_level: toml.headings.level,
        blocks,
        regexes,
        spaced_repetition,
        note_types,
        lints: toml.lints.clone(),
        folder_decks: rekey(&ota.folder_decks),
        folder_tags: rekey(&ota.folder_tags),
        scope,
        read: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_settings_are_read_and_toml_overrides_them() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let ota = root.join(obsidian_to_anki::PATH);
        std::fs::create_dir_all(ota.parent().unwrap()).unwrap();
        std::fs::write(
            &ota,
            r#"{"settings": {"Syntax": {"Begin Note": "BEGIN", "End Note": "STOP"}, "Defaults": {"CurlyCloze": true},
                "CUSTOM_REGEXPS": {"Basic": "^Q: (.*)\\nA: (.*)", "Bad": "(unclosed"}, "FOLDER_DECKS": {"notes/sub": "Sub"}},
                "fields_dict": {"Basic": ["Front", "Back"], "Vocab": ["Word", "Meaning"]}}"#,
        )
        .unwrap();
        let notes = root.join("notes");
        std::fs::create_dir_all(&notes).unwrap();
        std::fs::write(notes.join("studygen.toml"), "[blocks]\nend_note = \"FIN\"\n").unwrap();
        let (s, d) = load(&notes);
        assert_eq!((s.blocks.begin_note.as_str(), s.blocks.end_note.as_str()), ("BEGIN", "FIN"));
        assert!(s.blocks.curly_cloze);
        assert_eq!(s.regexes.len(), 1);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("`Bad`"), "{}", d[0]);
        assert_eq!(s.note_types.known["Vocab"].fields, ["Word", "Meaning"]);
        assert_eq!(s.folder_decks.get("sub").map(String::as_str), Some("Sub"));
        assert_eq!(s.read, ["studygen.toml", format!("../{}", obsidian_to_anki::PATH).as_str()]);
    }

    /// The spaced-repetition syntaxes are in use unless Obsidian's plugin list leaves the plugin out
    /// and nothing configures them.
    #[test]
    fn a_character_class_typed_with_full_width_brackets_is_named() {
        let warned = |re: &str| full_width_brackets("Basic", re).map(|d| (d.message, d.hint.unwrap_or_default()));
        // A real vault's `Basic`, its brackets typed by a Chinese input method.
        let (message, hint) = warned(r"((?:【^\n】【\n】?)+)\s#flashcard\s?\n*((?:\n(?:^.{1,3}$|^.{4}(?<!<!--).*))+)")
            .expect("a warning");
        assert!(message.contains("holds `【^\\n】`"), "{message}");
        assert!(hint.contains("write `[^\\n]`"), "{hint}");
        assert!(warned(r"(\d+)【\s,】(\d+)").is_some());
        // Brackets around words are text: Chinese notes mark questions and answers with them.
        assert!(warned(r"【问题】(.+)\n【答案】(.+)").is_none());
        assert!(warned(r"^Q: (.+)\nA: ([^\n]+)").is_none());
    }

    #[test]
    fn spaced_repetition_is_in_use_unless_the_vaults_plugins_say_otherwise() {
        let in_use = |plugins: Option<&str>, toml: Option<&str>| {
            let dir = tempfile::tempdir().unwrap();
            std::fs::create_dir_all(dir.path().join(".obsidian")).unwrap();
            if let Some(list) = plugins {
                std::fs::write(dir.path().join(COMMUNITY_PLUGINS), list).unwrap();
            }
            if let Some(text) = toml {
                std::fs::write(dir.path().join(studygen_toml::FILE), text).unwrap();
            }
            load(dir.path()).0.spaced_repetition.in_use
        };
        assert!(in_use(None, None), "no list of plugins: a vault of studygen's own");
        assert!(in_use(Some(r#"["obsidian-git", "obsidian-spaced-repetition"]"#), None));
        assert!(!in_use(Some(r#"["obsidian-git", "quickadd"]"#), None));
        assert!(in_use(Some(r#"["obsidian-git"]"#), Some("[spaced_repetition]\ntags = [\"cards\"]\n")));
        assert!(!in_use(Some(r#"["obsidian-git"]"#), Some("deck = \"D\"\n")));
        assert!(in_use(Some("not json"), None), "an unreadable list says nothing");
        assert!(Settings::default().spaced_repetition.in_use);
    }

    /// A custom regex without a group (a real vault typed its note types' names there) gives no
    /// field: it is skipped with one warning, not an empty card at every match.
    #[test]
    fn a_custom_regex_without_a_group_is_skipped_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let ota = dir.path().join(obsidian_to_anki::PATH);
        std::fs::create_dir_all(ota.parent().unwrap()).unwrap();
        let data =
            r#"{"settings": {"CUSTOM_REGEXPS": {"School": "School", "Basic": "^Q: (.+)\nA: (.+)", "Cloze": ""}}}"#;
        std::fs::write(&ota, data).unwrap();
        let (s, d) = load(dir.path());
        assert_eq!(s.regexes.iter().map(|r| r.note_type.as_str()).collect::<Vec<_>>(), ["Basic"]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("`School` (`School`) has no group"), "{}", d[0]);
        assert!(!d[0].is_error());
    }

    #[test]
    fn unreadable_plugin_settings_warn_and_use_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let osr = dir.path().join(spaced_repetition::PATH);
        std::fs::create_dir_all(osr.parent().unwrap()).unwrap();
        std::fs::write(&osr, "{ not json").unwrap();
        let (s, d) = load(dir.path());
        assert_eq!(s.spaced_repetition.tags, ["flashcards"]);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].file, spaced_repetition::PATH);
        assert!(!d[0].is_error());
    }

    #[test]
    fn scope_of_each_plugin() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write(
            obsidian_to_anki::PATH,
            r#"{"settings": {"Defaults": {"Scan Directory": "Anki"}, "IGNORED_FILE_GLOBS": ["**/*.excalidraw.md", "Anki/drafts/**"]}}"#,
        );
        write(
            spaced_repetition::PATH,
            r#"{"settings": {"noteFoldersToIgnore": ["Templates", "**/*.excalidraw.md"], "convertFoldersToDecks": true}}"#,
        );
        let (s, d) = load(dir.path());
        assert!(d.is_empty(), "{d:?}");
        assert!(s.scope.obsidian_to_anki("Anki/a.md") && s.scope.obsidian_to_anki("Anki/sub/b.md"));
        assert!(!s.scope.obsidian_to_anki("Other/a.md") && !s.scope.obsidian_to_anki("Anki/drafts/x.md"));
        assert!(!s.scope.obsidian_to_anki("Anki/x.excalidraw.md"));
        assert!(
            s.scope.spaced_repetition_ignored("Templates/t.md") && s.scope.spaced_repetition_ignored("x.excalidraw.md")
        );
        assert!(!s.scope.spaced_repetition_ignored("Notes/t.md"));
        assert!(s.scope.folders_to_decks);
        let (s, _) = load(&dir.path().join("Anki"));
        assert!(s.scope.obsidian_to_anki("a.md"), "paths are matched from the folder that holds .obsidian");
    }

    #[test]
    fn spaced_repetition_defaults() {
        let s = Settings::default().spaced_repetition;
        assert_eq!((s.single.as_str(), s.single_reversed.as_str(), s.multi.as_str()), ("::", ":::", "?"));
        assert_eq!(s.clozes, ["==[123;;]answer[;;hint]=="]);
    }
}
