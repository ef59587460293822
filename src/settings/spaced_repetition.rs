//! obsidian-spaced-repetition's settings: `.obsidian/plugins/obsidian-spaced-repetition/data.json`.
//!
//! The plugin fills every missing key from its defaults, so a partial `settings` object is valid.
//! Only the keys that decide which cards exist are read; scheduling and review keys are ignored.

use serde_json::Value;

/// Where the file sits below the folder that holds `.obsidian`.
pub const PATH: &str = ".obsidian/plugins/obsidian-spaced-repetition/data.json";

/// The plugin's id, as Obsidian's list of community plugins names it.
pub const ID: &str = "obsidian-spaced-repetition";

/// The keys that decide which cards exist, each `None` when the file leaves it out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Data {
    /// `flashcardTags`, as written (with `#`).
    pub flashcard_tags: Option<Vec<String>>,
    /// `flashcardTagsToIgnore`.
    pub tags_to_ignore: Option<Vec<String>>,
    /// `singleLineCardSeparator`.
    pub single: Option<String>,
    /// `singleLineReversedCardSeparator`.
    pub single_reversed: Option<String>,
    /// `multilineCardSeparator`.
    pub multi: Option<String>,
    /// `multilineReversedCardSeparator`.
    pub multi_reversed: Option<String>,
    /// `multilineCardEndMarker`.
    pub multi_end: Option<String>,
    /// `clozePatterns`.
    pub cloze_patterns: Option<Vec<String>>,
    /// The legacy `convertHighlightsToClozes`.
    pub highlights: Option<bool>,
    /// The legacy `convertBoldTextToClozes`.
    pub bold: Option<bool>,
    /// The legacy `convertCurlyBracketsToClozes`.
    pub curly: Option<bool>,
    /// `convertFoldersToDecks`: every note inside a folder is read, whatever its tags.
    pub folders_to_decks: Option<bool>,
    /// `noteFoldersToIgnore`: globs or folders whose notes are skipped.
    pub ignore: Option<Vec<String>>,
}

impl Data {
    /// The cloze patterns in effect: `clozePatterns`, or else the ones the legacy switches name
    /// (as the plugin's settings upgrade does), or else `None` for the default.
    pub fn patterns(&self) -> Option<Vec<String>> {
        if let Some(p) = &self.cloze_patterns {
            return Some(p.clone());
        }
        if self.highlights.is_none() && self.bold.is_none() && self.curly.is_none() {
            return None;
        }
        let mut out = Vec::new();
        if self.highlights.unwrap_or(true) {
            out.push("==[123;;]answer[;;hint]==".to_owned());
        }
        if self.bold.unwrap_or(false) {
            out.push("**[123;;]answer[;;hint]**".to_owned());
        }
        if self.curly.unwrap_or(false) {
            out.push("{{[123;;]answer[;;hint]}}".to_owned());
        }
        Some(out)
    }
}

/// Reads the file's text. `Err` says what is wrong with its shape.
pub fn parse(text: &str) -> Result<(Data, Vec<String>), String> {
    let root: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let root = root.as_object().ok_or("the top level is not a JSON object")?;
    let Some(s) = root.get("settings") else { return Ok((Data::default(), Vec::new())) };
    let s = s.as_object().ok_or("`settings` is not an object")?;
    let mut problems = Vec::new();
    let mut text = |k: &str| match s.get(k) {
        None | Some(Value::Null) => None,
        Some(Value::String(v)) => Some(v.clone()),
        Some(_) => {
            problems.push(format!("settings.{k} is not a string"));
            None
        }
    };
    let mut data = Data {
        single: text("singleLineCardSeparator"),
        single_reversed: text("singleLineReversedCardSeparator"),
        multi: text("multilineCardSeparator"),
        multi_reversed: text("multilineReversedCardSeparator"),
        multi_end: text("multilineCardEndMarker"),
        ..Data::default()
    };
    let mut list = |k: &str| match s.get(k) {
        None | Some(Value::Null) => None,
        // The settings tab stores what the user typed, split on white space.
        Some(Value::String(v)) => Some(v.split_whitespace().map(str::to_owned).collect()),
        Some(Value::Array(a)) => {
            Some(a.iter().filter_map(Value::as_str).flat_map(str::split_whitespace).map(str::to_owned).collect())
        }
        Some(_) => {
            problems.push(format!("settings.{k} is not a list of strings"));
            None
        }
    };
    data.flashcard_tags = list("flashcardTags");
    data.tags_to_ignore = list("flashcardTagsToIgnore");
    data.cloze_patterns = match s.get("clozePatterns") {
        Some(Value::Array(a)) => Some(a.iter().filter_map(Value::as_str).map(str::to_owned).collect()),
        _ => None,
    };
    let flag = |k: &str| s.get(k).and_then(Value::as_bool);
    data.highlights = flag("convertHighlightsToClozes");
    data.bold = flag("convertBoldTextToClozes");
    data.curly = flag("convertCurlyBracketsToClozes");
    data.folders_to_decks = flag("convertFoldersToDecks");
    data.ignore = match s.get("noteFoldersToIgnore") {
        Some(Value::Array(a)) => Some(a.iter().filter_map(Value::as_str).map(str::to_owned).collect()),
        Some(Value::String(v)) => Some(v.lines().map(str::to_owned).collect()),
        _ => None,
    };
    Ok((data, problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_settings_and_legacy_cloze_switches() {
        let (d, p) = parse(
            r##"{"settings": {"flashcardTags": ["#flashcards", "#review/cards"],
            "singleLineCardSeparator": ";;", "convertBoldTextToClozes": true}, "buryList": []}"##,
        )
        .unwrap();
        assert!(p.is_empty());
        assert_eq!(d.flashcard_tags.as_deref(), Some(&["#flashcards".to_owned(), "#review/cards".to_owned()][..]));
        assert_eq!(d.single.as_deref(), Some(";;"));
        assert_eq!(d.multi, None);
        assert_eq!(d.patterns().unwrap(), ["==[123;;]answer[;;hint]==", "**[123;;]answer[;;hint]**"]);
        assert_eq!(parse("{}").unwrap().0, Data::default());
        assert!(parse(r#"{"settings": 3}"#).is_err());
    }
}
