//! The pipeline: load the vault, parse notes, render cards, give them identity, write outputs.
//!
//! `check` runs the same stages and stops before writing anything.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use rayon::prelude::*;

use crate::cards::identity::{self, Lock};
use crate::cards::{self, Card};
use crate::claims::{self, Verdict};
use crate::diagnostics::{self, Diagnostic};
use crate::experiments::{self, Lab};
use crate::markdown::{self, Resolve};
use crate::notes::{self, Note};
use crate::outputs::{self, Media, apkg, atomic};
use crate::templates::Templates;
use crate::vault::{self, Vault};
use crate::{links, lints, settings};

/// What to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The vault's root folder.
    pub vault: PathBuf,
    /// Where to write; `None` checks without writing anything.
    pub out: Option<PathBuf>,
    /// Write the deck even when the vault has errors (the broken cards are left out).
    pub force: bool,
    /// The time in seconds given to new and changed cards.
    pub now: i64,
}

impl Options {
    /// Options for `vault`, writing to `out` (or only checking), at the current time.
    ///
    /// The time is `SOURCE_DATE_EPOCH` when set, for reproducible builds.
    pub fn new(vault: impl Into<PathBuf>, out: Option<PathBuf>) -> Self {
        let now = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
        });
        Options { vault: vault.into(), out, force: false, now }
    }
}

/// What a run found and wrote.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Report {
    /// Every diagnostic, sorted by place.
    pub diagnostics: Vec<Diagnostic>,
    /// How many notes were read.
    pub notes: usize,
    /// The cards, with identity.
    #[serde(skip)]
    pub cards: Vec<Card>,
    /// Every claim, checked.
    pub claims: Vec<Verdict>,
    /// How many experiments ran.
    pub experiments: usize,
    /// How many Anki notes the vault has (also when `cards` was not rebuilt).
    pub card_count: usize,
    /// How many errors are about what the notes claim (failing claims, broken experiments, unknown
    /// values): these keep `build` from writing a deck, unless forced.
    #[serde(default)]
    pub wrong_notes: usize,
    /// How many Anki cards those notes make: two for a reversed note, one per number for a cloze.
    #[serde(default)]
    pub anki_cards: usize,
    /// Nothing changed since the last build into the same folder, so nothing was rebuilt.
    pub unchanged: bool,
    /// Files written.
    #[serde(skip)]
    pub written: Vec<PathBuf>,
    /// The settings files that were read.
    #[serde(default)]
    pub settings_read: Vec<String>,
    /// How many notes (Anki notes: one per card written) each syntax made.
    #[serde(default)]
    pub syntaxes: BTreeMap<notes::Syntax, usize>,
}

impl Report {
    /// How many diagnostics are errors.
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// How many diagnostics are warnings.
    pub fn warnings(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_warning()).count()
    }
}

/// What rendering needs to know about the whole vault.
struct Shared<'a> {
    vault: &'a Vault,
    /// The Obsidian vault's name, for `obsidian://` links.
    vault_name: String,
    lab: &'a Lab,
    figures: BTreeMap<String, String>,
    notes: HashMap<&'a str, &'a Note>,
    index: links::Index,
}

/// Resolves media against the experiments' figures and the vault's attachments, embeds against the
/// vault's notes (following `chain`, so that a cycle is cut), and literate values against results.
struct VaultMedia<'a> {
    shared: &'a Shared<'a>,
    chain: Vec<String>,
    /// Embeds expanded so far for the note being rendered, shared by every level.
    expanded: &'a std::cell::Cell<usize>,
}

/// Embeds nest at most this deep.
const MAX_EMBED_DEPTH: usize = 10;

/// A note's cards expand at most this many embeds in all; the rest show as links. Notes that all
/// embed each other would otherwise expand fan-out to the power of the depth.
const MAX_EMBEDS_PER_NOTE: usize = 500;

impl Resolve for VaultMedia<'_> {
    fn vault_name(&self) -> &str {
        &self.shared.vault_name
    }

    fn media(&self, target: &str) -> Option<String> {
        self.shared.media(target)
    }

    fn embed(&self, dest: &str) -> Option<markdown::Rendered> {
        let r = links::Reference::parse(dest);
        // `![[#Heading]]` embeds a part of the note being rendered.
        let path = if r.target.is_empty() {
            self.current_path()?.to_owned()
        } else {
            let links::Resolution::Found(path) = self.shared.index.resolve(&r.target) else { return None };
            path
        };
        // The chain holds what is being rendered: a note, or a section or block of one.
        let key = embed_key(&path, &r);
        if self.chain.contains(&key) || self.chain.len() >= MAX_EMBED_DEPTH {
            let mut chain: Vec<&str> = self.chain.iter().skip(1).map(String::as_str).collect();
            chain.push(&key);
            let html =
                format!("<span class=\"embed-cycle\">embed cycle: {}</span>", markdown::escape(&chain.join(" → ")));
            return Some(markdown::Rendered { html, media: Vec::new() });
        }
        if self.expanded.get() >= MAX_EMBEDS_PER_NOTE {
            return None;
        }
        self.expanded.set(self.expanded.get() + 1);
        let note = self.shared.notes.get(path.as_str())?;
        let md = links::section(note.body(), &r.headings, r.block.as_deref())?;
        let mut chain = self.chain.clone();
        chain.push(key);
        let inner = VaultMedia { shared: self.shared, chain, expanded: self.expanded };
        Some(markdown::render(&md, markdown::Style::default(), &inner))
    }

    fn current_note(&self) -> Option<&str> {
        self.current_path().map(|p| p.strip_suffix(".md").unwrap_or(p))
    }

    fn value(&self, name: &str) -> Option<String> {
        self.shared.lab.value(name).map(|v| v.to_string())
    }
}

impl Shared<'_> {
    /// The packed name of a figure or attachment, if it exists.
    fn media(&self, target: &str) -> Option<String> {
        if let Some(fig) = self.figures.get(&vault::file_name(target).to_lowercase()) {
            return Some(fig.clone());
        }
        let rel = self.vault.attachment(target)?;
        Some(packed_name(self.vault, rel))
    }
}

impl VaultMedia<'_> {
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
fn packed_name(vault: &Vault, rel: &str) -> String {
    let name = vault::file_name(rel);
    match vault.attachments.get(&name.to_lowercase()) {
        Some(all) if all.len() > 1 => rel.replace('/', "_"),
        _ => name.to_owned(),
    }
}

/// Runs the pipeline.
pub fn run(opts: &Options) -> anyhow::Result<Report> {
    let mut clock = Stopwatch::new();
    let vault = vault::load(&opts.vault)?;
    clock.lap("load");
    let fingerprint = opts.out.as_ref().map(|_| fingerprint(&vault, opts));
    if let (Some(out), Some(fp)) = (&opts.out, &fingerprint)
        && let Some(report) = unchanged(out, fp)
    {
        clock.lap("fingerprint");
        return Ok(report);
    }
    let templates = Templates::load(&vault.root)?;
    let lock = Lock::load(&vault.root)?;
    let mut report = Report { notes: vault.notes.len(), ..Report::default() };
    report.diagnostics.extend(vault.unreadable.iter().cloned());
    let (settings, diags) = settings::load(&vault.root);
    report.diagnostics.extend(diags);
    report.settings_read = settings.read.clone();
    let root_deck = settings.deck.clone().unwrap_or_else(|| vault.name.clone());

    let parsed: Vec<(Option<Note>, Vec<Diagnostic>)> =
        vault.notes.par_iter().map(|src| notes::parse(src, &root_deck, &settings)).collect();
    let mut notes = Vec::with_capacity(parsed.len());
    for (note, diags) in parsed {
        report.diagnostics.extend(diags);
        notes.extend(note);
    }
    let (types, diags) = notes::resolve_custom_types(&mut notes, &settings);
    report.diagnostics.extend(diags);
    report.diagnostics.extend(notes::untagged_hints(&notes, &settings));

    clock.lap("parse");
    let (lab, verdicts, diags) = run_experiments(&notes);
    clock.lap("experiments");
    report.wrong_notes = diags.iter().filter(|d| d.is_error()).count();
    report.diagnostics.extend(diags);
    report.claims = verdicts;
    report.experiments = lab.experiments.len();
    let figures: BTreeMap<String, String> = lab.figures().into_keys().map(|n| (n.to_lowercase(), n)).collect();
    let index = links::Index::new(notes.iter().map(|n| (n.path.as_str(), n.frontmatter.aliases.as_slice())));
    let by_path: HashMap<&str, &Note> = notes.iter().map(|n| (n.path.as_str(), n)).collect();
    let shared = Shared {
        vault: &vault,
        vault_name: settings.scope.vault_name.clone(),
        lab: &lab,
        figures,
        notes: by_path,
        index,
    };
    let media_exists = |t: &str| shared.media(t).is_some();
    report.diagnostics.extend(lints::check(&notes, &shared.index, &media_exists, settings.lints.unresolved_links));
    clock.lap("lints");
    let rendered: Vec<Vec<Card>> = notes
        .par_iter()
        .map(|n| {
            // The chain starts at a card of the note: the note itself may still be embedded once.
            let chain = vec![format!("{}#card", n.path)];
            let expanded = std::cell::Cell::new(0);
            cards::render(n, &templates, &VaultMedia { shared: &shared, chain, expanded: &expanded })
        })
        .collect::<anyhow::Result<_>>()?;
    let mut cards: Vec<Card> = rendered.into_iter().flatten().collect();
    let (models, diags) = cards::notetypes::models(&mut cards, &types);
    report.diagnostics.extend(cards::duplicates(&cards));
    for c in &cards {
        *report.syntaxes.entry(c.syntax).or_default() += 1;
    }
    report.diagnostics.extend(diags);
    clock.lap("render");

    let present: HashSet<String> = vault.notes.iter().map(|n| n.rel.clone()).collect();
    let (new_lock, diags) = identity::assign(&mut cards, &present, &lock, opts.now);
    report.diagnostics.extend(diags);
    diagnostics::sort(&mut report.diagnostics);
    clock.lap("identity");
    report.anki_cards = cards
        .iter()
        .map(|c| {
            let model = models.iter().find(|m| m.name == c.type_name());
            match model {
                Some(m) if m.cloze => c.cloze_numbers().len(),
                Some(m) => m.templates.len(),
                None => 1,
            }
        })
        .sum();
    report.cards = cards;
    report.card_count = report.cards.len();

    let Some(out) = &opts.out else {
        return Ok(report);
    };
    // A broken card is left out and the rest is written; but a deck built from notes whose claims
    // or experiments are wrong would teach wrong things, so those block it (unless forced).
    if report.wrong_notes > 0 && !opts.force {
        return Ok(report);
    }
    // Two builds into one output folder take turns writing it: the second waits for the first.
    let _lock = lock_output(out)?;
    // A build killed while writing leaves temporary files; this one clears them.
    atomic::remove_stale(out);
    atomic::remove_stale(&out.join("figures"));
    let figure_dir = out.join("figures");
    for (name, svg) in lab.figures() {
        atomic::write(&figure_dir.join(&name), svg.as_bytes())?;
    }
    let mut media = collect_media(&vault, &report.cards);
    let used: HashSet<&str> = report.cards.iter().flat_map(|c| c.media.iter().map(String::as_str)).collect();
    media.extend(
        lab.figures()
            .into_keys()
            .filter(|n| used.contains(n.as_str()))
            .map(|name| Media { path: figure_dir.join(&name), name }),
    );
    media.sort();
    media.dedup_by(|a, b| a.name == b.name);
    let deck_name = outputs::safe_file_name(&root_deck);
    let apkg_path = out.join(format!("{deck_name}.apkg"));
    let txt_path = out.join("cards.txt");
    // A `.studygen` that is a link could point outside the vault: never write through it.
    let state_dir = vault.root.join(".studygen");
    let state_is_link = std::fs::symlink_metadata(&state_dir).is_ok_and(|m| m.file_type().is_symlink());
    // The package and the other files are independent: write them on both cores.
    let (apkg, rest) = rayon::join(
        || {
            apkg::write(&apkg_path, &report.cards, &models, &media, &templates, opts.now)
                .with_context(|| format!("cannot write `{}`", apkg_path.display()))
        },
        || -> anyhow::Result<Option<String>> {
            atomic::write(&txt_path, outputs::text::render(&report.cards, &models).as_bytes())?;
            if new_lock != lock && !state_is_link {
                // A read-only vault still builds; only the identity file is not updated.
                if let Err(e) = atomic::write(&vault.root.join(identity::LOCK_PATH), new_lock.to_json().as_bytes()) {
                    return Ok(Some(format!("{e:#}")));
                }
            }
            Ok(None)
        },
    );
    apkg?;
    if let Some(why) = rest? {
        report.diagnostics.push(
            Diagnostic::warning(identity::LOCK_PATH, 0, 0, format!("the identity file was not written: {why}"))
                .with_hint("the deck was built; make the vault writable so that edited cards keep their identity"),
        );
    }
    if state_is_link && new_lock != lock {
        report.diagnostics.push(
            Diagnostic::warning(
                identity::LOCK_PATH,
                0,
                0,
                "`.studygen` is a link: the identity file was not written through it",
            )
            .with_hint(
                "make `.studygen` a real folder inside the vault; until then, edited cards may get new identities",
            ),
        );
    }
    clock.lap("outputs");
    report.card_count = report.cards.len();
    if fingerprint.is_some() {
        // Recomputed now: the build may just have written the identity file.
        let fp = self::fingerprint(&vault, opts);
        let apkg = apkg_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let stamp = serde_json::json!({ "fingerprint": fp, "report": &report, "apkg": apkg });
        atomic::write(&out.join(STAMP), stamp.to_string().as_bytes())?;
    }
    report.written = vec![apkg_path, txt_path];
    Ok(report)
}

/// The most of one settings file the fingerprint reads.
const MAX_STAMP_INPUT: u64 = 16 << 20;

/// The lock file in the output folder that builds into it hold while they run.
const LOCK_FILE: &str = ".studygen-build.lock";

/// Takes the output folder's lock, waiting while another build holds it; released when dropped.
fn lock_output(out: &Path) -> anyhow::Result<std::fs::File> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create folder `{}`", out.display()))?;
    let path = out.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open `{}`", path.display()))?;
    file.lock().with_context(|| format!("cannot lock `{}`", path.display()))?;
    Ok(file)
}

/// The file in the output folder that records what the last build was built from.
const STAMP: &str = ".studygen-build.json";

/// A hash of everything a build depends on: studygen's version, the notes, the attachments (path,
/// size and modification time), template overrides, the identity file and the options.
fn fingerprint(vault: &Vault, opts: &Options) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(env!("CARGO_PKG_VERSION"));
    h.update([u8::from(opts.force)]);
    for note in &vault.notes {
        h.update(note.rel.as_bytes());
        h.update((note.bytes.len() as u64).to_le_bytes());
        h.update(&note.bytes);
    }
    for rel in vault.attachments.values().flatten() {
        let meta = std::fs::metadata(vault.root.join(rel)).ok();
        let mtime =
            meta.as_ref().and_then(|m| m.modified().ok()).and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
        h.update(rel.as_bytes());
        h.update(format!("{:?}{:?}", meta.map(|m| m.len()), mtime));
    }
    for extra in [identity::LOCK_PATH.to_owned()]
        .into_iter()
        .chain(crate::templates::DEFAULTS.iter().map(|(n, _)| format!("{}/{n}", crate::templates::OVERRIDE_DIR)))
    {
        h.update(extra.as_bytes());
        h.update(crate::vault::read_own_file(&vault.root.join(&extra), 256 << 20).ok().flatten().unwrap_or_default());
    }
    for path in settings::files(&vault.root) {
        h.update(path.to_string_lossy().as_bytes());
        h.update(crate::vault::read_own_file(&path, MAX_STAMP_INPUT).ok().flatten().unwrap_or_default());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The last build's report, if it was built from exactly this fingerprint and its outputs exist.
fn unchanged(out: &Path, fp: &str) -> Option<Report> {
    #[derive(serde::Deserialize)]
    struct Stamp {
        fingerprint: String,
        report: Report,
        #[serde(default)]
        apkg: String,
    }
    let stamp: Stamp = serde_json::from_slice(&std::fs::read(out.join(STAMP)).ok()?).ok()?;
    // Every output must still be there: a deleted deck is rebuilt.
    let outputs_exist = out.join("cards.txt").is_file() && !stamp.apkg.is_empty() && out.join(&stamp.apkg).is_file();
    if stamp.fingerprint != fp || !outputs_exist {
        return None;
    }
    let mut report = stamp.report;
    report.unchanged = true;
    Some(report)
}

/// Prints how long each stage took when `STUDYGEN_TIMINGS` is set.
struct Stopwatch {
    last: Option<std::time::Instant>,
}

impl Stopwatch {
    fn new() -> Self {
        Stopwatch { last: std::env::var_os("STUDYGEN_TIMINGS").map(|_| std::time::Instant::now()) }
    }

    fn lap(&mut self, stage: &str) {
        if let Some(last) = self.last {
            eprintln!("timing: {stage}: {:.1} ms", last.elapsed().as_secs_f64() * 1000.0);
            self.last = Some(std::time::Instant::now());
        }
    }
}

/// Runs every experiment, checks every claim and every cited value.
fn run_experiments(notes: &[Note]) -> (Lab, Vec<Verdict>, Vec<Diagnostic>) {
    let blocks: Vec<experiments::Block> = notes.iter().flat_map(|n| n.experiments.iter().cloned()).collect();
    let (lab, mut diags) = experiments::run_all(&blocks);
    let mut all = Vec::new();
    for block in notes.iter().flat_map(|n| &n.claims) {
        let (c, d) = claims::parse(block);
        all.extend(c);
        diags.extend(d);
    }
    let (verdicts, d) = claims::check(&all, &lab);
    diags.extend(d);
    for note in notes {
        for (name, line, col) in claims::cited_values(&note.text) {
            if lab.value(&name).is_none() {
                let id = name.split('.').next().unwrap_or("");
                let names = lab.names(id);
                let hint = if names.is_empty() {
                    format!("no experiment `{id}` in the vault")
                } else {
                    format!("`{id}` has: {}", names.join(", "))
                };
                diags.push(Diagnostic::error(&note.path, line, col, format!("unknown value `{name}`")).with_hint(hint));
            }
        }
    }
    (lab, verdicts, diags)
}

fn collect_media(vault: &Vault, cards: &[Card]) -> Vec<Media> {
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
