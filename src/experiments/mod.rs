//! Experiments: built-in numeric kinds declared in fenced `experiment` blocks.
//!
//! A note never runs code of its own: it names a kind and gives parameters, which are checked
//! against the kind's table (type, range, limits on steps, dimensions and trials). Each
//! experiment yields named results (`id.name`) and, for most kinds, a figure `id.svg`.
//! Results depend only on the spec, so they are cached by a hash of it.

pub mod cliff;
pub mod descent;
pub mod expr;
pub mod figures;
pub mod long_term;
pub mod loss_landscape;
pub mod objective;
pub mod optim;
pub mod random_hessian;
pub mod saddle;
pub mod spec;
pub mod symmetry;
pub mod train;

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::diagnostics::{Code, Diagnostic};
pub use spec::{Block, Spec};

/// Every kind with its parameter table.
pub const KINDS: [(&str, &[spec::ParamDef]); 8] = [
    ("saddle-escape", saddle::PARAMS),
    ("ill-conditioned", descent::PARAMS),
    ("symmetry-count", symmetry::PARAMS),
    ("random-hessian", random_hessian::PARAMS),
    ("long-term", long_term::PARAMS),
    ("cliff", cliff::PARAMS),
    ("train", train::PARAMS),
    ("loss-landscape", loss_landscape::PARAMS),
];

/// A result value.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Value {
    /// A number; `inf` means "never" (e.g. an escape that did not happen).
    Num(f64),
    /// A yes/no result.
    Bool(bool),
}

impl Value {
    /// As a number: booleans are 1 and 0.
    pub fn as_f64(self) -> f64 {
        match self {
            Value::Num(v) => v,
            Value::Bool(b) => f64::from(u8::from(b)),
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Num(v) => f.write_str(&format_number(*v)),
        }
    }
}

/// A number as cards show it: whole numbers in full, others to 4 significant digits.
pub fn format_number(v: f64) -> String {
    format_significant(v, 4)
}

/// `v` to `sig` significant digits (whole numbers in full): plain notation from 10⁻³ to 10⁶,
/// scientific outside it, trailing zeros of the fraction dropped. No digit of the integer part is
/// ever dropped.
pub fn format_significant(v: f64, sig: usize) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "∞".into() } else { "-∞".into() };
    }
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{v:.0}");
    }
    let sig = sig.clamp(1, 17);
    let a = v.abs();
    if (1e-3..1e6).contains(&a) {
        let digits = (sig as i32 - 1 - a.log10().floor() as i32).max(0) as usize;
        let s = format!("{v:.digits$}");
        return if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_owned() } else { s };
    }
    let s = format!("{v:.prec$e}", prec = sig - 1);
    match s.split_once('e') {
        Some((m, e)) if m.contains('.') => format!("{}e{e}", m.trim_end_matches('0').trim_end_matches('.')),
        _ => s,
    }
}

/// An expected and a measured value printed with enough digits to tell them apart, and to show
/// the digit at the scale of `slack` (the claim's tolerance): "expected 0.99362 ± 1e-5, measured
/// 0.99378", not "0.9936 … 0.9938".
pub fn format_pair(expected: f64, measured: f64, slack: f64) -> (String, String) {
    let scale = |v: f64| if v == 0.0 || !v.is_finite() { 0 } else { v.abs().log10().floor() as i32 };
    let mut sig = 4;
    if slack > 0.0 && slack.is_finite() {
        let needed = scale(expected.abs().max(measured.abs())) - scale(slack) + 2;
        sig = sig.max(needed.clamp(1, 17) as usize);
    }
    loop {
        let (e, m) = (format_significant(expected, sig), format_significant(measured, sig));
        if e != m || sig >= 17 || expected == measured {
            return (e, m);
        }
        sig += 1;
    }
}

/// A named line of points, for figures.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Series {
    /// The legend name.
    pub name: String,
    /// The points.
    pub points: Vec<(f64, f64)>,
}

/// What one experiment produced.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Outcome {
    /// Results by name, without the id.
    pub values: BTreeMap<String, Value>,
    /// Lines behind the figure.
    pub series: Vec<Series>,
    /// The figure, as SVG.
    pub figure: Option<String>,
    /// Things the reader of the results should know (reported as warnings at the block).
    pub warnings: Vec<String>,
}

impl Outcome {
    /// Records a number.
    pub fn num(&mut self, name: &str, v: f64) {
        self.values.insert(name.to_owned(), Value::Num(v));
    }

    /// Records a yes/no result.
    pub fn boolean(&mut self, name: &str, v: bool) {
        self.values.insert(name.to_owned(), Value::Bool(v));
    }
}

/// The median, with NaN sorted last; NaN for an empty slice.
pub fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 { v[m] } else { (v[m - 1] + v[m]) / 2.0 }
}

/// The most work one experiment may do, in work units: roughly the floating-point operations it
/// performs, counted per kind by its `cost` function. About 2 s on one core of a 2-core laptop.
pub const WORK_LIMIT: f64 = 2e9;

/// The most work all the experiments of one vault may do together.
pub const VAULT_WORK_LIMIT: f64 = 10.0 * WORK_LIMIT;

/// Fails when `cost` is over [`WORK_LIMIT`].
pub fn within_limit(cost: f64) -> Result<(), String> {
    if cost > WORK_LIMIT {
        return Err(format!(
            "it would do about {cost:.2e} units of work; one experiment may do {WORK_LIMIT:.0e} (about 2 s): \
             lower `steps`, `trials`, the dimension or the size of the network"
        ));
    }
    Ok(())
}

/// What an experiment will cost, before it runs (an error for a spec that cannot run).
pub fn cost(spec: &Spec) -> Result<f64, String> {
    match spec.kind.as_str() {
        "saddle-escape" => saddle::cost(&spec.params),
        "ill-conditioned" => Ok(descent::cost(&spec.params)),
        "symmetry-count" => Ok(symmetry::cost(&spec.params)),
        "random-hessian" => Ok(random_hessian::cost(&spec.params)),
        "long-term" => Ok(long_term::cost(&spec.params)),
        "cliff" => Ok(cliff::cost(&spec.params)),
        "train" => Ok(train::cost(&spec.params)),
        "loss-landscape" => Ok(loss_landscape::cost(&spec.params)),
        other => Err(format!("unknown kind `{other}`")),
    }
}

/// Runs one experiment; `draw` says whether to draw its figure (when not, the figure is named but
/// empty: nothing will write it).
pub fn run(spec: &Spec, draw: bool) -> Result<Outcome, String> {
    match spec.kind.as_str() {
        "saddle-escape" => saddle::run(&spec.params, draw),
        "ill-conditioned" => descent::run(&spec.params, draw),
        "symmetry-count" => symmetry::run(&spec.params, draw),
        "random-hessian" => random_hessian::run(&spec.params, draw),
        "long-term" => long_term::run(&spec.params, draw),
        "cliff" => cliff::run(&spec.params, draw),
        "train" => train::run(&spec.params, draw),
        "loss-landscape" => loss_landscape::run(&spec.params, draw),
        other => Err(format!("unknown kind `{other}`")),
    }
}

/// A figure: `draw()` when it will be written, otherwise an empty one that only holds its place.
fn drawn(draw: bool, svg: impl FnOnce() -> String) -> Option<String> {
    Some(if draw { svg() } else { String::new() })
}

/// Every experiment of the vault, run, by id.
#[derive(Debug, Default)]
pub struct Lab {
    /// Spec and outcome by id.
    pub experiments: BTreeMap<String, (Spec, Outcome)>,
    /// How long each experiment that ran took, in milliseconds, with its id and place; known
    /// outcomes are not listed.
    pub run_ms: Vec<(f64, String, String)>,
}

impl Lab {
    /// The value `id.name`.
    pub fn value(&self, full: &str) -> Option<Value> {
        let (id, name) = full.split_once('.')?;
        self.experiments.get(id)?.1.values.get(name).copied()
    }

    /// The result names of experiment `id`, for hints.
    pub fn names(&self, id: &str) -> Vec<String> {
        self.experiments
            .get(id)
            .map(|(_, o)| o.values.keys().map(|k| format!("{id}.{k}")).collect())
            .unwrap_or_default()
    }

    /// Figures by file name (`id.svg`).
    pub fn figures(&self) -> BTreeMap<String, &str> {
        self.experiments
            .iter()
            .filter_map(|(id, (_, o))| o.figure.as_deref().map(|f| (format!("{id}.svg"), f)))
            .collect()
    }
}

/// The hash of what an experiment's outcome depends on: its kind and its parameters (not its id).
pub fn spec_hash(spec: &Spec) -> crate::cache::Digest {
    crate::cache::digest([spec.kind.as_bytes(), format!("{:?}", spec.params).as_bytes()])
}

/// How [`run_all`] runs the experiments.
#[derive(Default)]
pub struct Runs {
    /// Draw the figures (a build writes them; a check does not).
    pub draw: bool,
    /// Outcomes known already, by [`spec_hash`]: these experiments are not run again.
    pub known: std::collections::HashMap<crate::cache::Digest, Outcome>,
}

/// Parses and runs every experiment block, in parallel, but those whose outcome is known.
/// Duplicate ids and failures are diagnostics.
pub fn run_all(blocks: &[Block], runs: &Runs) -> (Lab, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut specs: Vec<Spec> = Vec::new();
    for b in blocks {
        match spec::parse(b, &KINDS) {
            Ok(s) => {
                if let Some(first) = specs.iter().find(|o| o.id == s.id) {
                    diags.push(
                        Diagnostic::error(
                            Code::ExperimentDuplicateId,
                            &b.file,
                            b.line_of("id"),
                            1,
                            format!("experiment id `{}` is already used", s.id),
                        )
                        .with_hint(format!(
                            "first declared at {}:{}; ids are global to the vault",
                            first.block.file,
                            first.block.line_of("id")
                        )),
                    );
                } else {
                    specs.push(s);
                }
            }
            Err(d) => diags.extend(d),
        }
    }
    // The vault's budget is spent in file order; the experiments past it are not run.
    let mut spent = 0.0;
    let mut within = Vec::with_capacity(specs.len());
    for s in specs {
        let c = cost(&s).unwrap_or(0.0);
        if c <= WORK_LIMIT && spent + c > VAULT_WORK_LIMIT {
            diags.push(
                Diagnostic::error(
                    Code::ExperimentOverBudget,
                    &s.block.file,
                    s.block.line,
                    1,
                    format!("experiment `{}` was not run: the vault's experiments are over their budget", s.id),
                )
                .with_hint(format!(
                    "all experiments together may do {VAULT_WORK_LIMIT:.0e} units of work (about 20 s); \
                     the ones before this one used {spent:.2e}: make some smaller"
                )),
            );
            continue;
        }
        spent += c.min(WORK_LIMIT);
        within.push(s);
    }
    // The budget above counts known outcomes too, so that a vault passes or fails alike with and
    // without them. The costliest run first, so that both cores stay busy to the end.
    let mut order: Vec<(f64, usize)> = within.iter().enumerate().map(|(i, s)| (cost(s).unwrap_or(0.0), i)).collect();
    order.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut ran: Vec<(usize, Result<Outcome, String>, Option<f64>)> = order
        .into_par_iter()
        .map(|(_, i)| {
            let s = within.get(i).expect("the order holds indexes of `within`");
            if let Some(o) =
                runs.known.get(&spec_hash(s)).filter(|o| !runs.draw || o.figure.as_ref().is_none_or(|f| !f.is_empty()))
            {
                return (i, Ok(o.clone()), None);
            }
            let started = std::time::Instant::now();
            let o = run(s, runs.draw);
            (i, o, Some(started.elapsed().as_secs_f64() * 1000.0))
        })
        .collect();
    ran.sort_by_key(|(i, _, _)| *i);
    let mut lab = Lab::default();
    for ((_, o, ms), s) in ran.into_iter().zip(within) {
        if let Some(ms) = ms {
            lab.run_ms.push((ms, s.id.clone(), format!("{}:{}", s.block.file, s.block.line)));
        }
        match o {
            Ok(o) => {
                for w in &o.warnings {
                    diags.push(
                        Diagnostic::warning(
                            Code::ExperimentNote,
                            &s.block.file,
                            s.block.line,
                            1,
                            format!("experiment `{}`: {w}", s.id),
                        )
                        .with_hint("the results stand, but read them with this in mind"),
                    );
                }
                lab.experiments.insert(s.id.clone(), (s, o));
            }
            Err(msg) => diags.push(
                Diagnostic::error(
                    Code::ExperimentFailed,
                    &s.block.file,
                    s.block.line,
                    1,
                    format!("experiment `{}` cannot run: {msg}", s.id),
                )
                .with_hint("see the kind's parameters in the README"),
            ),
        }
    }
    (lab, diags)
}

#[cfg(test)]
mod tests {
    use super::{format_number, format_pair};

    #[test]
    fn no_digit_of_the_integer_part_is_dropped() {
        assert_eq!(format_number(1340.15), "1340");
        assert_eq!(format_number(2000.3), "2000");
        assert_eq!(format_number(100.26), "100.3");
        assert_eq!(format_number(999_999.5), "1000000");
    }

    #[test]
    fn pairs_show_the_difference_at_the_tolerance() {
        assert_eq!(format_pair(0.99362, 0.99378, 1e-5), ("0.99362".into(), "0.99378".into()));
        assert_eq!(format_pair(1.0000001, 1.0000002, 0.0), ("1.0000001".into(), "1.0000002".into()));
        assert_eq!(format_pair(12.0, 36.0, 0.0), ("12".into(), "36".into()));
    }

    proptest::proptest! {
        #[test]
        fn printed_numbers_parse_back_to_their_precision(mantissa in -1.0f64..1.0, exp in -20i32..20) {
            let v = mantissa * 10f64.powi(exp);
            let s = format_number(v);
            let back: f64 = s.parse().unwrap();
            if v.fract() == 0.0 && v.abs() < 1e15 {
                proptest::prop_assert_eq!(back, v);
            } else {
                // Four significant digits: off by at most half a unit in the fourth digit.
                proptest::prop_assert!((back - v).abs() <= 5.0001e-4 * v.abs(), "{} printed as {}", v, s);
            }
            if v.abs() >= 1.0 && v.abs() < 1e6 {
                let int_digits = |x: f64| format!("{:.0}", x.abs().trunc()).len();
                let printed = s.trim_start_matches('-').split('.').next().unwrap().len();
                // Rounding up can carry into one more digit (999.95 → 1000), never fewer.
                proptest::prop_assert!(printed == int_digits(v) || printed == int_digits(v) + 1, "{} printed as {}", v, s);
            }
        }
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(format_number(102.0), "102");
        assert_eq!(format_number(0.98019801), "0.9802");
        assert_eq!(format_number(1e-8), "1e-8");
        assert_eq!(format_number(12345.678), "12346");
        assert_eq!(format_number(f64::INFINITY), "∞");
    }
}
