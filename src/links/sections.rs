//! Sections of a note: the outline that section links and embeds are checked against (headings,
//! block ids, anchors), and the cutting out of a heading's section or a block for an embed.

use super::heading_key;

/// `s`'s letters and digits, lower-cased: what a web anchor keeps of a heading.
fn alnum(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// `text` with each markdown link `[words](target)` as its words alone, as a page shows it.
fn link_texts(text: &str) -> std::borrow::Cow<'_, str> {
    static LINK: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"\[([^\]]*)\]\([^)]*\)").expect("a valid regex"));
    LINK.replace_all(text, "$1")
}

/// The markdown of a section: from the heading path `headings` to the next heading of the same or a
/// higher level; or the paragraph or list item that ends with `^block`; or the whole body.
pub fn section(body: &str, headings: &[String], block: Option<&str>) -> Option<String> {
    let lines: Vec<&str> = crate::lines::lines(body).collect();
    let (start, end) = section_lines(&lines, headings, block)?;
    let text = lines.get(start..end)?.join("\n");
    match block {
        Some(id) => {
            let marker = format!("^{id}");
            Some(text.trim_end().strip_suffix(&marker).unwrap_or(&text).trim_end().to_owned())
        }
        None => Some(text),
    }
}

/// The id a heading's text ends with, `{#id}` (or `{#id .class}`), and the text before it.
fn heading_id(text: &str) -> Option<(String, String)> {
    let text = text.trim_end();
    let open = text.rfind("{#")?;
    let attrs = text.get(open + 2..)?.strip_suffix('}')?;
    let id = attrs.split_whitespace().next()?;
    (!id.contains(['{', '}'])).then(|| (id.to_owned(), text.get(..open).unwrap_or_default().trim_end().to_owned()))
}

/// The `id` and `name` attributes of the `<a>` tags on `line`.
fn html_anchors(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in line.match_indices("<a ") {
        let tag = line.get(at..).unwrap_or_default();
        let tag = tag.get(..tag.find('>').unwrap_or(tag.len())).unwrap_or_default();
        for attr in ["id=", "name="] {
            let Some(value) = tag.match_indices(attr).find(|(i, _)| tag[..*i].ends_with(char::is_whitespace)) else {
                continue;
            };
            let value = tag.get(value.0 + attr.len()..).unwrap_or_default();
            let (quote, rest) = value.split_at(value.chars().next().map_or(0, char::len_utf8));
            if let ("\"" | "'", Some(end)) = (quote, rest.find(quote)) {
                out.push(rest[..end].to_owned());
            }
        }
    }
    out
}

/// What section links need of a note's body: its ATX headings in order (each by its level and
/// [`heading_key`]), and the words a block id
/// could end (each line's last word, from its first `^`, when it holds one); and, for the hint of
/// a link that finds neither, the HTML anchors (`<a id="x">`) and heading ids (`{#x}`) it sets.
/// A fraction of the note's size, so every note's can be kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    headings: Vec<(usize, String)>,
    /// Each heading's text as written, in the same order, a line each: for hints (one string a
    /// note, as every note's outline is kept).
    texts: String,
    /// A code fence that is never closed (a stray one, most often), which makes the rest of the
    /// note code: its line (counted from the first line of `body`, 1-based, until
    /// [`Outline::starting_at`] moves it), and the keys of the lines after it that would
    /// otherwise be headings. For the hint of a link to one of them.
    unclosed: Option<Box<(usize, Vec<String>)>>,
    carets: Vec<String>,
    anchors: Vec<String>,
    /// Each heading that ends in an id of its own (`## Title {#id}`): the id, and the heading's
    /// text without it.
    ids: Vec<(String, String)>,
    /// Each heading that holds a markdown link (`### [Why threads?](#why-threads)`, as docs
    /// sites write their headings' anchors): its key, and the key of its text as a site shows it,
    /// the links' text without their targets, which the site's anchor is made from.
    linked: Vec<(String, String)>,
    /// Each heading whose words are joined by punctuation (`Vue.js`, `TCP/IP`): its key, and
    /// GitHub's anchor for it, which drops the punctuation and joins the words (`vuejs`).
    joined: Vec<(String, String)>,
    /// Each heading that holds a wikilink (`### [[1.3 Stomach|Stomach]]`): the key of its text as
    /// Obsidian shows it (each link by its alias, `Stomach`), and its text as a link to it is
    /// written (`1.3 Stomach Stomach`: Obsidian reads the brackets and the `|` as spaces).
    wikilinked: Vec<(String, String)>,
}

/// A heading's text as Obsidian shows it: each wikilink by its alias, or else by its target.
fn wikilink_texts(text: &str) -> std::borrow::Cow<'_, str> {
    static LINK: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"\[\[(?:[^\]|]*\|)?([^\]|]*)\]\]").expect("a valid regex"));
    LINK.replace_all(text, "$1")
}

/// A heading's text as a link to it is written: its wikilinks' brackets and `|` as spaces (and a
/// `#` or `^` of a link's target, which would end the link's heading), runs of white space as one.
fn as_linked(text: &str) -> String {
    let spaced = text.replace("[[", " ").replace("]]", " ").replace(['|', '#', '^'], " ");
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// GitHub's anchor for a heading: lower case, every character but letters, digits, `-`, `_` and
/// spaces left out, and each space a `-`.
fn github_anchor(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .flat_map(char::to_lowercase)
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// Whether `text` joins two words with punctuation alone (`Vue.js`, `TCP/IP`, `进程(管理)`).
fn joins_words(text: &str) -> bool {
    let mut chars = text.chars();
    let (mut a, mut b) = (chars.next(), chars.next());
    for c in chars {
        let punctuation = b.is_some_and(|b| b.is_ascii_punctuation() && !matches!(b, '-' | '_'));
        if punctuation && a.is_some_and(char::is_alphanumeric) && c.is_alphanumeric() {
            return true;
        }
        (a, b) = (b, Some(c));
    }
    false
}

impl Outline {
    /// The outline of `body`.
    pub fn of(body: &str) -> Self {
        let mut outline = Outline::default();
        // Most notes set no block id and no HTML anchor: their lines are not searched for one.
        let (carets, anchors) = (memchr::memchr(b'^', body.as_bytes()).is_some(), body.contains("<a "));
        let mut fences = Fences::default();
        // The open fence's line, and the lines inside it that read as headings.
        let mut open: Option<(usize, Vec<&str>)> = None;
        for (n, line) in crate::lines::lines(body).enumerate() {
            // (Every line passes through the fences, so that they know where code is.)
            let code = fences.code(line);
            match (&mut open, fences.open.is_some()) {
                (None, true) => open = Some((n + 1, Vec::new())),
                (Some((_, headings)), true) if heading(line).is_some() => headings.push(line),
                (Some(_), false) => open = None,
                _ => {}
            }
            if let Some((level, text)) = heading(line).filter(|_| !code) {
                outline.headings.push((level, heading_key(text)));
                outline.texts.push_str(text);
                outline.texts.push('\n');
                if text.contains("](") {
                    outline.linked.push((heading_key(text), heading_key(&link_texts(text))));
                }
                if let Some(id) = heading_id(text) {
                    outline.ids.push(id);
                }
                if joins_words(text) {
                    outline.joined.push((heading_key(text), github_anchor(text)));
                }
                if text.contains("[[") {
                    outline.wikilinked.push((heading_key(&wikilink_texts(text)), as_linked(text)));
                }
            }
            // A block id holds no white space, so `^id` can only end a line's last word.
            let last = if carets { line.trim_end().rsplit(char::is_whitespace).next().unwrap_or("") } else { "" };
            if let Some(at) = last.find('^') {
                outline.carets.push(last[at..].to_owned());
            }
            if anchors && line.contains("<a ") {
                outline.anchors.extend(html_anchors(line));
            }
        }
        outline.texts.shrink_to_fit();
        outline.unclosed = open.map(|(line, headings)| {
            let keys = headings.into_iter().filter_map(heading).map(|(_, text)| heading_key(text)).collect();
            Box::new((line, keys))
        });
        outline
    }

    /// The same outline, for a body whose first line is line `first` of its note.
    #[must_use]
    pub fn starting_at(mut self, first: usize) -> Self {
        if let Some(unclosed) = &mut self.unclosed {
            unclosed.0 += first.saturating_sub(1);
        }
        self
    }

    /// The line of the code fence that is never closed, if `heading` (a link's) is one of the
    /// lines after it that would otherwise be headings.
    pub fn heading_in_unclosed_fence(&self, heading: &str) -> Option<usize> {
        let (line, keys) = self.unclosed.as_deref()?;
        let wanted = heading_key(heading);
        keys.contains(&wanted).then_some(*line)
    }

    /// The heading that holds a wikilink and reads `shown` as Obsidian shows it
    /// (`### [[1.3 Stomach|Stomach]]` for `Stomach`), as a link to it is written.
    pub fn wikilinked(&self, shown: &str) -> Option<&str> {
        let wanted = heading_key(shown);
        self.wikilinked.iter().find(|(key, _)| *key == wanted).map(|(_, linked)| linked.as_str())
    }

    /// Whether the body sets the HTML anchor `name` (`<a id="name">` or `<a name="name">`), which
    /// markdown editors other than Obsidian link to by `#name`.
    pub fn has_html_anchor(&self, name: &str) -> bool {
        self.anchors.iter().any(|a| a == name)
    }

    /// The heading that sets the id `id` with `{#id}` at its end, as Pandoc, VitePress, Docusaurus
    /// and Hugo read it (`## Typing computed() {#typing-computed}`): its text without the id, and
    /// its [`heading_key`] with it, by which Obsidian, which reads the id as part of the text,
    /// finds it.
    pub fn heading_with_id(&self, id: &str) -> Option<(&str, String)> {
        self.ids
            .iter()
            .find(|(i, _)| i == id)
            .map(|(i, text)| (text.as_str(), heading_key(&format!("{text} {{#{i}}}"))))
    }

    /// The heading (as its [`heading_key`]) whose web anchor `fragment` may be, and whose anchor it
    /// is. Markdown copied from the web links headings by the site's anchors: GitHub drops
    /// punctuation and joins lower-case words with `-` (`## 2.3 Tool List!` is `#23-tool-list`),
    /// Wikipedia (kept by web clippers) joins words with `_` and keeps their case
    /// (`#Präsens_(Presente)`). The two are compared by their letters and digits alone. Obsidian
    /// follows neither. A heading that links its own anchor, as docs sites write them
    /// (`### [Why threads?](#why-threads)`), is compared by its text as the site shows it, and is
    /// found by an anchor of one word too (the site's). GitHub numbers the anchors of headings
    /// that read alike (`#result`, `#result-1`, …); Obsidian finds such a later heading by the
    /// heading above it, so it is returned as `parent#heading`.
    pub fn web_anchor(&self, fragment: &str) -> Option<(String, &'static str)> {
        if let Some(found) = self.web_anchor_once(fragment) {
            return Some((found.0.to_owned(), found.1));
        }
        let (base, n) = fragment.rsplit_once('-')?;
        let n: usize = n.parse().ok().filter(|_| n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit()))?;
        // The suffix makes it GitHub's, whatever the base holds.
        let wanted = alnum(base);
        let alike: Vec<usize> =
            (0..self.headings.len()).filter(|&i| !wanted.is_empty() && alnum(&self.headings[i].1) == wanted).collect();
        let at = *alike.get(n)?;
        let site = "GitHub's";
        let (level, key) = &self.headings[at];
        let parent = self.headings[..at].iter().rev().find(|(l, _)| l < level).map(|(_, k)| k);
        Some((parent.map_or_else(|| key.clone(), |p| format!("{p}#{key}")), site))
    }

    fn web_anchor_once(&self, fragment: &str) -> Option<(&str, &'static str)> {
        let wanted = alnum(fragment);
        if wanted.is_empty() {
            return None;
        }
        let shown = self.linked.iter().find(|(_, shown)| alnum(shown) == wanted).map(|(key, _)| key.as_str());
        let site = if fragment.contains('_') && (!fragment.contains('-') || fragment.chars().any(char::is_uppercase)) {
            "Wikipedia's"
        } else if fragment.contains('-') {
            "GitHub's"
        } else if let Some((key, _)) = self.joined.iter().find(|(_, anchor)| anchor == fragment) {
            return Some((key, "GitHub's"));
        } else {
            return shown.map(|key| (key, "the site's"));
        };
        let key = self.headings.iter().map(|(_, key)| key.as_str()).find(|key| alnum(key) == wanted).or(shown)?;
        Some((key, site))
    }

    /// The note's headings, each as its [`heading_key`], in order.
    pub fn heading_keys(&self) -> impl Iterator<Item = &str> {
        self.headings.iter().map(|(_, key)| key.as_str())
    }

    /// The text of the first heading whose key is `key`: as written, and as a link to it is
    /// written (see [`as_linked`]).
    pub fn heading_text(&self, key: &str) -> Option<(&str, String)> {
        let at = self.headings.iter().position(|(_, k)| k == key)?;
        let text = self.texts.lines().nth(at)?;
        Some((text, as_linked(text)))
    }

    /// The block ids the note sets (`^fa7459` ending a line), without their `^`.
    pub fn block_ids(&self) -> impl Iterator<Item = &str> {
        self.carets.iter().filter_map(|c| c.strip_prefix('^')).filter(|id| !id.is_empty())
    }

    /// Whether the body has the section or block that [`section`] would cut out: the same walk
    /// as `section_lines`, over the heading lines alone (no other line starts or ends one).
    pub fn has_section(&self, headings: &[String], block: Option<&str>) -> bool {
        if let Some(id) = block {
            let marker = format!("^{id}");
            return self.carets.iter().any(|l| l.ends_with(&marker));
        }
        let level_at = |i: usize| self.headings.get(i).map_or(0, |h| h.0);
        let (mut lo, mut hi, mut level) = (0, self.headings.len(), 0usize);
        for h in headings {
            let wanted = heading_key(h);
            let Some(found) =
                (lo..hi).find(|&i| self.headings.get(i).is_some_and(|(lv, k)| *lv > level && *k == wanted))
            else {
                return false;
            };
            level = level_at(found);
            lo = found;
            hi = (found + 1..hi).find(|&i| level_at(i) <= level).unwrap_or(hi);
        }
        true
    }
}

/// The lines `start..end` of the block `^block`, or else of the section under `headings`.
fn section_lines(lines: &[&str], headings: &[String], block: Option<&str>) -> Option<(usize, usize)> {
    if let Some(id) = block {
        let marker = format!("^{id}");
        let at = lines.iter().position(|l| l.trim_end().ends_with(&marker))?;
        let first = lines.get(at)?.trim_start();
        let start = if first.starts_with(['-', '*', '+']) || first.starts_with(|c: char| c.is_ascii_digit()) {
            at
        } else {
            (0..at).rev().find(|&i| lines.get(i).is_some_and(|l| l.trim().is_empty())).map_or(0, |i| i + 1)
        };
        return Some((start, at + 1));
    }
    // A `#` line in a code block is code, not a heading.
    let mut fences = Fences::default();
    let headings_at: Vec<bool> = lines.iter().map(|l| !fences.code(l)).collect();
    let line =
        |i: usize| if headings_at.get(i).copied().unwrap_or(false) { lines.get(i).copied().unwrap_or("") } else { "" };
    let (mut lo, mut hi, mut level) = (0, lines.len(), 0usize);
    for h in headings {
        let wanted = heading_key(h);
        let found =
            (lo..hi).find(|&i| heading(line(i)).is_some_and(|(lv, text)| lv > level && heading_key(text) == wanted))?;
        level = heading(line(found)).map_or(0, |(lv, _)| lv);
        lo = found;
        hi = (found + 1..hi).find(|&i| heading(line(i)).is_some_and(|(lv, _)| lv <= level)).unwrap_or(hi);
    }
    Some((lo, hi))
}

/// `(level, text)` of an ATX heading line: up to three spaces, one to six `#`, and a space or tab
/// or nothing after them.
fn heading(line: &str) -> Option<(usize, &str)> {
    let line =
        line.strip_prefix("   ").or_else(|| line.strip_prefix("  ")).or_else(|| line.strip_prefix(' ')).unwrap_or(line);
    let level = line.chars().take_while(|c| *c == '#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let rest = &line[level..];
    (rest.is_empty() || rest.starts_with([' ', '\t'])).then(|| (level, rest.trim()))
}

/// Where fenced code blocks are, line by line: a fence opens with three or more backticks or
/// tildes (after up to three spaces) and closes with as many or more of the same and nothing else,
/// or at the end. A `#` line inside one is code, not a heading.
#[derive(Default)]
struct Fences {
    open: Option<(char, usize)>,
}

impl Fences {
    /// Whether `line`, the next line, is code: a fence line, or a line inside a fence.
    fn code(&mut self, line: &str) -> bool {
        let t = line.trim_start_matches(' ');
        let indent = line.len() - t.len();
        // Most lines start with neither character: no fence is looked for.
        let fence = t.starts_with(['`', '~']).then(|| {
            ['`', '~'].into_iter().find_map(|c| {
                let n = t.chars().take_while(|x| *x == c).count();
                (indent <= 3 && n >= 3).then_some((c, n))
            })
        });
        match (self.open, fence.flatten()) {
            (None, Some((c, n))) if c == '~' || !t[n..].contains('`') => {
                self.open = Some((c, n));
                true
            }
            (None, _) => false,
            (Some((c, n)), Some((fc, fn_))) if fc == c && fn_ >= n && t[fn_..].trim().is_empty() => {
                self.open = None;
                true
            }
            (Some(_), _) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn a_web_anchor_names_its_heading_and_its_site() {
        let outline = Outline::of(
            "# Intro - Before OSCP\n## 2.3.4 — Memory Architecture: Von Neumann vs Harvard\n## Tool List\n### Präsens (Presente de subjuntivo)\n",
        );
        let github = |key: &str| Some((key.to_owned(), "GitHub's"));
        assert_eq!(outline.web_anchor("intro---before-oscp"), github("intro - before oscp"));
        assert_eq!(
            outline.web_anchor("234--memory-architecture-von-neumann-vs-harvard"),
            github("2 3 4 — memory architecture von neumann vs harvard")
        );
        assert_eq!(outline.web_anchor("tool-list"), github("tool list"));
        assert_eq!(outline.web_anchor("tool-lists"), None);
        assert_eq!(outline.web_anchor("toollist"), None, "an anchor joins words with `-` or `_`");
        // Words a heading joins with punctuation alone, GitHub's anchor joins with nothing.
        let joined = Outline::of("## Neuron.prototype.appearance\n## CRUD/JS\n## Vue.js and TCP/IP\n");
        assert_eq!(joined.web_anchor("neuronprototypeappearance"), github("neuron prototype appearance"));
        assert_eq!(joined.web_anchor("crudjs"), github("crud js"));
        assert_eq!(joined.web_anchor("vuejs-and-tcpip"), github("vue js and tcp ip"));
        assert_eq!(joined.web_anchor("neuronprototype"), None);
        let joined = Outline::of("### 进程状态确定(项目管理)\n");
        assert_eq!(joined.web_anchor("进程状态确定项目管理"), github("进程状态确定 项目管理"));
        let wikipedia = |key: &str| Some((key.to_owned(), "Wikipedia's"));
        assert_eq!(outline.web_anchor("Präsens_(Presente_de_subjuntivo)"), wikipedia("präsens presente de subjuntivo"));
        assert_eq!(outline.web_anchor("Tool_List"), wikipedia("tool list"));
        assert_eq!(outline.web_anchor("Tool_Lists"), None);
        // Docs sites link a heading's own anchor from it; the anchor is made from what the page shows.
        let outline = Outline::of(
            "### [有了进程为什么还需要线程?](#有了进程为什么还需要线程)\n### [Why use threads?](https://example.org/os.html#why-use-threads)\n",
        );
        let key = heading_key("[有了进程为什么还需要线程?](#有了进程为什么还需要线程)");
        assert_eq!(outline.web_anchor("有了进程为什么还需要线程"), Some((key, "the site's")));
        let key = heading_key("[Why use threads?](https://example.org/os.html#why-use-threads)");
        assert_eq!(outline.web_anchor("why-use-threads"), github(&key));
        assert_eq!(outline.web_anchor("why"), None);
        // GitHub numbers the anchors of headings that read alike; Obsidian reaches a later one
        // through the heading above it.
        let outline = Outline::of(
            "# Guide
## Before
### Result
## After
### Result
## Step 1
",
        );
        assert_eq!(outline.web_anchor("result-1"), github("after#result"));
        assert_eq!(outline.web_anchor("result-2"), None);
        assert_eq!(outline.web_anchor("step-1"), github("step 1"), "a heading's own number is no count");
        assert!(outline.has_section(&["after".to_owned(), "result".to_owned()], None), "Obsidian's path reaches it");
    }

    /// A heading that holds wikilinks is found by the text they show, as its link's words: the
    /// brackets, `|` and a target's `#` read as spaces.
    #[test]
    fn a_wikilinked_heading_is_found_by_what_it_shows() {
        let outline = Outline::of("#  [[Roots#2 -form- shape|-form- shape]]\n\n### [[B|Stomach]] and [[C]]\n");
        assert_eq!(outline.wikilinked("-form- shape"), Some("Roots 2 -form- shape -form- shape"));
        assert_eq!(outline.wikilinked("stomach AND c"), Some("B Stomach and C"));
        assert_eq!(outline.wikilinked("B"), None);
        assert!(outline.has_section(&["B Stomach and C".to_owned()], None));
    }

    #[test]
    fn a_heading_id_is_read_from_the_end_of_the_heading() {
        let outline = Outline::of("## Typing `computed()` {#typing-computed}\n### Refs {#refs .unlisted}\n# Set {x}\n");
        let (text, key) = outline.heading_with_id("typing-computed").unwrap();
        assert_eq!(text, "Typing `computed()`");
        assert_eq!(key, heading_key("Typing `computed()` {#typing-computed}"), "the text Obsidian finds it by");
        assert_eq!(outline.heading_with_id("refs").map(|h| h.0), Some("Refs"));
        assert!(outline.heading_with_id("x").is_none(), "braces without `#` set no id");
    }

    #[test]
    fn html_anchors_are_read_from_a_tags() {
        let outline = Outline::of(
            "# Java\n><a id=\"jvm-todo\"></a>\ntext <a name='old'>x</a> and <a href=\"#y\" id=\"both\">\n<abbr id=\"no\">\n",
        );
        assert!(outline.has_html_anchor("jvm-todo"));
        assert!(outline.has_html_anchor("old"));
        assert!(outline.has_html_anchor("both"));
        assert!(!outline.has_html_anchor("y"), "an href names no anchor");
        assert!(!outline.has_html_anchor("no"), "only <a> tags");
        assert!(!outline.has_html_anchor("java"));
    }

    #[test]
    fn an_outline_finds_exactly_the_sections_that_can_be_cut_out() {
        let body = "# A\ntext ^x1\n## B\n- item ^li\n### C\n# D\n## B\n  # not a heading\n#no heading\nEnd ^tail  \n";
        let outline = Outline::of(body);
        let paths: [&[&str]; 10] = [
            &[],
            &["A"],
            &["B"],
            &["A", "B"],
            &["A", "C"],
            &["A", "B", "C"],
            &["D", "B"],
            &["D", "C"],
            &["B", "C"],
            &["not a heading"],
        ];
        for headings in paths {
            let headings: Vec<String> = headings.iter().map(|h| (*h).to_owned()).collect();
            assert_eq!(outline.has_section(&headings, None), section(body, &headings, None).is_some(), "{headings:?}");
        }
        for block in ["x1", "li", "tail", "x", "1", "nope"] {
            assert_eq!(outline.has_section(&[], Some(block)), section(body, &[], Some(block)).is_some(), "^{block}");
        }
        assert!(outline.has_section(&["a".into(), "c".into()], None), "case and nesting");
        assert!(!outline.has_section(&["D".into(), "C".into()], None), "C is not under D");
    }

    /// A `#` line in a fenced code block is code: no heading to link, and no end of the section
    /// that holds it. A heading may be indented by up to three spaces.
    #[test]
    fn a_fence_never_closed_hides_the_headings_after_it() {
        let outline = Outline::of("# A\n```\ncode\n```\n## B\n~~~\n## C\n#### D: d\n").starting_at(4);
        assert_eq!(outline.heading_keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(outline.heading_in_unclosed_fence("C"), Some(9), "the fence's line in the note");
        assert_eq!(outline.heading_in_unclosed_fence("D: d"), Some(9));
        assert_eq!(outline.heading_in_unclosed_fence("B"), None, "a heading before it");
        assert_eq!(outline.heading_in_unclosed_fence("code"), None);
        let closed = Outline::of("```\n## C\n```\n");
        assert_eq!(closed.heading_in_unclosed_fence("C"), None, "a closed block's lines are code, as written");
    }

    #[test]
    fn code_lines_are_no_headings_and_indented_headings_are() {
        let body = "# Setup\n```python\n# install first\npip install x\n```\n~~~\n## not one either\n~~~\nafter\n # Indented\n#\tTabbed\n    # code\n";
        let outline = Outline::of(body);
        let keys: Vec<&str> = outline.heading_keys().collect();
        assert_eq!(keys, ["setup", "indented", "tabbed"]);
        let setup = section(body, &["Setup".to_owned()], None).unwrap();
        assert!(setup.contains("# install first") && setup.contains("after"), "{setup}");
        assert!(!setup.contains("Indented"), "{setup}");
        assert!(outline.has_section(&["Indented".to_owned()], None));
        assert!(!outline.has_section(&["install first".to_owned()], None));
        assert_eq!(section(body, &["install first".to_owned()], None), None);
        // An unclosed fence runs to the end of the note.
        assert_eq!(Outline::of("# A\n```\n# B\n").heading_keys().collect::<Vec<_>>(), ["a"]);
    }

    #[test]
    fn sections_by_heading_path_and_block() {
        let body =
            "# Top\nintro\n## A\na text\n### A1\ndeep\n## B\nb text\n\nfirst line\nsecond line ^para\n- item ^it\n";
        assert_eq!(section(body, &["A".into()], None).unwrap(), "## A\na text\n### A1\ndeep");
        assert_eq!(section(body, &["top".into(), "A1".into()], None).unwrap(), "### A1\ndeep");
        assert_eq!(section(body, &[], Some("para")).unwrap(), "first line\nsecond line");
        assert_eq!(section(body, &[], Some("it")).unwrap(), "- item");
        assert!(section(body, &["Nope".into()], None).is_none());
    }
}
