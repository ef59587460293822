//! Optimizers. Every one is deterministic given its seed; divergence (NaN, ∞, blow-up) ends a run
//! and is reported as a result, never a crash.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use super::objective::Objective;

/// The methods, as named in specs.
pub const METHODS: [&str; 7] = ["gd", "noisy", "perturbed", "momentum", "nesterov", "newton", "saddle_free"];

/// A method's name in words, for legends.
pub fn label(method: &str) -> &str {
    match method {
        "gd" => "gradient descent",
        "noisy" => "noisy GD",
        "perturbed" => "perturbed GD",
        "momentum" => "heavy-ball momentum",
        "nesterov" => "Nesterov momentum",
        "newton" => "Newton",
        "saddle_free" => "saddle-free Newton",
        other => other,
    }
}

/// Settings shared by the methods.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Step size α.
    pub step: f64,
    /// Momentum β (heavy ball, Nesterov).
    pub momentum: f64,
    /// Standard deviation of the gradient noise (noisy GD); with `sphere`, its exact norm.
    pub noise: f64,
    /// Noisy GD draws its noise uniformly on the sphere of radius `noise`, not Gaussian.
    pub sphere: bool,
    /// Radius of the perturbation ball (perturbed GD).
    pub perturb: f64,
    /// Gradient norm below which perturbed GD perturbs.
    pub grad_tol: f64,
    /// Steps perturbed GD waits between perturbations.
    pub wait: usize,
    /// The seed of the run.
    pub seed: u64,
}

/// One optimizer's state while iterating.
pub struct Run<'a> {
    method: &'a str,
    f: &'a dyn Objective,
    s: &'a Settings,
    /// The current point.
    pub x: Vec<f64>,
    v: Vec<f64>,
    last_perturb: Option<usize>,
    t: usize,
    rng: ChaCha8Rng,
}

impl<'a> Run<'a> {
    /// A run of `method` on `f` from `x0`.
    pub fn new(method: &'a str, f: &'a dyn Objective, s: &'a Settings, x0: &[f64]) -> Self {
        Run {
            method,
            f,
            s,
            x: x0.to_vec(),
            v: vec![0.0; x0.len()],
            last_perturb: None,
            t: 0,
            rng: ChaCha8Rng::seed_from_u64(s.seed),
        }
    }

    /// Takes one step; returns false when the iterate is no longer finite or has blown up.
    pub fn step(&mut self) -> bool {
        let (a, b) = (self.s.step, self.s.momentum);
        match self.method {
            "noisy" => {
                let g = self.f.gradient(&self.x);
                let mut z: Vec<f64> = (0..g.len()).map(|_| StandardNormal.sample(&mut self.rng)).collect();
                if self.s.sphere {
                    // A normalized Gaussian vector is uniform on the sphere.
                    let n = norm(&z);
                    if n > 0.0 {
                        z.iter_mut().for_each(|zi| *zi /= n);
                    }
                }
                for ((xi, gi), zi) in self.x.iter_mut().zip(g).zip(z) {
                    *xi -= a * (gi + self.s.noise * zi);
                }
            }
            "perturbed" => {
                let g = self.f.gradient(&self.x);
                let small = norm(&g) <= self.s.grad_tol;
                let waited = self.last_perturb.is_none_or(|t0| self.t - t0 > self.s.wait);
                let g = if small && waited {
                    let kick = ball(&mut self.rng, self.x.len(), self.s.perturb);
                    self.x.iter_mut().zip(kick).for_each(|(xi, k)| *xi += k);
                    self.last_perturb = Some(self.t);
                    self.f.gradient(&self.x)
                } else {
                    g
                };
                self.x.iter_mut().zip(g).for_each(|(xi, gi)| *xi -= a * gi);
            }
            "momentum" => {
                let g = self.f.gradient(&self.x);
                for ((xi, vi), gi) in self.x.iter_mut().zip(&mut self.v).zip(g) {
                    *vi = b * *vi - a * gi;
                    *xi += *vi;
                }
            }
            "nesterov" => {
                let look: Vec<f64> = self.x.iter().zip(&self.v).map(|(x, v)| x + b * v).collect();
                let g = self.f.gradient(&look);
                for ((xi, vi), gi) in self.x.iter_mut().zip(&mut self.v).zip(g) {
                    *vi = b * *vi - a * gi;
                    *xi += *vi;
                }
            }
            "newton" => {
                let g = self.f.gradient(&self.x);
                match self.f.newton_direction(&self.x, &g) {
                    Some(d) => self.x.iter_mut().zip(d).for_each(|(xi, di)| *xi -= di),
                    None => return false,
                }
            }
            "saddle_free" => {
                // Dauphin et al. (2014): x ← x − α|H|⁻¹∇f, with |H| = V|Λ|Vᵀ. Along a direction of
                // negative curvature this moves downhill, where Newton moves toward the saddle.
                let g = self.f.gradient(&self.x);
                match self.f.abs_newton_direction(&self.x, &g) {
                    Some(d) => self.x.iter_mut().zip(d).for_each(|(xi, di)| *xi -= a * di),
                    None => return false,
                }
            }
            _ => {
                let g = self.f.gradient(&self.x);
                self.x.iter_mut().zip(g).for_each(|(xi, gi)| *xi -= a * gi);
            }
        }
        self.t += 1;
        self.x.iter().all(|v| v.is_finite()) && norm(&self.x) < 1e12
    }

    /// Whether this method draws random numbers.
    pub fn stochastic(method: &str) -> bool {
        matches!(method, "noisy" | "perturbed")
    }
}

/// The Euclidean norm.
pub fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// A point uniformly distributed in the d-ball of radius r.
fn ball(rng: &mut ChaCha8Rng, d: usize, r: f64) -> Vec<f64> {
    let z: Vec<f64> = (0..d).map(|_| StandardNormal.sample(&mut *rng)).collect();
    let n = norm(&z).max(f64::MIN_POSITIVE);
    let u: f64 = rng.random::<f64>();
    let scale = r * u.powf(1.0 / d as f64) / n;
    z.into_iter().map(|x| x * scale).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiments::objective::Quadratic;

    fn settings() -> Settings {
        Settings {
            step: 0.1,
            momentum: 0.9,
            noise: 0.1,
            sphere: false,
            perturb: 0.01,
            grad_tol: 1e-3,
            wait: 10,
            seed: 7,
        }
    }

    #[test]
    fn newton_solves_a_quadratic_in_one_step() {
        let f = Quadratic { lambda: vec![2.0, -2.0] };
        let s = settings();
        let mut r = Run::new("newton", &f, &s, &[0.3, -0.7]);
        assert!(r.step());
        assert_eq!(r.x, [0.0, 0.0]);
    }

    #[test]
    fn same_seed_same_path_other_seed_other_path() {
        let f = Quadratic { lambda: vec![1.0, -1.0, 1.0] };
        let s = settings();
        let path = |s: &Settings| {
            let mut r = Run::new("noisy", &f, s, &[0.0; 3]);
            (0..5).for_each(|_| {
                r.step();
            });
            r.x
        };
        assert_eq!(path(&s), path(&s));
        assert_ne!(path(&s), path(&Settings { seed: 8, ..s.clone() }));
    }

    #[test]
    fn ball_samples_stay_inside() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for _ in 0..100 {
            assert!(norm(&ball(&mut rng, 5, 0.5)) <= 0.5);
        }
    }

    #[test]
    fn divergence_is_reported_not_a_crash() {
        let f = Quadratic { lambda: vec![1.0] };
        let s = Settings { step: 3.0, ..settings() };
        let mut r = Run::new("gd", &f, &s, &[1.0]);
        let steps = (0..200).take_while(|_| r.step()).count();
        assert!(steps < 200, "|1 - 3| = 2 per step blows up");
    }
}
