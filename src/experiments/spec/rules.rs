//! The values of two parameter types beyond numbers and names: a distribution to draw random
//! start points from (`uniform(-2, 2)`), and the rules that end a run (`grad_norm <= 1e-6`).

use yaml_rust2::Yaml;

use super::{excerpt, number};

/// A distribution random start points are drawn from, each coordinate independently.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dist {
    /// Uniform on [a, b].
    Uniform(f64, f64),
    /// Gaussian with this mean and standard deviation.
    Normal(f64, f64),
}

/// A rule that ends a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stop {
    /// When the run has escaped.
    Escape,
    /// Never: the run takes all its steps.
    Never,
    /// When `metric` is at most `limit` (below it, with `strict`).
    Below {
        /// What is measured.
        metric: Metric,
        /// The limit.
        limit: f64,
        /// `<` rather than `<=`.
        strict: bool,
    },
}

/// What a stopping rule measures at the current point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// f(x).
    Loss,
    /// ‖∇f(x)‖.
    GradNorm,
    /// ‖x − target‖.
    Distance,
}

impl Stop {
    /// Whether the rule holds, given the metric's value now and whether the run has escaped.
    pub fn holds(&self, escaped: bool, measure: impl Fn(Metric) -> f64) -> bool {
        match *self {
            Stop::Escape => escaped,
            Stop::Never => false,
            Stop::Below { metric, limit, strict } => {
                let v = measure(metric);
                if strict { v < limit } else { v <= limit }
            }
        }
    }
}

/// `uniform(a, b)` with a < b, or `normal(mean, sd)` with sd > 0.
pub(super) fn distribution(text: &str) -> Result<Dist, String> {
    let bad = || format!("`{}` is neither a list of numbers nor `uniform(a, b)` or `normal(mean, sd)`", excerpt(text));
    let (name, rest) = text.trim().split_once('(').ok_or_else(bad)?;
    let args = rest.trim_end().strip_suffix(')').ok_or_else(bad)?;
    let args: Vec<f64> = args
        .split(',')
        .map(|a| number(&Yaml::String(a.trim().to_owned())).filter(|x| x.is_finite() && x.abs() <= 1e12))
        .collect::<Option<_>>()
        .ok_or_else(|| format!("the arguments of `{}` must be two numbers", excerpt(text)))?;
    match (name.trim(), args.as_slice()) {
        ("uniform", [a, b]) if a < b => Ok(Dist::Uniform(*a, *b)),
        ("uniform", [_, _]) => Err("`uniform(a, b)` needs a < b".into()),
        ("normal", [m, s]) if *s > 0.0 => Ok(Dist::Normal(*m, *s)),
        ("normal", [_, _]) => Err("`normal(mean, sd)` needs sd > 0".into()),
        ("uniform" | "normal", _) => Err(format!("`{}` takes two numbers", name.trim())),
        _ => Err(bad()),
    }
}

/// `escape`, `never`, or `METRIC <= LIMIT` (or `<`).
pub(super) fn stop_rule(text: &str) -> Result<Stop, String> {
    let t = text.trim();
    match t {
        "escape" => return Ok(Stop::Escape),
        "never" => return Ok(Stop::Never),
        _ => {}
    }
    let bad = || {
        format!(
            "`{}` is not a stopping rule: expected `escape`, `never`, or `loss`, `grad_norm` or `distance` then `<=` or `<` and a number",
            excerpt(text)
        )
    };
    let (lhs, strict, rhs) = match (t.split_once("<="), t.split_once('<')) {
        (Some((l, r)), _) => (l, false, r),
        (None, Some((l, r))) => (l, true, r),
        _ => return Err(bad()),
    };
    let metric = match lhs.trim() {
        "loss" => Metric::Loss,
        "grad_norm" => Metric::GradNorm,
        "distance" => Metric::Distance,
        _ => return Err(bad()),
    };
    let limit = number(&Yaml::String(rhs.trim().to_owned())).filter(|x| x.is_finite()).ok_or_else(bad)?;
    Ok(Stop::Below { metric, limit, strict })
}
