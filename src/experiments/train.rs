//! `train`: over-parameterized networks find near-global minima.
//!
//! Trains a one-hidden-layer network (2 inputs → `width` units → a sigmoid output) by full-batch
//! gradient descent on the mean cross-entropy of a built-in, seeded toy data set, once per seed
//! for each hidden width, and reports the spread of the final losses. Narrow networks often stall
//! in poor local minima or plateaus; wide ones reach near-zero loss from almost every start.
//!
//! Data sets: `xor` (the four points (±1, ±1), label 1 where x·y < 0), `moons` (two interleaved
//! half circles) and `circles` (a circle of radius ½ inside one of radius 1), the last two with
//! `points` points and Gaussian noise of standard deviation `noise`, drawn from `data_seed`.
//! Weights start N(0, 1/fan-in), biases 0.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal, StandardNormal};

use super::spec::{Default as D, ParamDef, Params, Ty};
use super::{Outcome, Series};

/// The data sets.
pub const DATASETS: [&str; 3] = ["xor", "moons", "circles"];

/// The hidden units' activations.
pub const ACTIVATIONS: [&str; 2] = ["tanh", "relu"];

/// The parameters.
pub const PARAMS: &[ParamDef] = &[
    ParamDef { name: "dataset", ty: Ty::Choice(&DATASETS), default: D::Names(&["xor"]), doc: "the data set" },
    ParamDef {
        name: "widths",
        ty: Ty::NumList(1, 12),
        default: D::Optional,
        doc: "hidden widths to train, each a whole number in [1, 256] (default: [1, 2, 4, 16])",
    },
    ParamDef {
        name: "seeds", ty: Ty::Int(1, 200), default: D::Num(10.0), doc: "runs per width, seeds seed…seed+n−1"
    },
    ParamDef { name: "steps", ty: Ty::Int(1, 100_000), default: D::Num(2000.0), doc: "gradient steps per run" },
    ParamDef { name: "step", ty: Ty::Num(1e-6, 100.0), default: D::Num(1.0), doc: "step size α" },
    ParamDef {
        name: "activation",
        ty: Ty::Choice(&ACTIVATIONS),
        default: D::Names(&["tanh"]),
        doc: "the hidden units' activation",
    },
    ParamDef {
        name: "points",
        ty: Ty::Int(4, 2000),
        default: D::Num(100.0),
        doc: "moons and circles: how many points",
    },
    ParamDef { name: "noise", ty: Ty::Num(0.0, 1.0), default: D::Num(0.1), doc: "moons and circles: noise σ" },
    ParamDef {
        name: "threshold",
        ty: Ty::Num(0.0, 10.0),
        default: D::Num(0.05),
        doc: "a run counts as reaching a near-global minimum below this loss",
    },
    ParamDef { name: "seed", ty: Ty::Int(0, 1 << 53), default: D::Num(0.0), doc: "the first seed of the weights" },
    ParamDef { name: "data_seed", ty: Ty::Int(0, 1 << 53), default: D::Num(0.0), doc: "the seed of the data's noise" },
];

/// The widths to train.
fn widths(p: &Params) -> Result<Vec<usize>, String> {
    let list = p.list("widths").map_or(vec![1.0, 2.0, 4.0, 16.0], <[f64]>::to_vec);
    list.iter()
        .map(|w| {
            if w.fract() == 0.0 && (1.0..=256.0).contains(w) {
                Ok(*w as usize)
            } else {
                Err(format!("`widths`: {w} is not a whole number in [1, 256]"))
            }
        })
        .collect()
}

/// How many points the data set of `p` has (XOR always has four).
pub(crate) fn n_points(p: &Params) -> usize {
    if p.names("dataset").first().is_some_and(|d| d == "xor") { 4 } else { p.int("points") }
}

/// The work: per step, a forward and a backward pass over every point (about 12 operations per
/// weight), for every width and seed.
pub fn cost(p: &Params) -> f64 {
    let per_width: f64 = widths(p).unwrap_or_default().iter().map(|w| 12.0 * (4 * w + 1) as f64).sum();
    per_width * n_points(p) as f64 * p.int("steps") as f64 * p.int("seeds") as f64
}

/// A labelled data set.
pub struct Data {
    /// Inputs.
    pub x: Vec<[f64; 2]>,
    /// Labels, 0 or 1.
    pub y: Vec<f64>,
}

/// The data set `name`.
pub fn dataset(name: &str, points: usize, noise: f64, seed: u64) -> Data {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let normal = Normal::new(0.0, noise.max(0.0)).unwrap_or_else(|_| Normal::new(0.0, 0.0).expect("σ = 0 is valid"));
    let mut jitter = move || -> f64 { if noise > 0.0 { normal.sample(&mut rng) } else { 0.0 } };
    let (mut x, mut y) = (Vec::new(), Vec::new());
    match name {
        "xor" => {
            for (a, b) in [(-1.0, -1.0), (-1.0, 1.0), (1.0, -1.0), (1.0, 1.0)] {
                x.push([a, b]);
                y.push(if a * b < 0.0 { 1.0 } else { 0.0 });
            }
        }
        _ => {
            let half = points / 2;
            for class in 0..2 {
                let count = if class == 0 { half } else { points - half };
                for i in 0..count {
                    let t = std::f64::consts::PI * i as f64 / (count.max(2) - 1) as f64;
                    let [a, b] = match (name, class) {
                        ("moons", 0) => [t.cos(), t.sin()],
                        ("moons", _) => [1.0 - t.cos(), 0.5 - t.sin()],
                        (_, 0) => [(2.0 * t).cos(), (2.0 * t).sin()],
                        _ => [0.5 * (2.0 * t).cos(), 0.5 * (2.0 * t).sin()],
                    };
                    x.push([a + jitter(), b + jitter()]);
                    y.push(class as f64);
                }
            }
        }
    }
    Data { x, y }
}

/// A network with one hidden layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Net {
    /// Hidden weights, one row of 2 per unit.
    pub w1: Vec<[f64; 2]>,
    /// Hidden biases.
    pub b1: Vec<f64>,
    /// Output weights.
    pub w2: Vec<f64>,
    /// Output bias.
    pub b2: f64,
    /// `tanh` or `relu`.
    pub relu: bool,
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Net {
    /// A network of `width` units with weights N(0, 1/fan-in) from `seed`.
    pub fn new(width: usize, relu: bool, seed: u64) -> Net {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut n = || -> f64 { StandardNormal.sample(&mut rng) };
        let s1 = (0.5f64).sqrt();
        let s2 = 1.0 / (width as f64).sqrt();
        Net {
            w1: (0..width).map(|_| [n() * s1, n() * s1]).collect(),
            b1: vec![0.0; width],
            w2: (0..width).map(|_| n() * s2).collect(),
            b2: 0.0,
            relu,
        }
    }

    fn act(&self, z: f64) -> (f64, f64) {
        if self.relu {
            if z > 0.0 { (z, 1.0) } else { (0.0, 0.0) }
        } else {
            let t = z.tanh();
            (t, 1.0 - t * t)
        }
    }

    /// The output logit for `x`.
    pub fn logit(&self, x: &[f64; 2]) -> f64 {
        self.w1
            .iter()
            .zip(&self.b1)
            .zip(&self.w2)
            .map(|((w, b), v)| v * self.act(w[0] * x[0] + w[1] * x[1] + b).0)
            .sum::<f64>()
            + self.b2
    }

    /// The mean cross-entropy on `data`, computed stably from logits.
    pub fn loss(&self, data: &Data) -> f64 {
        let n = data.x.len() as f64;
        data.x.iter().zip(&data.y).map(|(x, y)| bce(self.logit(x), *y)).sum::<f64>() / n
    }

    /// The fraction of points classified right (probability above ½ means 1).
    pub fn accuracy(&self, data: &Data) -> f64 {
        let right = data.x.iter().zip(&data.y).filter(|(x, y)| (self.logit(x) > 0.0) == (**y > 0.5)).count();
        right as f64 / data.x.len() as f64
    }

    /// The gradient of [`Net::loss`], as a network of the same shape.
    pub fn gradient(&self, data: &Data) -> Net {
        let width = self.w1.len();
        let mut g =
            Net { w1: vec![[0.0; 2]; width], b1: vec![0.0; width], w2: vec![0.0; width], b2: 0.0, relu: self.relu };
        let n = data.x.len() as f64;
        let mut hidden = vec![(0.0, 0.0); width];
        for (x, y) in data.x.iter().zip(&data.y) {
            for (j, h) in hidden.iter_mut().enumerate() {
                *h = self.act(self.w1[j][0] * x[0] + self.w1[j][1] * x[1] + self.b1[j]);
            }
            let z = hidden.iter().zip(&self.w2).map(|(h, v)| h.0 * v).sum::<f64>() + self.b2;
            // d(bce)/dz = σ(z) − y.
            let dz = (sigmoid(z) - y) / n;
            g.b2 += dz;
            for (j, (a, da)) in hidden.iter().enumerate() {
                g.w2[j] += dz * a;
                let dh = dz * self.w2[j] * da;
                g.b1[j] += dh;
                g.w1[j][0] += dh * x[0];
                g.w1[j][1] += dh * x[1];
            }
        }
        g
    }

    /// Takes the step `self − α g`.
    fn descend(&mut self, g: &Net, alpha: f64) {
        for j in 0..self.w1.len() {
            self.w1[j][0] -= alpha * g.w1[j][0];
            self.w1[j][1] -= alpha * g.w1[j][1];
            self.b1[j] -= alpha * g.b1[j];
            self.w2[j] -= alpha * g.w2[j];
        }
        self.b2 -= alpha * g.b2;
    }
}

/// Binary cross-entropy of a logit z against label y: log(1 + e^z) − y·z, computed without overflow.
fn bce(z: f64, y: f64) -> f64 {
    z.max(0.0) - y * z + (-z.abs()).exp().ln_1p()
}

/// The q-quantile (0 ≤ q ≤ 1) of sorted values, by linear interpolation between order statistics.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let at = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo as f64)
}

/// Trains one network; returns it and its final loss.
pub fn train(data: &Data, width: usize, relu: bool, seed: u64, steps: usize, alpha: f64) -> (Net, f64) {
    let mut net = Net::new(width, relu, seed);
    for _ in 0..steps {
        let g = net.gradient(data);
        net.descend(&g, alpha);
    }
    let loss = net.loss(data);
    (net, loss)
}

/// Runs the experiment.
pub fn run(p: &Params, draw: bool) -> Result<Outcome, String> {
    let widths = widths(p)?;
    super::within_limit(cost(p))?;
    let name = p.names("dataset").first().cloned().unwrap_or_else(|| "xor".into());
    let data = dataset(&name, n_points(p), p.num("noise"), p.int("data_seed") as u64);
    let relu = p.names("activation").first().is_some_and(|a| a == "relu");
    let (seeds, threshold) = (p.int("seeds"), p.num("threshold"));
    let mut out = Outcome::default();
    let mut dots = Vec::new();
    let mut medians = Series { name: "median".into(), points: Vec::new() };
    for &w in &widths {
        let runs: Vec<(f64, f64)> = (0..seeds)
            .map(|s| {
                let (net, loss) = train(&data, w, relu, p.int("seed") as u64 + s as u64, p.int("steps"), p.num("step"));
                (loss, net.accuracy(&data))
            })
            .collect();
        let mut losses: Vec<f64> = runs.iter().map(|r| r.0).collect();
        losses.sort_by(f64::total_cmp);
        let below = losses.iter().filter(|l| **l < threshold).count();
        let key = format!("w{w}");
        out.num(&format!("{key}.median"), quantile(&losses, 0.5));
        out.num(&format!("{key}.min"), losses[0]);
        out.num(&format!("{key}.max"), losses[losses.len() - 1]);
        out.num(&format!("{key}.p10"), quantile(&losses, 0.1));
        out.num(&format!("{key}.p90"), quantile(&losses, 0.9));
        out.num(&format!("{key}.count_below"), below as f64);
        out.num(&format!("{key}.below"), below as f64 / seeds as f64);
        out.num(&format!("{key}.accuracy"), runs.iter().map(|r| r.1).sum::<f64>() / seeds as f64);
        out.num(&format!("{key}.best_accuracy"), runs.iter().map(|r| r.1).fold(0.0, f64::max));
        dots.extend(losses.iter().map(|l| (w as f64, l.max(1e-12))));
        medians.points.push((w as f64, quantile(&losses, 0.5).max(1e-12)));
    }
    out.num("seeds", seeds as f64);
    out.num("points", data.x.len() as f64);
    let title = format!("{name}: final loss of {seeds} runs per width, {} steps", p.int("steps"));
    out.figure = super::drawn(draw, || {
        super::figures::scatter(&title, "hidden width", "final loss", &dots, &medians, threshold)
    });
    out.series = vec![Series { name: "runs".into(), points: dots }, medians];
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gradient_matches_finite_differences() {
        let data = dataset("moons", 20, 0.1, 3);
        for relu in [false, true] {
            let net = Net::new(5, relu, 7);
            let g = net.gradient(&data);
            let h = 1e-6;
            let mut bumped = net.clone();
            bumped.w1[2][1] += h;
            let numeric = (bumped.loss(&data) - net.loss(&data)) / h;
            assert!((numeric - g.w1[2][1]).abs() < 1e-4, "{numeric} vs {}", g.w1[2][1]);
            let mut bumped = net.clone();
            bumped.b2 += h;
            assert!(((bumped.loss(&data) - net.loss(&data)) / h - g.b2).abs() < 1e-4);
        }
    }

    #[test]
    fn cross_entropy_is_stable_and_right() {
        assert!((bce(0.0, 1.0) - 2f64.ln()).abs() < 1e-15);
        assert!(bce(1000.0, 1.0) < 1e-300 && bce(-1000.0, 1.0) == 1000.0);
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
    }
}
