//! The notes stage, incremental: which notes the cache answers for, and what every other note
//! makes (its lints, cards and diagnostics), in parallel.

use std::borrow::Cow;

use rayon::prelude::*;

use crate::cache::{self, Cache, Digest, Key, Made};
use crate::cards;
use crate::diagnostics::Diagnostic;
use crate::experiments::Lab;
use crate::links;
use crate::lints;
use crate::notes::store::{Parse, Store};
use crate::notes::{self, Note};
use crate::resolve::{Shared, Trace, VaultMedia};
use crate::settings::Settings;
use crate::templates::Templates;

/// What the cache knows of each note, by its bytes: `Some` when an entry was made from exactly
/// these bytes. The cache lists the notes as the vault did then, mostly as it does now: a note is
/// looked up by its path only where the two lists differ.
pub(super) fn known<'c>(paths: &[&str], digests: &[Digest], cache: &'c Cache) -> Vec<Option<&'c Key>> {
    let entry = |n: usize, p: &str| cache.key_at(n).filter(|k| k.path == p).or_else(|| cache.key(p));
    paths.iter().zip(digests).enumerate().map(|(n, (p, d))| entry(n, p).filter(|k| k.content == *d)).collect()
}

/// Where each note the cache lists is now: its place among the vault's notes, which [`Key::reads`]
/// are turned into. As in [`known`], a note is looked up by its path only where the lists differ.
pub(super) fn places(paths: &[&str], cache: &Cache, store: &Store<'_>) -> Vec<Option<u32>> {
    (0..cache.listed())
        .into_par_iter()
        .map(|n| {
            let path = cache.key_at(n)?.path.as_str();
            let now = if paths.get(n) == Some(&path) { n } else { store.position(path)? };
            u32::try_from(now).ok()
        })
        .collect()
}

/// Surveys, in parallel, every note the cache cannot answer for by its bytes, and every note whose
/// entry says it is volatile; parses (and keeps) the literate ones among them, which the
/// experiments read. Returns which notes are literate.
pub(super) fn survey_unknown(store: &Store<'_>, known: &[Option<&Key>]) -> Vec<bool> {
    (0..store.len())
        .into_par_iter()
        .map(|i| match known.get(i).copied().flatten() {
            Some(k) if !k.volatile => false,
            _ => {
                let literate = store.survey(i).is_some_and(|s| s.literate);
                if literate {
                    store.note(i);
                }
                literate
            }
        })
        .collect()
}

/// The names every note is found by: its path and aliases, from its parse or its entry.
pub(super) fn names<'s>(store: &'s Store<'_>, paths: &[&'s str], known: &[Option<&'s Key>]) -> links::Index {
    let aliases = |i: usize| -> &'s [String] {
        store.aliases(i).unwrap_or_else(|| known.get(i).copied().flatten().map_or(&[], |k| &k.aliases))
    };
    links::Index::new(paths.iter().enumerate().map(|(i, p)| (*p, aliases(i))))
}

/// What rendering needs of the whole vault: its notes (parsed on demand from `store`), names,
/// attachments and the experiments' figures and results.
pub(super) fn shared<'a>(
    vault: &'a crate::vault::Vault,
    settings: &Settings,
    lab: &'a Lab,
    store: &'a Store<'a>,
    paths: &[&'a str],
    known: &[Option<&'a Key>],
) -> Shared<'a> {
    Shared {
        vault,
        vault_name: settings.scope.vault_name.clone(),
        lab,
        figures: lab.figures().into_keys().map(|n| (n.to_lowercase(), n)).collect(),
        notes: store,
        index: {
            let mut index = names(store, paths, known);
            index.add_symlinks(&vault.symlinks);
            index
        },
        alike: std::sync::OnceLock::new(),
    }
}

/// The hash of what every note's cards depend on besides notes' text: the `global` inputs, every
/// note's names, and the experiments' results and figures.
pub(super) fn context(global: &Digest, store: &Store<'_>, paths: &[&str], known: &[Option<&Key>], lab: &Lab) -> Digest {
    let mut parts: Vec<Vec<u8>> = vec![global.to_vec()];
    for (i, p) in paths.iter().enumerate() {
        parts.push(p.as_bytes().to_vec());
        let aliases = store
            .aliases(i)
            .unwrap_or_else(|| known.get(i).copied().flatten().map_or(&[][..], |k| k.aliases.as_slice()));
        parts.push(aliases.join("\n").into_bytes());
    }
    for (id, (_, outcome)) in &lab.experiments {
        parts.push(format!("{id} {:?} {}", outcome.values, outcome.figure.is_some()).into_bytes());
    }
    cache::digest(parts.iter().map(Vec::as_slice))
}

/// What the notes stage needs of the rest of the build.
pub(super) struct Inputs<'a, 'c> {
    pub(super) store: &'a Store<'a>,
    pub(super) paths: &'a [&'a str],
    pub(super) digests: &'a [Digest],
    pub(super) known: &'a [Option<&'c Key>],
    /// Where each note the cache lists is now ([`places`]).
    pub(super) places: &'a [Option<u32>],
    pub(super) volatile: &'a [bool],
    pub(super) context: Digest,
    pub(super) cache: &'c Cache,
    pub(super) shared: &'a Shared<'a>,
    pub(super) templates: &'a Templates,
    pub(super) settings: &'a Settings,
    /// Where the next cache's entries go, when there is one.
    pub(super) spool: Option<&'a cache::Spool>,
}

/// What every note made, in vault order, each note's key for the next cache, how many notes were
/// rebuilt, and the fields of every note type that is not built in (see
/// [`notes::resolve_custom_types`]) with what resolving them found.
pub(super) struct Outcome {
    pub(super) made: Vec<Made>,
    pub(super) entries: Vec<(Key, cache::Slot)>,
    pub(super) rebuilt: usize,
    pub(super) types: std::collections::BTreeMap<String, crate::settings::Declared>,
    pub(super) type_diagnostics: Vec<Diagnostic>,
}

/// One note's step through the stage. Nearly every note is `Made`, so that variant is not boxed.
#[allow(clippy::large_enum_variant)]
enum Step {
    /// Its cards, from the cache or built.
    Made(Made, (Key, cache::Slot), bool),
    /// Its parse, kept until every note is parsed: its cards are of a type whose fields come from
    /// the whole vault's blocks of that type. (Boxed: a parse is large, and few notes defer.)
    Deferred(Box<Parse>),
    /// A deferred note while the types are inferred from the parses taken out of their steps.
    Pending,
}

/// Every note's [`Made`]: from the cache when its entry still holds, built otherwise. A note is
/// parsed here, once, unless the store keeps its parse (literate and embedded notes), and its
/// parse is dropped as soon as its cards are made: the vault's parses are never all held at once.
pub(super) fn make(i: &Inputs<'_, '_>) -> anyhow::Result<Outcome> {
    let spool = |bytes: &[u8]| i.spool.map_or_else(cache::Slot::default, |s| s.put(bytes));
    let steps: Vec<Step> = (0..i.paths.len())
        .into_par_iter()
        .map(|n| {
            let step = step(i, n, &spool);
            // Its text is not held beside every note's cards: a note that embeds it later, or a
            // diagnostic that quotes it, reads it again.
            i.store.release(n);
            step
        })
        .collect::<anyhow::Result<_>>()?;

    // The deferred notes, now that every block of their types is known. Each step is changed in
    // its place: the steps are a few hundred bytes a note, and are moved once, below.
    let mut steps = steps;
    let mut deferred: Vec<(usize, Box<Parse>)> = Vec::new();
    for (n, step) in steps.iter_mut().enumerate() {
        if matches!(step, Step::Deferred(_))
            && let Step::Deferred(parse) = std::mem::replace(step, Step::Pending)
        {
            deferred.push((n, parse));
        }
    }
    let mut inferring: Vec<&mut Note> = deferred.iter_mut().filter_map(|(_, p)| p.0.as_mut()).collect();
    let (types, type_diagnostics) = notes::resolve_custom_types(&mut inferring, i.settings);
    for (n, parse) in &deferred {
        let (made, key) = build(i, *n, parse, true)?;
        if let Some(step) = steps.get_mut(*n) {
            *step = Step::Made(made, (key, spool(&[])), true);
        }
    }

    let (mut made, mut entries) = (Vec::with_capacity(steps.len()), Vec::with_capacity(steps.len()));
    let mut rebuilt = 0;
    for step in steps {
        if let Step::Made(m, entry, built) = step {
            rebuilt += usize::from(built);
            made.push(m);
            entries.push(entry);
        }
    }
    Ok(Outcome { made, entries, rebuilt, types, type_diagnostics })
}

/// One note's step: its cards from the cache when its entry still holds, else its parse, built now
/// or deferred.
fn step(i: &Inputs<'_, '_>, n: usize, spool: &dyn Fn(&[u8]) -> cache::Slot) -> anyhow::Result<Step> {
    let literate = i.volatile.get(n).copied().unwrap_or(true);
    let entry = i.known.get(n).copied().flatten().filter(|k| !k.volatile && !literate);
    let held = entry.and_then(|k| Some((k, still_holds(i, k)?)));
    if let Some((key, reads, (made, raw, slot))) = held.and_then(|(k, r)| Some((k, r, i.cache.made(&k.path)?))) {
        let place = i.spool.and_then(|s| s.keeps(slot)).unwrap_or_else(|| spool(&raw));
        return Ok(Step::Made(made, (Key { reads, ..key.clone() }, place), false));
    }
    let parse = match i.store.kept(n) {
        Some(kept) => Cow::Borrowed(kept),
        None => Cow::Owned(i.store.parse_apart(n)),
    };
    if parse.0.as_ref().is_some_and(notes::infers_types) {
        return Ok(Step::Deferred(Box::new(parse.into_owned())));
    }
    let (made, key) = build(i, n, &parse, literate)?;
    let place = if i.spool.is_some() && !literate { spool(&cache::encode(&made)) } else { spool(&[]) };
    Ok(Step::Made(made, (key, place), true))
}

/// Whether the entry `k` still holds: made in this context, and every note it read still there and
/// unchanged. Returns where those notes are now.
fn still_holds(i: &Inputs<'_, '_>, k: &Key) -> Option<Vec<u32>> {
    if k.context != i.context {
        return None;
    }
    let now: Vec<u32> = k.reads.iter().map(|&r| i.places.get(r as usize).copied().flatten()).collect::<Option<_>>()?;
    (reads_digest(i, &now)? == k.reads_digest).then_some(now)
}

/// [`cache::reads_digest`] of the notes at `reads`, if they are all there.
fn reads_digest(i: &Inputs<'_, '_>, reads: &[u32]) -> Option<Digest> {
    let notes: Vec<(&str, &Digest)> =
        reads.iter().map(|&r| Some((*i.paths.get(r as usize)?, i.digests.get(r as usize)?))).collect::<Option<_>>()?;
    Some(cache::reads_digest(notes))
}

/// Builds the `n`th note from its parse: its lints, its cards and its diagnostics, and its key
/// for the next cache, which lists the other notes it read (with their hashes).
fn build(i: &Inputs<'_, '_>, n: usize, parse: &Parse, volatile: bool) -> anyhow::Result<(Made, Key)> {
    let (note, parse_diags) = parse;
    let mut diagnostics: Vec<Diagnostic> = parse_diags.clone();
    let key = |reads: Vec<u32>, aliases: Vec<String>| Key {
        path: i.paths.get(n).copied().unwrap_or_default().to_owned(),
        content: i.digests.get(n).copied().unwrap_or_default(),
        context: i.context,
        reads_digest: reads_digest(i, &reads).unwrap_or_default(),
        reads,
        volatile,
        aliases,
        // Set once every note is made (the build knows the stamps).
        stamp: None,
    };
    let Some(note) = note else { return Ok((Made { diagnostics, ..Made::default() }, key(Vec::new(), Vec::new()))) };
    let trace = Trace::default();
    let outline = |p: &str| {
        let mut read = trace.read.borrow_mut();
        if !read.contains(p) {
            read.insert(p.to_owned());
        }
        i.store.outline(p)
    };
    let media_exists = |t: &str| i.shared.media(t).is_some();
    let alike = |t: &str| i.shared.attachment_like(t);
    let links = lints::check_note(note, &i.shared.index, &media_exists, &alike, &outline);
    let cards = cards::render(note, i.templates, &VaultMedia::for_note(i.shared, &note.path, &trace))?;
    diagnostics.extend(notes::untagged_hints([note], i.settings));
    diagnostics.extend(trace.skipped_embeds());
    let mut reads: Vec<u32> = trace
        .read
        .into_inner()
        .into_iter()
        .filter(|p| *p != note.path)
        .filter_map(|p| u32::try_from(i.store.position(&p)?).ok())
        .collect();
    reads.sort_unstable();
    Ok((Made { cards, diagnostics, links }, key(reads, note.frontmatter.aliases.clone())))
}
