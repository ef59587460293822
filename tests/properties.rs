//! Property tests: thousands of generated vaults, notes, experiment specs and claims, deeply
//! nested on purpose, go through every stage of `check` without a panic, a stack overflow or a
//! hang, and every diagnostic points into the vault.
//!
//! Costly but valid parameters (long runs, wide networks) are left out: they are bounded by the
//! work limit, tested in `experiments_theory.rs`, and would only slow the search down.
//!
//! The tests run on the test harness's ordinary 2 MiB threads, so nesting limits that only hold on
//! a larger stack fail here. proptest shrinks a failure to a small case and prints it.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use studygen::build::{Report, check_in_memory};

/// The longest any one generated vault may take; a hang guard, not a speed test.
const HANG: Duration = Duration::from_secs(20);

const PIECES: &[&str] = &[
    "START\nBasic\n",
    "END\n",
    "Back: ",
    "STARTI [Basic] q Back: a ENDI\n",
    "Q: what?\nA: that\n",
    "q::a\n",
    "q:::a\n",
    "line one\n?\nline two\n",
    "#flashcards\n",
    "{{c1::cloze}} ",
    "{{c2::",
    "==hl== ",
    "$x^2$ ",
    "$$\n\\frac{a}{b}\n$$\n",
    "[[Other]] ",
    "![[Other]]\n",
    "![[Other#Heading]]\n",
    "![[#Heading]]\n",
    "![[../../etc/passwd]]\n",
    "# Heading\n",
    "## Heading ^block\n",
    "> [!note] Callout\n> text\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "`= e.count` ",
    "`= nope.value` ",
    "<!--ID: 123-->\n",
    "TARGET DECK\nDeck::Sub\n",
    "Tags: a b\n",
    "#tag/nested ",
    "```\ncode\n```\n",
    "- item\n",
    "\n",
    "\u{0}\u{7}\u{1b}[31m",
    "é\u{301}",
];

/// A piece nested `depth` times: the shapes that overflow recursive parsers.
fn nested(kind: u8, depth: usize) -> String {
    match kind % 8 {
        0 => format!("{}x{}", "(".repeat(depth), ")".repeat(depth)),
        1 => format!("{}quote\n", "> ".repeat(depth)),
        2 => (0..depth.min(400)).map(|i| format!("{}- item\n", "  ".repeat(i))).collect(),
        3 => format!("{}x{}", "[[".repeat(depth), "]]".repeat(depth)),
        4 => format!("{}x{}", "{{c1::".repeat(depth), "}}".repeat(depth)),
        5 => format!("{}1", "-".repeat(depth)),
        6 => format!("2{}", "^2".repeat(depth)),
        _ => (0..depth).map(|i| format!("x{}", i % 9)).collect::<Vec<_>>().join(" + "),
    }
}

/// YAML frontmatter nested `depth` mappings deep, or an alias bomb.
fn frontmatter(kind: u8, depth: usize) -> String {
    match kind % 3 {
        0 if depth.is_multiple_of(2) => format!("---\na: {}x{}\n---\n", "{k: ".repeat(depth), "}".repeat(depth)),
        0 => {
            // Block style: line i is indented i spaces, so the note grows as depth²; keep it small.
            let mut s = String::from("---\n");
            for i in 0..depth.min(300) {
                s.push_str(&format!("{}k{i}:\n", " ".repeat(i)));
            }
            s + "---\n"
        }
        1 => {
            // The billion laughs: each level refers eight times to the one before.
            let mut s = String::from("---\nl0: &l0 [x, x, x, x, x, x, x, x]\n");
            for i in 1..depth.min(12) {
                s.push_str(&format!("l{i}: &l{i} [{}]\n", vec![format!("*l{}", i - 1); 8].join(", ")));
            }
            s + "---\n"
        }
        _ => format!("---\ntags: [{}]\naliases: {}\n---\n", "[".repeat(depth), "{".repeat(depth)),
    }
}

fn note() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop::sample::select(PIECES), 0..40),
        prop::option::of((any::<u8>(), 1usize..3_000)),
        prop::option::of((any::<u8>(), 1usize..3_000)),
    )
        .prop_map(|(pieces, nest, front)| {
            let mut s = front.map(|(k, d)| frontmatter(k, d)).unwrap_or_default();
            let mid = pieces.len() / 2;
            s.extend(pieces[..mid].iter().copied());
            if let Some((k, d)) = nest {
                s.push_str(&nested(k, d));
                s.push('\n');
            }
            s.extend(pieces[mid..].iter().copied());
            s
        })
}

const KINDS: &[&str] = &["saddle-escape", "ill-conditioned", "symmetry-count", "nope", ""];
const KEYS: &[&str] = &[
    "f: x^2 - y^2",
    "f: x^4/4 - x^2/2 + y^2",
    "dim: 50",
    "negative: 3",
    "start: [1, 1e-8]",
    "start: [0.5, 0.5, 0.5]",
    "methods: [gd, newton, perturbed, noisy]",
    "methods: [bogus]",
    "steps: 50",
    "trials: 3",
    "kappa: 100",
    "eigenvalues: [1, 10, 100]",
    "rules: [fixed, optimal, heavy_ball]",
    "alpha: 0.01",
    "width: 3",
    "depth: 3",
    "batch: 256",
    "activation: relu",
    "seed: 9007199254740993",
    "radius: -1",
    "step: NaN",
    "x: [[[[",
    "&a [*a]",
    ": : :",
];
const CLAIMS: &[&str] = &[
    "e.count == e.formula",
    "e.start_index == 1",
    "e.gd.escape_step < 100",
    "e.kappa == 100 ± 1e-9",
    "e.nope > 1",
    "e.count ==",
    "== 3",
    "1 / 0 == inf",
    "e.count == fact(3)^2 * 2^3",
    "ln(-1) < 0",
];

fn spec_and_claims() -> impl Strategy<Value = String> {
    (
        prop::sample::select(KINDS),
        prop::collection::vec(prop::sample::select(KEYS), 0..8),
        prop::collection::vec(prop::sample::select(CLAIMS), 0..6),
        prop::option::of((any::<u8>(), 1usize..3_000)),
    )
        .prop_map(|(kind, keys, claims, nest)| {
            let mut s = format!("```experiment\nid: e\nkind: {kind}\n{}\n", keys.join("\n"));
            if let Some((k, d)) = nest {
                s.push_str(&format!("f: \"{}\"\n", nested(k, d).replace('\n', " ")));
            }
            s.push_str("```\n\n```claims\n");
            s.push_str(&claims.join("\n"));
            if let Some((k, d)) = nest {
                s.push_str(&format!("\ne.count == {}", nested(k, d).replace('\n', " ")));
            }
            s.push_str("\n```\n\nSTART\nBasic\nMeasured `= e.count`\nBack: yes\nEND\n");
            s
        })
}

/// Checks a vault and the properties every run must have.
fn check(notes: Vec<(String, String)>) -> Report {
    let lines: Vec<(String, usize)> = notes.iter().map(|(p, t)| (p.clone(), t.lines().count() + 1)).collect();
    let started = Instant::now();
    let report = check_in_memory(notes.into_iter().map(|(p, t)| (p, t.into_bytes()))).expect("check runs");
    assert!(started.elapsed() < HANG, "took {:?}", started.elapsed());
    for d in &report.diagnostics {
        let Some((_, n)) = lines.iter().find(|(p, _)| *p == d.file) else {
            panic!("a diagnostic outside the vault: {d}");
        };
        assert!(d.line <= *n, "line {} of a {n}-line note: {d}", d.line);
        assert!(!d.to_string().contains('\u{1b}'), "escape sequences never reach the terminal: {d:?}");
    }
    report
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn generated_vaults_never_panic_and_diagnostics_point_into_them(a in note(), b in note(), c in note()) {
        check(vec![("Note.md".into(), a), ("Other.md".into(), b), ("sub/Third.md".into(), c)]);
    }

    #[test]
    fn generated_experiments_and_claims_never_panic(spec in spec_and_claims()) {
        check(vec![("Experiment.md".into(), spec)]);
    }
}
