//! Obsidian callouts: `> [!type]± Title` blockquotes become styled boxes, foldable ones
//! `<details>` elements, with every Obsidian type and alias.

/// Callout types with their aliases and icon; the first name is the canonical one used in CSS.
const TYPES: [(&[&str], &str); 13] = [
    (&["note"], "✎"),
    (&["abstract", "summary", "tldr"], "☰"),
    (&["info"], "ℹ"),
    (&["todo"], "☐"),
    (&["tip", "hint", "important"], "🔥"),
    (&["success", "check", "done"], "✓"),
    (&["question", "help", "faq"], "?"),
    (&["warning", "caution", "attention"], "⚠"),
    (&["failure", "fail", "missing"], "✗"),
    (&["danger", "error"], "⚡"),
    (&["bug"], "🐞"),
    (&["example"], "☷"),
    (&["quote", "cite"], "❝"),
];

/// A parsed callout header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Canonical type (`faq` → `question`); unknown types keep their name and look like `note`.
    pub kind: String,
    /// `Some(false)` for `-` (folded), `Some(true)` for `+` (foldable, open), `None` when not foldable.
    pub fold: Option<bool>,
    /// The title, or the type's name capitalized.
    pub title: String,
    /// The icon.
    pub icon: &'static str,
}

/// Parses the first line of a blockquote, `[!type]± Title`.
pub fn parse(line: &str) -> Option<Header> {
    let rest = line.trim_start().strip_prefix("[!")?;
    let (name, after) = rest.split_once(']')?;
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
        return None;
    }
    let (fold, title) = match after.chars().next() {
        Some('-') => (Some(false), &after[1..]),
        Some('+') => (Some(true), &after[1..]),
        _ => (None, after),
    };
    let lower = name.to_lowercase();
    let (kind, icon) = TYPES
        .iter()
        .find(|(names, _)| names.contains(&lower.as_str()))
        .map_or((lower.clone(), "✎"), |(names, icon)| (names[0].to_owned(), *icon));
    let title = title.trim();
    let title = if title.is_empty() {
        let mut c = lower.chars();
        c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
    } else {
        title.to_owned()
    };
    Some(Header { kind, fold, title, icon })
}

/// The HTML that opens a callout; `title_html` is the escaped title.
pub fn open(h: &Header, title_html: &str) -> String {
    let title = format!("<span class=\"callout-icon\">{}</span> {title_html}", h.icon);
    match h.fold {
        None => format!(
            "<div class=\"callout\" data-callout=\"{}\"><div class=\"callout-title\">{title}</div><div class=\"callout-content\">",
            h.kind
        ),
        Some(open) => format!(
            "<details class=\"callout\" data-callout=\"{}\"{}><summary class=\"callout-title\">{title}</summary><div class=\"callout-content\">",
            h.kind,
            if open { " open" } else { "" }
        ),
    }
}

/// The HTML that closes it.
pub fn close(h: &Header) -> &'static str {
    if h.fold.is_some() { "</div></details>" } else { "</div></div>" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_aliases_and_folding() {
        let h = parse("[!faq]- Why saddles?").unwrap();
        assert_eq!((h.kind.as_str(), h.fold, h.title.as_str()), ("question", Some(false), "Why saddles?"));
        let h = parse("[!TIP]+").unwrap();
        assert_eq!((h.kind.as_str(), h.fold, h.title.as_str()), ("tip", Some(true), "Tip"));
        assert_eq!(parse("[!custom] x").unwrap().kind, "custom");
        assert_eq!(parse("[!cite]").unwrap().kind, "quote");
        assert!(parse("[link](x)").is_none());
        assert!(parse("plain").is_none());
    }
}
