//! `cliff`: exploding gradients at a cliff, and gradient-norm clipping.
//!
//! Near a cliff the loss rises steeply over a short distance, so its gradient is huge: one plain
//! gradient step there throws the parameters far away, undoing earlier progress. Clipping the
//! gradient's norm to `clip` keeps its direction but bounds every step by α·clip.
//!
//! The objective is `f` (any expression), or the built-in cliff
//! f(x) = x²/2 + height·sigmoid(sharpness·(x − 1)): a bowl with a wall of the given height at
//! x = 1, whose gradient there is 1 + height·sharpness/4.

use super::expr::{self, Expr};
use super::objective::{ExprObjective, Objective};
use super::spec::{Default as D, ParamDef, Params, Ty};
use super::{Outcome, Series};

/// The parameters.
pub const PARAMS: &[ParamDef] = &[
    ParamDef { name: "f", ty: Ty::Expr, default: D::Optional, doc: "the objective (default: the built-in cliff)" },
    ParamDef { name: "height", ty: Ty::Num(0.0, 1e6), default: D::Num(100.0), doc: "the built-in cliff's height" },
    ParamDef {
        name: "sharpness",
        ty: Ty::Num(1e-3, 1e4),
        default: D::Num(50.0),
        doc: "the built-in cliff's steepness: the wall is about 4/sharpness wide",
    },
    ParamDef {
        name: "start",
        ty: Ty::NumList(1, 8),
        default: D::Optional,
        doc: "the start (default: x = 1, on the wall)",
    },
    ParamDef { name: "step", ty: Ty::Num(1e-9, 10.0), default: D::Num(0.1), doc: "step size α" },
    ParamDef { name: "steps", ty: Ty::Int(1, 100_000), default: D::Num(100.0), doc: "steps per run" },
    ParamDef {
        name: "clip", ty: Ty::Num(1e-9, 1e9), default: D::Num(1.0), doc: "clipped runs scale g to norm ≤ clip"
    },
    ParamDef {
        name: "far",
        ty: Ty::Num(0.0, 1e12),
        default: D::Num(10.0),
        doc: "a run is thrown far away when it gets farther than this from the start",
    },
];

/// The objective and its variable names.
fn objective(p: &Params) -> (ExprObjective, Vec<String>) {
    match p.expr("f") {
        Some(e) => {
            let (expr, vars) = e.alphabetical();
            (ExprObjective::new(&expr, vars.len()), vars)
        }
        None => {
            let (h, s) = (p.num("height"), p.num("sharpness"));
            // x²/2 + h·sigmoid(s·(x − 1)), built as a tree: x is variable 0.
            let x = || Box::new(Expr::Var(0));
            let bowl = Expr::Div(Box::new(Expr::Pow(x(), Box::new(Expr::Num(2.0)))), Box::new(Expr::Num(2.0)));
            let inner = Expr::Mul(Box::new(Expr::Num(s)), Box::new(Expr::Sub(x(), Box::new(Expr::Num(1.0)))));
            let wall = Expr::Mul(Box::new(Expr::Num(h)), Box::new(Expr::Call(expr::Func::Sigmoid, vec![inner])));
            (ExprObjective::new(&Expr::Add(Box::new(bowl), Box::new(wall)), 1), vec!["x".into()])
        }
    }
}

/// The work: two runs, one gradient each per step.
pub fn cost(p: &Params) -> f64 {
    let (f, _) = objective(p);
    2.0 * p.int("steps") as f64 * (f.cost() + 8.0)
}

/// Runs the experiment.
pub fn run(p: &Params, draw: bool) -> Result<Outcome, String> {
    super::within_limit(cost(p))?;
    let (f, names) = objective(p);
    if names.len() > 8 {
        return Err(format!("`f` has {} variables; at most 8", names.len()));
    }
    let n = names.len().max(1);
    let start = p.list("start").map_or(vec![1.0; n], <[f64]>::to_vec);
    if start.len() != n {
        return Err(format!("`start` needs {n} coordinates, one per variable ({})", names.join(", ")));
    }
    let (alpha, clip, far) = (p.num("step"), p.num("clip"), p.num("far"));
    let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
    let mut out = Outcome::default();
    out.num("start_loss", f.value(&start));
    out.num("start_grad_norm", norm(&f.gradient(&start)));
    for method in ["gd", "clipped"] {
        let mut x = start.clone();
        let (mut max_step, mut max_distance) = (0.0f64, 0.0f64);
        let mut series = Series {
            name: if method == "gd" { "plain GD".into() } else { format!("clipped at {clip}") },
            points: vec![(0.0, f.value(&x))],
        };
        for t in 1..=p.int("steps") {
            let g = f.gradient(&x);
            let gn = norm(&g);
            let scale = if method == "clipped" && gn > clip { clip / gn } else { 1.0 };
            let step: Vec<f64> = g.iter().map(|gi| alpha * scale * gi).collect();
            x.iter_mut().zip(&step).for_each(|(xi, s)| *xi -= s);
            if !x.iter().all(|v| v.is_finite()) {
                break;
            }
            max_step = max_step.max(norm(&step));
            max_distance = max_distance.max(norm(&x.iter().zip(&start).map(|(a, b)| a - b).collect::<Vec<_>>()));
            series.points.push((t as f64, f.value(&x)));
        }
        out.num(&format!("{method}.max_step"), max_step);
        out.num(&format!("{method}.max_distance"), max_distance);
        out.num(&format!("{method}.final_loss"), f.value(&x));
        out.boolean(&format!("{method}.thrown"), max_distance > far);
        for (name, v) in names.iter().zip(&x) {
            out.num(&format!("{method}.final.{name}"), *v);
        }
        out.series.push(series);
    }
    let positive = out.series.iter().flat_map(|s| &s.points).all(|p| p.1 > 0.0);
    let title = format!("a cliff: plain and clipped GD, α = {}", super::format_number(alpha));
    let axes = super::figures::Axes { title: &title, x: "step", y: "loss", log_y: positive, whole_x: true };
    out.figure = super::drawn(draw, || super::figures::lines(&axes, &out.series));
    Ok(out)
}
