//! `ill-conditioned`: gradient descent and heavy-ball momentum on the quadratic ½ xᵀHx with
//! H = diag(λ), comparing what is measured with what theory predicts.
//!
//! Step-size rules: `fixed` (the `alpha` parameter), `inverse_max` (1/λ_max), `optimal`
//! (2/(λ_max+λ_min)), and `heavy_ball` (α = 4/(√λ_max+√λ_min)², β = ((√κ-1)/(√κ+1))²).

use super::spec::{Default as D, ParamDef, Params, Ty};
use super::{Outcome, Series};

/// The step-size rules.
pub const RULES: [&str; 5] = ["fixed", "inverse_max", "optimal", "heavy_ball", "exact"];

/// The parameters.
pub const PARAMS: &[ParamDef] = &[
    ParamDef {
        name: "eigenvalues",
        ty: Ty::NumList(1, 1000),
        default: D::Optional,
        doc: "the Hessian's eigenvalues, all positive; or give `kappa`",
    },
    ParamDef {
        name: "kappa",
        ty: Ty::Num(1.0, 1e12),
        default: D::Optional,
        doc: "instead of `eigenvalues`: the condition number; eigenvalues spread geometrically from 1 to κ",
    },
    ParamDef { name: "dim", ty: Ty::Int(2, 1000), default: D::Num(2.0), doc: "with `kappa`: the dimension" },
    ParamDef {
        name: "start",
        ty: Ty::NumList(1, 1000),
        default: D::Optional,
        doc: "the start point (default: all ones)",
    },
    ParamDef {
        name: "rules",
        ty: Ty::Choices(&RULES),
        default: D::Names(&["inverse_max", "optimal", "heavy_ball"]),
        doc: "the step-size rules to run",
    },
    ParamDef { name: "alpha", ty: Ty::Num(1e-12, 1e6), default: D::Optional, doc: "the step of the `fixed` rule" },
    ParamDef {
        name: "tol",
        ty: Ty::Num(1e-15, 0.5),
        default: D::Num(1e-6),
        doc: "the relative error ‖x_k‖/‖x_0‖ to reach",
    },
    ParamDef {
        name: "steps",
        ty: Ty::Int(1, 1_000_000),
        default: D::Num(100_000.0),
        doc: "at most this many iterations",
    },
];

/// The work the experiment does, in the units of [`super::WORK_LIMIT`]: a few operations per
/// coordinate per step, for each rule.
pub fn cost(p: &Params) -> f64 {
    let n = match p.list("eigenvalues") {
        Some(l) => l.len(),
        None => p.int("dim"),
    };
    10.0 * p.int("steps") as f64 * n as f64 * p.names("rules").len() as f64
}

/// Runs the experiment.
pub fn run(p: &Params, draw: bool) -> Result<Outcome, String> {
    let lambda: Vec<f64> = match (p.list("eigenvalues"), p.has("kappa")) {
        (Some(l), false) => l.to_vec(),
        (None, true) => {
            let (k, d) = (p.num("kappa"), p.int("dim"));
            (0..d).map(|i| k.powf(i as f64 / (d - 1) as f64)).collect()
        }
        _ => return Err("give exactly one of `eigenvalues` or `kappa`".into()),
    };
    if lambda.iter().any(|l| *l <= 0.0) {
        return Err("every eigenvalue must be positive (this kind studies conditioning, not saddles)".into());
    }
    let n = lambda.len();
    let start = p.list("start").map_or(vec![1.0; n], <[f64]>::to_vec);
    if start.len() != n || start.iter().all(|x| *x == 0.0) {
        return Err(format!("`start` needs {n} coordinates, not all zero"));
    }
    let steps = p.int("steps");
    super::within_limit(cost(p))?;
    let (lmax, lmin) =
        (lambda.iter().copied().fold(f64::MIN, f64::max), lambda.iter().copied().fold(f64::MAX, f64::min));
    let steep = lambda.iter().position(|l| *l == lmax).unwrap_or(0);
    let kappa = lmax / lmin;
    let gd_rate = (kappa - 1.0) / (kappa + 1.0);
    let hb_rate = (kappa.sqrt() - 1.0) / (kappa.sqrt() + 1.0);
    let tol = p.num("tol");

    let mut out = Outcome::default();
    out.num("kappa", kappa);
    out.num("lambda_max", lmax);
    out.num("lambda_min", lmin);
    out.num("stable_limit", 2.0 / lmax);
    out.num("theory.gd_rate", gd_rate);
    out.num("theory.hb_rate", hb_rate);
    out.num("theory.gd_iterations", (tol.ln() / gd_rate.ln()).ceil());

    for rule in p.names("rules") {
        let (alpha, beta) = match rule.as_str() {
            "fixed" => (p.num("alpha"), 0.0),
            "inverse_max" => (1.0 / lmax, 0.0),
            "optimal" => (2.0 / (lmax + lmin), 0.0),
            // Exact line search: each step's α minimizes the quadratic along −g, α = gᵀg / gᵀHg.
            "exact" => (EXACT, 0.0),
            _ => (4.0 / (lmax.sqrt() + lmin.sqrt()).powi(2), hb_rate * hb_rate),
        };
        if !alpha.is_finite() {
            return Err("the `fixed` rule needs `alpha`".into());
        }
        let r = descend(&lambda, &start, alpha, beta, tol, steps, steep);
        // Exact line search's worst case (Kantorovich): the error falls by (κ−1)/(κ+1) per step.
        let theory = if beta > 0.0 {
            hb_rate
        } else if alpha == EXACT {
            gd_rate
        } else {
            lambda.iter().map(|l| (1.0 - alpha * l).abs()).fold(0.0, f64::max)
        };
        let alpha = if alpha == EXACT { r.first_alpha } else { alpha };
        out.num(&format!("{rule}.alpha"), alpha);
        out.num(&format!("{rule}.beta"), beta);
        out.num(&format!("{rule}.iterations"), r.iterations.map_or(f64::INFINITY, |k| k as f64));
        out.num(&format!("{rule}.rate"), r.rate);
        out.num(&format!("{rule}.theory_rate"), theory);
        out.boolean(&format!("{rule}.diverged"), r.diverged);
        out.boolean(&format!("{rule}.second_order_ok"), r.second_order_max_err <= 1e-9);
        out.num(&format!("{rule}.second_order_max_err"), r.second_order_max_err);
        out.num(&format!("{rule}.zigzag"), r.sign_flips as f64);
        out.num(&format!("{rule}.gTg_first"), r.gtg.first().copied().unwrap_or(f64::NAN));
        out.num(&format!("{rule}.gTg_last"), r.gtg.last().copied().unwrap_or(f64::NAN));
        out.num(&format!("{rule}.gHg_first"), r.ghg.first().copied().unwrap_or(f64::NAN));
        out.num(&format!("{rule}.gHg_last"), r.ghg.last().copied().unwrap_or(f64::NAN));
        out.series.push(Series {
            name: label(&rule, alpha),
            points: r.loss.iter().enumerate().map(|(k, l)| (k as f64, *l)).collect(),
        });
    }
    let title = format!("½xᵀHx, κ = {}, {n} dimensions", super::format_number(kappa));
    out.figure = super::drawn(draw, || super::figures::loss_curves(&title, &out.series));
    Ok(out)
}

/// A rule's name in words, for legends.
fn label(rule: &str, alpha: f64) -> String {
    match rule {
        "fixed" => format!("fixed α = {}", super::format_number(alpha)),
        "inverse_max" => "step 1/λmax".into(),
        "optimal" => "optimal 2/(λmax+λmin)".into(),
        "heavy_ball" => "heavy ball".into(),
        "exact" => "exact line search".into(),
        other => other.into(),
    }
}

struct Descent {
    iterations: Option<usize>,
    rate: f64,
    diverged: bool,
    second_order_max_err: f64,
    sign_flips: usize,
    gtg: Vec<f64>,
    ghg: Vec<f64>,
    loss: Vec<f64>,
    /// The step size of the first step (for exact line search, gᵀg / gᵀHg at the start).
    first_alpha: f64,
}

fn loss(lambda: &[f64], x: &[f64]) -> f64 {
    0.5 * lambda.iter().zip(x).map(|(l, v)| l * v * v).sum::<f64>()
}

/// The `alpha` that asks [`descend`] for an exact line search.
const EXACT: f64 = -1.0;

fn descend(lambda: &[f64], start: &[f64], alpha: f64, beta: f64, tol: f64, steps: usize, steep: usize) -> Descent {
    let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
    let e0 = norm(start);
    let mut x = start.to_vec();
    let mut v = vec![0.0; x.len()];
    let mut d = Descent {
        iterations: None,
        rate: f64::NAN,
        diverged: false,
        second_order_max_err: 0.0,
        sign_flips: 0,
        gtg: vec![],
        ghg: vec![],
        loss: vec![loss(lambda, &x)],
        first_alpha: f64::NAN,
    };
    let mut k = 0;
    while k < steps {
        let g: Vec<f64> = lambda.iter().zip(&x).map(|(l, xi)| l * xi).collect();
        let gtg: f64 = g.iter().map(|gi| gi * gi).sum();
        let ghg: f64 = g.iter().zip(lambda).map(|(gi, l)| l * gi * gi).sum();
        d.gtg.push(gtg);
        d.ghg.push(ghg);
        let before = loss(lambda, &x);
        let old_sign = x.get(steep).copied().unwrap_or(0.0).signum();
        let alpha = if alpha == EXACT { if ghg > 0.0 { gtg / ghg } else { 0.0 } } else { alpha };
        if k == 0 {
            d.first_alpha = alpha;
        }
        // The step taken: s = β v - α g.
        let s: Vec<f64> = v.iter().zip(&g).map(|(vi, gi)| beta * vi - alpha * gi).collect();
        x.iter_mut().zip(&s).for_each(|(xi, si)| *xi += si);
        v = s.clone();
        k += 1;
        let after = loss(lambda, &x);
        // Second-order prediction gᵀs + ½ sᵀHs; for plain GD this is −α gᵀg + ½ α² gᵀHg.
        let predicted = g.iter().zip(&s).map(|(gi, si)| gi * si).sum::<f64>()
            + 0.5 * s.iter().zip(lambda).map(|(si, l)| l * si * si).sum::<f64>();
        let err = ((after - before) - predicted).abs() / (before.abs() + after.abs()).max(f64::MIN_POSITIVE);
        d.second_order_max_err = d.second_order_max_err.max(err);
        let new_sign = x.get(steep).copied().unwrap_or(0.0).signum();
        if old_sign != 0.0 && new_sign != 0.0 && old_sign != new_sign && x.get(steep).is_some_and(|v| *v != 0.0) {
            d.sign_flips += 1;
        }
        d.loss.push(after);
        let e = norm(&x);
        if !e.is_finite() || e > 1e8 * e0 {
            d.diverged = true;
            break;
        }
        if e <= tol * e0 {
            d.iterations = Some(k);
            break;
        }
    }
    let e = norm(&x);
    d.rate = (e / e0).powf(1.0 / k.max(1) as f64);
    if d.iterations.is_none() && e > e0 {
        d.diverged = true;
    }
    d
}
