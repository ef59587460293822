//! Obsidian_to_Anki's settings: `.obsidian/plugins/obsidian-to-anki-plugin/data.json`.
//!
//! The file has four top-level keys: `settings` (syntax markers, defaults, custom regexes, folder
//! decks and tags), `fields_dict` (every note type the user has in Anki, with its fields in Anki's
//! order), `"Added Media"` and `"File Hashes"`. Key order matters: custom regexes claim text in the
//! order they are listed, so the JSON is read with its order kept.

use std::collections::BTreeMap;

use serde_json::Value;

/// Where the file sits below the folder that holds `.obsidian`.
pub const PATH: &str = ".obsidian/plugins/obsidian-to-anki-plugin/data.json";

/// The parts of the file that decide which cards a vault holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Data {
    /// `Syntax`: marker name → marker text, such as `"Begin Note"` → `START`.
    pub syntax: BTreeMap<String, String>,
    /// `Defaults."Tag"`: added to every note.
    pub tag: Option<String>,
    /// `Defaults."Deck"`.
    pub deck: Option<String>,
    /// `Defaults.CurlyCloze`.
    pub curly_cloze: Option<bool>,
    /// `Defaults."CurlyCloze - Highlights to Clozes"`.
    pub highlights_to_clozes: Option<bool>,
    /// `Defaults."Add Obsidian Tags"`.
    pub add_obsidian_tags: Option<bool>,
    /// `Defaults."Add Context"`.
    pub add_context: Option<bool>,
    /// `Defaults."Add File Link"`.
    pub add_file_link: Option<bool>,
    /// `Defaults."ID Comments"`: the plugin writes a card's ID as `<!--ID: n-->`, not `ID: n`.
    pub id_comments: Option<bool>,
    /// `CONTEXT_FIELDS`: note type → the field the context is appended to.
    pub context_fields: BTreeMap<String, String>,
    /// `FILE_LINK_FIELDS`: note type → the field the link is appended to.
    pub file_link_fields: BTreeMap<String, String>,
    /// `CUSTOM_REGEXPS`, in the file's order, without the empty ones.
    pub custom_regexps: Vec<(String, String)>,
    /// `FOLDER_DECKS`, without the empty ones.
    pub folder_decks: BTreeMap<String, String>,
    /// `FOLDER_TAGS`, without the empty ones.
    pub folder_tags: BTreeMap<String, String>,
    /// `fields_dict`: note type → field names in Anki's order.
    pub fields_dict: Vec<(String, Vec<String>)>,
    /// `Defaults."Scan Directory"`: the only folder the plugin reads, relative to the vault root.
    pub scan_directory: Option<String>,
    /// `IGNORED_FILE_GLOBS`: files the plugin does not read.
    pub ignored_globs: Option<Vec<String>>,
}

/// Reads the file's text. `Err` says what is wrong with its shape.
pub fn parse(text: &str) -> Result<(Data, Vec<String>), String> {
    let root: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let root = root.as_object().ok_or("the top level is not a JSON object")?;
    let mut data = Data::default();
    let mut problems = Vec::new();
    let settings = root.get("settings").and_then(Value::as_object);
    if let Some(settings) = settings {
        if let Some(syntax) = settings.get("Syntax").and_then(Value::as_object) {
            for (k, v) in syntax {
                match v.as_str() {
                    Some(s) if !s.trim().is_empty() => {
                        data.syntax.insert(k.clone(), s.to_owned());
                    }
                    _ => problems.push(format!("Syntax.\"{k}\" is not a non-empty string; the default is used")),
                }
            }
        }
        if let Some(d) = settings.get("Defaults").and_then(Value::as_object) {
            let text = |k: &str| d.get(k).and_then(Value::as_str).map(str::to_owned).filter(|s| !s.trim().is_empty());
            let flag = |k: &str| d.get(k).and_then(Value::as_bool);
            data.tag = text("Tag");
            data.deck = text("Deck");
            data.curly_cloze = flag("CurlyCloze");
            data.highlights_to_clozes = flag("CurlyCloze - Highlights to Clozes");
            data.add_obsidian_tags = flag("Add Obsidian Tags");
            data.add_context = flag("Add Context");
            data.add_file_link = flag("Add File Link");
            data.id_comments = flag("ID Comments");
            data.scan_directory = text("Scan Directory");
        }
        data.ignored_globs = settings
            .get("IGNORED_FILE_GLOBS")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect());
        data.custom_regexps = string_map(settings.get("CUSTOM_REGEXPS"), "CUSTOM_REGEXPS", &mut problems);
        data.context_fields =
            string_map(settings.get("CONTEXT_FIELDS"), "CONTEXT_FIELDS", &mut problems).into_iter().collect();
        data.file_link_fields =
            string_map(settings.get("FILE_LINK_FIELDS"), "FILE_LINK_FIELDS", &mut problems).into_iter().collect();
        data.folder_decks =
            string_map(settings.get("FOLDER_DECKS"), "FOLDER_DECKS", &mut problems).into_iter().collect();
        data.folder_tags = string_map(settings.get("FOLDER_TAGS"), "FOLDER_TAGS", &mut problems).into_iter().collect();
    } else if root.contains_key("settings") {
        problems.push("`settings` is not an object; the plugin's defaults are used".to_owned());
    }
    if let Some(dict) = root.get("fields_dict") {
        match dict.as_object() {
            Some(dict) => {
                for (name, fields) in dict {
                    let list: Option<Vec<String>> = fields
                        .as_array()
                        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect::<Vec<_>>())
                        .filter(|l: &Vec<String>| !l.is_empty());
                    match list {
                        Some(l) => data.fields_dict.push((name.clone(), l)),
                        None => problems.push(format!("fields_dict.\"{name}\" is not a list of field names")),
                    }
                }
            }
            None => problems.push("`fields_dict` is not an object".to_owned()),
        }
    }
    // An empty object is a plugin not set up yet, which fills in its defaults when it next loads.
    if settings.is_none() && !root.contains_key("fields_dict") && !root.is_empty() {
        return Err("it has neither `settings` nor `fields_dict`".to_owned());
    }
    Ok((data, problems))
}

/// A `{name: string}` object, in order, without empty values.
fn string_map(v: Option<&Value>, key: &str, problems: &mut Vec<String>) -> Vec<(String, String)> {
    let Some(v) = v else { return Vec::new() };
    let Some(obj) = v.as_object() else {
        problems.push(format!("`{key}` is not an object"));
        return Vec::new();
    };
    obj.iter()
        .filter_map(|(k, v)| match v {
            Value::String(s) if !s.is_empty() => Some((k.clone(), s.clone())),
            Value::String(_) | Value::Null => None,
            _ => {
                problems.push(format!("{key}.\"{k}\" is not a string"));
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_plugin_shape_in_order() {
        let text = r#"{"settings": {"CUSTOM_REGEXPS": {"Zeta": "^Z: (.*)", "Basic": "^Q: (.*)\\nA: (.*)", "Cloze": ""},
            "Syntax": {"Begin Note": "ANKI-START", "End Note": "ANKI-END"},
            "Defaults": {"Tag": "Obsidian_to_Anki", "Deck": "Default", "CurlyCloze": true},
            "FOLDER_DECKS": {"a": "", "b": "B"}},
          "Added Media": [], "File Hashes": {},
          "fields_dict": {"Basic": ["Front", "Back"], "Cloze": ["Text", "Back Extra"]}}"#;
        let (d, problems) = parse(text).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(d.custom_regexps.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["Zeta", "Basic"]);
        assert_eq!(d.syntax["Begin Note"], "ANKI-START");
        assert_eq!((d.curly_cloze, d.tag.as_deref()), (Some(true), Some("Obsidian_to_Anki")));
        assert_eq!(d.folder_decks.len(), 1);
        assert_eq!(d.fields_dict[1], ("Cloze".to_owned(), vec!["Text".to_owned(), "Back Extra".to_owned()]));
    }

    #[test]
    fn bad_shapes_are_reported() {
        assert!(parse("not json").unwrap_err().contains("JSON"));
        assert!(parse("[1]").is_err());
        assert!(parse(r#"{"other": 1}"#).is_err());
        // A plugin not set up yet: its defaults, and nothing to report.
        let (data, problems) = parse("{}").unwrap();
        assert_eq!((data, problems), (Data::default(), Vec::new()));
        let (_, problems) = parse(r#"{"settings": {"CUSTOM_REGEXPS": [1]}, "fields_dict": {"X": 3}}"#).unwrap();
        assert_eq!(problems.len(), 2, "{problems:?}");
    }
}
