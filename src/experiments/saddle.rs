//! `saddle-escape`: runs optimizers from a start point near (or at) a saddle and reports whether,
//! and when, each escapes.
//!
//! A run has escaped once its distance from `center` *along the Hessian's negative-curvature
//! directions at `center`* reaches `radius` (for `x^2 - y^2` around the origin: |y| ≥ radius).
//! Where the center has no negative curvature, the plain distance counts.

use super::objective::{ExprObjective, Objective, Quadratic};
use super::optim::{self, METHODS, Run, Settings};
use super::spec::{Default as D, ParamDef, Params, Ty};
use super::{Outcome, Series, median};

/// The parameters.
pub const PARAMS: &[ParamDef] = &[
    ParamDef {
        name: "f",
        ty: Ty::Expr,
        default: D::Optional,
        doc: "the objective in named variables (taken in alphabetical order); or give `dim`",
    },
    ParamDef {
        name: "dim",
        ty: Ty::Int(1, 1000),
        default: D::Optional,
        doc: "instead of `f`: the quadratic saddle ½ Σ λᵢ xᵢ² in this many dimensions",
    },
    ParamDef {
        name: "negative",
        ty: Ty::Int(1, 1000),
        default: D::Num(1.0),
        doc: "with `dim`: how many directions curve down (λ = -curvature)",
    },
    ParamDef {
        name: "curvature",
        ty: Ty::Num(1e-6, 1e6),
        default: D::Num(1.0),
        doc: "with `dim`: the size of λ in every direction",
    },
    ParamDef {
        name: "start",
        ty: Ty::NumList(1, 1000),
        default: D::Optional,
        doc: "the start point (default: the center)",
    },
    ParamDef {
        name: "center",
        ty: Ty::NumList(1, 1000),
        default: D::Optional,
        doc: "the saddle (default: the origin)",
    },
    ParamDef {
        name: "methods",
        ty: Ty::Choices(&METHODS),
        default: D::Names(&["gd", "perturbed", "momentum", "newton"]),
        doc: "the optimizers to run",
    },
    ParamDef { name: "step", ty: Ty::Num(1e-9, 10.0), default: D::Num(0.1), doc: "step size α" },
    ParamDef {
        name: "steps",
        ty: Ty::Int(1, 100_000),
        default: D::Num(1000.0),
        doc: "at most this many steps per run",
    },
    ParamDef {
        name: "radius",
        ty: Ty::Num(1e-12, 1e6),
        default: D::Num(1.0),
        doc: "escape distance along the negative-curvature directions",
    },
    ParamDef { name: "momentum", ty: Ty::Num(0.0, 0.999), default: D::Num(0.9), doc: "β for momentum and nesterov" },
    ParamDef {
        name: "noise",
        ty: Ty::Num(0.0, 100.0),
        default: D::Num(0.1),
        doc: "gradient-noise standard deviation for noisy",
    },
    ParamDef {
        name: "noise_shape",
        ty: Ty::Choice(&["gaussian", "sphere"]),
        default: D::Names(&["gaussian"]),
        doc: "noisy's noise: gaussian (σ = noise per coordinate) or sphere (uniform direction, norm exactly noise)",
    },
    ParamDef {
        name: "perturb",
        ty: Ty::Num(1e-12, 100.0),
        default: D::Num(1e-3),
        doc: "perturbation-ball radius for perturbed",
    },
    ParamDef {
        name: "grad_tol",
        ty: Ty::Num(0.0, 1e6),
        default: D::Num(1e-3),
        doc: "perturbed perturbs when the gradient norm is at most this",
    },
    ParamDef {
        name: "wait",
        ty: Ty::Int(0, 100_000),
        default: D::Num(10.0),
        doc: "perturbed waits this many steps between perturbations",
    },
    ParamDef {
        name: "trials",
        ty: Ty::Int(1, 1000),
        default: D::Num(1.0),
        doc: "runs per stochastic method, each with its own seed",
    },
    ParamDef { name: "seed", ty: Ty::Int(0, 1 << 53), default: D::Num(0.0), doc: "the seed of the first trial" },
];

/// What the first trial of a method leaves for the results: the end point, whether it diverged,
/// its path (for the figure) and its gradient norms by step.
type FirstTrial = (Vec<f64>, bool, Vec<Vec<f64>>, Vec<(usize, f64)>);

/// The objective a spec describes, with its variable names.
fn objective(p: &Params) -> Result<(Box<dyn Objective>, Vec<String>), String> {
    match (p.expr("f"), p.has("dim")) {
        (Some(e), false) => {
            let (expr, vars) = e.alphabetical();
            if vars.len() > 8 {
                return Err(format!("`f` has {} variables; at most 8 (use `dim` for more)", vars.len()));
            }
            Ok((Box::new(ExprObjective { expr, n: vars.len() }), vars))
        }
        (None, true) => {
            let d = p.int("dim");
            let k = p.int("negative").min(d);
            let c = p.num("curvature");
            let lambda = (0..d).map(|i| if i < k { -c } else { c }).collect();
            Ok((Box::new(Quadratic { lambda }), Vec::new()))
        }
        _ => Err("give exactly one of `f` (an expression) or `dim` (a quadratic saddle)".into()),
    }
}

/// The work the experiment does, in the units of [`super::WORK_LIMIT`]: per step of every run,
/// the gradient (twice for methods that may evaluate it twice, plus the Hessian and its solve for
/// Newton), the update, and the escape check along the negative directions.
pub fn cost(p: &Params) -> Result<f64, String> {
    let (f, _) = objective(p)?;
    let n = f.dim().max(1) as f64;
    let negative = if p.has("dim") { p.int("negative").min(p.int("dim")) as f64 } else { n * n };
    let trials = p.int("trials").max(1) as f64;
    let per_step: f64 = p
        .names("methods")
        .iter()
        .map(|m| {
            let runs = if Run::stochastic(m) { trials } else { 1.0 };
            let grad = match m.as_str() {
                "newton" if p.has("dim") => 2.0 * f.cost(),
                "newton" => 2.0 * f.cost() + n * n * n,
                // The eigendecomposition is dense: about 10 n³, even for the diagonal quadratic.
                "saddle_free" => 2.0 * f.cost() + 10.0 * n * n * n,
                "perturbed" => 2.0 * f.cost(),
                _ => f.cost(),
            };
            // The first trial also evaluates the gradient norm at every iterate.
            runs * (grad + 4.0 * n + negative) + f.cost()
        })
        .sum();
    Ok(p.int("steps") as f64 * per_step)
}

/// Runs the experiment.
pub fn run(p: &Params) -> Result<Outcome, String> {
    super::within_limit(cost(p)?)?;
    let (f, names) = objective(p)?;
    let n = f.dim().max(1);
    let center = p.list("center").map_or(vec![0.0; n], <[f64]>::to_vec);
    let start = p.list("start").map_or(center.clone(), <[f64]>::to_vec);
    if center.len() != n || start.len() != n {
        return Err(format!("`start` and `center` need {n} coordinates, one per variable ({})", names.join(", ")));
    }
    let methods = p.names("methods");
    let trials = p.int("trials").max(1);
    let steps = p.int("steps");

    let (eig0, vecs0) = f.eigen(&center);
    // The negative-curvature directions, as their nonzero entries: one entry each for a diagonal
    // quadratic, so that the check costs what the cost model says in any dimension.
    let negative: Vec<Vec<(usize, f64)>> = (0..eig0.len())
        .filter(|i| eig0[*i] < 0.0)
        .map(|j| vecs0.column(j).iter().copied().enumerate().filter(|(_, v)| *v != 0.0).collect())
        .collect();
    drop(vecs0);
    let escape_distance = |x: &[f64]| {
        if negative.is_empty() {
            let d: Vec<f64> = x.iter().zip(&center).map(|(a, b)| a - b).collect();
            return optim::norm(&d);
        }
        negative
            .iter()
            .map(|dir| dir.iter().map(|&(i, v)| v * (x[i] - center[i])).sum::<f64>().powi(2))
            .sum::<f64>()
            .sqrt()
    };

    let mut out = Outcome::default();
    let (eig_s, _) = f.eigen(&start);
    out.num("start_loss", f.value(&start));
    out.num("start_index", eig_s.iter().filter(|e| **e < 0.0).count() as f64);
    out.num("start_eig_min", eig_s.first().copied().unwrap_or(f64::NAN));
    out.num("start_eig_max", eig_s.last().copied().unwrap_or(f64::NAN));
    if eig_s.len() <= 8 {
        for (i, e) in eig_s.iter().enumerate() {
            out.num(&format!("start_eig{}", i + 1), *e);
        }
    }
    out.num("center_index", negative.len() as f64);

    let base = Settings {
        step: p.num("step"),
        momentum: p.num("momentum"),
        noise: p.num("noise"),
        sphere: p.names("noise_shape").first().is_some_and(|n| n == "sphere"),
        perturb: p.num("perturb"),
        grad_tol: p.num("grad_tol"),
        wait: p.int("wait"),
        seed: p.int("seed") as u64,
    };
    for m in &methods {
        let runs = if Run::stochastic(m) { trials } else { 1 };
        let mut escape_steps = Vec::with_capacity(runs);
        let mut first: Option<FirstTrial> = None;
        for trial in 0..runs {
            let s = Settings { seed: base.seed + trial as u64, ..base.clone() };
            let mut r = Run::new(m, f.as_ref(), &s, &start);
            let mut path = vec![start.clone()];
            let mut escaped_at = if escape_distance(&start) >= p.num("radius") { Some(0) } else { None };
            let mut diverged = false;
            // The gradient norm at every iterate of the first trial: (step, ‖∇f‖).
            let mut grads = if trial == 0 { vec![(0usize, optim::norm(&f.gradient(&start)))] } else { Vec::new() };
            for t in 1..=steps {
                if escaped_at.is_some() {
                    break;
                }
                if !r.step() {
                    diverged = true;
                    break;
                }
                if trial == 0 && names.len() == 2 {
                    path.push(r.x.clone());
                }
                if trial == 0 {
                    grads.push((t, optim::norm(&f.gradient(&r.x))));
                }
                if escape_distance(&r.x) >= p.num("radius") {
                    escaped_at = Some(t);
                }
            }
            escape_steps.push(escaped_at.map_or(f64::INFINITY, |t| t as f64));
            if trial == 0 {
                first = Some((r.x.clone(), diverged, path, grads));
            }
        }
        let Some((x_end, diverged, path, grads)) = first else { continue };
        // The first of equal values wins, so the reported step is the earliest.
        let lo = grads.iter().fold(grads[0], |a, b| if b.1 < a.1 { *b } else { a });
        let hi = grads.iter().fold(grads[0], |a, b| if b.1 > a.1 { *b } else { a });
        out.num(&format!("{m}.grad_norm_min"), lo.1);
        out.num(&format!("{m}.grad_norm_argmin"), lo.0 as f64);
        out.num(&format!("{m}.grad_norm_max"), hi.1);
        out.num(&format!("{m}.grad_norm_argmax"), hi.0 as f64);
        let escaped = escape_steps.iter().filter(|s| s.is_finite()).count();
        out.boolean(&format!("{m}.escaped"), escaped == runs);
        out.num(&format!("{m}.escape_rate"), escaped as f64 / runs as f64);
        out.num(&format!("{m}.escape_step"), median(&mut escape_steps));
        // Per-trial statistics (escape_steps is sorted by `median`); ∞ counts as the largest.
        let q = |f: f64| escape_steps[((escape_steps.len() - 1) as f64 * f).round() as usize];
        out.num(&format!("{m}.escape_min"), q(0.0));
        out.num(&format!("{m}.escape_p5"), q(0.05));
        out.num(&format!("{m}.escape_p95"), q(0.95));
        out.num(&format!("{m}.escape_max"), q(1.0));
        out.boolean(&format!("{m}.diverged"), diverged);
        if !diverged {
            out.num(&format!("{m}.final_loss"), f.value(&x_end));
            let (eig_e, _) = f.eigen(&x_end);
            out.num(&format!("{m}.end_index"), eig_e.iter().filter(|e| **e < 0.0).count() as f64);
            out.num(&format!("{m}.end_eig_min"), eig_e.first().copied().unwrap_or(f64::NAN));
            out.num(&format!("{m}.end_eig_max"), eig_e.last().copied().unwrap_or(f64::NAN));
            out.num(
                &format!("{m}.moved"),
                optim::norm(&x_end.iter().zip(&start).map(|(a, b)| a - b).collect::<Vec<_>>()),
            );
            for (name, v) in names.iter().zip(&x_end) {
                out.num(&format!("{m}.final.{name}"), *v);
            }
        }
        if names.len() == 2 {
            out.series.push(Series { name: m.clone(), points: path.iter().map(|x| (x[0], x[1])).collect() });
        }
    }
    if names.len() == 2 {
        out.figure = Some(super::figures::contour(f.as_ref(), &names, &out.series, &center, p.num("radius")));
    }
    Ok(out)
}
