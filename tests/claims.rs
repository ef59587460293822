//! `studygen check` on claims: it passes on notes/ and fails, pointing at the claim with both
//! values, on each failing variant in tests/fixtures/claims-fail/.

mod common;

use common::{copy_vault, repo, stderr, studygen};

fn check(dir: &str) -> (Option<i32>, String) {
    let o = studygen(&["check", repo().join("tests/fixtures/claims-fail").join(dir).to_str().unwrap()]);
    (o.status.code(), stderr(&o))
}

#[test]
fn every_claim_in_the_example_vault_holds() {
    let (_tmp, vault) = copy_vault(&repo().join("notes"), "notes");
    let o = studygen(&["check", vault.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let line = err.lines().find(|l| l.starts_with("claims:")).expect("a claims summary line");
    let checked: usize = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    assert!(checked >= 20, "{line}");
    assert!(line.contains(&format!("{checked} passed, 0 failed")), "{line}");
}

#[test]
fn the_n_factorial_times_m_count_fails_with_36_against_12() {
    let (code, err) = check("symmetry");
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("--> weight symmetry.md:15:1"), "{err}");
    assert!(err.contains("`sym.count == fact(3) * 2`: expected 12, measured 36"), "{err}");
    assert!(err.contains("claims: 1 checked, 0 passed, 1 failed"), "{err}");
}

#[test]
fn wrong_saddle_claims_fail() {
    let (code, err) = check("saddle");
    assert_eq!(code, Some(1));
    assert!(err.contains("`s.newton.escaped`: expected true, measured false\n  --> saddles.md:12:1"), "{err}");
    // From y = 0.01 with α = 0.1: ⌈ln(100)/ln(1.2)⌉ = 26 steps.
    let expected = ((100f64).ln() / 1.2f64.ln()).ceil();
    assert!(err.contains(&format!("expected 10, measured {expected}\n  --> saddles.md:13:1")), "{err}");
}

#[test]
fn a_wrong_rate_fails_with_tolerance_and_measured_value() {
    let (code, err) = check("conditioning");
    assert_eq!(code, Some(1));
    let rate = 99.0 / 101.0;
    assert!(
        err.contains(&format!("expected 0.01 ± 0.001, measured {}", studygen::experiments::format_number(rate))),
        "{err}"
    );
    assert!(err.contains("--> ravine.md:11:1"), "{err}");
}

#[test]
fn unknown_names_are_errors_at_their_place() {
    let (code, err) = check("unknown-name");
    assert_eq!(code, Some(1));
    assert!(err.contains("unknown value `sym.cnt`\n  --> cites.md:8:14"), "{err}");
    assert!(err.contains("claim refers to unknown result `sym.size`\n  --> cites.md:11:1"), "{err}");
    assert!(err.contains("sym.count"), "the hint lists the valid names: {err}");
}

#[test]
fn bad_specs_are_errors_at_their_line_with_the_valid_choices() {
    let (code, err) = check("bad-spec");
    assert_eq!(code, Some(1));
    for (place, text) in [
        ("specs.md:2:1", "valid kinds: saddle-escape, ill-conditioned, symmetry-count"),
        ("specs.md:9:1", "column 7: unexpected `*`"),
        ("specs.md:15:1", "9 is out of range [1, 6]"),
        ("specs.md:16:1", "`two` is not a whole number"),
        ("specs.md:17:1", "its parameters are: width, depth"),
        ("specs.md:24:1", "`uniform(a, b)` needs a < b"),
        ("specs.md:25:1", "`gradient < 1` is not a stopping rule"),
        ("specs.md:29:1", "`weights` has 3 numbers; a 3-2-2 network has 10"),
        ("specs.md:39:1", "column 17: an index is made of numbers and sum indices; `j` is neither"),
    ] {
        let at = err.find(&format!("--> {place}")).unwrap_or_else(|| panic!("no {place} in {err}"));
        let block = &err[err[..at].rfind("error[").unwrap()..err[at..].find("\n\n").map_or(err.len(), |e| at + e)];
        assert!(block.contains(text), "`{place}` should mention `{text}`:\n{block}");
    }
}

#[test]
fn build_refuses_a_deck_with_failing_claims_unless_forced() {
    let (_tmp, vault) = copy_vault(&repo().join("tests/fixtures/claims-fail/symmetry"), "v");
    let out = vault.parent().unwrap().join("out");
    let o = studygen(&["build", vault.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("expected 12, measured 36"));
    assert!(!out.exists(), "nothing written");
    let o = studygen(&["build", vault.to_str().unwrap(), "--out", out.to_str().unwrap(), "--force"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(out.join("v.apkg").exists());
}

#[test]
fn the_coin_flip_heuristic_fails_as_the_goe_probability_at_d_3() {
    let (code, err) = check("coin-flip");
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("`rh.p3 ≈ 2^-3 ± 0.01`: expected 0.125 ± 0.01, measured 0.0"), "{err}");
    assert!(err.contains("--> saddles.md:13:1"), "{err}");
}

#[test]
fn wrong_claims_about_forgetting_and_cliffs_fail() {
    let (code, err) = check("forgetting");
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("`w.explodes`: expected true, measured false\n  --> rnn.md:11:1"), "{err}");
    // The rate of diag(0.95, 0.2) over 100 steps is that of its largest eigenvalue.
    let rate = ((0.95f64.powi(200) + 0.2f64.powi(200)) / 2.0).sqrt().powf(0.01);
    let shown = studygen::experiments::format_pair(0.2, rate, 0.01).1;
    assert!(err.contains(&format!("expected 0.2 ± 0.01, measured {shown}\n  --> rnn.md:12:1")), "{err}");
    let (code, err) = check("cliff");
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("`c.clipped.thrown`: expected true, measured false\n  --> cliff.md:9:1"), "{err}");
    // The first plain step at the default cliff is α(1 + h·s/4) = 0.1 · 1251.
    assert!(err.contains("`c.gd.max_step < 1`: expected < 1, measured 125.1\n  --> cliff.md:10:1"), "{err}");
}

#[test]
fn a_single_hidden_unit_never_beats_three_of_four_on_xor() {
    let (code, err) = check("overparameterized");
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("`t.w1.best_accuracy > 0.75`: expected > 0.75, measured 0.75\n  --> xor.md:13:1"), "{err}");
}

#[test]
fn raw_gaussian_directions_are_not_invariant_to_a_relu_rescaling() {
    let (code, err) = check("landscape");
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("claims: 2 checked, 1 passed, 1 failed"), "{err}");
    assert!(err.contains("`l.invariance.raw_max_diff < 1e-10`: expected < 1e-10, measured"), "{err}");
    assert!(err.contains("--> landscape.md:14:1"), "{err}");
}

#[test]
fn a_claim_that_the_descent_bound_is_tight_fails() {
    // ln cosh x + y²/2 from (3, 2): the bound 2β(f(x₀) − f*)/ε² is about 8.6e8 steps, and gradient
    // descent is ε-critical after a handful.
    let (code, err) = check("smooth");
    assert_eq!(code, Some(1), "{err}");
    let bound = 2.0 * (3f64.cosh().ln() + 2.0) / 1e-8;
    let shown = studygen::experiments::format_number(bound);
    // x ← x − tanh x (and y ← 0) until |∇f| = √(tanh²x + y²) ≤ 1e-4.
    let (mut x, mut y, mut t) = (3f64, 2f64, 0);
    while (x.tanh().powi(2) + y * y).sqrt() > 1e-4 {
        (x, y, t) = (x - x.tanh(), 0.0, t + 1);
    }
    assert!(err.contains(&format!("expected {shown} ± 10%, measured {t}")), "{err}");
    assert!(err.contains("--> smooth.md:20:1"), "{err}");
    assert!(err.contains("claims: 2 checked, 1 passed, 1 failed"), "{err}");
}
