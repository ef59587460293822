//! `random-hessian`: why most critical points of a high-dimensional function are saddles.
//!
//! Samples symmetric random matrices as stand-ins for the Hessian at a random critical point and
//! measures, for each dimension d = 1…D, how often all d eigenvalues are positive (a minimum).
//! The Deep Learning book's heuristic treats each eigenvalue's sign as a fair coin, giving 2⁻ᵈ;
//! eigenvalues of a random matrix repel each other, so the true probability falls much faster.
//!
//! Ensembles:
//! - `goe` (default), the Gaussian Orthogonal Ensemble: H = (A + Aᵀ)/2 with Aᵢⱼ i.i.d. N(0, 1),
//!   so diagonal entries are N(0, 1) and off-diagonal ones N(0, ½);
//! - `wigner`: every entry on and above the diagonal i.i.d. N(0, 1), mirrored below.

use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use super::spec::{Default as D, ParamDef, Params, Ty};
use super::{Outcome, Series};

/// The ensembles.
pub const ENSEMBLES: [&str; 2] = ["goe", "wigner"];

/// The parameters.
pub const PARAMS: &[ParamDef] = &[
    ParamDef { name: "dims", ty: Ty::Int(1, 40), default: D::Num(8.0), doc: "D: every dimension d = 1…D is sampled" },
    ParamDef {
        name: "trials",
        ty: Ty::Int(10, 1_000_000),
        default: D::Num(20_000.0),
        doc: "matrices sampled per dimension",
    },
    ParamDef {
        name: "ensemble",
        ty: Ty::Choice(&ENSEMBLES),
        default: D::Names(&["goe"]),
        doc: "goe: (A + Aᵀ)/2 with A i.i.d. N(0,1); wigner: every entry N(0,1)",
    },
    ParamDef { name: "seed", ty: Ty::Int(0, 1 << 53), default: D::Num(0.0), doc: "the seed of the first dimension" },
];

/// The work the experiment does: per matrix, d² normal draws, a Cholesky factorization and a
/// symmetric eigendecomposition (about 10 d³ operations).
pub fn cost(p: &Params) -> f64 {
    let trials = p.int("trials") as f64;
    (1..=p.int("dims")).map(|d| trials * (20.0 * (d * d) as f64 + 10.0 * (d * d * d) as f64)).sum()
}

/// Runs the experiment.
pub fn run(p: &Params, draw: bool) -> Result<Outcome, String> {
    super::within_limit(cost(p))?;
    let dims = p.int("dims");
    let trials = p.int("trials");
    let wigner = p.names("ensemble").first().is_some_and(|e| e == "wigner");
    let mut out = Outcome::default();
    let mut measured =
        Series { name: if wigner { "measured, Wigner" } else { "measured, GOE" }.into(), points: Vec::new() };
    let mut coin = Series { name: "2⁻ᵈ, coin flips".into(), points: Vec::new() };
    measured.name = format!("P(minimum), {}", if wigner { "Wigner" } else { "GOE" });
    coin.name = "2⁻ᵈ (coin flips)".into();
    for d in 1..=dims {
        // Each dimension has its own stream, so changing `dims` never changes another's numbers.
        let mut rng = ChaCha8Rng::seed_from_u64((p.int("seed") as u64).wrapping_add(d as u64 * 0x9E37_79B9));
        let (mut minima, mut negative) = (0usize, 0usize);
        for _ in 0..trials {
            let h = sample(&mut rng, d, wigner);
            if h.clone().cholesky().is_some() {
                minima += 1;
            }
            negative += h.symmetric_eigenvalues().iter().filter(|l| **l < 0.0).count();
        }
        let prob = minima as f64 / trials as f64;
        out.num(&format!("p{d}"), prob);
        out.num(&format!("se{d}"), (prob * (1.0 - prob) / trials as f64).sqrt());
        out.num(&format!("coin{d}"), 0.5f64.powi(d as i32));
        out.num(&format!("negative{d}"), negative as f64 / (trials * d) as f64);
        out.num(&format!("minima{d}"), minima as f64);
        measured.points.push((d as f64, prob));
        coin.points.push((d as f64, 0.5f64.powi(d as i32)));
    }
    out.num("trials", trials as f64);
    let title = format!("random {} Hessians, {trials} per dimension", if wigner { "Wigner" } else { "GOE" });
    let axes = super::figures::Axes {
        title: &title,
        x: "dimension d",
        y: "P(all eigenvalues > 0)",
        log_y: true,
        whole_x: true,
    };
    out.figure = super::drawn(draw, || super::figures::lines(&axes, &[measured.clone(), coin.clone()]));
    out.series = vec![measured, coin];
    Ok(out)
}

/// One symmetric d×d matrix of the ensemble.
fn sample(rng: &mut ChaCha8Rng, d: usize, wigner: bool) -> DMatrix<f64> {
    let mut h = DMatrix::zeros(d, d);
    for i in 0..d {
        for j in 0..=i {
            let v: f64 = if wigner || i == j {
                StandardNormal.sample(rng)
            } else {
                // (Aᵢⱼ + Aⱼᵢ)/2 of two independent N(0,1) draws.
                let (a, b): (f64, f64) = (StandardNormal.sample(rng), StandardNormal.sample(rng));
                (a + b) / 2.0
            };
            h[(i, j)] = v;
            h[(j, i)] = v;
        }
    }
    h
}
