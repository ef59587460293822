//! Links: wikilink references as a type, and name lookup as Obsidian does it.
//!
//! A target matches a note by file name without `.md` or by vault-relative path, case-insensitively
//! and after Unicode NFC normalization, or by a frontmatter alias. A name that several notes share
//! resolves as in Obsidian: to the one in the linking note's folder, or else to the shortest path,
//! and the lints report it then, since the link may not mean that one. Lookups only ever return
//! files of the vault, so a link can never read outside it.

use unicode_normalization::UnicodeNormalization;

/// A parsed `[[target#heading#sub|alias]]` or `[[target#^block]]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reference {
    /// The note or file, as written; empty for `[[#heading]]` (the same note).
    pub target: String,
    /// Headings, outermost first.
    pub headings: Vec<String>,
    /// A block id (`^id`), without the caret.
    pub block: Option<String>,
}

impl Reference {
    /// Parses a wikilink destination (the part before `|`).
    ///
    /// ```
    /// use studygen::links::Reference;
    /// let r = Reference::parse("Saddle points#Newton#^step");
    /// assert_eq!(r.target, "Saddle points");
    /// assert_eq!(r.headings, ["Newton"]);
    /// assert_eq!(r.block.as_deref(), Some("step"));
    /// ```
    pub fn parse(dest: &str) -> Self {
        let mut parts = dest.split('#');
        let target = parts.next().unwrap_or("").trim().to_owned();
        let mut r = Reference { target, ..Reference::default() };
        for p in parts.map(str::trim).filter(|p| !p.is_empty()) {
            match p.strip_prefix('^') {
                Some(b) => r.block = Some(b.to_owned()),
                None => r.headings.push(p.to_owned()),
            }
        }
        r
    }
}

/// The lookup key of a name: NFC, lower case, without a `.md` ending, with `/` separators.
pub fn key(name: &str) -> String {
    let name = name.trim();
    // ASCII is NFC already, and lower-cases byte by byte.
    let mut n = if name.is_ascii() {
        name.replace('\\', "/").to_ascii_lowercase()
    } else {
        name.replace('\\', "/").nfc().collect::<String>().to_lowercase()
    };
    if n.ends_with(".md") {
        n.truncate(n.len() - 3);
    }
    n
}

/// The form in which a heading and a link's heading are compared, as Obsidian compares them (its
/// `stripHeading`): ASCII punctuation but `'`, `-` and `_` reads as a space, runs of white space
/// as one, and case does not count. So `[[Note#wifi 2 4 vs 5 0]]`, the link Obsidian writes to
/// `# wifi 2.4 vs 5.0`, finds that heading, and so does `[[Note#wifi 2.4 vs 5.0]]`; so does
/// `[[Note#How large can it be]]` find `## How large can it be?`.
pub fn heading_key(heading: &str) -> String {
    let mut out = String::with_capacity(heading.len());
    let mut push = |c: char| {
        let c = if c.is_ascii_punctuation() && !matches!(c, '\'' | '-' | '_') { ' ' } else { c };
        if !c.is_whitespace() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    };
    // ASCII is NFC already, and lower-cases byte by byte.
    if heading.is_ascii() {
        heading.chars().map(|c| c.to_ascii_lowercase()).for_each(&mut push);
    } else {
        heading.nfc().flat_map(char::to_lowercase).for_each(&mut push);
    }
    out.truncate(out.trim_end().len());
    out
}

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

/// A link target as the note `from` (vault-relative) wrote it, as a path from the vault's root,
/// as Obsidian reads it. A target with `.` or `..` parts names a file from the note's folder (the
/// links Obsidian writes with "Relative path to file": `![[../Assets/figure.png]]` in
/// `Notes/Topic.md` is `Assets/figure.png`); one that starts with `/` names it from the vault's
/// root (`![](/img/figure.png)` is `img/figure.png`); any other target is as written. `None` when
/// the path climbs out of the vault: such a link is never followed.
pub fn from_note<'t>(from: &str, target: &'t str) -> Option<std::borrow::Cow<'t, str>> {
    match walk(from, target) {
        (path, 0) => Some(path),
        _ => None,
    }
}

/// For a target that climbs out of the vault ([`from_note`] is `None`): how many folders above the
/// vault it climbs, and the path it names if each of those `..` is left out (links written for
/// another place of the note, or by a tool that counted its folders wrong).
pub fn above_vault<'t>(from: &str, target: &'t str) -> (usize, std::borrow::Cow<'t, str>) {
    let (path, above) = walk(from, target);
    (above, path)
}

/// The walk of [`from_note`], which leaves out every `..` above the root and counts them.
fn walk<'t>(from: &str, target: &'t str) -> (std::borrow::Cow<'t, str>, usize) {
    let rooted = target.trim_start_matches(['/', '\\']);
    let dotted = rooted.split(['/', '\\']).any(|p| p == "." || p == "..");
    if !dotted {
        return (std::borrow::Cow::Borrowed(rooted), 0);
    }
    let mut parts: Vec<&str> = if rooted.len() < target.len() { Vec::new() } else { from.split('/').collect() };
    if rooted.len() == target.len() {
        parts.pop();
    }
    let mut above = 0;
    for part in rooted.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    above += 1;
                }
            }
            name => parts.push(name),
        }
    }
    (std::borrow::Cow::Owned(parts.join("/")), above)
}

/// Whether the note at `path` is an Excalidraw drawing (`Name.excalidraw.md`, which Obsidian finds
/// by the name `Name.excalidraw`): its text is the drawing's data, not prose to show.
pub fn is_drawing(path: &str) -> bool {
    path.len() >= 14 && path.get(path.len() - 14..).is_some_and(|end| end.eq_ignore_ascii_case(".excalidraw.md"))
}

/// What a target resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Exactly this note (vault-relative path).
    Found(String),
    /// No note has this name.
    Missing,
    /// Several notes have this name and none is in the linking note's folder. Obsidian opens the
    /// one with the shortest path, which is first here; the others follow.
    Ambiguous(Vec<String>),
}

impl Resolution {
    /// The note Obsidian opens: the one found, or the first of several.
    pub fn note(&self) -> Option<&str> {
        match self {
            Resolution::Found(p) => Some(p),
            Resolution::Ambiguous(paths) => paths.first().map(String::as_str),
            Resolution::Missing => None,
        }
    }
}

/// Obsidian's choice among notes that share a name, for a link in the note `from` (observed with
/// its `getFirstLinkpathDest`): the one in `from`'s own folder; otherwise every candidate, the
/// shortest path first (then in path order, so that a tie always resolves alike).
fn choose(from: &str, mut paths: Vec<String>) -> Resolution {
    let folder = |p: &str| p.rsplit_once('/').map_or("", |(f, _)| f).to_owned();
    let own = folder(from);
    let mut here = paths.iter().filter(|p| folder(p) == own);
    if let (Some(one), None) = (here.next(), here.next()) {
        return Resolution::Found(one.clone());
    }
    paths.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    Resolution::Ambiguous(paths)
}

/// Every note's names, built once per vault.
#[derive(Debug, Default)]
pub struct Index {
    /// Notes by file name (without `.md`).
    by_name: foldhash::HashMap<String, Vec<String>>,
    /// Notes by frontmatter alias: a name no file has.
    by_alias: foldhash::HashMap<String, Vec<String>>,
    by_path: foldhash::HashMap<String, String>,
    /// Symbolic links to notes that are not followed (see [`crate::vault::Symlink`]), by key.
    unfollowed: foldhash::HashMap<String, (String, crate::vault::Symlink)>,
}

impl Index {
    /// Indexes notes given as (path, aliases).
    pub fn new<'a>(notes: impl IntoIterator<Item = (&'a str, &'a [String])>) -> Self {
        let mut idx = Index::default();
        for (path, aliases) in notes {
            let k = key(path);
            idx.by_path.insert(k.clone(), path.to_owned());
            let stem = k.rsplit('/').next().unwrap_or(&k).to_owned();
            idx.by_name.entry(stem).or_default().push(path.to_owned());
            for a in aliases {
                let list = idx.by_alias.entry(key(a)).or_default();
                if !list.iter().any(|p| p == path) {
                    list.push(path.to_owned());
                }
            }
        }
        idx
    }

    /// Adds the vault's symbolic links: one to a note of the vault is found by its path and name
    /// as that note is (Obsidian opens the note through it); those that are not followed are kept
    /// to say why a link to them finds nothing ([`Index::unfollowed`]).
    pub fn add_symlinks(&mut self, symlinks: &std::collections::BTreeMap<String, crate::vault::Symlink>) {
        for (rel, link) in symlinks {
            let k = key(rel);
            if self.by_path.contains_key(&k) {
                continue;
            }
            let stem = k.rsplit('/').next().unwrap_or(&k).to_owned();
            match link {
                // An attachment's link is followed by the vault's attachments ([`crate::vault`]).
                crate::vault::Symlink::Inside(_) if !crate::vault::is_note(rel) => {}
                crate::vault::Symlink::Inside(target) => {
                    self.by_path.insert(k, target.clone());
                    let named = self.by_name.entry(stem).or_default();
                    if !named.contains(target) {
                        named.push(target.clone());
                    }
                }
                other => {
                    self.unfollowed.insert(k.clone(), (rel.clone(), other.clone()));
                    self.unfollowed.entry(stem).or_insert_with(|| (rel.clone(), other.clone()));
                }
            }
        }
    }

    /// The symbolic link that `target`, which finds no note or attachment, names (by path, or else
    /// by name), and what it points to: a link studygen does not follow.
    pub fn unfollowed(&self, target: &str) -> Option<&(String, crate::vault::Symlink)> {
        let k = key(target);
        self.unfollowed.get(&k).or_else(|| self.unfollowed.get(k.rsplit('/').next().unwrap_or(&k)))
    }

    /// Whether `target` names notes by their aliases alone: no note has it as its path or file
    /// name, and some note has it as an alias.
    pub fn alias_only(&self, target: &str) -> bool {
        let k = key(target);
        let name = k.rsplit('/').next().unwrap_or(&k);
        !self.by_path.contains_key(&k) && !self.by_name.contains_key(name) && self.by_alias.contains_key(name)
    }

    /// Resolves a note target. Paths win over file names, and file names over aliases; `..` never
    /// leaves the vault.
    pub fn resolve(&self, from: &str, target: &str) -> Resolution {
        let k = key(target);
        if k.split('/').any(|p| p == "..") || k.starts_with('/') {
            return Resolution::Missing;
        }
        if let Some(p) = self.by_path.get(&k) {
            return Resolution::Found(p.clone());
        }
        let name = k.rsplit('/').next().unwrap_or(&k);
        // A file of that name wins over any note that has it as an alias: Obsidian itself resolves
        // links by file name only.
        let named = self.by_name.get(name).or_else(|| self.by_alias.get(name));
        match named.map(Vec::as_slice) {
            Some([one]) if !k.contains('/') => Resolution::Found(one.clone()),
            Some(many) if k.contains('/') => {
                // A partial path: keep the notes whose path ends with it. As in Obsidian, a path
                // whose folders a note of that name is not in finds no note, even the only one.
                let fit: Vec<String> =
                    many.iter().filter(|p| key(p).ends_with(&format!("/{k}")) || key(p) == k).cloned().collect();
                match fit.as_slice() {
                    [one] => Resolution::Found(one.clone()),
                    [] => Resolution::Missing,
                    _ => choose(from, fit),
                }
            }
            Some([]) | None => Resolution::Missing,
            Some(many) => choose(from, many.to_vec()),
        }
    }
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
    carets: Vec<String>,
    anchors: Vec<String>,
    /// Each heading that ends in an id of its own (`## Title {#id}`): the id, and the heading's
    /// text without it.
    ids: Vec<(String, String)>,
    /// Each heading that holds a markdown link (`### [Why threads?](#why-threads)`, as docs
    /// sites write their headings' anchors): its key, and the key of its text as a site shows it,
    /// the links' text without their targets, which the site's anchor is made from.
    linked: Vec<(String, String)>,
}

impl Outline {
    /// The outline of `body`.
    pub fn of(body: &str) -> Self {
        let mut outline = Outline::default();
        // Most notes set no block id and no HTML anchor: their lines are not searched for one.
        let (carets, anchors) = (memchr::memchr(b'^', body.as_bytes()).is_some(), body.contains("<a "));
        let mut fences = Fences::default();
        for line in crate::lines::lines(body) {
            // (Every line passes through the fences, so that they know where code is.)
            let code = fences.code(line);
            if let Some((level, text)) = heading(line).filter(|_| !code) {
                outline.headings.push((level, heading_key(text)));
                if text.contains("](") {
                    outline.linked.push((heading_key(text), heading_key(&link_texts(text))));
                }
                if let Some(id) = heading_id(text) {
                    outline.ids.push(id);
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
        outline
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
    fn keys_take_the_ascii_fast_path_to_the_same_place() {
        let slow = |name: &str| {
            let n: String = name.trim().replace('\\', "/").nfc().collect::<String>().to_lowercase();
            n.strip_suffix(".md").map(str::to_owned).unwrap_or(n)
        };
        for name in ["Saddle Points", " dir\\Note.MD ", "note.md", "Ünïcode Café", "e\u{301}tude", "A.md.md", ""] {
            assert_eq!(key(name), slow(name), "{name:?}");
        }
    }

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
    fn headings_compare_as_obsidian_compares_them() {
        let same = [
            ("wifi 2.4 vs 5.0", "wifi 2 4 vs 5 0"),
            ("TCP/IP Model", "TCP IP Model"),
            ("CI/CD && DevOps", "ci cd devops"),
            ("How large can each remote vault be?", "How large can each remote vault be"),
            ("`hasTag()`", "hasTag"),
            ("**Bold**  and [[Link]]", "Bold and Link"),
            ("Saddle points ##", "saddle points"),
            ("Ünïcode Café", "u\u{308}ni\u{308}code cafe\u{301}"),
        ];
        for (heading, link) in same {
            assert_eq!(heading_key(heading), heading_key(link), "{heading:?} and {link:?}");
        }
        let different =
            [("Newton's step", "Newtons step"), ("saddle-point", "saddle point"), ("a_b", "a b"), ("Café", "Cafe")];
        for (heading, link) in different {
            assert_ne!(heading_key(heading), heading_key(link), "{heading:?} and {link:?}");
        }
        assert_eq!(heading_key("  A.B  "), "a b");
        let body = "# Target\n## How large can it be?\nSmall.\n## Next\n";
        assert_eq!(
            section(body, &["How large can it be".to_owned()], None).as_deref(),
            Some("## How large can it be?\nSmall.")
        );
        assert!(Outline::of(body).has_section(&["target".to_owned(), "how large can it be".to_owned()], None));
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

    /// A link with folders finds only a note whose path ends with them, as in Obsidian, even when
    /// one note alone has the name; an alias is found by the name alone.
    #[test]
    fn a_path_finds_only_a_note_in_its_folders() {
        let set = vec!["Set".to_owned()];
        let none: Vec<String> = Vec::new();
        let index = Index::new([("README.md", none.as_slice()), ("Notes/Topic.md", set.as_slice())]);
        let found = |target: &str| index.resolve("x.md", target).note().map(str::to_owned);
        assert_eq!(found("Topic").as_deref(), Some("Notes/Topic.md"));
        assert_eq!(found("Notes/Topic").as_deref(), Some("Notes/Topic.md"));
        assert_eq!(found("notes/topic.md").as_deref(), Some("Notes/Topic.md"));
        assert_eq!(found("Other/Topic"), None, "not in that folder");
        assert_eq!(found("Courses/Haskell/README"), None, "the only README is not that one");
        assert_eq!(found("Set").as_deref(), Some("Notes/Topic.md"));
        assert_eq!(found("Algebra/Set"), None, "an alias has no folder");
    }

    #[test]
    fn relative_and_rooted_targets_are_read_as_obsidian_reads_them_and_never_leave_the_vault() {
        let cases = [
            ("Notes/Topic.md", "../Assets/figure.png", Some("Assets/figure.png")),
            ("Notes/Topic.md", "./Sub/Other", Some("Notes/Sub/Other")),
            ("Notes/Deep/Topic.md", "..\\..\\x.png", Some("x.png")),
            ("Notes/Topic.md", "Other note", Some("Other note")),
            ("Notes/Topic.md", "folder/Other note", Some("folder/Other note")),
            ("Notes/Topic.md", "../../etc/passwd", None),
            ("Topic.md", "../x.png", None),
            ("Notes/Topic.md", "/img/figure.png", Some("img/figure.png")),
            ("Notes/Topic.md", "/etc/hosts", Some("etc/hosts")),
            ("Notes/Topic.md", "/../x.png", None),
            ("Notes/Topic.md", "//a/./b/../c.md", Some("a/c.md")),
        ];
        for (from, target, expected) in cases {
            assert_eq!(from_note(from, target).as_deref(), expected, "{target:?} from {from:?}");
        }
        // A path that leaves the vault: how far above it climbs, and what it names without that.
        let above = [
            ("Notes/Deep/Topic.md", "../../../Assets/x.png", (1, "Assets/x.png")),
            ("Topic.md", "../../x.png", (2, "x.png")),
            ("Notes/Topic.md", "../../etc/passwd", (1, "etc/passwd")),
            ("Notes/Topic.md", "/../x.png", (1, "x.png")),
            ("Notes/Topic.md", "../x.png", (0, "x.png")),
        ];
        for (from, target, (n, path)) in above {
            assert_eq!(above_vault(from, target), (n, std::borrow::Cow::Borrowed(path)), "{target:?} from {from:?}");
        }
    }

    #[test]
    fn references_as_a_case_table() {
        let cases = [
            ("note", ("note", vec![], None)),
            ("note#Head", ("note", vec!["Head"], None)),
            ("note#h1#h2", ("note", vec!["h1", "h2"], None)),
            ("#Local", ("", vec!["Local"], None)),
            ("note#^blk-1", ("note", vec![], Some("blk-1"))),
            ("dir/note.md#A", ("dir/note.md", vec!["A"], None)),
        ];
        for (input, (target, headings, block)) in cases {
            let r = Reference::parse(input);
            assert_eq!(r.target, target, "{input}");
            assert_eq!(r.headings, headings, "{input}");
            assert_eq!(r.block.as_deref(), block, "{input}");
        }
    }

    #[test]
    fn lookup_is_case_and_normalization_insensitive_and_reports_ambiguity() {
        let aliases = vec!["Hessian".to_owned()];
        let none: Vec<String> = vec![];
        let idx = Index::new([
            ("a/Saddle Points.md", none.as_slice()),
            ("b/Cafe\u{301}.md", none.as_slice()),
            ("x/dup.md", none.as_slice()),
            ("y/dup.md", none.as_slice()),
            ("curv.md", aliases.as_slice()),
        ]);
        assert_eq!(idx.resolve("n.md", "saddle points"), Resolution::Found("a/Saddle Points.md".into()));
        assert_eq!(idx.resolve("n.md", "Café"), Resolution::Found("b/Cafe\u{301}.md".into()));
        assert_eq!(idx.resolve("n.md", "a/saddle points.md"), Resolution::Found("a/Saddle Points.md".into()));
        assert_eq!(idx.resolve("n.md", "hessian"), Resolution::Found("curv.md".into()));
        // A file's name wins over another note's alias (the alias is not a second candidate).
        let alias = vec!["Modulo".to_owned()];
        let idx2 = Index::new([("z/moduli.md", alias.as_slice()), ("a/long/folder/Modulo.md", none.as_slice())]);
        assert_eq!(idx2.resolve("n.md", "modulo"), Resolution::Found("a/long/folder/Modulo.md".into()));
        assert_eq!(idx2.resolve("n.md", "moduli"), Resolution::Found("z/moduli.md".into()));
        assert_eq!(idx.resolve("n.md", "dup"), Resolution::Ambiguous(vec!["x/dup.md".into(), "y/dup.md".into()]));
        assert_eq!(
            idx.resolve("y/n.md", "dup"),
            Resolution::Found("y/dup.md".into()),
            "the linking note's folder wins"
        );
        assert_eq!(idx.resolve("x/dup.md", "dup"), Resolution::Found("x/dup.md".into()), "a note linking its own name");
        assert_eq!(idx.resolve("n.md", "y/dup"), Resolution::Found("y/dup.md".into()));
        assert_eq!(idx.resolve("n.md", "../../etc/passwd"), Resolution::Missing);
        assert_eq!(idx.resolve("n.md", "/etc/passwd"), Resolution::Missing);
        assert_eq!(idx.resolve("n.md", "nothing"), Resolution::Missing);
    }

    #[test]
    fn several_notes_of_one_name_resolve_as_obsidian_resolves_them() {
        let none: Vec<String> = vec![];
        let idx = Index::new(
            ["Note.md", "a/b/Note.md", "zzzz/Note.md", "b/Note.md", "zzzz/deep/Other.md"].map(|p| (p, none.as_slice())),
        );
        // An exact path wins; then the linking note's own folder; then the shortest path.
        assert_eq!(idx.resolve("b/x.md", "Note"), Resolution::Found("Note.md".into()));
        assert_eq!(idx.resolve("b/x.md", "b/Note"), Resolution::Found("b/Note.md".into()));
        let idx = Index::new(
            ["a/b/Note.md", "zzzz/Note.md", "b/Note.md", "zzzz/deep/Other.md"].map(|p| (p, none.as_slice())),
        );
        assert_eq!(idx.resolve("a/b/x.md", "Note"), Resolution::Found("a/b/Note.md".into()));
        let deep = idx.resolve("zzzz/deep/Other.md", "Note");
        assert_eq!(deep.note(), Some("b/Note.md"), "an ancestor folder counts for nothing");
        assert_eq!(deep, Resolution::Ambiguous(vec!["b/Note.md".into(), "a/b/Note.md".into(), "zzzz/Note.md".into()]));
    }

    /// A `#` line in a fenced code block is code: no heading to link, and no end of the section
    /// that holds it. A heading may be indented by up to three spaces.
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
