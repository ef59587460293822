//! YAML frontmatter: the `---` block at the top of a note, read for deck, tags and aliases.

use yaml_rust2::{Yaml, YamlLoader};

use crate::diagnostics::{Code, Diagnostic};

/// The frontmatter properties studygen reads.
#[derive(Debug, Clone, Default)]
pub struct Frontmatter {
    /// `deck:` (or `TARGET DECK:`), the deck for every card of the note.
    pub deck: Option<String>,
    /// `tags:` as a list or a string, split on commas and white space.
    pub tags: Vec<String>,
    /// `aliases:` (or `alias:`), other names the note answers to.
    pub aliases: Vec<String>,
    /// `cards:`; `headings` makes a card of every heading.
    pub cards: Option<String>,
}

/// A frontmatter block as read: its properties, or why it cannot be read.
pub type Read = Result<Frontmatter, Diagnostic>;

/// Splits `text` into the frontmatter block (without the fences) and the body.
///
/// Returns `(yaml, body_start_line)`, where the body starts at that 0-based line; `None` when the
/// note has no frontmatter. An unterminated block is not frontmatter, as in Obsidian.
pub fn split(lines: &[&str]) -> Option<(String, usize)> {
    if lines.first().map(|l| l.trim_end()) != Some("---") {
        return None;
    }
    let end = lines.iter().skip(1).position(|l| matches!(l.trim_end(), "---" | "..."))? + 1;
    Some((lines.get(1..end)?.join("\n"), end + 1))
}

/// Whether `yaml` is an Excalidraw drawing's frontmatter: the plugin marks every drawing with the
/// key `excalidraw-plugin`, and a drawing made before it named them `Name.excalidraw.md` has a
/// note's name (`Drawing 2021-12-10 14.32.07.md`).
pub fn is_drawing(yaml: &str) -> bool {
    crate::lines::lines(yaml)
        .any(|l| l.strip_prefix("excalidraw-plugin").is_some_and(|r| r.trim_start().starts_with(':')))
}

/// The deepest nesting and the most aliases a note's YAML may use. Real frontmatter and specs
/// nest a few levels and use no aliases; the limits keep a hostile note from overflowing the
/// parser's stack or expanding an alias bomb.
const MAX_YAML_DEPTH: usize = 64;
const MAX_YAML_ALIASES: usize = 32;

/// Checks that `yaml` stays within `MAX_YAML_DEPTH` and `MAX_YAML_ALIASES` before it is parsed;
/// `Err` says which limit it passes, with the 1-based line.
pub fn check_limits(yaml: &str) -> Result<(), (usize, String)> {
    let mut aliases = 0;
    let mut flow = 0usize;
    for (i, line) in yaml.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches([' ', '\t', '-']).len();
        let (mut quote, mut prev) = (None::<char>, ' ');
        for c in line.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '[' | '{') => {
                    flow += 1;
                    if flow > MAX_YAML_DEPTH {
                        return Err((i + 1, format!("YAML nested deeper than {MAX_YAML_DEPTH} levels")));
                    }
                }
                (None, ']' | '}') => flow = flow.saturating_sub(1),
                (None, '*') if matches!(prev, ' ' | '[' | ',' | ':' | '-') => aliases += 1,
                (None, '#') if prev == ' ' => break,
                _ => {}
            }
            prev = c;
        }
        if indent > MAX_YAML_DEPTH * 4 || flow > MAX_YAML_DEPTH {
            return Err((i + 1, format!("YAML nested deeper than {MAX_YAML_DEPTH} levels")));
        }
        if aliases > MAX_YAML_ALIASES {
            return Err((i + 1, format!("more than {MAX_YAML_ALIASES} YAML aliases (`*name`)")));
        }
    }
    Ok(())
}

/// Parses the YAML of a frontmatter block whose first line is line 2 of `file`.
pub fn parse(yaml: &str, file: &str) -> Result<Frontmatter, Diagnostic> {
    check_limits(yaml).map_err(|(line, what)| {
        Diagnostic::error(Code::FrontmatterInvalid, file, line + 1, 1, format!("unreadable frontmatter: {what}"))
            .with_hint("frontmatter holds a few plain properties; the note was read without it")
    })?;
    let docs = YamlLoader::load_from_str(yaml).map_err(|e| {
        if e.info().ends_with("duplicated key in mapping")
            && let Some(d) = duplicated_key(yaml, file)
        {
            return d;
        }
        let m = e.marker();
        // The marker's line is 1-based within the YAML, which starts on the file's line 2. An
        // error found at the end of input is reported on the last YAML line.
        let line = m.line().clamp(1, yaml.lines().count().max(1)) + 1;
        Diagnostic::error(
            Code::FrontmatterInvalid,
            file,
            line,
            m.col() + 1,
            format!("unreadable frontmatter: {}", e.info()),
        )
        .with_hint("frontmatter is YAML between two `---` lines; quote values that contain `:` or `#`")
    })?;
    let Some(doc) = docs.into_iter().next() else {
        return Ok(Frontmatter::default());
    };
    match doc {
        Yaml::Hash(_) => {}
        Yaml::Null => return Ok(Frontmatter::default()),
        _ => {
            // `annotation-target:D:/Downloads/x.pdf` (as a plugin wrote it) is one word to YAML.
            let hint = match yaml.lines().find(|l| !l.trim().is_empty()).and_then(unspaced_property) {
                Some((key, value)) => {
                    format!("YAML needs a space after a property's colon: write `{key}: {value}`")
                }
                None => "frontmatter is a YAML mapping, such as `tags: [a, b]`".to_owned(),
            };
            return Err(Diagnostic::error(
                Code::FrontmatterInvalid,
                file,
                2,
                1,
                "unreadable frontmatter: expected `key: value` properties",
            )
            .with_hint(hint));
        }
    }
    let deck = ["deck", "TARGET DECK", "target deck"].iter().find_map(|k| scalar(&doc[*k]));
    let tags = ["tags", "tag"].iter().flat_map(|k| words(&doc[*k])).collect();
    let aliases = ["aliases", "alias"].iter().flat_map(|k| list(&doc[*k])).collect();
    let cards = scalar(&doc["cards"]);
    Ok(Frontmatter { deck, tags, aliases, cards })
}

/// The error for a top-level key written twice, at its second line: Obsidian's YAML reader (and
/// so both plugins) refuses such a block whole, and shows the note's properties as invalid.
fn duplicated_key(yaml: &str, file: &str) -> Option<Diagnostic> {
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for (i, line) in yaml.lines().enumerate() {
        if line.starts_with([' ', '\t', '-', '#']) {
            continue;
        }
        let Some((key, _)) = line.split_once(':') else { continue };
        let key = key.trim_end();
        if key.is_empty() {
            continue;
        }
        if let Some(&(_, first)) = seen.iter().find(|(k, _)| *k == key) {
            // The YAML starts on the file's line 2.
            return Some(
                Diagnostic::error(
                    Code::FrontmatterInvalid,
                    file,
                    i + 2,
                    1,
                    format!("unreadable frontmatter: the key `{key}` is written twice (lines {} and {})", first + 2, i + 2),
                )
                .with_hint(format!(
                    "Obsidian reads no property of a frontmatter that names a key twice, and neither does studygen: keep one `{key}:` line"
                )),
            );
        }
        seen.push((key, i));
    }
    None
}

fn scalar(y: &Yaml) -> Option<String> {
    match y {
        Yaml::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Real(r) => Some(r.clone()),
        _ => None,
    }
}

fn list(y: &Yaml) -> Vec<String> {
    match y {
        Yaml::Array(items) => items.iter().filter_map(scalar).collect(),
        other => scalar(other).into_iter().collect(),
    }
}

fn words(y: &Yaml) -> Vec<String> {
    list(y)
        .iter()
        .flat_map(|s| s.split(|c: char| c == ',' || c.is_whitespace()))
        .map(|s| s.trim_start_matches('#'))
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A line written `key:value`, a property without the space YAML needs after its colon: the key
/// and the value.
fn unspaced_property(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once(':')?;
    let word = |c: char| c.is_alphanumeric() || " _-".contains(c);
    let named = !key.is_empty() && !key.starts_with(' ') && key.chars().all(word);
    // `https://…` is a web address, not a property.
    let spaced = value.starts_with(|c: char| c.is_whitespace()) || value.starts_with("//");
    (named && !value.is_empty() && !spaced).then(|| (key.trim_end(), value.trim_end()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Properties a plugin wrote without the space after the colon (real vaults':
    /// `annotation-target:D:/…`, `number headings:first-level 1, max 6`) make the frontmatter one
    /// word to YAML: the hint gives the line with its space.
    #[test]
    fn a_property_without_a_space_after_its_colon_gets_a_hint_with_the_space() {
        let hint = |yaml: &str| parse(yaml, "n.md").unwrap_err().hint.unwrap_or_default();
        assert_eq!(
            hint("annotation-target:D:/Downloads/Pig.pdf\n"),
            "YAML needs a space after a property's colon: write `annotation-target: D:/Downloads/Pig.pdf`"
        );
        assert_eq!(
            hint("number headings:first-level 1, max 6, 1.1\n"),
            "YAML needs a space after a property's colon: write `number headings: first-level 1, max 6, 1.1`"
        );
        // A frontmatter that is one word for another reason keeps the general hint.
        assert_eq!(hint("alias\n"), "frontmatter is a YAML mapping, such as `tags: [a, b]`");
        assert_eq!(hint("https://example.com\n"), "frontmatter is a YAML mapping, such as `tags: [a, b]`");
        // With the space, it reads.
        assert!(parse("annotation-target: D:/Downloads/Pig.pdf\n", "n.md").is_ok());
    }

    #[test]
    fn deep_nesting_and_alias_bombs_are_refused_before_parsing() {
        let deep: String = (0..3000).map(|i| format!("{}k{i}:\n", " ".repeat(i))).collect();
        let e = parse(&deep, "n.md").unwrap_err();
        assert!(e.message.contains("nested deeper"), "{e}");
        let flow = format!("a: {}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse(&flow, "n.md").unwrap_err().message.contains("nested deeper"));
        let mut bomb = String::from("a: &a [\"lol\",\"lol\"]\n");
        for i in 1..40 {
            bomb.push_str(&format!("b{i}: &b{i} [*b{p},*b{p},*b{p}]\n", p = i - 1));
        }
        assert!(parse(&bomb, "n.md").unwrap_err().message.contains("aliases"));
        assert!(parse("tags: [a, b]\ntitle: \"a * b\"\nnote: 2 * 3\n", "n.md").is_ok());
    }

    #[test]
    fn reads_deck_tags_and_aliases() {
        let fm = parse("deck: DL::Opt\ntags: [a, '#b/c']\naliases: x", "n.md").unwrap();
        assert_eq!(fm.deck.as_deref(), Some("DL::Opt"));
        assert_eq!(fm.tags, ["a", "b/c"]);
        assert_eq!(fm.aliases, ["x"]);
        let fm = parse("tags: one, two three", "n.md").unwrap();
        assert_eq!(fm.tags, ["one", "two", "three"]);
    }

    #[test]
    fn bad_yaml_points_at_its_line() {
        let err = parse("ok: 1\nbad: [unclosed", "n.md").unwrap_err();
        assert!(err.is_error());
        assert!(err.line >= 2, "{err}");
        assert!(err.message.contains("unreadable frontmatter"));
    }

    #[test]
    fn split_needs_both_fences() {
        assert_eq!(split(&["---", "a: 1", "---", "body"]), Some(("a: 1".to_owned(), 3)));
        assert_eq!(split(&["---", "a: 1"]), None);
        assert_eq!(split(&["body"]), None);
    }
}
