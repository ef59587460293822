//! Field labels, read as Obsidian_to_Anki reads them: a line switches field only when it starts
//! with `Name:` for one of the note type's own fields. Every other `Word:` line is content, so
//! `Note:` or `Например:` inside an answer stays in the answer.
//!
//! For a type whose fields nobody declared, [`infer`] looks at every block of that type in the
//! vault and picks fields such that each block's question lands in the first field, which the
//! front shows. A label only some blocks use, once, inside an answer, stays text.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use super::blocks::split_tags;
use crate::diagnostics::{Code, Diagnostic};
use crate::settings::Declared;

/// An ID line: `<!--ID: n-->` (also as a list item, `- <!--ID: n-->`) or `ID: n`.
static ID_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:[-*+]\s+)?(?:<!--\s*ID:\s*(\d+)\s*-->|ID: (\d+))\s*$").unwrap());

/// Something that looks like a label: one to three capitalized words and a colon at the start of a
/// line (`Back:`, `Back Extra:`, `Reverso:`).
static LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(\p{Lu}[\p{L}0-9]*(?: [\p{L}0-9]+){0,2}):(?:\s|$)").unwrap());

/// The id on an ID line.
pub fn id_line(line: &str) -> Option<Option<u64>> {
    if !line.contains("ID: ") && !line.contains("ID:") {
        return None;
    }
    let c = ID_LINE.captures(line)?;
    Some(c.get(1).or(c.get(2)).and_then(|m| m.as_str().parse().ok()))
}

/// The tags of a `Tags: a b` line.
pub fn tags_line(line: &str) -> Option<Vec<String>> {
    let t = line.trim_start();
    let rest = t.get(..5).filter(|p| p.eq_ignore_ascii_case("tags:")).and_then(|_| t.get(5..))?;
    Some(split_tags(rest))
}

/// A block's content split into fields.
#[derive(Debug, Default, PartialEq)]
pub struct Split {
    /// Field markdown, in the type's order.
    pub values: Vec<String>,
    /// The 1-based line where each field starts, 0 when empty.
    pub lines: Vec<usize>,
}

/// Splits `lines` (1-based line, text) into `fields`. A line that starts with `Field:` for one of
/// `fields` (or an `aliases` entry, which names a field by index) switches field; the first lines
/// go to the first field. A label one edit away from a field name is a warning.
pub fn split(
    lines: &[(usize, String)],
    fields: &[String],
    aliases: &[(String, usize)],
    type_name: &str,
    file: &str,
    diags: &mut Vec<Diagnostic>,
) -> Split {
    let mut labels: Vec<(&str, usize)> = fields.iter().enumerate().map(|(i, f)| (f.as_str(), i)).collect();
    labels.extend(aliases.iter().map(|(a, i)| (a.as_str(), *i)));
    // The longest name first, so that `Back Extra:` is not read as `Back:`.
    labels.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
    let mut out = Split { values: vec![String::new(); fields.len()], lines: vec![0; fields.len()] };
    let mut current = 0;
    for (lineno, raw) in lines {
        let mut content: &str = raw;
        if let Some((idx, rest)) = label_of(raw, &labels) {
            current = idx;
            content = rest;
        } else if let Some(near) = near_miss(raw, fields) {
            diags.push(
                Diagnostic::warning(
                    Code::FieldUnknown,
                    file,
                    *lineno,
                    1,
                    format!("`{}:` is not a field of note type `{type_name}`; it is read as text", near.0),
                )
                .with_hint(format!(
                    "did you mean `{}:`? The fields are: {}",
                    near.1,
                    fields.join(", ")
                )),
            );
        }
        let (Some(value), Some(line)) = (out.values.get_mut(current), out.lines.get_mut(current)) else { continue };
        if value.is_empty() && content.trim().is_empty() {
            continue;
        }
        if *line == 0 {
            *line = *lineno;
        }
        value.push_str(content);
        value.push('\n');
    }
    for v in &mut out.values {
        *v = v.trim_end().to_owned();
    }
    out
}

/// The field a line's label names, and the text after the label.
fn label_of<'a>(raw: &'a str, labels: &[(&str, usize)]) -> Option<(usize, &'a str)> {
    let t = raw.trim_start();
    labels.iter().find_map(|(name, idx)| {
        let head = t.get(..name.len())?;
        let rest = t.get(name.len()..)?.strip_prefix(':')?;
        head.eq_ignore_ascii_case(name).then(|| (*idx, rest.strip_prefix(' ').unwrap_or(rest)))
    })
}

/// A label that is one edit away from a field name: (label, field).
fn near_miss<'a>(raw: &'a str, fields: &'a [String]) -> Option<(&'a str, &'a str)> {
    // A label ends within its first few words: skip the regex for lines without an early colon.
    let head = raw.get(..raw.len().min(64)).unwrap_or(raw);
    if !raw.is_char_boundary(head.len()) || !head.contains(':') {
        return None;
    }
    let label = LABEL.captures(raw)?.get(1)?.as_str();
    let lower = label.to_lowercase();
    fields
        .iter()
        .filter(|f| f.chars().count() >= 3)
        .find(|f| {
            let fl = f.to_lowercase();
            fl != lower && edit_distance(&fl, &lower) <= 1
        })
        .map(|f| (label, f.as_str()))
}

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
/// neighbours each cost 1.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 1 {
        return 2;
    }
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * w + j] = if i == 0 {
                j
            } else if j == 0 {
                i
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (d[(i - 1) * w + j] + 1).min(d[i * w + j - 1] + 1).min(d[(i - 1) * w + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[(i - 2) * w + j - 2] + 1);
                }
                v
            };
        }
    }
    d[a.len() * w + b.len()]
}

/// What one block of an undeclared type says about the type's fields.
#[derive(Debug, Clone, Default)]
pub struct Usage {
    /// The label of the block's first field, `None` when its first lines carry no label.
    pub question: Option<String>,
    /// Every label the block uses, in order, once each.
    pub labels: Vec<String>,
}

/// Reads the labels a block of an undeclared type uses.
pub fn usage(lines: &[(usize, String)]) -> Usage {
    let mut u = Usage::default();
    let mut seen_content = false;
    for (_, raw) in lines {
        if let Some(c) = LABEL.captures(raw)
            && let Some(m) = c.get(1)
        {
            let label = m.as_str().to_owned();
            if !seen_content && u.labels.is_empty() {
                u.question = Some(label.clone());
            }
            if !u.labels.iter().any(|l| l.eq_ignore_ascii_case(&label)) {
                u.labels.push(label);
            }
            seen_content = true;
        } else if !raw.trim().is_empty() {
            seen_content = true;
        }
    }
    u
}

/// An undeclared type's fields, and the labels read as its first field.
#[derive(Debug, Clone, PartialEq)]
pub struct Inferred {
    /// The fields, in order.
    pub fields: Declared,
    /// Labels that name the first field (other blocks' question labels).
    pub aliases: Vec<(String, usize)>,
}

/// Infers an undeclared type's fields from every block that uses it, in vault order.
///
/// The first field is the question label most blocks use (or `Front`/`Text` when most blocks
/// start with unlabeled lines); the other question labels name it too, so that no block's question
/// lands in a field the front does not show. Another label is a field when more than half of the
/// blocks use it; a rarer one is text inside the field above it.
pub fn infer(name: &str, blocks: &[Usage]) -> Inferred {
    let cloze_name = name.to_lowercase().contains("cloze");
    let default_first = if cloze_name { "Text" } else { "Front" };
    let mut questions: Vec<(String, usize)> = Vec::new();
    for b in blocks {
        let q = b.question.clone().unwrap_or_else(|| default_first.to_owned());
        match questions.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(&q)) {
            Some((_, c)) => *c += 1,
            None => questions.push((q, 1)),
        }
    }
    let first = questions
        .iter()
        .enumerate()
        .max_by_key(|(i, (_, c))| (*c, std::cmp::Reverse(*i)))
        .map_or_else(|| default_first.to_owned(), |(_, (n, _))| n.clone());
    let mut fields = vec![first.clone()];
    let mut counts: Vec<(String, usize)> = Vec::new();
    for b in blocks {
        for l in &b.labels {
            match counts.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(l)) {
                Some((_, c)) => *c += 1,
                None => counts.push((l.clone(), 1)),
            }
        }
    }
    let is_question = |l: &str| questions.iter().any(|(q, _)| q.eq_ignore_ascii_case(l));
    for (label, count) in counts {
        if 2 * count > blocks.len() && !is_question(&label) && !fields.iter().any(|f| f.eq_ignore_ascii_case(&label)) {
            fields.push(label);
        }
    }
    let mut aliases: Vec<(String, usize)> =
        questions.into_iter().filter(|(q, _)| !q.eq_ignore_ascii_case(&first)).map(|(q, _)| (q, 0)).collect();
    // The label right after the question is the answer: a block that names it differently
    // (`Definice:` then `Odpověď:`, where most blocks say `Front:` then `Back:`) still fills the
    // second field.
    if fields.len() > 1 {
        for b in blocks {
            let answer = if b.question.is_some() { b.labels.get(1) } else { b.labels.first() };
            if let Some(a) = answer
                && !fields.iter().chain(aliases.iter().map(|(n, _)| n)).any(|f| f.eq_ignore_ascii_case(a))
                && b.question.as_deref().is_some_and(|q| !q.eq_ignore_ascii_case(&first))
            {
                aliases.push((a.clone(), 1));
            }
        }
    }
    Inferred { fields: Declared { fields, cloze: cloze_name }, aliases }
}

/// Fields of every undeclared type from its blocks, vault-wide: `blocks` maps each type name to
/// the usage of every block of that type.
pub fn infer_all(blocks: &BTreeMap<String, Vec<Usage>>) -> BTreeMap<String, Inferred> {
    blocks.iter().map(|(name, uses)| (name.clone(), infer(name, uses))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<(usize, String)> {
        text.lines().enumerate().map(|(i, l)| (i + 1, l.to_owned())).collect()
    }

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn only_the_types_own_fields_are_labels() {
        let mut d = Vec::new();
        let s = split(
            &lines(
                "Was ist ein Sattelpunkt?\nBack: Ein kritischer Punkt.\nTypische Fälle: x²−y²\nNote: see also\nНапример: тест",
            ),
            &names(&["Front", "Back"]),
            &[],
            "Basic",
            "t.md",
            &mut d,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.values[0], "Was ist ein Sattelpunkt?");
        assert_eq!(s.values[1], "Ein kritischer Punkt.\nTypische Fälle: x²−y²\nNote: see also\nНапример: тест");
        assert_eq!(s.lines, [1, 2]);
    }

    #[test]
    fn longest_label_wins_and_typos_warn() {
        let mut d = Vec::new();
        let s =
            split(&lines("{{c1::a}}\nBack Extra: more"), &names(&["Text", "Back Extra"]), &[], "Cloze", "t.md", &mut d);
        assert_eq!(s.values, ["{{c1::a}}", "more"]);
        let s = split(&lines("q\nBakc: a"), &names(&["Front", "Back"]), &[], "Basic", "t.md", &mut d);
        assert_eq!(s.values, ["q\nBakc: a", ""]);
        assert_eq!(d.len(), 1);
        assert!(d[0].hint.as_deref().unwrap().contains("`Back:`"), "{:?}", d[0]);
    }

    #[test]
    fn id_lines_in_every_form() {
        assert_eq!(id_line("<!--ID: 17-->"), Some(Some(17)));
        assert_eq!(id_line("- <!--ID: 1700000000001-->"), Some(Some(1_700_000_000_001)));
        assert_eq!(id_line("ID: 5"), Some(Some(5)));
        assert_eq!(id_line("the ID: 5 of"), None);
    }

    #[test]
    fn inference_puts_every_question_in_the_first_field() {
        let blocks: Vec<Usage> = [
            "Definice: pojem\nOdpověď: význam",
            "Front: otázka\nBack: odpověď",
            "Front: otázka 2\nBack: odpověď 2\nTrik: mnemotechnika",
            "Front: q3\nBack: a3",
        ]
        .iter()
        .map(|t| usage(&lines(t)))
        .collect();
        let inf = infer("Czech", &blocks);
        assert_eq!(inf.fields.fields, ["Front", "Back"]);
        assert_eq!(inf.aliases, [("Definice".to_owned(), 0), ("Odpověď".to_owned(), 1)]);
        let mut d = Vec::new();
        let s =
            split(&lines("Definice: pojem\nOdpověď: význam"), &inf.fields.fields, &inf.aliases, "Czech", "t", &mut d);
        assert_eq!(s.values, ["pojem", "význam"]);
        let s = split(&lines("Front: q\nBack: a\nTrik: m"), &inf.fields.fields, &inf.aliases, "Czech", "t", &mut d);
        assert_eq!(s.values, ["q", "a\nTrik: m"]);
    }

    #[test]
    fn unlabeled_questions_make_a_front_field() {
        let blocks = vec![usage(&lines("q\nAnswer: a\nMnemonic: m")), usage(&lines("q2\nAnswer: a2"))];
        let inf = infer("Lecture Card", &blocks);
        assert_eq!(inf.fields.fields, ["Front", "Answer"]);
        let one = vec![usage(&lines("q\nAnswer: a\nMnemonic: m"))];
        assert_eq!(infer("T", &one).fields.fields, ["Front", "Answer", "Mnemonic"]);
        assert_eq!(infer("Cloze+", &[usage(&lines("{{c1::x}}"))]).fields.fields, ["Text"]);
    }
}
