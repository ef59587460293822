//! Rendering against the whole vault: media resolves to the experiments' figures and the vault's
//! attachments, `![[embeds]]` to other notes' text (with cycles cut and a budget per note), and
//! `` `= id.result` `` to experiment results.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::PathBuf;

use crate::cards::Card;
use crate::diagnostics::{Code, Diagnostic};
use crate::experiments::Lab;
use crate::links;
use crate::markdown::{self, Resolve};
use crate::notes::store::Store;
use crate::outputs::Media;
use crate::vault::{self, Vault};

/// What rendering needs to know about the whole vault.
pub(crate) struct Shared<'a> {
    pub(crate) vault: &'a Vault,
    /// The Obsidian vault's name, for `obsidian://` links.
    pub(crate) vault_name: String,
    /// The experiments' results.
    pub(crate) lab: &'a Lab,
    /// The figures' file names, by lower-cased name.
    pub(crate) figures: BTreeMap<String, String>,
    /// The notes, parsed as they are needed.
    pub(crate) notes: &'a Store<'a>,
    /// Name lookup.
    pub(crate) index: links::Index,
    /// The attachments by the shape of their names, made when a link first finds none.
    pub(crate) alike: std::sync::OnceLock<vault::alike::Shapes>,
}

/// What rendering one note's cards used and left out.
#[derive(Debug, Default)]
pub(crate) struct Trace {
    /// Embeds expanded, and bytes of HTML they made, so far, shared by every level.
    spent: Cell<(usize, usize)>,
    /// The other notes whose text was read: what the cards depend on besides their own note.
    pub(crate) read: RefCell<BTreeSet<String>>,
    /// Embeds left unexpanded because the note's budget was spent: (file, line) → message.
    pub(crate) skipped: RefCell<BTreeMap<(String, usize), String>>,
}

impl Trace {
    /// The warnings for embeds left unexpanded.
    pub(crate) fn skipped_embeds(&self) -> Vec<Diagnostic> {
        self.skipped
            .borrow()
            .iter()
            .map(|((file, line), message)| {
                Diagnostic::warning(Code::EmbedBudget, file, *line, 1, message.clone())
                    .with_hint("embed a section (`![[note#heading]]`) instead of whole notes, or fewer notes that embed each other")
            })
            .collect()
    }
}

/// Resolves media against the experiments' figures and the vault's attachments, embeds against the
/// vault's notes (following `chain`, so that a cycle is cut), and literate values against results.
pub(crate) struct VaultMedia<'a> {
    shared: &'a Shared<'a>,
    chain: Vec<String>,
    /// What rendering the note's cards used so far, shared by every level.
    trace: &'a Trace,
}

/// Embeds nest at most this deep.
const MAX_EMBED_DEPTH: usize = 10;

/// A note's cards expand at most this many embeds in all, and at most `MAX_EMBEDDED_BYTES` of
/// HTML; the rest show as links, with a warning at the embed. Notes that all embed each other
/// would otherwise expand fan-out to the power of the depth.
const MAX_EMBEDS_PER_NOTE: usize = 500;

/// See [`MAX_EMBEDS_PER_NOTE`].
const MAX_EMBEDDED_BYTES: usize = 4 << 20;

impl Resolve for VaultMedia<'_> {
    fn vault_name(&self) -> &str {
        &self.shared.vault_name
    }

    fn media(&self, target: &str) -> Option<String> {
        self.shared.media(target)
    }

    fn is_figure(&self, name: &str) -> bool {
        self.shared.figures.values().any(|f| f == name)
    }

    fn embed(&self, dest: &str) -> Option<markdown::Rendered> {
        let r = links::Reference::parse(dest);
        // `![[#Heading]]` embeds a part of the note being rendered.
        let path = if r.target.is_empty() {
            self.current_path()?.to_owned()
        } else {
            let from = self.current_path()?;
            let target = links::from_note(from, &r.target)?;
            self.shared.index.resolve(from, &target).note()?.to_owned()
        };
        // A drawing's text is its data: the card shows a link to it.
        if links::is_drawing(&path) {
            return None;
        }
        // The chain holds what is being rendered: a note, or a section or block of one.
        let key = embed_key(&path, &r);
        if self.chain.contains(&key) || self.chain.len() >= MAX_EMBED_DEPTH {
            let mut chain: Vec<&str> = self.chain.iter().skip(1).map(String::as_str).collect();
            chain.push(&key);
            let html =
                format!("<span class=\"embed-cycle\">embed cycle: {}</span>", markdown::escape(&chain.join(" → ")));
            return Some(markdown::Rendered { html, media: Vec::new() });
        }
        let (count, bytes) = self.trace.spent.get();
        if count >= MAX_EMBEDS_PER_NOTE || bytes >= MAX_EMBEDDED_BYTES {
            self.skip(dest);
            return None;
        }
        self.trace.spent.set((count + 1, bytes));
        self.trace.read.borrow_mut().insert(path.clone());
        let note = self.shared.notes.get(path.as_str())?;
        let md = links::section(note.body(), &r.headings, r.block.as_deref())?;
        let mut chain = self.chain.clone();
        chain.push(key);
        let inner = VaultMedia { shared: self.shared, chain, trace: self.trace };
        let rendered = markdown::render(&md, markdown::Style::default(), &inner);
        let (count, bytes) = self.trace.spent.get();
        self.trace.spent.set((count, bytes + rendered.html.len()));
        Some(rendered)
    }

    fn current_note(&self) -> Option<&str> {
        self.current_path().map(|p| p.strip_suffix(".md").unwrap_or(p))
    }

    fn value(&self, name: &str) -> Option<String> {
        self.shared.lab.value(name).map(|v| v.to_string())
    }
}

impl Shared<'_> {
    /// An attachment whose name reads like `target`, which no attachment has.
    pub(crate) fn attachment_like(&self, target: &str) -> Option<vault::alike::Alike> {
        self.alike.get_or_init(|| vault::alike::Shapes::new(&self.vault.attachments)).like(target)
    }

    /// The packed name of a figure or attachment, if it exists.
    pub(crate) fn media(&self, target: &str) -> Option<String> {
        if let Some(fig) = self.figures.get(&vault::file_name(target).to_lowercase()) {
            return Some(fig.clone());
        }
        let rel = self.vault.attachment(target)?;
        Some(packed_name(self.vault, rel))
    }
}

impl<'a> VaultMedia<'a> {
    /// The resolver for the cards of `note`.
    pub(crate) fn for_note(shared: &'a Shared<'a>, note: &str, trace: &'a Trace) -> Self {
        // The chain starts at a card of the note: the note itself may still be embedded once.
        VaultMedia { shared, chain: vec![format!("{note}#card")], trace }
    }

    /// Records that the embed `dest`, in the note being rendered, was left unexpanded.
    fn skip(&self, dest: &str) {
        let Some(file) = self.current_path() else { return };
        let line = self.shared.notes.get(file).map_or(0, |n| {
            let needle = format!("![[{dest}");
            n.text.lines().position(|l| l.contains(&needle)).map_or(0, |i| i + 1)
        });
        let root = self.chain.first().and_then(|k| k.split_once('#')).map_or("", |(p, _)| p);
        let message = format!(
            "embed `{dest}` was not expanded on the cards of {root}: they already hold {MAX_EMBEDS_PER_NOTE} embeds or {} MiB of embedded text",
            MAX_EMBEDDED_BYTES >> 20
        );
        self.trace.skipped.borrow_mut().entry((file.to_owned(), line)).or_insert(message);
    }

    /// The note whose text is being rendered: the last in the chain.
    fn current_path(&self) -> Option<&str> {
        self.chain.last().map(|k| k.split_once('#').map_or(k.as_str(), |(p, _)| p))
    }
}

/// What an embed renders, as a chain entry: `path`, or `path#heading` / `path#^block`.
fn embed_key(path: &str, r: &links::Reference) -> String {
    match (&r.block, r.headings.last()) {
        (Some(b), _) => format!("{path}#^{b}"),
        (None, Some(_)) => format!("{path}#{}", r.headings.join("#").to_lowercase()),
        (None, None) => path.to_owned(),
    }
}

/// The name an attachment is packed under: its file name, or its path with `/` → `_` when
/// another attachment has the same name, so that names never collide.
pub(crate) fn packed_name(vault: &Vault, rel: &str) -> String {
    let name = vault::file_name(rel);
    match vault.attachments.get(&name.to_lowercase()) {
        Some(all) if all.len() > 1 => rel.replace('/', "_"),
        _ => name.to_owned(),
    }
}

/// The attachments the cards use, to pack into the deck.
pub(crate) fn collect_media(vault: &Vault, cards: &[Card]) -> Vec<Media> {
    let used: HashSet<&str> = cards.iter().flat_map(|c| c.media.iter().map(String::as_str)).collect();
    let mut media: BTreeMap<String, PathBuf> = BTreeMap::new();
    for paths in vault.attachments.values() {
        for rel in paths {
            let name = packed_name(vault, rel);
            if used.contains(name.as_str()) {
                media.insert(name, vault.root.join(rel));
            }
        }
    }
    media.into_iter().map(|(name, path)| Media { name, path }).collect()
}
