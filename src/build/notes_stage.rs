//! The notes stage, incremental: which notes the cache answers for, and what every other note
//! makes (its lints, cards and diagnostics), in parallel.

use rayon::prelude::*;

use crate::cache::{self, Cache, Digest, Key, Made};
use crate::cards;
use crate::diagnostics::Diagnostic;
use crate::experiments::Lab;
use crate::links;
use crate::lints;
use crate::notes::store::Store;
use crate::notes::{self, Note};
use crate::resolve::{Shared, Trace, VaultMedia};
use crate::settings::Settings;
use crate::templates::Templates;

/// What the cache knows of each note, by its bytes: `Some` when an entry was made from exactly
/// these bytes.
pub(super) fn known<'c>(paths: &[&str], digests: &[Digest], cache: &'c Cache) -> Vec<Option<&'c Key>> {
    paths.iter().zip(digests).map(|(p, d)| cache.key(p).filter(|k| k.content == *d)).collect()
}

/// Whether a note must be rebuilt on every build: its cards or checks depend on the whole vault
/// (experiments, claims, cited values, a note type inferred from every note).
pub(super) fn is_volatile(note: &Note) -> bool {
    !note.experiments.is_empty()
        || !note.claims.is_empty()
        || notes::infers_types(note)
        || !crate::claims::cited_values(&note.text).is_empty()
}

/// Parses, in parallel, every note the cache cannot answer for by its bytes, and every note whose
/// entry says it is volatile. Returns which notes are volatile.
pub(super) fn parse_unknown(store: &Store<'_>, known: &[Option<&Key>]) -> Vec<bool> {
    (0..store.len())
        .into_par_iter()
        .map(|i| match known.get(i).copied().flatten() {
            Some(k) if !k.volatile => false,
            _ => store.note(i).is_some_and(is_volatile),
        })
        .collect()
}

/// The names every note is found by: its path and aliases, from its parse or its entry.
pub(super) fn names<'s>(store: &'s Store<'_>, paths: &[&'s str], known: &[Option<&'s Key>]) -> links::Index {
    let aliases = |i: usize| -> &'s [String] {
        match store.parsed(i) {
            Some(note) => &note.frontmatter.aliases,
            None => known.get(i).copied().flatten().map_or(&[], |k| &k.aliases),
        }
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
        index: names(store, paths, known),
    }
}

/// The hash of what every note's cards depend on besides notes' text: the `global` inputs, every
/// note's names, and the experiments' results and figures.
pub(super) fn context(global: &Digest, store: &Store<'_>, paths: &[&str], known: &[Option<&Key>], lab: &Lab) -> Digest {
    let mut parts: Vec<Vec<u8>> = vec![global.to_vec()];
    for (i, p) in paths.iter().enumerate() {
        parts.push(p.as_bytes().to_vec());
        let aliases = match store.parsed(i) {
            Some(note) => note.frontmatter.aliases.as_slice(),
            None => known.get(i).copied().flatten().map_or(&[][..], |k| k.aliases.as_slice()),
        };
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
    pub(super) volatile: &'a [bool],
    pub(super) context: Digest,
    pub(super) cache: &'c Cache,
    pub(super) shared: &'a Shared<'a>,
    pub(super) templates: &'a Templates,
    pub(super) settings: &'a Settings,
    /// Where the next cache's entries go, when there is one.
    pub(super) spool: Option<&'a cache::Spool>,
}

/// What every note made, in vault order, each note's key for the next cache, and how many notes
/// were rebuilt.
pub(super) struct Outcome {
    pub(super) made: Vec<Made>,
    pub(super) entries: Vec<(Key, cache::Place)>,
    pub(super) rebuilt: usize,
}

/// Every note's [`Made`]: from the cache when its entry still holds, built otherwise.
pub(super) fn make(i: &Inputs<'_, '_>) -> anyhow::Result<Outcome> {
    let spool = |bytes: &[u8]| i.spool.map_or((0, 0), |s| s.put(bytes));
    let per_note: Vec<(Made, (Key, cache::Place), bool)> = (0..i.paths.len())
        .into_par_iter()
        .map(|n| -> anyhow::Result<_> {
            let path = i.paths.get(n).copied().unwrap_or_default();
            let volatile = i.volatile.get(n).copied().unwrap_or(true);
            let entry = i.known.get(n).copied().flatten().filter(|k| !volatile && still_holds(i, k));
            if let Some(made) = entry.and_then(|k| Some((k, i.cache.made(&k.path)?, i.cache.raw(&k.path)?))) {
                let (key, made, raw) = made;
                return Ok((made, (key.clone(), spool(raw)), false));
            }
            let (made, reads) = build(i, n)?;
            let key = Key {
                path: path.to_owned(),
                content: i.digests.get(n).copied().unwrap_or_default(),
                context: i.context,
                reads,
                volatile,
                aliases: i.store.note(n).map(|note| note.frontmatter.aliases.clone()).unwrap_or_default(),
            };
            let place = if i.spool.is_some() && !volatile { spool(&cache::encode(&made)) } else { spool(&[]) };
            Ok((made, (key, place), true))
        })
        .collect::<anyhow::Result<_>>()?;
    let rebuilt = per_note.iter().filter(|(_, _, b)| *b).count();
    let (made, entries): (Vec<Made>, Vec<(Key, cache::Place)>) = per_note.into_iter().map(|(m, e, _)| (m, e)).unzip();
    Ok(Outcome { made, entries, rebuilt })
}

/// Whether the entry `k` still holds: made in this context, and every note it read unchanged.
fn still_holds(i: &Inputs<'_, '_>, k: &Key) -> bool {
    k.context == i.context && k.reads.iter().all(|(p, d)| i.store.position(p).and_then(|n| i.digests.get(n)) == Some(d))
}

/// Builds one note: its lints, its cards and its diagnostics, and the other notes it read (with
/// their hashes).
fn build(i: &Inputs<'_, '_>, n: usize) -> anyhow::Result<(Made, Vec<(String, Digest)>)> {
    let (note, parse_diags) = i.store.parse(n);
    let mut diagnostics: Vec<Diagnostic> = parse_diags.clone();
    let Some(note) = note else { return Ok((Made { diagnostics, ..Made::default() }, Vec::new())) };
    let trace = Trace::default();
    let other = |p: &str| {
        trace.read.borrow_mut().insert(p.to_owned());
        i.store.get(p)
    };
    let media_exists = |t: &str| i.shared.media(t).is_some();
    let links = lints::check_note(note, &i.shared.index, &media_exists, &other);
    let cards = cards::render(note, i.templates, &VaultMedia::for_note(i.shared, &note.path, &trace))?;
    diagnostics.extend(notes::untagged_hints([note], i.settings));
    diagnostics.extend(trace.skipped_embeds());
    let reads = trace
        .read
        .into_inner()
        .into_iter()
        .filter(|p| *p != note.path)
        .filter_map(|p| {
            let d = *i.digests.get(i.store.position(&p)?)?;
            Some((p, d))
        })
        .collect();
    Ok((Made { cards, diagnostics, links }, reads))
}
