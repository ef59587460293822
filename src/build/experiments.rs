//! Running the vault's experiments and checking its claims and cited values.

use crate::claims::{self, Verdict};
use crate::diagnostics::{Code, Diagnostic};
use crate::experiments::{self, Lab};
use crate::notes::Note;

/// Runs every experiment, checks every claim and every cited value.
pub(super) fn run_experiments(notes: &[&Note], runs: &experiments::Runs) -> (Lab, Vec<Verdict>, Vec<Diagnostic>) {
    let blocks: Vec<experiments::Block> = notes.iter().flat_map(|n| n.experiments.iter().cloned()).collect();
    let (lab, mut diags) = experiments::run_all(&blocks, runs);
    let mut all = Vec::new();
    for block in notes.iter().flat_map(|n| &n.claims) {
        let (c, d) = claims::parse(block);
        all.extend(c);
        diags.extend(d);
    }
    let (verdicts, d) = claims::check(&all, &lab);
    diags.extend(d);
    for note in notes.iter().copied() {
        for (name, line, col) in claims::cited_values(&note.text) {
            if lab.value(&name).is_none() {
                let id = name.split('.').next().unwrap_or("");
                let names = lab.names(id);
                let hint = if names.is_empty() {
                    format!("no experiment `{id}` in the vault")
                } else {
                    format!("`{id}` has: {}", names.join(", "))
                };
                diags.push(
                    Diagnostic::error(Code::ValueUnknown, &note.path, line, col, format!("unknown value `{name}`"))
                        .with_hint(hint),
                );
            }
        }
    }
    (lab, verdicts, diags)
}
