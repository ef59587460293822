//! `long-term`: why recurrent networks forget or blow up. Repeated multiplication by one matrix W
//! (the recurrent weights of a linear RNN) scales ‖Wᵗx‖ like ρᵗ, where ρ = max|λ| is W's spectral
//! radius: signals (and gradients) vanish when ρ < 1 and explode when ρ > 1.
//!
//! W is given by its eigenvalues (W = diag(λ)) or as a small explicit matrix, row by row.

use nalgebra::DMatrix;

use super::spec::{Default as D, ParamDef, Params, Ty};
use super::{Outcome, Series};

/// The parameters.
pub const PARAMS: &[ParamDef] = &[
    ParamDef {
        name: "eigenvalues",
        ty: Ty::NumList(1, 64),
        default: D::Optional,
        doc: "W = diag(eigenvalues); or give `matrix`",
    },
    ParamDef {
        name: "matrix",
        ty: Ty::NumList(1, 64),
        default: D::Optional,
        doc: "W row by row: 4 numbers for 2×2, 9 for 3×3, up to 8×8",
    },
    ParamDef {
        name: "start",
        ty: Ty::NumList(1, 64),
        default: D::Optional,
        doc: "x, the vector multiplied (default: all ones)",
    },
    ParamDef { name: "steps", ty: Ty::Int(1, 100_000), default: D::Num(100.0), doc: "T, the largest power" },
    ParamDef {
        name: "threshold",
        ty: Ty::Num(1.0, 1e300),
        default: D::Num(1e6),
        doc: "‖Wᵗx‖/‖x‖ counts as exploded above this, and as vanished below its inverse",
    },
];

/// The work: one matrix-vector product per step.
pub fn cost(p: &Params) -> f64 {
    let n = p.list("eigenvalues").or(p.list("matrix")).map_or(1, <[f64]>::len) as f64;
    4.0 * p.int("steps") as f64 * n
}

/// Runs the experiment.
pub fn run(p: &Params, draw: bool) -> Result<Outcome, String> {
    super::within_limit(cost(p))?;
    let w: DMatrix<f64> = match (p.list("eigenvalues"), p.list("matrix")) {
        (Some(l), None) => DMatrix::from_diagonal(&nalgebra::DVector::from_column_slice(l)),
        (None, Some(m)) => {
            let n = (m.len() as f64).sqrt().round() as usize;
            if n * n != m.len() {
                return Err(format!("`matrix` has {} numbers; a square matrix has n² (4, 9, 16, …)", m.len()));
            }
            DMatrix::from_row_slice(n, n, m)
        }
        _ => return Err("give exactly one of `eigenvalues` or `matrix`".into()),
    };
    let n = w.nrows();
    let x0: Vec<f64> = p.list("start").map_or(vec![1.0; n], <[f64]>::to_vec);
    if x0.len() != n || x0.iter().all(|v| *v == 0.0) {
        return Err(format!("`start` needs {n} numbers, not all zero"));
    }
    let rho = w.complex_eigenvalues().iter().map(|l| l.norm()).fold(0.0, f64::max);
    let threshold = p.num("threshold");
    let steps = p.int("steps");

    // x is renormalized every step and its log-norm accumulated, so nothing overflows.
    let norm = |v: &nalgebra::DVector<f64>| v.norm();
    let mut x = nalgebra::DVector::from_column_slice(&x0);
    let mut log_norm = 0.0;
    let (mut vanished_at, mut exploded_at) = (None, None);
    let mut series = Series { name: "log₁₀ ‖Wᵗx‖/‖x‖".into(), points: vec![(0.0, 0.0)] };
    x /= norm(&x);
    for t in 1..=steps {
        x = &w * x;
        let s = norm(&x);
        if s == 0.0 || !s.is_finite() {
            log_norm = if s == 0.0 { f64::NEG_INFINITY } else { f64::INFINITY };
            series.points.push((t as f64, log_norm));
            vanished_at = vanished_at.or((s == 0.0).then_some(t));
            break;
        }
        log_norm += s.ln();
        x /= s;
        series.points.push((t as f64, log_norm / std::f64::consts::LN_10));
        if vanished_at.is_none() && log_norm <= -threshold.ln() {
            vanished_at = Some(t);
        }
        if exploded_at.is_none() && log_norm >= threshold.ln() {
            exploded_at = Some(t);
        }
    }
    let t_last = series.points.last().map_or(0.0, |p| p.0);
    let mut out = Outcome::default();
    out.num("spectral_radius", rho);
    out.num("dim", n as f64);
    out.num("rate", if t_last > 0.0 { (log_norm / t_last).exp() } else { f64::NAN });
    out.num("log10_final", log_norm / std::f64::consts::LN_10);
    out.num("vanish_step", vanished_at.map_or(f64::INFINITY, |t| t as f64));
    out.num("explode_step", exploded_at.map_or(f64::INFINITY, |t| t as f64));
    out.boolean("vanishes", rho < 1.0);
    out.boolean("explodes", rho > 1.0);
    let title = format!("‖Wᵗx‖ for spectral radius ρ = {}", super::format_number(rho));
    let axes =
        super::figures::Axes { title: &title, x: "t", y: "log₁₀ ‖Wᵗx‖/‖x‖", log_y: false, whole_x: true };
    out.figure = super::drawn(draw, || super::figures::lines(&axes, std::slice::from_ref(&series)));
    out.series = vec![series];
    Ok(out)
}
