//! `saddle-escape`: runs optimizers from a start point near (or at) a saddle and reports whether,
//! and when, each escapes.
//!
//! A run has escaped once its distance from `center` *along the Hessian's negative-curvature
//! directions at `center`* reaches `radius` (for `x^2 - y^2` around the origin: |y| ≥ radius).
//! Where the center has no negative curvature, the plain distance counts.
//!
//! A run ends when its `stop` rules say (by default, when it escapes) or after `steps`. Starts may
//! be drawn at random, one per trial. With `epsilon`, each run also reports its first ε-critical
//! step, next to the bound 2β(f(x₀) − f*)/ε² that gradient descent with step 1/β meets on a
//! β-smooth function bounded below by f*.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal, Uniform};

use super::objective::{ExprObjective, Objective, Quadratic};
use super::optim::{self, METHODS, Run, Settings};
use super::spec::{Default as D, Dist, Metric, ParamDef, Params, Stop, Ty};
use super::{Outcome, Series, median};

/// The most variables an expression objective may have.
const MAX_VARS: usize = 1000;

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
        ty: Ty::Point(1, 1000),
        default: D::Optional,
        doc: "the start point (default: the center), or a distribution each trial draws its start from",
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
        name: "stop",
        ty: Ty::Stop,
        default: D::Optional,
        doc: "when a run ends: `escape` (the default), `never`, or rules such as `grad_norm <= 1e-6`",
    },
    ParamDef {
        name: "target",
        ty: Ty::NumList(1, 1000),
        default: D::Optional,
        doc: "the point `distance` in a stopping rule is measured to (default: the center)",
    },
    ParamDef {
        name: "epsilon",
        ty: Ty::Num(1e-300, 1e12),
        default: D::Optional,
        doc: "report each run's first step with gradient norm ≤ ε",
    },
    ParamDef {
        name: "beta",
        ty: Ty::Num(1e-12, 1e12),
        default: D::Optional,
        doc: "with `epsilon` and `f_star`: the smoothness β of the bound (default 1/`step`)",
    },
    ParamDef {
        name: "f_star",
        ty: Ty::Num(-1e12, 1e12),
        default: D::Optional,
        doc: "with `epsilon`: a lower bound on f, for the bound 2β(f(x₀) − f*)/ε²",
    },
    ParamDef {
        name: "trials",
        ty: Ty::Int(1, 1000),
        default: D::Num(1.0),
        doc: "runs per stochastic method (and per method, with a random `start`), each with its own seed",
    },
    ParamDef { name: "seed", ty: Ty::Int(0, 1 << 53), default: D::Num(0.0), doc: "the seed of the first trial" },
];

/// The objective a spec describes, with its variable names.
fn objective(p: &Params) -> Result<(Box<dyn Objective>, Vec<String>), String> {
    match (p.expr("f"), p.has("dim")) {
        (Some(e), false) => {
            let (expr, vars) = e.alphabetical();
            if vars.len() > MAX_VARS {
                return Err(format!("`f` has {} variables; at most {MAX_VARS}", vars.len()));
            }
            Ok((Box::new(ExprObjective::new(&expr, vars.len())), vars))
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
/// the gradient (twice for methods that may evaluate it twice, plus the Hessian's solve or
/// eigendecomposition for Newton and saddle-free Newton), the gradient norm at the new point, the
/// loss when a stopping rule needs it, the update, and the escape check along the negative
/// directions; and the eigendecompositions at the center, the start and the ends.
pub fn cost(p: &Params) -> Result<f64, String> {
    let (f, _) = objective(p)?;
    let n = f.dim().max(1) as f64;
    let negative = if p.has("dim") { p.int("negative").min(p.int("dim")) as f64 } else { n * n };
    let trials = p.int("trials").max(1) as f64;
    let loss =
        if stop_rules(p).iter().any(|r| matches!(r, Stop::Below { metric: Metric::Loss, .. })) { 1.0 } else { 0.0 };
    let methods = p.names("methods");
    let per_step: f64 = methods
        .iter()
        .map(|m| {
            let runs = if random_starts(p, m) { trials } else { 1.0 };
            let grad = match m.as_str() {
                "newton" | "saddle_free" => 2.0 * f.cost() + f.solve_cost(),
                "perturbed" => 2.0 * f.cost(),
                _ => f.cost(),
            };
            runs * (grad + (1.0 + loss) * f.cost() + 4.0 * n + negative)
        })
        .sum();
    let eigens = (2.0 + trials * methods.len() as f64) * f.solve_cost();
    Ok(p.int("steps") as f64 * per_step + eigens)
}

/// Whether `method` runs once per trial: it draws random numbers, or the start is random.
fn random_starts(p: &Params, method: &str) -> bool {
    Run::stochastic(method) || p.random("start").is_some()
}

/// The stopping rules; by default a run ends when it escapes.
fn stop_rules(p: &Params) -> Vec<Stop> {
    p.stops("stop").map_or_else(|| vec![Stop::Escape], <[Stop]>::to_vec)
}

/// The start of `trial`: the given point, or a draw from the distribution, seeded by the trial.
fn start_of(p: &Params, center: &[f64], trial: usize) -> Vec<f64> {
    let Some(dist) = p.random("start") else {
        return p.list("start").map_or_else(|| center.to_vec(), <[f64]>::to_vec);
    };
    // Its own stream, so the start never shares random numbers with the method's noise.
    let mut rng = ChaCha8Rng::seed_from_u64(p.int("seed") as u64 + trial as u64);
    rng.set_stream(1);
    match dist {
        Dist::Uniform(a, b) => {
            let u = Uniform::new_inclusive(a, b).unwrap_or_else(|_| Uniform::new_inclusive(0.0, 0.0).expect("0 ≤ 0"));
            (0..center.len()).map(|_| u.sample(&mut rng)).collect()
        }
        Dist::Normal(m, sd) => {
            let d = Normal::new(m, sd).unwrap_or_else(|_| Normal::new(0.0, 1.0).expect("sd 1 is valid"));
            (0..center.len()).map(|_| d.sample(&mut rng)).collect()
        }
    }
}

/// What one run (one trial of one method) found.
struct Trial {
    start: Vec<f64>,
    end: Vec<f64>,
    diverged: bool,
    escape: f64,
    stop: f64,
    first_critical: f64,
    /// The path, for the figure (first trial, 2 variables).
    path: Vec<Vec<f64>>,
    /// The gradient norm at every iterate: (step, ‖∇f‖) (first trial).
    grads: Vec<(usize, f64)>,
}

/// Runs the experiment.
pub fn run(p: &Params, draw: bool) -> Result<Outcome, String> {
    super::within_limit(cost(p)?)?;
    let (f, names) = objective(p)?;
    let n = f.dim().max(1);
    let center = p.list("center").map_or(vec![0.0; n], <[f64]>::to_vec);
    let target = p.list("target").map_or_else(|| center.clone(), <[f64]>::to_vec);
    let first_start = start_of(p, &center, 0);
    if center.len() != n || first_start.len() != n || target.len() != n {
        let vars = if names.len() <= 8 { format!(" ({})", names.join(", ")) } else { String::new() };
        return Err(format!("`start`, `center` and `target` need {n} coordinates, one per variable{vars}"));
    }
    let methods = p.names("methods");
    let rules = stop_rules(p);
    let epsilon = p.has("epsilon").then(|| p.num("epsilon"));

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
            return distance(x, &center);
        }
        negative
            .iter()
            .map(|dir| dir.iter().map(|&(i, v)| v * (x[i] - center[i])).sum::<f64>().powi(2))
            .sum::<f64>()
            .sqrt()
    };

    let mut out = Outcome::default();
    let (eig_s, _) = f.eigen(&first_start);
    let start_loss = f.value(&first_start);
    out.num("start_loss", start_loss);
    out.num("start_index", eig_s.iter().filter(|e| **e < 0.0).count() as f64);
    out.num("start_eig_min", eig_s.first().copied().unwrap_or(f64::NAN));
    out.num("start_eig_max", eig_s.last().copied().unwrap_or(f64::NAN));
    if eig_s.len() <= 8 {
        for (i, e) in eig_s.iter().enumerate() {
            out.num(&format!("start_eig{}", i + 1), *e);
        }
    }
    out.num("center_index", negative.len() as f64);
    // Descent with step 1/β on a β-smooth f ≥ f* has Σ_t ‖∇f(x_t)‖² ≤ 2β(f(x₀) − f*), so some
    // t < 2β(f(x₀) − f*)/ε² has ‖∇f(x_t)‖ ≤ ε.
    let beta = if p.has("beta") { p.num("beta") } else { 1.0 / p.num("step") };
    let bound = |x0: &[f64]| match epsilon {
        Some(eps) if p.has("f_star") => 2.0 * beta * (f.value(x0) - p.num("f_star")) / (eps * eps),
        _ => f64::NAN,
    };
    if epsilon.is_some() && p.has("f_star") {
        out.num("critical_bound", bound(&first_start));
        out.num("beta", beta);
    }

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
        let runs = if random_starts(p, m) { p.int("trials").max(1) } else { 1 };
        let trials: Vec<Trial> = (0..runs)
            .map(|trial| {
                let s = Settings { seed: base.seed + trial as u64, ..base.clone() };
                let x0 = if trial == 0 { first_start.clone() } else { start_of(p, &center, trial) };
                let first = trial == 0;
                let mut r = Run::new(m, f.as_ref(), &s, &x0);
                let mut t = Trial {
                    start: x0.clone(),
                    end: Vec::new(),
                    diverged: false,
                    escape: f64::INFINITY,
                    stop: f64::INFINITY,
                    first_critical: f64::INFINITY,
                    path: vec![x0.clone()],
                    grads: Vec::new(),
                };
                for step in 0..=p.int("steps") {
                    if step > 0 {
                        if !r.step() {
                            t.diverged = true;
                            break;
                        }
                        if first && names.len() == 2 {
                            t.path.push(r.x.clone());
                        }
                    }
                    let g = optim::norm(&f.gradient(&r.x));
                    if first {
                        t.grads.push((step, g));
                    }
                    if t.escape.is_infinite() && escape_distance(&r.x) >= p.num("radius") {
                        t.escape = step as f64;
                    }
                    if t.first_critical.is_infinite() && epsilon.is_some_and(|eps| g <= eps) {
                        t.first_critical = step as f64;
                    }
                    let measure = |metric: Metric| match metric {
                        Metric::Loss => f.value(&r.x),
                        Metric::GradNorm => g,
                        Metric::Distance => distance(&r.x, &target),
                    };
                    if rules.iter().any(|rule| rule.holds(t.escape.is_finite(), measure)) {
                        t.stop = step as f64;
                        break;
                    }
                }
                t.end = r.x;
                t
            })
            .collect();
        report(&mut out, m, &trials, f.as_ref(), &names, epsilon.is_some(), &bound);
        if names.len() == 2 {
            let path = &trials[0].path;
            let name = optim::label(m).to_owned();
            out.series.push(Series { name, points: path.iter().map(|x| (x[0], x[1])).collect() });
        }
    }
    if names.len() == 2 {
        let f_text = p.expr("f").map_or_else(String::new, |e| e.source.clone());
        let title = format!("{f_text}, α = {}", super::format_number(p.num("step")));
        out.figure = super::drawn(draw, || {
            super::figures::contour(&title, f.as_ref(), &names, &out.series, &center, p.num("radius"))
        });
    }
    Ok(out)
}

fn distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f64>().sqrt()
}

/// The smallest, 5th percentile, median, 95th percentile and largest of `v` (nearest rank; ∞
/// counts as the largest).
fn spread(mut v: Vec<f64>) -> [f64; 5] {
    let m = median(&mut v); // sorts
    let q = |f: f64| v[((v.len() - 1) as f64 * f).round() as usize];
    [q(0.0), q(0.05), m, q(0.95), q(1.0)]
}

/// Records method `m`'s results over its trials.
fn report(
    out: &mut Outcome,
    m: &str,
    trials: &[Trial],
    f: &dyn Objective,
    names: &[String],
    critical: bool,
    bound: &dyn Fn(&[f64]) -> f64,
) {
    let Some(first) = trials.first() else { return };
    let runs = trials.len() as f64;
    // The first of equal values wins, so the reported step is the earliest.
    let grads = &first.grads;
    if let Some(&g0) = grads.first() {
        let lo = grads.iter().fold(g0, |a, b| if b.1 < a.1 { *b } else { a });
        let hi = grads.iter().fold(g0, |a, b| if b.1 > a.1 { *b } else { a });
        out.num(&format!("{m}.grad_norm_min"), lo.1);
        out.num(&format!("{m}.grad_norm_argmin"), lo.0 as f64);
        out.num(&format!("{m}.grad_norm_max"), hi.1);
        out.num(&format!("{m}.grad_norm_argmax"), hi.0 as f64);
    }
    let escaped = trials.iter().filter(|t| t.escape.is_finite()).count() as f64;
    out.boolean(&format!("{m}.escaped"), escaped == runs);
    out.num(&format!("{m}.escape_rate"), escaped / runs);
    let [lo, p5, mid, p95, hi] = spread(trials.iter().map(|t| t.escape).collect());
    out.num(&format!("{m}.escape_step"), mid);
    out.num(&format!("{m}.escape_min"), lo);
    out.num(&format!("{m}.escape_p5"), p5);
    out.num(&format!("{m}.escape_p95"), p95);
    out.num(&format!("{m}.escape_max"), hi);
    let stopped = trials.iter().filter(|t| t.stop.is_finite()).count() as f64;
    out.num(&format!("{m}.stop_rate"), stopped / runs);
    let [lo, _, mid, _, hi] = spread(trials.iter().map(|t| t.stop).collect());
    out.num(&format!("{m}.stop_step"), mid);
    out.num(&format!("{m}.stop_min"), lo);
    out.num(&format!("{m}.stop_max"), hi);
    if critical {
        let [_, _, mid, _, hi] = spread(trials.iter().map(|t| t.first_critical).collect());
        out.num(&format!("{m}.first_critical"), mid);
        out.num(&format!("{m}.first_critical_max"), hi);
        let b: Vec<f64> = trials.iter().map(|t| bound(&t.start)).collect();
        if b.iter().all(|b| !b.is_nan()) {
            out.boolean(&format!("{m}.within_bound"), trials.iter().zip(&b).all(|(t, b)| t.first_critical <= *b));
        }
    }
    let finals: Vec<f64> = trials.iter().filter(|t| !t.diverged).map(|t| f.value(&t.end)).collect();
    out.num(&format!("{m}.diverge_rate"), (runs - finals.len() as f64) / runs);
    if !finals.is_empty() {
        let [lo, _, mid, _, hi] = spread(finals);
        out.num(&format!("{m}.final_loss_min"), lo);
        out.num(&format!("{m}.final_loss_median"), mid);
        out.num(&format!("{m}.final_loss_max"), hi);
    }
    out.boolean(&format!("{m}.diverged"), first.diverged);
    if !first.diverged {
        let x_end = &first.end;
        out.num(&format!("{m}.final_loss"), f.value(x_end));
        let (eig_e, _) = f.eigen(x_end);
        out.num(&format!("{m}.end_index"), eig_e.iter().filter(|e| **e < 0.0).count() as f64);
        out.num(&format!("{m}.end_eig_min"), eig_e.first().copied().unwrap_or(f64::NAN));
        out.num(&format!("{m}.end_eig_max"), eig_e.last().copied().unwrap_or(f64::NAN));
        out.num(&format!("{m}.moved"), distance(x_end, &first.start));
        out.num(&format!("{m}.final_norm"), optim::norm(x_end));
        // Every coordinate for up to 8 variables; beyond that, the first 8 in order.
        for (name, v) in names.iter().zip(x_end).take(8) {
            out.num(&format!("{m}.final.{name}"), *v);
        }
    }
}
