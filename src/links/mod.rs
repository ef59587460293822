//! Links: wikilink references as a type, and name lookup as Obsidian does it.
//!
//! A target matches a note by file name without `.md` or by vault-relative path, case-insensitively
//! and after Unicode NFC normalization, or by a frontmatter alias. A name that several notes share
//! resolves as in Obsidian: to the one in the linking note's folder, or else to the shortest path,
//! and the lints report it then, since the link may not mean that one. Lookups only ever return
//! files of the vault, so a link can never read outside it.

mod sections;

use unicode_normalization::UnicodeNormalization;

pub use self::sections::{Outline, section};

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
pub enum Resolution<'i> {
    /// Exactly this note (vault-relative path).
    Found(&'i str),
    /// No note has this name.
    Missing,
    /// Several notes have this name and none is in the linking note's folder. Obsidian opens the
    /// one with the shortest path, which is first here; the others follow.
    Ambiguous(Vec<&'i str>),
}

impl<'i> Resolution<'i> {
    /// The note Obsidian opens: the one found, or the first of several.
    pub fn note(&self) -> Option<&'i str> {
        match self {
            Resolution::Found(p) => Some(p),
            Resolution::Ambiguous(paths) => paths.first().copied(),
            Resolution::Missing => None,
        }
    }
}

/// Obsidian's choice among notes that share a name, for a link in the note `from` (observed with
/// its `getFirstLinkpathDest`): the one in `from`'s own folder; otherwise every candidate, the
/// shortest path first (then in path order, so that a tie always resolves alike).
fn choose<'i>(from: &str, mut paths: Vec<&'i str>) -> Resolution<'i> {
    let folder = |p: &str| p.rsplit_once('/').map_or("", |(f, _)| f).to_owned();
    let own = folder(from);
    let mut here = paths.iter().filter(|p| folder(p) == own);
    if let (Some(one), None) = (here.next(), here.next()) {
        return Resolution::Found(one);
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
    pub fn resolve(&self, from: &str, target: &str) -> Resolution<'_> {
        let k = key(target);
        if k.split('/').any(|p| p == "..") || k.starts_with('/') {
            return Resolution::Missing;
        }
        if let Some(p) = self.by_path.get(&k) {
            return Resolution::Found(p);
        }
        let name = k.rsplit('/').next().unwrap_or(&k);
        // A file of that name wins over any note that has it as an alias: Obsidian itself resolves
        // links by file name only.
        let named = self.by_name.get(name).or_else(|| self.by_alias.get(name));
        match named.map(Vec::as_slice) {
            Some([one]) if !k.contains('/') => Resolution::Found(one),
            Some(many) if k.contains('/') => {
                // A partial path: keep the notes whose path ends with it. As in Obsidian, a path
                // whose folders a note of that name is not in finds no note, even the only one.
                let fit: Vec<&str> = many
                    .iter()
                    .filter(|p| key(p).ends_with(&format!("/{k}")) || key(p) == k)
                    .map(String::as_str)
                    .collect();
                match fit.as_slice() {
                    [one] => Resolution::Found(one),
                    [] => Resolution::Missing,
                    _ => choose(from, fit),
                }
            }
            Some([]) | None => Resolution::Missing,
            Some(many) => choose(from, many.iter().map(String::as_str).collect()),
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
        assert_eq!(idx.resolve("n.md", "saddle points"), Resolution::Found("a/Saddle Points.md"));
        assert_eq!(idx.resolve("n.md", "Café"), Resolution::Found("b/Cafe\u{301}.md"));
        assert_eq!(idx.resolve("n.md", "a/saddle points.md"), Resolution::Found("a/Saddle Points.md"));
        assert_eq!(idx.resolve("n.md", "hessian"), Resolution::Found("curv.md"));
        // A file's name wins over another note's alias (the alias is not a second candidate).
        let alias = vec!["Modulo".to_owned()];
        let idx2 = Index::new([("z/moduli.md", alias.as_slice()), ("a/long/folder/Modulo.md", none.as_slice())]);
        assert_eq!(idx2.resolve("n.md", "modulo"), Resolution::Found("a/long/folder/Modulo.md"));
        assert_eq!(idx2.resolve("n.md", "moduli"), Resolution::Found("z/moduli.md"));
        assert_eq!(idx.resolve("n.md", "dup"), Resolution::Ambiguous(vec!["x/dup.md", "y/dup.md"]));
        assert_eq!(idx.resolve("y/n.md", "dup"), Resolution::Found("y/dup.md"), "the linking note's folder wins");
        assert_eq!(idx.resolve("x/dup.md", "dup"), Resolution::Found("x/dup.md"), "a note linking its own name");
        assert_eq!(idx.resolve("n.md", "y/dup"), Resolution::Found("y/dup.md"));
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
        assert_eq!(idx.resolve("b/x.md", "Note"), Resolution::Found("Note.md"));
        assert_eq!(idx.resolve("b/x.md", "b/Note"), Resolution::Found("b/Note.md"));
        let idx = Index::new(
            ["a/b/Note.md", "zzzz/Note.md", "b/Note.md", "zzzz/deep/Other.md"].map(|p| (p, none.as_slice())),
        );
        assert_eq!(idx.resolve("a/b/x.md", "Note"), Resolution::Found("a/b/Note.md"));
        let deep = idx.resolve("zzzz/deep/Other.md", "Note");
        assert_eq!(deep.note(), Some("b/Note.md"), "an ancestor folder counts for nothing");
        assert_eq!(deep, Resolution::Ambiguous(vec!["b/Note.md", "a/b/Note.md", "zzzz/Note.md"]));
    }
}
