//! Obsidian's template folders: the core Templates plugin's (`.obsidian/templates.json`, its
//! `folder`) and Templater's (`.obsidian/plugins/templater-obsidian/data.json`, its
//! `templates_folder`). A file there is a template for new notes, not a note: its placeholders
//! (`{{date}}`, `<% tp.file.title %>`) are not YAML, links or cards, so studygen makes no cards of
//! it and reports nothing in it. Links to it still resolve.

use serde_json::Value;

/// The core plugin's settings, below the folder that holds `.obsidian`.
pub const CORE_PATH: &str = ".obsidian/templates.json";

/// Templater's settings.
pub const TEMPLATER_PATH: &str = ".obsidian/plugins/templater-obsidian/data.json";

/// The folder the core Templates plugin reads templates from, if it names one.
pub fn parse_core(text: &str) -> Result<(Option<String>, Vec<String>), String> {
    folder(text, "folder")
}

/// The folder Templater reads templates from, if it names one.
pub fn parse_templater(text: &str) -> Result<(Option<String>, Vec<String>), String> {
    folder(text, "templates_folder")
}

/// The folder under `key` of a JSON settings object, without slashes at its ends; `None` when
/// it is missing or empty (the whole vault is not a template folder).
fn folder(text: &str, key: &str) -> Result<(Option<String>, Vec<String>), String> {
    let json: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let folder = match json.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.trim().trim_matches('/').to_owned()).filter(|s| !s.is_empty()),
        Some(_) => return Ok((None, vec![format!("`{key}` is not a folder name; it is ignored")])),
    };
    Ok((folder, Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folders_the_two_plugins_name() {
        assert_eq!(parse_core(r#"{"folder": "Templates"}"#).unwrap().0.as_deref(), Some("Templates"));
        assert_eq!(parse_core(r#"{"folder": "/Meta/Templates/"}"#).unwrap().0.as_deref(), Some("Meta/Templates"));
        assert_eq!(parse_core(r#"{"folder": ""}"#).unwrap().0, None, "an empty folder is not the whole vault");
        assert_eq!(parse_core("{}").unwrap().0, None);
        let t = parse_templater(r#"{"templates_folder": "_templates", "trigger_on_file_creation": true}"#);
        assert_eq!(t.unwrap().0.as_deref(), Some("_templates"));
        assert_eq!(parse_templater(r#"{"templates_folder": 3}"#).unwrap().1.len(), 1);
        assert!(parse_core("{").is_err());
    }
}
