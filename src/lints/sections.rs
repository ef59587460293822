//! The warning for a link or embed to a heading or block that its note lacks, with what the link
//! most likely meant.

use super::Found;
use crate::diagnostics::{Code, Diagnostic};
use crate::links::{Index, Outline, Reference};
use crate::notes::Note;

/// The warning for a link to a heading or block the note `path` (whose outline is `target`) lacks.
/// A markdown link by GitHub's or Wikipedia's anchor to a heading that is there is an info with the link Obsidian
/// follows; `[[#Topic]]` where a note is called `Topic` names that note.
pub(super) fn section_missing(
    note: &Note,
    f: &Found,
    r: &Reference,
    path: &str,
    target: &Outline,
    index: &Index,
) -> Diagnostic {
    let kind = if f.embed { "embed" } else { "link" };
    let part =
        r.block.as_ref().map_or_else(|| format!("heading `{}`", r.headings.join("#")), |b| format!("block `^{b}`"));
    let message = format!("{kind} `{}`: `{path}` has no {part}", f.shown);
    // The link opens the note, only not at the place: an info, which says why and what to write.
    let info = |why: String, hint: String| {
        Diagnostic::info(Code::SectionMissing, &note.path, f.line, f.col, format!("{message}; {why}")).with_hint(hint)
    };
    // Markdown from sites built with Pandoc, VitePress, Docusaurus or Hugo sets heading ids.
    let id = match (r.headings.as_slice(), &r.block) {
        ([one], None) => target.heading_with_id(one),
        _ => None,
    };
    if let Some((heading, key)) = id {
        return info(
            format!(
                "it is the id the heading `{heading}` sets with `{{#{}}}`, which Obsidian reads as part of the heading's text",
                r.headings.join("#")
            ),
            format!("Obsidian finds a heading by its text: write `#{}`", key.replace(' ', "%20")),
        );
    }
    // A stray code fence makes the rest of the note code, headings too, in Obsidian as here.
    let in_code = match (r.headings.last(), &r.block) {
        (Some(last), None) => target.heading_in_unclosed_fence(last),
        _ => None,
    };
    if let Some(fence) = in_code {
        let hint = format!(
            "the heading is there, but inside a code block: the code fence on line {fence} of `{path}` is never closed, so Obsidian shows the rest of that note as code; close the block, or remove the fence if it is a stray one"
        );
        return Diagnostic::warning(Code::SectionMissing, &note.path, f.line, f.col, message).with_hint(hint);
    }
    // A heading that is a wikilink is linked by its link's words, not by the text it shows.
    let wikilinked = match (r.headings.as_slice(), &r.block) {
        ([one], None) => target.wikilinked(one),
        _ => None,
    };
    if let Some(linked) = wikilinked {
        let hint = format!(
            "the heading there that shows `{}` is a wikilink, which Obsidian finds by all its words, its brackets and `|` read as spaces: link `#{}`",
            r.headings.join("#"),
            if f.wiki { linked.to_owned() } else { linked.replace(' ', "%20") }
        );
        return Diagnostic::warning(Code::SectionMissing, &note.path, f.line, f.col, message).with_hint(hint);
    }
    // Markdown copied from GitHub or Wikipedia links headings by the site's anchors.
    let web = match (f.wiki, r.headings.as_slice(), &r.block) {
        (false, [one], None) => target.web_anchor(one),
        _ => None,
    };
    if let Some((heading, site)) = web {
        let which = match heading.split_once('#') {
            Some((parent, child)) => format!("the heading `{child}` under `{parent}` (an earlier one reads alike)"),
            None => format!("the heading `{heading}`"),
        };
        return info(
            format!("it is {site} anchor for {which}"),
            format!(
                "Obsidian finds a heading by its text, not by {site} anchor: write `#{}`",
                heading.replace(' ', "%20")
            ),
        );
    }
    // An HTML anchor, as Typora and GitHub follow them.
    let html = match (r.headings.as_slice(), &r.block) {
        ([one], None) => target.has_html_anchor(one).then_some(one),
        _ => None,
    };
    if let Some(anchor) = html {
        return info(
            format!("it names the HTML anchor `<a id=\"{anchor}\">`, which Obsidian does not follow"),
            "Obsidian links to headings and block ids: link the heading above the anchor, or end its paragraph with a block id `^id` and link `#^id`".to_owned(),
        );
    }
    // A section that became a note of its own (Obsidian's "extract this heading") keeps its links.
    let named = match (r.target.is_empty(), r.headings.as_slice(), &r.block) {
        (true, [one], None) => index.resolve(&note.path, one).note().map(|n| (n.to_owned(), one)),
        _ => None,
    };
    let nearest = match (r.headings.last(), &r.block) {
        (Some(last), None) => nearest_heading(target, last),
        _ => None,
    };
    let hint = match (named, nearest) {
        (Some((named, name)), _) => format!("the note `{named}` has that name: link the note, `[[{name}]]`"),
        (None, Some(near)) => {
            let (reads, link) = target.heading_text(near).unwrap_or((near, near.to_owned()));
            format!(
                "the nearest heading there reads `{reads}` (Obsidian compares headings without case or punctuation): link `#{}`",
                if f.wiki { link } else { link.replace(' ', "%20") }
            )
        }
        (None, None) => "check the heading or block id".to_owned(),
    };
    Diagnostic::warning(Code::SectionMissing, &note.path, f.line, f.col, message).with_hint(hint)
}

/// The heading of `target` (as its [`heading_key`](crate::links::heading_key)) that a link to
/// the missing heading `wanted` most likely meant:
/// - the one heading that only puts a number or a symbol before `wanted` (`一、自愿仲裁`,
///   `第三章 Saddles`, `🟦 A1`), perhaps with a few words after it;
/// - else one a typo away (at most one edit in six letters, so a short name, or a word of a
///   language that writes one character a word, is not taken for another);
/// - else the one heading that holds `wanted`'s words in a row, as when the heading grew words
///   after it was linked (`useReducer：状态` for `useReducer`: full-width punctuation parts words
///   here too).
///
/// A name shorter than three letters is not guessed at but after a mark; a Chinese, Japanese or
/// Korean character counts as two (`优化` is a word).
fn nearest_heading<'o>(target: &'o Outline, wanted: &str) -> Option<&'o str> {
    let wanted = crate::links::heading_key(wanted);
    let length = letters(&wanted);
    if length == 0 {
        return None;
    }
    let mut marked = target.heading_keys().filter(|key| {
        key.match_indices(wanted.as_str()).any(|(at, _)| {
            let after = &key[at + wanted.len()..];
            let more = after.split_whitespace().count();
            is_marker(&key[..at]) && (more == 0 || (length >= 3 && after.starts_with(' ') && more <= MORE_WORDS))
        })
    });
    if let (Some(one), None) = (marked.next(), marked.next()) {
        return Some(one);
    }
    if length < 3 {
        return None;
    }
    let most = wanted.chars().count() / 6;
    let typo = (most > 0)
        .then(|| {
            target
                .heading_keys()
                .filter_map(|key| Some((edit_distance(key, &wanted, most)?, key)))
                .min_by_key(|(distance, _)| *distance)
                .map(|(_, key)| key)
        })
        .flatten();
    typo.or_else(|| {
        // (A heading of a few more words: not a sentence that happens to name it.)
        let wanted = spaced(&wanted);
        let (words, count) = (format!(" {wanted} "), wanted.split(' ').count());
        let mut holding = target.heading_keys().filter(|key| {
            let key = spaced(key);
            key.split(' ').count() <= count + MORE_WORDS && format!(" {key} ").contains(&words)
        });
        if let (Some(one), None) = (holding.next(), holding.next()) {
            return Some(one);
        }
        // Or the heading lost words since: the one heading of three letters or more whose words
        // the link holds in a row (`### USB-PD` for `#USB Power Delivery (USB-PD)`).
        let mut within = target.heading_keys().filter(|key| {
            let key = spaced(key);
            letters(&key) >= 3 && key.split(' ').count() < count && words.contains(&format!(" {key} "))
        });
        match (within.next(), within.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        }
    })
}

/// How long `text` is as a name to guess at: a Chinese, Japanese or Korean character (from U+2E80
/// on) counts as two letters, as one of them often is a word.
fn letters(text: &str) -> usize {
    text.chars().map(|c| if c >= '\u{2E80}' { 2 } else { 1 }).sum()
}

/// `key` with full-width punctuation, which parts words as a space does, read as a space (a
/// key has ASCII punctuation as spaces already).
fn spaced(key: &str) -> std::borrow::Cow<'_, str> {
    const PUNCTUATION: &str = "，。、；：？！「」『』（）【】《》〈〉“”‘’…—～·｜／";
    if !key.contains(|c: char| PUNCTUATION.contains(c)) {
        return key.into();
    }
    let replaced: String = key.chars().map(|c| if PUNCTUATION.contains(c) { ' ' } else { c }).collect();
    replaced.split_whitespace().collect::<Vec<_>>().join(" ").into()
}

/// Whether `prefix` (of a heading's key) only numbers or marks the heading, as `一、`, `第三章 `,
/// `（二）`, `2 1 `, `iv `, `🟦 ` or `✅ 3 ` do: a link that leaves it out most likely meant that
/// heading. It must end apart from the words that follow. (ASCII punctuation is a space in a key;
/// the full-width kind, which Chinese and Japanese write, is not.)
fn is_marker(prefix: &str) -> bool {
    const NUMERALS: &str = "0123456789一二三四五六七八九十百千零〇两壹贰叁肆伍陆柒捌玖拾ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ①②③④⑤⑥⑦⑧⑨⑩";
    const UNITS: &str = "章节條条讲講课課部分篇回期";
    const OPEN: &str = "（【「《";
    const CLOSE: &str = "、．。：，）】」》";
    let word_is_marker = |word: &str| {
        let word = word.trim_start_matches(|c: char| OPEN.contains(c)).trim_end_matches(|c: char| CLOSE.contains(c));
        let number = word.strip_prefix('第').unwrap_or(word).trim_end_matches(|c: char| UNITS.contains(c));
        let numeral = !number.is_empty() && number.chars().all(|c| NUMERALS.contains(c));
        let roman = !word.is_empty() && word.chars().all(|c| "ivxlc".contains(c));
        let symbol = !word.is_empty() && word.chars().all(|c| !c.is_alphanumeric());
        numeral || roman || symbol
    };
    let apart = prefix.chars().next_back().is_some_and(|c| !c.is_alphanumeric());
    apart && prefix.split_whitespace().all(word_is_marker)
}

/// How many more words than the link's a heading that holds them may have, to be its nearest.
const MORE_WORDS: usize = 4;

/// The Levenshtein distance of `a` and `b` in characters, if it is at most `most`.
fn edit_distance(a: &str, b: &str, most: usize) -> Option<usize> {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > most {
        return None;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
        if row.iter().min().is_some_and(|m| *m > most) {
            return None;
        }
    }
    row.last().copied().filter(|d| *d <= most)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_heading_is_a_typo_away_or_holds_the_words() {
        let outline = Outline::of(
            "# Saddle points\n## Hessian eigenvalues\n## Escaping saddles with noise\n## Escaping plateaus\n## Java run-time constant pool\n## 一元微分\n## Continue for other sections like 多元微分 积分学专题 etc following the same format\n### Ok\n",
        );
        let near = |wanted: &str| nearest_heading(&outline, wanted);
        assert_eq!(near("Hessian eigenvalue"), Some("hessian eigenvalues"), "a letter");
        assert_eq!(near("Hesian Eigenvalues!"), Some("hessian eigenvalues"), "case and punctuation do not count");
        assert_eq!(near("Sadle points"), Some("saddle points"), "a letter in twelve");
        assert_eq!(near("Sadle point"), None, "two letters in eleven are too many");
        assert_eq!(near("Escaping saddles"), Some("escaping saddles with noise"), "the words begin it");
        assert_eq!(near("Run-time constant pool"), Some("java run-time constant pool"), "the words end it");
        assert_eq!(near("Escaping"), None, "two headings hold it");
        assert_eq!(near("多元微分"), None, "one character of four is a word, and a sentence is no heading of it");
        assert_eq!(near("Curvature"), None, "nothing near");
        assert_eq!(near("Ox"), None, "too short to guess");
        let numbered = Outline::of(
            "# 一、自愿仲裁\n## （二）独立仲裁 (Independence)\n## 第三章 一裁终局\n## 第4节：执行程序\n## iv. Saddle escape\n## 大自愿仲裁\n## 总结仲裁协议\n",
        );
        let near = |wanted: &str| nearest_heading(&numbered, wanted);
        assert_eq!(near("自愿仲裁"), Some("一、自愿仲裁"), "a number and a comma before it");
        assert_eq!(near("独立仲裁"), Some("（二）独立仲裁 independence"), "a number in full-width brackets");
        assert_eq!(near("一裁终局"), Some("第三章 一裁终局"), "a chapter's number");
        assert_eq!(near("执行程序"), Some("第4节：执行程序"), "a section's number and a colon");
        assert_eq!(near("Saddle escape"), Some("iv saddle escape"), "a roman numeral");
        assert_eq!(near("仲裁协议"), None, "a word before it is no number");
        let marked = Outline::of("## 🟦 А1\n## 🟦 A2\n## ✅ 3. Б1 extra\n## Ab\n## 一仲裁\n");
        let near = |wanted: &str| nearest_heading(&marked, wanted);
        assert_eq!(near("А1"), Some("🟦 а1"), "a symbol before a short name");
        assert_eq!(near("Б1"), None, "a short name, with words after it");
        assert_eq!(near("b"), None, "inside a word");
        assert_eq!(near("仲裁"), None, "a numeral that is part of the word: no mark apart from it");
        let full_width =
            Outline::of("# 优化：13种\n## 打包优化\n## useReducer：状态\n## 工具（二）\n## 工具\n## Ox tails\n");
        let near = |wanted: &str| nearest_heading(&full_width, wanted);
        assert_eq!(near("优化"), Some("优化：13种"), "a full-width colon parts words; two characters are a word");
        assert_eq!(near("useReducer"), Some("usereducer：状态"));
        assert_eq!(near("Ox"), None, "two letters are too short to guess");
        let shorter = Outline::of("# USB\n## USB-PD\n## Power\n### Cables\n### Cable types\n");
        let near = |wanted: &str| nearest_heading(&shorter, wanted);
        assert_eq!(near("USB Power Delivery (USB-PD)"), None, "three headings' words are in it");
        let shorter = Outline::of("# Charging\n## USB-PD\n### Cable types\n");
        let near = |wanted: &str| nearest_heading(&shorter, wanted);
        assert_eq!(near("USB Power Delivery (USB-PD)"), Some("usb-pd"), "the heading lost words");
        assert_eq!(near("Types of cable"), None, "the words out of order");
        assert_eq!(near("打包"), None, "a word's part is no word");
    }

    #[test]
    fn edit_distance_counts_insertions_deletions_and_substitutions_up_to_a_bound() {
        assert_eq!(edit_distance("kitten", "sitting", 3), Some(3));
        assert_eq!(edit_distance("kitten", "sitting", 2), None);
        assert_eq!(edit_distance("", "abc", 3), Some(3));
        assert_eq!(edit_distance("é", "e", 1), Some(1));
        assert_eq!(edit_distance("same", "same", 0), Some(0));
    }
}
