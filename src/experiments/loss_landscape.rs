//! `loss-landscape`: the pictures of Goodfellow et al. (2015) and Li et al. (2018), around a
//! network trained as in `train`.
//!
//! - The 1-D linear interpolation L((1 − t)θ₀ + tθ*) from the initial weights θ₀ to the trained
//!   ones θ*, for t in [−0.5, 1.5].
//! - 1-D and 2-D slices L(θ* + a·d₁ + b·d₂) along random directions that are *filter-normalized*:
//!   each neuron's incoming row of d is rescaled to the norm of the same row of θ*, and biases get
//!   direction 0. Then the picture does not depend on the weights' scale, which ReLU networks can
//!   change freely without changing the function.
//! - The invariance check: scale the hidden layer (weights and biases) by `rescale` and the output
//!   weights by 1/`rescale`. For ReLU the function is the same; the filter-normalized curve must be
//!   the same too (to rounding), while the curve along raw Gaussian directions changes.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use super::spec::{Default as D, ParamDef, Params, Ty};
use super::train::{self, Data, Net};
use super::{Outcome, Series};

/// The parameters.
pub const PARAMS: &[ParamDef] = &[
    ParamDef { name: "dataset", ty: Ty::Choice(&train::DATASETS), default: D::Names(&["moons"]), doc: "the data set" },
    ParamDef { name: "width", ty: Ty::Int(1, 256), default: D::Num(16.0), doc: "the hidden width" },
    ParamDef {
        name: "activation",
        ty: Ty::Choice(&train::ACTIVATIONS),
        default: D::Names(&["relu"]),
        doc: "the hidden units' activation",
    },
    ParamDef { name: "steps", ty: Ty::Int(1, 100_000), default: D::Num(2000.0), doc: "training steps" },
    ParamDef { name: "step", ty: Ty::Num(1e-6, 100.0), default: D::Num(0.5), doc: "training step size α" },
    ParamDef { name: "points", ty: Ty::Int(4, 2000), default: D::Num(60.0), doc: "moons and circles: how many points" },
    ParamDef { name: "noise", ty: Ty::Num(0.0, 1.0), default: D::Num(0.1), doc: "moons and circles: noise σ" },
    ParamDef { name: "radius", ty: Ty::Num(1e-6, 100.0), default: D::Num(1.0), doc: "slices span [−radius, radius]" },
    ParamDef {
        name: "bowl_radius",
        ty: Ty::Num(0.0, 100.0),
        default: D::Num(0.25),
        doc: "the bowl check looks at second differences of the 1-D slice within this distance of the centre",
    },
    ParamDef {
        name: "resolution",
        ty: Ty::Int(3, 101),
        default: D::Num(41.0),
        doc: "points per axis of each slice (odd, so that the centre is on the grid)",
    },
    ParamDef {
        name: "rescale",
        ty: Ty::Num(1e-3, 1e3),
        default: D::Num(10.0),
        doc: "the invariance check scales the hidden layer by this and the output weights by its inverse",
    },
    ParamDef {
        name: "seed",
        ty: Ty::Int(0, 1 << 53),
        default: D::Num(0.0),
        doc: "the seed of the weights and directions",
    },
    ParamDef { name: "data_seed", ty: Ty::Int(0, 1 << 53), default: D::Num(0.0), doc: "the seed of the data's noise" },
];

/// The work: training, then every loss evaluated (about 4 operations per weight and point).
pub fn cost(p: &Params) -> f64 {
    let weights = (4 * p.int("width") + 1) as f64;
    let r = p.int("resolution") as f64;
    let evals = r * r + 6.0 * r;
    train::n_points(p) as f64 * weights * (12.0 * p.int("steps") as f64 + 4.0 * evals)
}

/// The parameters as one vector: hidden rows (2 each), hidden biases, output weights, output bias.
fn flatten(net: &Net) -> Vec<f64> {
    let mut v: Vec<f64> = net.w1.iter().flat_map(|r| r.iter().copied()).collect();
    v.extend(&net.b1);
    v.extend(&net.w2);
    v.push(net.b2);
    v
}

fn unflatten(shape: &Net, v: &[f64]) -> Net {
    let w = shape.w1.len();
    Net {
        w1: (0..w).map(|j| [v[2 * j], v[2 * j + 1]]).collect(),
        b1: v[2 * w..3 * w].to_vec(),
        w2: v[3 * w..4 * w].to_vec(),
        b2: v[4 * w],
        relu: shape.relu,
    }
}

/// A Gaussian direction of the network's shape.
fn gaussian(len: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
    (0..len).map(|_| StandardNormal.sample(rng)).collect()
}

/// `d` filter-normalized against the weights `theta` of a `width`-unit network: each hidden
/// unit's incoming row and the output unit's row scaled to the norm of the same row of `theta`;
/// biases 0.
fn filter_normalize(d: &[f64], theta: &[f64], width: usize) -> Vec<f64> {
    let mut out = vec![0.0; d.len()];
    let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
    let mut rows: Vec<std::ops::Range<usize>> = (0..width).map(|j| 2 * j..2 * j + 2).collect();
    rows.push(3 * width..4 * width);
    for r in rows {
        let (dn, tn) = (norm(&d[r.clone()]), norm(&theta[r.clone()]));
        if dn > 0.0 {
            for i in r {
                out[i] = d[i] * tn / dn;
            }
        }
    }
    out
}

/// The loss at θ + a·d₁ + b·d₂.
fn loss_at(shape: &Net, data: &Data, theta: &[f64], moves: &[(f64, &[f64])]) -> f64 {
    let v: Vec<f64> = (0..theta.len()).map(|i| theta[i] + moves.iter().map(|(a, d)| a * d[i]).sum::<f64>()).collect();
    unflatten(shape, &v).loss(data)
}

/// Runs the experiment.
pub fn run(p: &Params, draw: bool) -> Result<Outcome, String> {
    super::within_limit(cost(p))?;
    let name = p.names("dataset").first().cloned().unwrap_or_else(|| "moons".into());
    let data = train::dataset(&name, train::n_points(p), p.num("noise"), p.int("data_seed") as u64);
    let relu = p.names("activation").first().is_none_or(|a| a == "relu");
    let (width, seed) = (p.int("width"), p.int("seed") as u64);
    let start = Net::new(width, relu, seed);
    let (trained, final_loss) = train::train(&data, width, relu, seed, p.int("steps"), p.num("step"));
    let (theta0, theta) = (flatten(&start), flatten(&trained));
    let res = p.int("resolution") | 1;
    let radius = p.num("radius");
    let grid: Vec<f64> = (0..res).map(|i| -radius + 2.0 * radius * i as f64 / (res - 1) as f64).collect();
    let mut out = Outcome::default();
    out.num("center", final_loss);
    let start_loss = start.loss(&data);
    out.num("start_loss", start_loss);

    // Goodfellow et al.: the straight line from the start to the solution.
    let ts: Vec<f64> = (0..res).map(|i| -0.5 + 2.0 * i as f64 / (res - 1) as f64).collect();
    let toward: Vec<f64> = theta.iter().zip(&theta0).map(|(a, b)| a - b).collect();
    let interp: Vec<(f64, f64)> =
        ts.iter().map(|t| (*t, loss_at(&trained, &data, &theta0, &[(*t, &toward)]))).collect();
    let inside: Vec<f64> = interp.iter().filter(|(t, _)| (0.0..=1.0).contains(t)).map(|p| p.1).collect();
    let ends = start_loss.max(final_loss);
    out.num("interp.barrier", inside.iter().copied().fold(f64::MIN, f64::max) - ends);
    out.boolean("interp.monotone", inside.windows(2).all(|w| w[1] <= w[0] + 1e-12));

    // Li et al.: filter-normalized random directions.
    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(0x5EED));
    let (raw1, raw2) = (gaussian(theta.len(), &mut rng), gaussian(theta.len(), &mut rng));
    let d1 = filter_normalize(&raw1, &theta, width);
    let d2 = filter_normalize(&raw2, &theta, width);
    let slice: Vec<(f64, f64)> = grid.iter().map(|a| (*a, loss_at(&trained, &data, &theta, &[(*a, &d1)]))).collect();
    let (arg, min) = slice.iter().fold((f64::NAN, f64::INFINITY), |acc, p| if p.1 < acc.1 { *p } else { acc });
    out.num("argmin", arg);
    out.num("min", min);
    out.num("edge_left", slice[0].1);
    out.num("edge_right", slice[slice.len() - 1].1);
    let h = 2.0 * radius / (res - 1) as f64;
    let near = p.num("bowl_radius");
    let bowl = slice
        .windows(3)
        .filter(|w| w[1].0.abs() <= near + 1e-12)
        .map(|w| (w[2].1 - 2.0 * w[1].1 + w[0].1) / (h * h))
        .fold(f64::INFINITY, f64::min);
    out.num("bowl", bowl);
    out.boolean("is_bowl", bowl > 0.0);

    // 2-D slice.
    let surface: Vec<Vec<f64>> = grid
        .iter()
        .map(|b| grid.iter().map(|a| loss_at(&trained, &data, &theta, &[(*a, &d1), (*b, &d2)])).collect())
        .collect();
    let flat = surface.iter().flatten();
    out.num("grid_min", flat.clone().copied().fold(f64::INFINITY, f64::min));
    out.num("grid_max", flat.copied().fold(f64::MIN, f64::max));

    // Invariance: rescale the hidden layer by s and the output weights by 1/s.
    let s = p.num("rescale");
    let mut scaled = trained.clone();
    scaled.w1.iter_mut().for_each(|r| r.iter_mut().for_each(|w| *w *= s));
    scaled.b1.iter_mut().for_each(|b| *b *= s);
    scaled.w2.iter_mut().for_each(|w| *w /= s);
    let theta_s = flatten(&scaled);
    let d1_s = filter_normalize(&raw1, &theta_s, width);
    let curve = |theta: &[f64], d: &[f64]| -> Vec<f64> {
        grid.iter().map(|a| loss_at(&trained, &data, theta, &[(*a, d)])).collect()
    };
    let max_diff = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max);
    let filtered = slice.iter().map(|p| p.1).collect::<Vec<_>>();
    out.num("invariance.function_diff", (scaled.loss(&data) - final_loss).abs());
    out.num("invariance.filter_max_diff", max_diff(&filtered, &curve(&theta_s, &d1_s)));
    out.num("invariance.raw_max_diff", max_diff(&curve(&theta, &raw1), &curve(&theta_s, &raw1)));
    out.boolean("invariance.filter_ok", max_diff(&filtered, &curve(&theta_s, &d1_s)) <= 1e-10);

    let title = format!("{name}, width {width}: loss around the trained weights");
    out.figure = super::drawn(draw, || super::figures::landscape(&title, &interp, &slice, &grid, &surface));
    out.series = vec![
        Series { name: "interpolation".into(), points: interp },
        Series { name: "filter-normalized slice".into(), points: slice },
    ];
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_normalized_rows_take_the_weights_norms_and_biases_get_nothing() {
        let net = Net::new(3, true, 1);
        let theta = flatten(&net);
        assert_eq!(unflatten(&net, &theta), net);
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let d = filter_normalize(&gaussian(theta.len(), &mut rng), &theta, 3);
        let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
        for j in 0..3 {
            assert!((norm(&d[2 * j..2 * j + 2]) - norm(&theta[2 * j..2 * j + 2])).abs() < 1e-12);
        }
        assert!((norm(&d[9..12]) - norm(&theta[9..12])).abs() < 1e-12);
        assert!(d[6..9].iter().all(|x| *x == 0.0) && d[12] == 0.0, "biases get direction 0");
    }
}
