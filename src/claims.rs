//! Claims: what a note says an experiment's results must be, checked against the results.
//!
//! A fenced `claims` block holds one claim per line (`#` starts a comment):
//!
//! ```text
//! saddle.gd.escape_step == ceil(ln(1e8) / ln(1.2))
//! descent.optimal.rate ≈ descent.theory.gd_rate ± 1e-9
//! saddle.momentum.escape_step < saddle.gd.escape_step
//! sym.count == fact(3)^2
//! saddle.perturbed.escaped
//! ```
//!
//! Operators: `==`, `!=`, `<`, `<=`, `>`, `>=`, `≈` (also `~=`). A tolerance follows the right side
//! as `± x` (absolute) or `± x%` (relative); `≈` without one means ± 1e-6 relative. A line with no
//! operator is a yes/no check. Both sides are expressions over result names.

use crate::diagnostics::{Code, Diagnostic};
use crate::experiments::expr::{self, Parsed};
use crate::experiments::{Block, Lab, format_number, format_pair};

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// ==
    Eq,
    /// !=
    Ne,
    /// <
    Lt,
    /// <=
    Le,
    /// >
    Gt,
    /// >=
    Ge,
    /// ≈
    Approx,
}

const OPS: [(&str, Op); 9] = [
    ("==", Op::Eq),
    ("!=", Op::Ne),
    ("<=", Op::Le),
    (">=", Op::Ge),
    ("≈", Op::Approx),
    ("~=", Op::Approx),
    ("<", Op::Lt),
    (">", Op::Gt),
    ("=", Op::Eq),
];

/// A tolerance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tol {
    /// |measured − expected| ≤ x
    Abs(f64),
    /// |measured − expected| ≤ x·|expected|
    Rel(f64),
}

/// One claim.
#[derive(Debug, Clone)]
pub struct Claim {
    /// The text as written.
    pub text: String,
    /// The note.
    pub file: String,
    /// The line.
    pub line: usize,
    /// The measured side.
    pub lhs: Parsed,
    /// The comparison and expected side; `None` for a yes/no check.
    pub rhs: Option<(Op, Parsed, Option<Tol>)>,
}

/// The outcome of checking one claim.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Verdict {
    /// The claim's text.
    pub text: String,
    /// The note.
    pub file: String,
    /// The line.
    pub line: usize,
    /// What the results give for the left side.
    pub measured: f64,
    /// What the claim expects, as text (`12`, `true`, `0.98 ± 0.01`).
    pub expected: String,
    /// Whether it holds.
    pub pass: bool,
}

/// Parses every claim of a `claims` block.
pub fn parse(block: &Block) -> (Vec<Claim>, Vec<Diagnostic>) {
    let mut claims = Vec::new();
    let mut diags = Vec::new();
    for (i, raw) in block.text.lines().enumerate() {
        let line = block.line + i;
        let text = raw.split('#').next().unwrap_or("").trim();
        if text.is_empty() {
            continue;
        }
        let indent = raw.len() - raw.trim_start().len();
        let err = |col: usize, msg: String| {
            Diagnostic::error(Code::ClaimSyntax, &block.file, line, indent + col, msg)
                .with_hint("a claim reads `result op expected [± tol]`, such as `sym.count == fact(3)^2`")
        };
        let split = OPS
            .iter()
            .filter_map(|(s, op)| text.find(s).map(|at| (at, *s, *op)))
            .min_by_key(|(at, s, _)| (*at, usize::MAX - s.len()));
        let (lhs_text, rhs) = match split {
            Some((at, s, op)) => (&text[..at], Some((at + s.len(), op, &text[at + s.len()..]))),
            None => (text, None),
        };
        let lhs = match expr::parse(lhs_text) {
            Ok(p) => p,
            Err(e) => {
                diags.push(err(e.col, format!("claim does not parse: {}", e.message)));
                continue;
            }
        };
        let rhs = match rhs {
            None => None,
            Some((offset, op, rest)) => {
                let (value, tol) = match rest.split_once('±').or_else(|| rest.split_once("+-")) {
                    Some((v, t)) => (v, Some(t.trim())),
                    None => (rest, None),
                };
                let tol = match tol.map(parse_tol) {
                    None => None,
                    Some(Some(t)) => Some(t),
                    Some(None) => {
                        diags.push(err(
                            offset + value.len() + 1,
                            format!("tolerance `{}` is not a number", tol.unwrap_or("")),
                        ));
                        continue;
                    }
                };
                match expr::parse(value) {
                    Ok(p) => Some((op, p, tol)),
                    Err(e) => {
                        diags.push(err(offset + e.col, format!("claim does not parse: {}", e.message)));
                        continue;
                    }
                }
            }
        };
        claims.push(Claim { text: text.to_owned(), file: block.file.clone(), line, lhs, rhs });
    }
    (claims, diags)
}

fn parse_tol(t: &str) -> Option<Tol> {
    match t.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().ok().map(|x| Tol::Rel(x / 100.0)),
        None => t.parse::<f64>().ok().map(Tol::Abs),
    }
}

fn evaluate(p: &Parsed, lab: &Lab) -> Result<f64, String> {
    let vals: Result<Vec<f64>, String> =
        p.vars.iter().map(|v| lab.value(v).map(|x| x.as_f64()).ok_or_else(|| v.clone())).collect();
    vals.map(|v| expr::value(&p.expr, &v))
}

fn unknown(claim: &Claim, name: &str, lab: &Lab) -> Diagnostic {
    let id = name.split('.').next().unwrap_or(name);
    let hint = if lab.experiments.contains_key(id) {
        format!("`{id}` has: {}", lab.names(id).join(", "))
    } else {
        let ids: Vec<&str> = lab.experiments.keys().map(String::as_str).collect();
        format!(
            "no experiment `{id}`; the vault's experiments are: {}",
            if ids.is_empty() { "none".into() } else { ids.join(", ") }
        )
    };
    Diagnostic::error(
        Code::ClaimUnknownResult,
        &claim.file,
        claim.line,
        1,
        format!("claim refers to unknown result `{name}`"),
    )
    .with_hint(hint)
}

/// Checks every claim against the results.
pub fn check(claims: &[Claim], lab: &Lab) -> (Vec<Verdict>, Vec<Diagnostic>) {
    let mut verdicts = Vec::new();
    let mut diags = Vec::new();
    for c in claims {
        let measured = match evaluate(&c.lhs, lab) {
            Ok(v) => v,
            Err(name) => {
                diags.push(unknown(c, &name, lab));
                continue;
            }
        };
        let (pass, expected, measured_text) = match &c.rhs {
            None => (measured != 0.0 && !measured.is_nan(), "true".to_owned(), String::new()),
            Some((op, rhs, tol)) => {
                let e = match evaluate(rhs, lab) {
                    Ok(v) => v,
                    Err(name) => {
                        diags.push(unknown(c, &name, lab));
                        continue;
                    }
                };
                let tol = tol.or((*op == Op::Approx).then_some(Tol::Rel(1e-6)));
                let slack = match tol {
                    Some(Tol::Abs(t)) => t,
                    Some(Tol::Rel(r)) => r * e.abs(),
                    None => 0.0,
                };
                let close = measured == e || (measured - e).abs() <= slack;
                let pass = match op {
                    Op::Eq | Op::Approx => close,
                    Op::Ne => !close,
                    Op::Lt => measured < e,
                    Op::Le => measured <= e,
                    Op::Gt => measured > e,
                    Op::Ge => measured >= e,
                };
                let sym = match op {
                    Op::Eq | Op::Approx => "",
                    Op::Ne => "≠ ",
                    Op::Lt => "< ",
                    Op::Le => "≤ ",
                    Op::Gt => "> ",
                    Op::Ge => "≥ ",
                };
                let tol_text = match tol {
                    Some(Tol::Abs(t)) => format!(" ± {}", format_number(t)),
                    Some(Tol::Rel(r)) => format!(" ± {}%", format_number(r * 100.0)),
                    None => String::new(),
                };
                let (expected, measured_text) = format_pair(e, measured, slack);
                (pass, format!("{sym}{expected}{tol_text}"), measured_text)
            }
        };
        let measured_text = if c.rhs.is_none() { (measured != 0.0).to_string() } else { measured_text };
        if !pass {
            diags.push(
                Diagnostic::error(
                    Code::ClaimFailed,
                    &c.file,
                    c.line,
                    1,
                    format!("claim does not hold: `{}`: expected {expected}, measured {measured_text}", c.text),
                )
                .with_hint("fix the note's claim, or the experiment if the claim is right"),
            );
        }
        verdicts.push(Verdict { text: c.text.clone(), file: c.file.clone(), line: c.line, measured, expected, pass });
    }
    (verdicts, diags)
}

/// Whether the inline code `` `= inner` `` cites an experiment's result: `inner` is `id.name`,
/// names of letters, digits, `_` and `-` joined by dots. Anything else there is another plugin's
/// (Dataview's inline queries share the syntax: `` `= this.file.name` ``, `` `= date(today)` ``,
/// `` `= 10800` ``), and is inline code to studygen.
pub fn is_citation(inner: &str) -> bool {
    let name = inner.trim();
    let mut parts = name.split('.');
    let id = parts.next().unwrap_or("");
    let word = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    word(id)
        && id != "this"
        && id.starts_with(|c: char| c.is_alphabetic() || c == '_')
        && name.contains('.')
        && parts.all(word)
}

/// Literate values: `` `= id.name` `` in a note's text ([`is_citation`]), with their 1-based line
/// and column.
pub fn cited_values(text: &str) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    // Most notes cite nothing: one search of the whole text says so.
    if !text.contains("`= ") {
        return out;
    }
    let mut fence = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = !fence;
            continue;
        }
        if fence {
            continue;
        }
        let mut rest = line;
        let mut offset = 0;
        while let Some(at) = rest.find("`= ") {
            let after = &rest[at + 3..];
            let Some(end) = after.find('`') else { break };
            let name = after[..end].trim();
            let col = line[..offset + at].chars().count() + 1;
            if is_citation(name) {
                out.push((name.to_owned(), i + 1, col));
            }
            offset += at + 3 + end + 1;
            rest = &rest[at + 3 + end + 1..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiments::{Outcome, Spec};

    fn lab() -> Lab {
        let mut o = Outcome::default();
        o.num("count", 36.0);
        o.num("rate", 0.98);
        o.boolean("escaped", true);
        let block = Block { file: "x.md".into(), line: 1, text: String::new() };
        let spec = Spec { kind: "k".into(), id: "sym".into(), params: Default::default(), block };
        let mut lab = Lab::default();
        lab.experiments.insert("sym".into(), (spec, o));
        lab
    }

    fn run(text: &str) -> (Vec<Verdict>, Vec<Diagnostic>) {
        let block = Block { file: "n.md".into(), line: 10, text: text.into() };
        let (claims, mut d) = parse(&block);
        let (v, d2) = check(&claims, &lab());
        d.extend(d2);
        crate::diagnostics::sort(&mut d);
        (v, d)
    }

    #[test]
    fn the_n_factorial_times_m_mistake_is_caught_with_both_values() {
        let (v, d) = run("# the seed's count\nsym.count == fact(3) * 2\nsym.count == fact(3)^2\n");
        assert_eq!(v.len(), 2);
        assert!(!v[0].pass && v[1].pass);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, 11);
        assert_eq!(d[0].message, "claim does not hold: `sym.count == fact(3) * 2`: expected 12, measured 36");
    }

    #[test]
    fn tolerances_orderings_and_booleans() {
        let (v, d) = run(
            "sym.rate ≈ 0.97 ± 0.02\nsym.rate ≈ 0.97 ± 0.5%\nsym.count > 35\nsym.count <= 35\nsym.escaped\nsym.escaped == false\nsym.rate ~= 0.98",
        );
        let pass: Vec<bool> = v.iter().map(|v| v.pass).collect();
        assert_eq!(pass, [true, false, true, false, true, false, true]);
        assert_eq!(d.len(), 3);
        assert!(d[0].message.contains("expected 0.97 ± 0.5%, measured 0.98"), "{}", d[0].message);
    }

    #[test]
    fn unknown_names_and_bad_syntax_are_errors_at_their_line() {
        let (v, d) = run("sym.nope == 1\nother.x == 2\nsym.count == * 3");
        assert!(v.is_empty());
        assert_eq!(d.len(), 3);
        assert!(
            d[0].message.contains("unknown result `sym.nope`") && d[0].hint.as_ref().unwrap().contains("sym.count")
        );
        assert!(d[1].hint.as_ref().unwrap().contains("no experiment `other`"));
        assert_eq!((d[2].line, d[2].col), (12, 14));
    }

    #[test]
    fn cited_values_outside_code() {
        let t = "a `= x.y` b `= z.w`\n```\n`= no.no`\n```\n`code`";
        assert_eq!(cited_values(t), [("x.y".into(), 1, 3), ("z.w".into(), 1, 13)]);
    }

    #[test]
    fn dataviews_inline_queries_are_not_citations() {
        for cited in ["saddle.gd.escape_step", "rh.frac_neg", "my-run_2.loss", " x.y "] {
            assert!(is_citation(cited), "{cited}");
        }
        for query in ["10800", "this.file.name", "date(today)", "1 + 2", "[[Note]].field", "x", "x.", ".y", "3d.loss"] {
            assert!(!is_citation(query), "{query}");
        }
        assert!(cited_values("`= this.file.name` and `= 10800`").is_empty());
    }
}
