//! `symmetry-count`: builds a random MLP and counts, by brute force, the transformed parameter
//! settings that compute the same function on a batch: every permutation of every hidden layer's
//! units, combined with every sign flip of them. Theory predicts (n!)^(L-1) for any activation and
//! (2ⁿ·n!)^(L-1) when the activation is odd (tanh, sin).

use std::collections::HashSet;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use super::Outcome;
use super::expr::factorial;
use super::spec::{Default as D, ParamDef, Params, Ty};

/// The activations.
pub const ACTIVATIONS: [&str; 4] = ["tanh", "relu", "sigmoid", "sin"];

/// The parameters.
pub const PARAMS: &[ParamDef] = &[
    ParamDef { name: "width", ty: Ty::Int(1, 6), default: D::Required, doc: "n, the units in each hidden layer" },
    ParamDef {
        name: "depth",
        ty: Ty::Int(2, 4),
        default: D::Required,
        doc: "L, the weight layers (L-1 hidden layers)",
    },
    ParamDef {
        name: "activation",
        ty: Ty::Choice(&ACTIVATIONS),
        default: D::Names(&["tanh"]),
        doc: "the hidden units' activation",
    },
    ParamDef { name: "inputs", ty: Ty::Int(1, 16), default: D::Num(3.0), doc: "input dimension" },
    ParamDef { name: "outputs", ty: Ty::Int(1, 8), default: D::Num(2.0), doc: "output dimension" },
    ParamDef { name: "batch", ty: Ty::Int(1, 256), default: D::Num(16.0), doc: "inputs the functions are compared on" },
    ParamDef {
        name: "tol",
        ty: Ty::Num(0.0, 1.0),
        default: D::Num(1e-9),
        doc: "largest output difference that counts as the same function",
    },
    ParamDef { name: "seed", ty: Ty::Int(0, 1 << 53), default: D::Num(0.0), doc: "seed of the weights and the batch" },
    ParamDef {
        name: "weights",
        ty: Ty::NumList(1, 1000),
        default: D::Optional,
        doc: "explicit weights instead of random ones: every layer's matrix in turn, row by row (a row is one unit's incoming weights)",
    },
    ParamDef {
        name: "biases",
        ty: Ty::NumList(1, 1000),
        default: D::Optional,
        doc: "with `weights`: every layer's biases in turn (default: all 0)",
    },
];

/// At most this many transformed networks are evaluated.
const CONFIG_LIMIT: f64 = 3e5;

struct Layer {
    w: Vec<Vec<f64>>, // rows: outputs, cols: inputs
    b: Vec<f64>,
}

fn act(name: &str, z: f64) -> f64 {
    match name {
        "relu" => z.max(0.0),
        "sigmoid" => 1.0 / (1.0 + (-z).exp()),
        "sin" => z.sin(),
        _ => z.tanh(),
    }
}

fn forward(layers: &[Layer], activation: &str, x: &[f64]) -> Vec<f64> {
    let mut h = x.to_vec();
    for (i, l) in layers.iter().enumerate() {
        let last = i + 1 == layers.len();
        h =
            l.w.iter()
                .zip(&l.b)
                .map(|(row, b)| {
                    let z = row.iter().zip(&h).map(|(w, x)| w * x).sum::<f64>() + b;
                    if last { z } else { act(activation, z) }
                })
                .collect();
    }
    h
}

/// All permutations of 0..n in lexicographic order.
fn permutations(n: usize) -> Vec<Vec<usize>> {
    let mut out = vec![];
    let mut p: Vec<usize> = (0..n).collect();
    loop {
        out.push(p.clone());
        let Some(i) = (1..n).rev().find(|&i| p[i - 1] < p[i]) else { break };
        let j = (i..n).rev().find(|&j| p[j] > p[i - 1]).unwrap_or(i);
        p.swap(i - 1, j);
        p[i..].reverse();
    }
    out
}

/// Applies a permutation and signs to hidden layer `k` (between `layers[k]` and `layers[k+1]`).
fn transform(layers: &mut [Layer], k: usize, perm: &[usize], signs: u32) {
    let sign = |j: usize| if signs >> j & 1 == 1 { -1.0 } else { 1.0 };
    let (w, b) = (&layers[k].w, &layers[k].b);
    let new_w: Vec<Vec<f64>> =
        perm.iter().enumerate().map(|(j, &pj)| w[pj].iter().map(|x| x * sign(j)).collect()).collect();
    let new_b: Vec<f64> = perm.iter().enumerate().map(|(j, &pj)| b[pj] * sign(j)).collect();
    layers[k].w = new_w;
    layers[k].b = new_b;
    let next = &mut layers[k + 1];
    next.w = next.w.iter().map(|row| perm.iter().enumerate().map(|(j, &pj)| row[pj] * sign(j)).collect()).collect();
}

/// The work the experiment does, in the units of [`super::WORK_LIMIT`]: every transformed network
/// is built (its parameters copied and hashed) and run on the whole batch; a weight costs about ten
/// units in the forward pass (multiply, add, the activation, and the per-sample allocations).
pub fn cost(p: &Params) -> f64 {
    let (n, depth) = (p.int("width") as f64, p.int("depth") as f64);
    let (inputs, outputs) = (p.int("inputs") as f64, p.int("outputs") as f64);
    let params = (inputs + 1.0) * n + (depth - 2.0) * (n + 1.0) * n + (n + 1.0) * outputs;
    let configs = (factorial(n) * 2f64.powf(n)).powf(depth - 1.0);
    configs * (10.0 * p.int("batch") as f64 * params + 4.0 * params)
}

/// The layers of sizes `sizes` from flat lists of weights (row by row, layer by layer) and biases.
fn explicit(sizes: &[usize], w: &[f64], b: Option<&[f64]>) -> Result<Vec<Layer>, String> {
    let nw: usize = sizes.windows(2).map(|s| s[0] * s[1]).sum();
    let nb: usize = sizes[1..].iter().sum();
    let shape = sizes.iter().map(usize::to_string).collect::<Vec<_>>().join("-");
    if w.len() != nw {
        return Err(format!("`weights` has {} numbers; a {shape} network has {nw}", w.len()));
    }
    if let Some(b) = b.filter(|b| b.len() != nb) {
        return Err(format!("`biases` has {} numbers; a {shape} network has {nb}", b.len()));
    }
    let (mut w, mut b) = (w.iter().copied(), b.map(|b| b.iter().copied()));
    Ok(sizes
        .windows(2)
        .map(|s| Layer {
            w: (0..s[1]).map(|_| w.by_ref().take(s[0]).collect()).collect(),
            b: (0..s[1]).map(|_| b.as_mut().and_then(Iterator::next).unwrap_or(0.0)).collect(),
        })
        .collect())
}

/// How many hidden units output exactly 0 on every input of the batch.
fn dead_units(layers: &[Layer], activation: &str, batch: &[Vec<f64>]) -> usize {
    let mut dead = 0;
    let hidden = layers.len().saturating_sub(1);
    for k in 0..hidden {
        let width = layers[k].w.len();
        let mut alive = vec![false; width];
        for x in batch {
            // `forward` leaves the last layer it is given linear: apply the activation here.
            let h: Vec<f64> = forward(&layers[..=k], activation, x).iter().map(|z| act(activation, *z)).collect();
            for (j, v) in h.iter().enumerate() {
                alive[j] |= *v != 0.0;
            }
        }
        dead += alive.iter().filter(|a| !**a).count();
    }
    dead
}

/// Runs the experiment.
pub fn run(p: &Params, draw: bool) -> Result<Outcome, String> {
    let (n, depth) = (p.int("width"), p.int("depth"));
    let hidden = depth - 1;
    let activation = p.names("activation").first().cloned().unwrap_or_else(|| "tanh".into());
    let per_layer = factorial(n as f64) * 2f64.powi(n as i32);
    let configs = per_layer.powi(hidden as i32);
    if configs > CONFIG_LIMIT {
        return Err(format!(
            "(2ⁿ·n!)^(L-1) = {configs} networks to try; the limit is {CONFIG_LIMIT}: lower `width` or `depth`"
        ));
    }
    super::within_limit(cost(p))?;
    let mut rng = ChaCha8Rng::seed_from_u64(p.int("seed") as u64);
    let mut normal = || -> f64 { StandardNormal.sample(&mut rng) };
    let sizes: Vec<usize> = std::iter::once(p.int("inputs"))
        .chain(std::iter::repeat_n(n, hidden))
        .chain(std::iter::once(p.int("outputs")))
        .collect();
    let make = |normal: &mut dyn FnMut() -> f64| -> Vec<Layer> {
        sizes
            .windows(2)
            .map(|w| Layer {
                w: (0..w[1]).map(|_| (0..w[0]).map(|_| normal()).collect()).collect(),
                b: (0..w[1]).map(|_| normal()).collect(),
            })
            .collect()
    };
    let base = match p.list("weights") {
        Some(w) => explicit(&sizes, w, p.list("biases"))?,
        None if p.has("biases") => return Err("`biases` needs `weights`".into()),
        None => make(&mut normal),
    };
    let batch: Vec<Vec<f64>> = (0..p.int("batch")).map(|_| (0..sizes[0]).map(|_| normal()).collect()).collect();
    let reference: Vec<Vec<f64>> = batch.iter().map(|x| forward(&base, &activation, x)).collect();
    // The largest output difference from the base network over the batch.
    let diff = |layers: &[Layer]| {
        batch
            .iter()
            .zip(&reference)
            .map(|(x, r)| forward(layers, &activation, x).iter().zip(r).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max))
            .fold(0.0, f64::max)
    };
    let (mut equivalent_max, mut distinct_min) = (0.0f64, f64::INFINITY);
    let params_key = |layers: &[Layer]| -> Vec<u64> {
        layers.iter().flat_map(|l| l.w.iter().flatten().chain(&l.b).map(|v| v.to_bits())).collect()
    };

    let perms = permutations(n);
    let sign_choices = 1u32 << n;
    let per = perms.len() * sign_choices as usize;
    let mut distinct: HashSet<Vec<u64>> = HashSet::new();
    let mut perms_only = 0usize;
    for index in 0..(per.pow(hidden as u32)) {
        let mut layers: Vec<Layer> = base.iter().map(|l| Layer { w: l.w.clone(), b: l.b.clone() }).collect();
        let mut rest = index;
        let mut any_sign = false;
        for k in 0..hidden {
            let c = rest % per;
            rest /= per;
            let (pi, signs) = (c / sign_choices as usize, (c % sign_choices as usize) as u32);
            any_sign |= signs != 0;
            transform(&mut layers, k, &perms[pi], signs);
        }
        let d = diff(&layers);
        if d <= p.num("tol") {
            equivalent_max = equivalent_max.max(d);
            if distinct.insert(params_key(&layers)) && !any_sign {
                perms_only += 1;
            }
        } else {
            distinct_min = distinct_min.min(d);
        }
    }
    let odd = matches!(activation.as_str(), "tanh" | "sin");
    let formula = factorial(n as f64).powi(hidden as i32);
    let formula_signs = per_layer.powi(hidden as i32);

    let mut out = Outcome::default();
    out.num("count", distinct.len() as f64);
    out.num("permutations_only", perms_only as f64);
    out.num("formula", formula);
    out.num("formula_signs", formula_signs);
    out.num("predicted", if odd { formula_signs } else { formula });
    out.num("tried", configs);
    out.boolean("odd", odd);
    out.num("hidden_layers", hidden as f64);
    out.num("equivalent_max_diff", equivalent_max);
    out.num("distinct_min_diff", distinct_min);
    // A hidden unit that is 0 on the whole batch (a dead ReLU, or a unit behind one) makes any
    // change of its outgoing weights invisible on this batch: the count then includes symmetries
    // that hold only here. Say so, never count them silently.
    let dead = dead_units(&base, &activation, &batch);
    out.num("dead_units", dead as f64);
    if dead > 0 {
        out.warnings.push(format!(
            "{dead} hidden unit(s) output 0 on every input of the batch, so `count` includes symmetries that hold only on this batch; use another `seed`, a larger `batch`, or tanh"
        ));
    }

    // Rescaling: hidden unit 0 of layer 0, incoming ×a, outgoing ×1/a.
    let a = 2.5;
    let mut scaled: Vec<Layer> = base.iter().map(|l| Layer { w: l.w.clone(), b: l.b.clone() }).collect();
    scaled[0].w[0].iter_mut().for_each(|w| *w *= a);
    scaled[0].b[0] *= a;
    scaled[1].w.iter_mut().for_each(|row| row[0] /= a);
    let tol = p.num("tol").max(1e-12);
    let rescale_ok = batch.iter().zip(&reference).all(|(x, r)| {
        forward(&scaled, &activation, x).iter().zip(r).all(|(u, v)| (u - v).abs() <= tol * (1.0 + v.abs()))
    });
    out.boolean("rescale_preserves", rescale_ok);
    out.figure = super::drawn(draw, || {
        super::figures::bars(
            &format!("{activation} net, width {n}, {depth} layers"),
            "equivalent settings",
            &[("measured", distinct.len() as f64), ("(n!)ᴸ⁻¹", formula), ("(2ⁿn!)ᴸ⁻¹", formula_signs)],
        )
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn permutations_are_all_there() {
        let p = super::permutations(4);
        assert_eq!(p.len(), 24);
        let set: std::collections::HashSet<_> = p.iter().collect();
        assert_eq!(set.len(), 24);
    }
}
