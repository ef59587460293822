//! The experiments against textbook theory. Every expected value is derived here from the
//! mathematics, not copied from a run.

use studygen::experiments::{self, Block, Outcome, Value, spec};

fn run(yaml: &str) -> Outcome {
    let block = Block { file: "t.md".into(), line: 1, text: yaml.into() };
    let spec = spec::parse(&block, &experiments::KINDS).unwrap_or_else(|d| panic!("{d:?}"));
    experiments::run(&spec, true).unwrap()
}

fn num(o: &Outcome, name: &str) -> f64 {
    match o.values.get(name) {
        Some(v) => v.as_f64(),
        None => panic!("no result `{name}` in {:?}", o.values.keys().collect::<Vec<_>>()),
    }
}

fn yes(o: &Outcome, name: &str) -> bool {
    o.values.get(name) == Some(&Value::Bool(true))
}

fn fact(n: u32) -> f64 {
    (1..=n).map(f64::from).product()
}

#[test]
fn gd_escapes_x2_minus_y2_at_the_step_the_growth_factor_implies() {
    // y_k = 1e-8 (1 + 2α)^k, so |y| ≥ 1 first at k = ⌈ln(1e8) / ln(1 + 2α)⌉.
    let alpha: f64 = 0.1;
    let o = run("kind: saddle-escape\nid: s\nf: x^2 - y^2\nstart: [1, 1e-8]\nmethods: [gd]\nstep: 0.1");
    let expected = ((1e8f64).ln() / (1.0 + 2.0 * alpha).ln()).ceil();
    assert_eq!(num(&o, "gd.escape_step"), expected);
    assert!(yes(&o, "gd.escaped"));
    // The saddle: Hessian diag(2, -2) everywhere, index 1.
    assert_eq!((num(&o, "start_eig1"), num(&o, "start_eig2"), num(&o, "start_index")), (-2.0, 2.0, 1.0));
}

#[test]
fn gd_with_the_optimal_step_needs_the_predicted_iterations_at_kappa_100() {
    // e_k = ((κ-1)/(κ+1))^k e_0 in every coordinate, so ⌈ln(1e-6) / ln((κ-1)/(κ+1))⌉ iterations.
    let kappa: f64 = 100.0;
    let o = run("kind: ill-conditioned\nid: r\neigenvalues: [1, 100]\nrules: [optimal]\ntol: 1e-6");
    let rate = (kappa - 1.0) / (kappa + 1.0);
    assert_eq!(num(&o, "optimal.iterations"), ((1e-6f64).ln() / rate.ln()).ceil());
    assert!((num(&o, "optimal.rate") - rate).abs() < 1e-12);
    assert_eq!(num(&o, "optimal.alpha"), 2.0 / (1.0 + kappa));
    // Every step flips the steep coordinate: 1 - αλ_max = -(κ-1)/(κ+1) < 0.
    assert_eq!(num(&o, "optimal.zigzag"), num(&o, "optimal.iterations"));
    // On a quadratic the second-order model is exact: ΔL = -α gᵀg + ½ α² gᵀHg.
    assert!(yes(&o, "optimal.second_order_ok"), "{}", num(&o, "optimal.second_order_max_err"));
    // gᵀg at the start is Σ λᵢ² xᵢ² = 1 + 100².
    assert_eq!(num(&o, "optimal.gTg_first"), 1.0 + kappa * kappa);
    assert_eq!(num(&o, "optimal.gHg_first"), 1.0 + kappa.powi(3));
}

#[test]
fn kappa_parameter_and_heavy_ball_rate() {
    // Heavy ball with α = 4/(√L+√μ)², β = ((√κ-1)/(√κ+1))² puts both eigenvalues of every 2×2
    // iteration block at the double root ρ = (√κ-1)/(√κ+1), so e_k = (a + b k) ρ^k: the geometric mean
    // over k steps lies between ρ and ρ·(2k)^(1/k).
    let o = run("kind: ill-conditioned\nid: r\nkappa: 100\nrules: [heavy_ball, optimal]\ntol: 1e-10");
    let hb = (10.0 - 1.0) / (10.0 + 1.0);
    assert_eq!(num(&o, "kappa"), 100.0);
    assert!((num(&o, "heavy_ball.theory_rate") - hb).abs() < 1e-15);
    let measured = num(&o, "heavy_ball.rate");
    let k = num(&o, "heavy_ball.iterations");
    assert!(measured > hb && measured < hb * (2.0 * k).powf(1.0 / k), "{measured} vs {hb} after {k} steps");
    assert!(num(&o, "heavy_ball.iterations") * 4.0 < num(&o, "optimal.iterations"));
}

#[test]
fn a_step_just_above_two_over_lambda_max_diverges_and_just_below_converges() {
    let lmax = 100.0;
    let above = format!(
        "kind: ill-conditioned\nid: r\neigenvalues: [1, {lmax}]\nrules: [fixed]\nalpha: {}\nsteps: 20000",
        2.0 / lmax * 1.01
    );
    let o = run(&above);
    assert!(yes(&o, "fixed.diverged"));
    assert_eq!(num(&o, "fixed.iterations"), f64::INFINITY);
    // The growth factor per step is |1 - αλ_max| = 1.02.
    assert!((num(&o, "fixed.theory_rate") - 1.02).abs() < 1e-12);
    let below =
        above.replace("1.01", "0.99").replace(&format!("{}", 2.0 / lmax * 1.01), &format!("{}", 2.0 / lmax * 0.99));
    let o = run(&below);
    assert!(!yes(&o, "fixed.diverged"));
    assert!(num(&o, "fixed.iterations").is_finite());
}

#[test]
fn newton_lands_on_a_quadratic_saddle_in_one_step() {
    let o =
        run("kind: saddle-escape\nid: s\nf: 3*x^2 - y^2/2 + x*y/4\nstart: [0.3, -0.7]\nmethods: [newton]\nsteps: 1");
    assert_eq!(num(&o, "newton.final.x").abs(), 0.0);
    assert!(num(&o, "newton.final.y").abs() < 1e-15);
    assert!(!yes(&o, "newton.escaped"));
    // And stays there.
    let o = run("kind: saddle-escape\nid: s\nf: x^2 - y^2\nstart: [0.3, -0.7]\nmethods: [newton]\nsteps: 100");
    assert_eq!((num(&o, "newton.final.x"), num(&o, "newton.final.y")), (0.0, 0.0));
    assert_eq!(num(&o, "newton.escape_step"), f64::INFINITY);
}

#[test]
fn gd_started_exactly_at_the_saddle_never_moves() {
    let o = run(
        "kind: saddle-escape\nid: s\nf: x^2 - y^2 + x^3\nstart: [0, 0]\nmethods: [gd, momentum, nesterov]\nsteps: 5000",
    );
    for m in ["gd", "momentum", "nesterov"] {
        assert_eq!(num(&o, &format!("{m}.moved")), 0.0, "{m}");
        assert!(!yes(&o, &format!("{m}.escaped")), "{m}");
    }
}

#[test]
fn symmetry_counts_equal_the_formulas() {
    for (n, depth) in [(1u32, 2u32), (2, 2), (3, 2), (2, 3), (3, 3), (1, 4), (2, 4)] {
        let hidden = (depth - 1) as i32;
        let perms = fact(n).powi(hidden);
        let signs = (2f64.powi(n as i32) * fact(n)).powi(hidden);
        for (act, expected) in [("tanh", signs), ("sin", signs), ("relu", perms), ("sigmoid", perms)] {
            if act == "relu" && n == 1 && depth == 4 {
                // A chain of single ReLU units is very likely to have a dead unit, which makes the
                // function constant and adds symmetries the formula does not count.
                continue;
            }
            let o =
                run(&format!("kind: symmetry-count\nid: m\nwidth: {n}\ndepth: {depth}\nactivation: {act}\nseed: 3"));
            assert_eq!(num(&o, "count"), expected, "{act}, n = {n}, L = {depth}");
            assert_eq!(num(&o, "permutations_only"), perms, "{act}, n = {n}, L = {depth}");
            assert_eq!(num(&o, "predicted"), expected);
        }
    }
    let relu = run("kind: symmetry-count\nid: m\nwidth: 3\ndepth: 3\nactivation: relu");
    assert!(yes(&relu, "rescale_preserves"));
    let tanh = run("kind: symmetry-count\nid: m\nwidth: 3\ndepth: 3\nactivation: tanh");
    assert!(!yes(&tanh, "rescale_preserves"));
}

/// The median of |t| for t the first coordinate of a uniform point in the unit d-ball, whose
/// density is proportional to (1 - t²)^((d-1)/2), by numerical integration.
fn median_first_coordinate(d: usize) -> f64 {
    let n = 200_000;
    let dens = |t: f64| (1.0 - t * t).max(0.0).powf((d as f64 - 1.0) / 2.0);
    let h = 1.0 / n as f64;
    let cum: Vec<f64> = (0..n)
        .scan(0.0, |acc, i| {
            *acc += h * dens((i as f64 + 0.5) * h);
            Some(*acc)
        })
        .collect();
    let half = cum[n - 1] / 2.0;
    (cum.iter().position(|c| *c >= half).unwrap() as f64 + 0.5) * h
}

#[test]
fn perturbed_gd_always_escapes_and_its_median_step_grows_with_log_dimension() {
    // From the saddle of ½(-x₁² + Σ xᵢ²), one perturbation u uniform in the r-ball, then GD multiplies
    // x₁ by (1 + α) per step: escape at ⌈ln(R / |u₁|) / ln(1 + α)⌉. The median |u₁| is r·m_d with
    // m_d ≈ 0.674/√d, so the median step grows like ½ ln d / ln(1 + α): logarithmically.
    let (alpha, r, big_r) = (0.1f64, 1e-3f64, 1.0f64);
    let mut medians = Vec::new();
    for d in [10usize, 100, 1000] {
        let o = run(&format!(
            "kind: saddle-escape\nid: p\ndim: {d}\nmethods: [perturbed]\nstep: {alpha}\nperturb: {r}\ngrad_tol: 1e-12\nradius: {big_r}\ntrials: 201\nsteps: 200\nseed: 11"
        ));
        assert_eq!(num(&o, "perturbed.escape_rate"), 1.0, "every trial escapes in d = {d}");
        let measured = num(&o, "perturbed.escape_step");
        let predicted = (big_r / (r * median_first_coordinate(d))).ln() / (1.0 + alpha).ln();
        assert!((measured - predicted.ceil()).abs() <= 3.0, "d = {d}: measured {measured}, predicted {predicted:.1}");
        medians.push(measured);
    }
    // Each tenfold increase in d adds about ½ ln 10 / ln 1.1 ≈ 12 steps, not ten times as many.
    let per_decade = 0.5 * 10f64.ln() / (1.0 + alpha).ln();
    for w in medians.windows(2) {
        assert!(((w[1] - w[0]) - per_decade).abs() <= 4.0, "{medians:?}");
    }
    assert!(medians[2] < 2.0 * medians[0], "linear growth would be 100×: {medians:?}");
}

#[test]
fn runs_are_deterministic() {
    let spec =
        "kind: saddle-escape\nid: s\nf: x^2 - y^2\nstart: [0, 0]\nmethods: [noisy, perturbed]\ntrials: 5\nseed: 42";
    assert_eq!(run(spec), run(spec));
    assert_ne!(run(spec).values, run(&spec.replace("seed: 42", "seed: 43")).values);
}

/// A Monte Carlo estimate within `z` standard errors of `p`: with z = 4.5 a correct sampler fails
/// with probability below 10⁻⁵.
fn within(measured: f64, p: f64, trials: f64, z: f64) -> bool {
    (measured - p).abs() <= z * (p * (1.0 - p) / trials).sqrt()
}

#[test]
fn random_goe_hessians_are_minima_as_often_as_the_joint_eigenvalue_density_says() {
    let trials = 40_000.0;
    let o = run("kind: random-hessian\nid: h\ndims: 3\ntrials: 40000");
    // d = 1: H = a ~ N(0,1) is positive half the time.
    assert!(within(num(&o, "p1"), 0.5, trials, 4.5), "{}", num(&o, "p1"));
    // d = 2: H = [[a, b], [b, c]] with a, c ~ N(0,1), b ~ N(0,½). With u = (a+c)/√2, v = (a−c)/√2,
    // w = √2·b, all i.i.d. N(0,1), the eigenvalues are (u ± √(v²+w²))/√2, so H is positive definite
    // iff u > R with R = √(v²+w²) Rayleigh. P = ∫₀^∞ r e^{−r²/2} Φ̄(r) dr = ½ − 1/(2√2) = (2 − √2)/4.
    let p2 = (2.0 - 2f64.sqrt()) / 4.0;
    assert!(within(num(&o, "p2"), p2, trials, 4.5), "{} against {p2}", num(&o, "p2"));
    // The coin-flip heuristic overestimates already at d = 2: 0.25 against 0.146.
    assert_eq!((num(&o, "coin2"), num(&o, "coin3")), (0.25, 0.125));
    // H and −H have the same law, so on average half of the eigenvalues are negative; a matrix's
    // fraction lies in [0, 1], so its standard error is at most ½/√trials.
    for d in 1..=3 {
        let neg = num(&o, &format!("negative{d}"));
        assert!((neg - 0.5).abs() <= 4.5 * 0.5 / trials.sqrt(), "d = {d}: {neg}");
    }
    // The reported standard error is the binomial one.
    let p = num(&o, "p2");
    assert!((num(&o, "se2") - (p * (1.0 - p) / trials).sqrt()).abs() < 1e-15);
    // Minima get rarer with dimension, faster than 2⁻ᵈ: P₃ < P₂/2 (repulsion), measured well apart.
    assert!(num(&o, "p3") < num(&o, "p2") / 2.0 && num(&o, "p3") < 0.125 / 2.0);
}

#[test]
fn a_wigner_matrix_of_one_entry_is_positive_half_the_time() {
    let o = run("kind: random-hessian\nid: h\ndims: 1\ntrials: 40000\nensemble: wigner");
    assert!(within(num(&o, "p1"), 0.5, 40_000.0, 4.5));
}

#[test]
fn powers_of_a_matrix_scale_like_its_spectral_radius() {
    // W = diag(0.9, 0.5), x = (1, 1): ‖Wᵗx‖/‖x‖ = √((0.9^{2t} + 0.5^{2t})/2).
    let o = run("kind: long-term\nid: w\neigenvalues: [0.9, 0.5]\nsteps: 200");
    let ratio = |t: i32| ((0.81f64.powi(t) + 0.25f64.powi(t)) / 2.0).sqrt();
    assert!((num(&o, "rate") - ratio(200).powf(1.0 / 200.0)).abs() < 1e-12);
    let vanish = (1..=200).find(|t| ratio(*t) <= 1e-6).unwrap() as f64;
    assert_eq!(num(&o, "vanish_step"), vanish);
    assert_eq!(num(&o, "explode_step"), f64::INFINITY);
    assert_eq!(num(&o, "spectral_radius"), 0.9);
    assert!(yes(&o, "vanishes") && !yes(&o, "explodes"));
    // A rotation scaled by 1.1 has complex eigenvalues 1.1·e^{±iθ}: ‖Wᵗx‖ = 1.1ᵗ‖x‖ exactly,
    // so the norm passes 10⁶ at t = ⌈ln 10⁶ / ln 1.1⌉.
    let (c, s) = (0.6 * 1.1, 0.8 * 1.1);
    let o = run(&format!("kind: long-term\nid: r\nmatrix: [{c}, {}, {s}, {c}]\nsteps: 300", -s));
    assert!((num(&o, "spectral_radius") - 1.1).abs() < 1e-12);
    assert!((num(&o, "rate") - 1.1).abs() < 1e-12);
    assert_eq!(num(&o, "explode_step"), ((1e6f64).ln() / 1.1f64.ln()).ceil());
    assert!(yes(&o, "explodes"));
}

#[test]
fn one_gradient_step_at_a_cliff_is_huge_and_clipping_bounds_it() {
    // f(x) = x²/2 + h·σ(s(x − 1)); at x = 1, f'(1) = 1 + h·s·σ(0)(1 − σ(0)) = 1 + h·s/4.
    let (h, s, alpha, clip) = (100.0, 50.0, 0.1, 1.0);
    let o = run("kind: cliff\nid: c\nheight: 100\nsharpness: 50\nstep: 0.1\nclip: 1\nsteps: 100");
    let g = 1.0 + h * s / 4.0;
    assert!((num(&o, "start_grad_norm") - g).abs() < 1e-9);
    // Plain GD's first step, α·f'(1), is its largest: afterwards it is back in the bowl, where
    // the gradient is x and every step shrinks.
    assert!((num(&o, "gd.max_step") - alpha * g).abs() < 1e-9);
    assert!(yes(&o, "gd.thrown"));
    // Clipped, every step is at most α·clip, and the first is exactly that.
    assert!((num(&o, "clipped.max_step") - alpha * clip).abs() < 1e-12);
    assert!(!yes(&o, "clipped.thrown"));
}

#[test]
fn one_hidden_unit_cannot_solve_xor_and_the_statistics_agree() {
    // With one hidden unit the output is a monotone function of the projection wᵀx, so the
    // decision region is a half-plane; XOR is not linearly separable, so at least one of its four
    // points is always wrong: accuracy ≤ 3/4, for every seed.
    let o = run("kind: train\nid: t\ndataset: xor\nwidths: [1, 4]\nseeds: 20\nsteps: 500");
    assert!(num(&o, "w1.best_accuracy") <= 0.75, "{}", num(&o, "w1.best_accuracy"));
    // The cross-entropy of a classifier that gets a point wrong is at least ln 2 on that point,
    // so a width-1 network's mean loss on XOR's four points is at least ln(2)/4.
    assert!(num(&o, "w1.min") >= 2f64.ln() / 4.0, "{}", num(&o, "w1.min"));
    for w in ["w1", "w4"] {
        let q = |n: &str| num(&o, &format!("{w}.{n}"));
        assert!(q("min") <= q("p10") && q("p10") <= q("median") && q("median") <= q("p90") && q("p90") <= q("max"));
        assert_eq!(q("below"), q("count_below") / 20.0);
    }
    assert_eq!(num(&o, "points"), 4.0);
}

#[test]
fn filter_normalized_slices_do_not_see_a_relu_rescaling_but_raw_directions_do() {
    // ReLU is positively homogeneous: scaling a hidden unit's weights and bias by s and its outgoing
    // weight by 1/s keeps the function. A filter-normalized direction scales with the rows it is
    // normalized against, so θ' + a·d' is the same rescaling of θ + a·d, and every point of the
    // curve is the same network: equal to rounding.
    let o = run(
        "kind: loss-landscape\nid: l\ndataset: moons\nwidth: 8\npoints: 40\nsteps: 500\nrescale: 10\nresolution: 21",
    );
    assert!(num(&o, "invariance.function_diff") < 1e-12);
    assert!(num(&o, "invariance.filter_max_diff") < 1e-10, "{}", num(&o, "invariance.filter_max_diff"));
    assert!(yes(&o, "invariance.filter_ok"));
    // A raw Gaussian direction does not scale, so the rescaled curve differs.
    assert!(num(&o, "invariance.raw_max_diff") > 1e-3, "{}", num(&o, "invariance.raw_max_diff"));
    // The slices pass through the trained weights: their minimum is at most the centre's loss.
    assert!(num(&o, "min") <= num(&o, "center") && num(&o, "grid_min") <= num(&o, "min"));
    // The centre is the loss `train` reaches from the same seed, data and steps.
    let t = run(
        "kind: train\nid: t\ndataset: moons\nwidths: [8]\npoints: 40\nsteps: 500\nstep: 0.5\nseeds: 1\nactivation: relu",
    );
    assert_eq!(num(&o, "center"), num(&t, "w8.min"));
    // tanh is odd but not homogeneous: the same rescaling changes the function.
    let o = run(
        "kind: loss-landscape\nid: l\ndataset: moons\nwidth: 8\npoints: 40\nsteps: 500\nactivation: tanh\nresolution: 5",
    );
    assert!(num(&o, "invariance.function_diff") > 1e-6);
}

#[test]
fn exact_line_search_falls_by_the_kantorovich_rate_from_the_worst_start() {
    // H = diag(1, κ), x₀ = (1, 1/κ) = H⁻¹(1, 1): g₀ = (1, 1), α₀ = gᵀg/gᵀHg = 2/(1+κ), and
    // x₁ = ρ·(1, −1/κ) with ρ = (κ−1)/(κ+1); by symmetry x₂ = ρ²x₀. Every step scales ‖x‖ by ρ.
    let kappa: f64 = 10.0;
    let o = run(
        "kind: ill-conditioned\nid: e\neigenvalues: [1, 10]\nstart: [1, 0.1]\nrules: [exact]\nsteps: 20\ntol: 1e-15",
    );
    let rho = (kappa - 1.0) / (kappa + 1.0);
    assert!((num(&o, "exact.alpha") - 2.0 / (1.0 + kappa)).abs() < 1e-15);
    assert!((num(&o, "exact.rate") - rho).abs() < 1e-12, "{}", num(&o, "exact.rate"));
    assert_eq!(num(&o, "exact.theory_rate"), rho);
    // Started on an eigenvector, the line search lands on the minimum in one step (α = 1/λ).
    let o = run("kind: ill-conditioned\nid: e\neigenvalues: [1, 10]\nstart: [0, 1]\nrules: [exact]");
    assert_eq!(num(&o, "exact.iterations"), 1.0);
}

#[test]
fn saddle_free_newton_escapes_where_newton_is_drawn_in() {
    // On x² − y², |H| = diag(2, 2): the step −α|H|⁻¹∇f = −α(x, −y) multiplies y by (1 + α), so
    // from y₀ = 1e-8 it reaches |y| ≥ 1 at ⌈ln 10⁸ / ln(1 + α)⌉; Newton jumps onto the saddle.
    let o =
        run("kind: saddle-escape\nid: s\nf: x^2 - y^2\nstart: [1, 1e-8]\nmethods: [saddle_free, newton]\nstep: 0.5");
    assert_eq!(num(&o, "saddle_free.escape_step"), ((1e8f64).ln() / 1.5f64.ln()).ceil());
    assert!(!yes(&o, "newton.escaped"));
    // Per-trial statistics of a deterministic method collapse to the one run.
    for q in ["escape_min", "escape_p5", "escape_p95", "escape_max"] {
        assert_eq!(num(&o, &format!("saddle_free.{q}")), num(&o, "saddle_free.escape_step"));
    }
}

#[test]
fn dead_relu_units_are_reported_never_counted_silently() {
    // A ReLU unit whose pre-activation is negative on every input of the batch outputs 0 there, so
    // permuting or rescaling what it feeds changes nothing on this batch: such symmetries hold only
    // on the batch. Small batches make dead units likely; the first seed that has one is flagged.
    let spec = |seed: u32| {
        format!("kind: symmetry-count\nid: s\nwidth: 3\ndepth: 3\nactivation: relu\nbatch: 4\nseed: {seed}")
    };
    let (seed, o) = (0..200)
        .map(|s| (s, run(&spec(s))))
        .find(|(_, o)| num(o, "dead_units") > 0.0)
        .expect("a seed with a dead unit");
    assert!(!o.warnings.is_empty(), "seed {seed}: a dead unit is reported");
    // Accidental symmetries only add to the generic count, (n!)^(L-1) = 36.
    assert!(num(&o, "count") >= fact(3).powi(2));
    // Whatever was counted as the same function differs by at most tol; the rest by more.
    assert!(num(&o, "equivalent_max_diff") <= 1e-9 && num(&o, "distinct_min_diff") > 1e-9);
    // tanh(z) = 0 only at z = 0: a tanh unit is never dead on a random batch.
    let o = run("kind: symmetry-count\nid: s\nwidth: 3\ndepth: 3\nactivation: tanh\nbatch: 4");
    assert_eq!(num(&o, "dead_units"), 0.0);
    assert!(o.warnings.is_empty());
}

#[test]
fn noise_on_the_sphere_has_exactly_its_radius() {
    // With f ≡ 0 the gradient vanishes, so one noisy step moves by α·noise·u; on the sphere ‖u‖ = 1.
    let spec = |shape: &str| {
        format!(
            "kind: saddle-escape\nid: n\nf: 0*x + 0*y\nstart: [0, 0]\nmethods: [noisy]\nstep: 0.1\nnoise: 0.5\nnoise_shape: {shape}\nsteps: 1\nradius: 1e6"
        )
    };
    let o = run(&spec("sphere"));
    assert!((num(&o, "noisy.moved") - 0.1 * 0.5).abs() < 1e-15, "{}", num(&o, "noisy.moved"));
    // Gaussian noise has a random norm (χ with 2 degrees of freedom, times σ).
    let o = run(&spec("gaussian"));
    assert!((num(&o, "noisy.moved") - 0.1 * 0.5).abs() > 1e-9);
}

#[test]
fn the_gradient_norm_series_has_the_extremes_the_iterates_imply() {
    // GD with α = 0.1 on x² − y² from (1, 1e-8): x_k = 0.8ᵏ, y_k = 1e-8·1.2ᵏ, so
    // ‖∇f(x_k)‖ = 2√(0.64ᵏ + 1e-16·1.44ᵏ), until the escape step K = ⌈ln 10⁸ / ln 1.2⌉.
    let o = run("kind: saddle-escape\nid: s\nf: x^2 - y^2\nstart: [1, 1e-8]\nmethods: [gd]\nstep: 0.1");
    let k_end = ((1e8f64).ln() / 1.2f64.ln()).ceil() as i32;
    let g = |k: i32| 2.0 * (0.64f64.powi(k) + 1e-16 * 1.44f64.powi(k)).sqrt();
    let argmin = (0..=k_end).min_by(|a, b| g(*a).total_cmp(&g(*b))).unwrap();
    let argmax = (0..=k_end).max_by(|a, b| g(*a).total_cmp(&g(*b))).unwrap();
    assert_eq!(num(&o, "gd.grad_norm_argmin"), f64::from(argmin));
    assert!((num(&o, "gd.grad_norm_min") / g(argmin) - 1.0).abs() < 1e-9);
    assert_eq!(num(&o, "gd.grad_norm_argmax"), f64::from(argmax));
    assert!((num(&o, "gd.grad_norm_max") / g(argmax) - 1.0).abs() < 1e-9);
}

#[test]
fn a_saddle_in_a_thousand_dimensions_written_as_a_sum() {
    // f = x₁⁴/4 − x₁²/2 + Σ_{i≥2} xᵢ²/2: a saddle at the origin with one direction of negative
    // curvature, minima at x₁ = ±1 with f* = −1/4. GD moves x₁ by x₁ ← x₁(1 + α − αx₁²) and every
    // other coordinate by xᵢ ← (1 − α)xᵢ, independently.
    let (alpha, radius) = (0.1f64, 0.5);
    let mut start = vec![0.25; 1000];
    start[0] = 1e-6;
    let list = start.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ");
    let o = run(&format!(
        "kind: saddle-escape\nid: s\nf: x[1]^4/4 - x[1]^2/2 + sum(i = 2..1000, x[i]^2/2)\nstart: [{list}]\n\
         methods: [gd, saddle_free]\nstep: {alpha}\nsteps: 400\nradius: {radius}\nstop: never"
    ));
    let (mut x1, mut k) = (1e-6f64, 0);
    while x1.abs() < radius {
        x1 *= 1.0 + alpha - alpha * x1 * x1;
        k += 1;
    }
    assert_eq!(num(&o, "gd.escape_step"), k as f64);
    assert_eq!(num(&o, "center_index"), 1.0);
    // At the start: curvature 3x₁² − 1 ≈ −1 along x₁ and 1 along the other 999.
    assert_eq!((num(&o, "start_index"), num(&o, "start_eig_max")), (1.0, 1.0));
    // 400 steps later: x₁ → 1 (curvature 2), the rest at 0.25·0.9⁴⁰⁰ ≈ 1e-19.
    let x_rest = 0.25 * (1.0 - alpha).powi(400);
    assert!((num(&o, "gd.final.x[1]") - 1.0).abs() < 1e-12);
    assert!((num(&o, "gd.final.x[2]") - x_rest).abs() < 1e-30);
    assert!((num(&o, "gd.final_loss") + 0.25).abs() < 1e-12);
    assert_eq!((num(&o, "gd.end_index"), num(&o, "gd.end_eig_min")), (0.0, 1.0));
    assert!((num(&o, "gd.end_eig_max") - 2.0).abs() < 1e-10);
    // Saddle-free Newton steps by α along every direction: x₁ by α·|g/H| = α x₁(1 − x₁²)/|3x₁² − 1|.
    let (mut x1, mut k) = (1e-6f64, 0);
    while x1.abs() < radius {
        x1 -= alpha * (x1 * x1 * x1 - x1) / (3.0 * x1 * x1 - 1.0).abs();
        k += 1;
    }
    assert_eq!(num(&o, "saddle_free.escape_step"), k as f64);
}

#[test]
fn random_starts_reach_the_minimum_on_their_own_side() {
    // f = x⁴/4 − x²/2 + y²/2 from uniform starts in [−2, 2]². With α = 0.1, x ← x(1.1 − 0.1x²)
    // keeps the sign of x for |x| ≤ 2, so a run reaches (1, 0) exactly when x₀ > 0: probability ½.
    let trials = 400.0;
    let o = run("kind: saddle-escape\nid: s\nf: x^4/4 - x^2/2 + y^2/2\nstart: uniform(-2, 2)\nmethods: [gd]\n\
         trials: 400\nsteps: 500\nstop: distance <= 1e-6\ntarget: [1, 0]\nseed: 3");
    assert!(within(num(&o, "gd.stop_rate"), 0.5, trials, 3.3), "{}", num(&o, "gd.stop_rate"));
    // Every run ends in one of the two minima, f = −1/4.
    assert!((num(&o, "gd.final_loss_max") + 0.25).abs() < 1e-9);
    assert!((num(&o, "gd.final_loss_min") + 0.25).abs() < 1e-9);
    // Half the runs never stop: the median of {k, ∞} splits, the largest is ∞.
    assert_eq!(num(&o, "gd.stop_max"), f64::INFINITY);
    // The first trial's start lies in the box.
    assert!(num(&o, "start_loss") <= 4.0 - 2.0 + 2.0);
    // Normal starts are symmetric too.
    let o = run("kind: saddle-escape\nid: s\nf: x^4/4 - x^2/2 + y^2/2\nstart: normal(0, 0.5)\nmethods: [gd]\n\
         trials: 400\nsteps: 500\nstop: distance <= 1e-6\ntarget: [1, 0]");
    assert!(within(num(&o, "gd.stop_rate"), 0.5, trials, 3.3), "{}", num(&o, "gd.stop_rate"));
}

#[test]
fn stopping_rules_end_runs_where_the_iterates_say() {
    // f = x²/2 from x₀ = 1 with step α: x_k = (1 − α)^k, so ‖∇f‖ = f' = x_k and f = x_k²/2.
    let a: f64 = 0.1;
    let ln = (1.0 - a).ln();
    let stop = |rule: &str| {
        let o = run(&format!(
            "kind: saddle-escape\nid: s\nf: x^2/2\nstart: [1]\nmethods: [gd]\nstep: {a}\nsteps: 1000\nradius: 10\nstop: {rule}"
        ));
        num(&o, "gd.stop_step")
    };
    assert_eq!(stop("grad_norm <= 1e-6"), ((1e-6f64).ln() / ln).ceil());
    assert_eq!(stop("loss <= 1e-10"), ((2e-10f64).ln() / (2.0 * ln)).ceil());
    assert_eq!(stop("distance < 1e-3"), ((1e-3f64).ln() / ln).ceil());
    // The first rule to hold ends the run.
    assert_eq!(stop("[grad_norm <= 1e-6, distance <= 1e-3]"), ((1e-3f64).ln() / ln).ceil());
    assert_eq!(stop("never"), f64::INFINITY);
}

#[test]
fn descent_on_a_smooth_function_is_epsilon_critical_within_the_bound() {
    // f = ln cosh x + y²/2 is β-smooth with β = 1 (sech² ≤ 1) and f ≥ f* = 0. GD with step 1/β:
    // x ← x − tanh x, y ← 0 after one step. The first t with ‖∇f(x_t)‖ = |tanh x_t| ≤ ε must come
    // before 2β(f(x₀) − f*)/ε².
    let (x0, y0, eps) = (3.0f64, 2.0f64, 1e-4);
    let o = run(&format!(
        "kind: saddle-escape\nid: s\nf: ln(cosh(x)) + y^2/2\nstart: [{x0}, {y0}]\nmethods: [gd]\nstep: 1\n\
         steps: 10000\nstop: never\nepsilon: {eps}\nf_star: 0"
    ));
    let (mut x, mut y, mut t) = (x0, y0, 0);
    while (x.tanh().powi(2) + y * y).sqrt() > eps {
        x -= x.tanh();
        y = 0.0;
        t += 1;
    }
    assert_eq!(num(&o, "gd.first_critical"), t as f64);
    let bound = 2.0 * 1.0 * (x0.cosh().ln() + y0 * y0 / 2.0) / (eps * eps);
    assert!((num(&o, "critical_bound") - bound).abs() < 1e-6 * bound);
    assert_eq!(num(&o, "beta"), 1.0);
    assert!(yes(&o, "gd.within_bound"));
}

#[test]
fn explicit_weights_with_two_identical_units_halve_the_count() {
    // A 1-2-1 tanh network whose hidden units are the same (weight a, bias b, outgoing v). The 8
    // permutation-and-sign transforms give the parameter settings (±u, ±u): 4 distinct, all the
    // same function since tanh is odd. Swapping alone changes nothing: 1 setting.
    let o = run(
        "kind: symmetry-count\nid: s\nwidth: 2\ndepth: 2\ninputs: 1\noutputs: 1\nweights: [0.7, 0.7, -1.3, -1.3]\n\
         biases: [0.2, 0.2, 0.5]",
    );
    assert_eq!(num(&o, "count"), 4.0);
    assert_eq!(num(&o, "permutations_only"), 1.0);
    assert_eq!(num(&o, "predicted"), 8.0);
    // Distinct units give the generic count, (2² · 2!)¹ = 8.
    let o =
        run("kind: symmetry-count\nid: s\nwidth: 2\ndepth: 2\ninputs: 1\noutputs: 1\nweights: [0.7, -0.4, -1.3, 0.9]");
    assert_eq!(num(&o, "count"), 8.0);
}
