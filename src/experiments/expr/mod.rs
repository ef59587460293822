//! A small language for objectives and claims: `x^2 - y^2`, `(1-x)^2 + 100*(y-x^2)^2`,
//! `saddle.gd.escape_step < 2 * ln(1e8)`.
//!
//! Numbers, named variables (dots allowed, for result names), indexed variables (`x[3]`),
//! `+ - * / ^` (`^` binds tightest and is right-associative; `-x^2` is `-(x^2)`), parentheses, the
//! constants `pi` and `e`, `true` and `false` (1 and 0), the functions in [`Func`], and indexed sums
//! `sum(i = 1..1000, x[i]^2/2)`, expanded when parsed.
//!
//! Expressions are evaluated over any [`Scalar`]: plain `f64`, or a [`Jet`] that carries the exact
//! gradient and Hessian alongside the value (forward-mode automatic differentiation, second order).

mod jet;
mod parse;

pub use jet::{Jet, Jet1, Scalar};
pub use parse::parse;

/// A parse error at a 1-based character column of the expression.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("column {col}: {message}")]
pub struct ParseError {
    /// 1-based column in the expression text.
    pub col: usize,
    /// What was wrong and what was expected.
    pub message: String,
}

/// The built-in functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    /// e^x
    Exp,
    /// Natural logarithm (`log` or `ln`).
    Ln,
    /// Square root.
    Sqrt,
    /// Absolute value.
    Abs,
    /// Sine.
    Sin,
    /// Cosine.
    Cos,
    /// Tangent.
    Tan,
    /// Hyperbolic tangent.
    Tanh,
    /// Hyperbolic sine.
    Sinh,
    /// Hyperbolic cosine.
    Cosh,
    /// Logistic sigmoid 1/(1+e^-x).
    Sigmoid,
    /// n! (Gamma(n+1) for non-integers); constant for differentiation.
    Fact,
    /// Round down; constant for differentiation.
    Floor,
    /// Round up; constant for differentiation.
    Ceil,
    /// The smaller of two values.
    Min,
    /// The larger of two values.
    Max,
}

const FUNCS: [(&str, Func, usize); 17] = [
    ("exp", Func::Exp, 1),
    ("ln", Func::Ln, 1),
    ("log", Func::Ln, 1),
    ("sqrt", Func::Sqrt, 1),
    ("abs", Func::Abs, 1),
    ("sin", Func::Sin, 1),
    ("cos", Func::Cos, 1),
    ("tan", Func::Tan, 1),
    ("tanh", Func::Tanh, 1),
    ("sinh", Func::Sinh, 1),
    ("cosh", Func::Cosh, 1),
    ("sigmoid", Func::Sigmoid, 1),
    ("fact", Func::Fact, 1),
    ("floor", Func::Floor, 1),
    ("ceil", Func::Ceil, 1),
    ("min", Func::Min, 2),
    ("max", Func::Max, 2),
];

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number.
    Num(f64),
    /// The variable with this index in [`Parsed::vars`].
    Var(usize),
    /// -a
    Neg(Box<Expr>),
    /// a + b
    Add(Box<Expr>, Box<Expr>),
    /// a - b
    Sub(Box<Expr>, Box<Expr>),
    /// a * b
    Mul(Box<Expr>, Box<Expr>),
    /// a / b
    Div(Box<Expr>, Box<Expr>),
    /// a ^ b
    Pow(Box<Expr>, Box<Expr>),
    /// f(args)
    Call(Func, Vec<Expr>),
}

/// An expression and the variable names it uses, in order of first use.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The tree.
    pub expr: Expr,
    /// Variable names; `Expr::Var(i)` is `vars[i]`.
    pub vars: Vec<String>,
    /// The text it was parsed from.
    pub source: String,
}

impl Parsed {
    /// The same expression with its variables numbered in order, and that order: alphabetical,
    /// with indexed variables by index (`x[2]` before `x[10]`).
    pub fn alphabetical(&self) -> (Expr, Vec<String>) {
        let mut sorted = self.vars.clone();
        sorted.sort_by_cached_key(|v| order_key(v));
        let map: Vec<usize> = self.vars.iter().map(|v| sorted.iter().position(|s| s == v).unwrap_or(0)).collect();
        (self.expr.remap(&map), sorted)
    }
}

/// Sorts `x` < `x[1]` < `x[2]` < `x[10]` < `y`.
fn order_key(name: &str) -> (String, i64, String) {
    match name.strip_suffix(']').and_then(|s| s.split_once('[')) {
        Some((base, i)) => (base.to_owned(), i.parse().unwrap_or(i64::MAX), name.to_owned()),
        None => (name.to_owned(), i64::MIN, name.to_owned()),
    }
}

impl Expr {
    /// How many nodes the tree has: what one evaluation costs.
    pub fn size(&self) -> usize {
        match self {
            Expr::Num(_) | Expr::Var(_) => 1,
            Expr::Neg(a) => 1 + a.size(),
            Expr::Add(x, y) | Expr::Sub(x, y) | Expr::Mul(x, y) | Expr::Div(x, y) | Expr::Pow(x, y) => {
                1 + x.size() + y.size()
            }
            Expr::Call(_, args) => 1 + args.iter().map(Expr::size).sum::<usize>(),
        }
    }

    /// The same expression with `Var(i)` renumbered to `Var(map[i])`.
    pub fn remap(&self, map: &[usize]) -> Expr {
        let b = |e: &Expr| Box::new(e.remap(map));
        match self {
            Expr::Num(v) => Expr::Num(*v),
            Expr::Var(i) => Expr::Var(map.get(*i).copied().unwrap_or(*i)),
            Expr::Neg(a) => Expr::Neg(b(a)),
            Expr::Add(x, y) => Expr::Add(b(x), b(y)),
            Expr::Sub(x, y) => Expr::Sub(b(x), b(y)),
            Expr::Mul(x, y) => Expr::Mul(b(x), b(y)),
            Expr::Div(x, y) => Expr::Div(b(x), b(y)),
            Expr::Pow(x, y) => Expr::Pow(b(x), b(y)),
            Expr::Call(f, args) => Expr::Call(*f, args.iter().map(|a| a.remap(map)).collect()),
        }
    }
}

/// n! for whole n, Gamma(n+1) otherwise (Lanczos approximation).
pub fn factorial(n: f64) -> f64 {
    if n >= 0.0 && n.fract() == 0.0 && n <= 170.0 {
        return (1..=n as u64).map(|k| k as f64).product();
    }
    gamma(n + 1.0)
}

fn gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        return std::f64::consts::PI / ((std::f64::consts::PI * x).sin() * gamma(1.0 - x));
    }
    let x = x - 1.0;
    let t = x + 7.5;
    let sum: f64 = G.iter().skip(1).enumerate().fold(G[0], |acc, (i, g)| acc + g / (x + i as f64 + 1.0));
    (2.0 * std::f64::consts::PI).sqrt() * t.powf(x + 0.5) * (-t).exp() * sum
}

/// Evaluates `e` with `vars[i]` for `Expr::Var(i)`.
pub fn eval<T: Scalar>(e: &Expr, vars: &[T], zero: &T) -> T {
    let k = |v: f64| zero.constant(v);
    match e {
        Expr::Num(v) => k(*v),
        Expr::Var(i) => vars.get(*i).cloned().unwrap_or_else(|| k(f64::NAN)),
        Expr::Neg(a) => eval(a, vars, zero).scale(-1.0),
        Expr::Add(a, b) => eval(a, vars, zero).add(&eval(b, vars, zero)),
        Expr::Sub(a, b) => eval(a, vars, zero).add(&eval(b, vars, zero).scale(-1.0)),
        Expr::Mul(a, b) => eval(a, vars, zero).mul(&eval(b, vars, zero)),
        Expr::Div(a, b) => {
            let b = eval(b, vars, zero);
            let u = b.value();
            eval(a, vars, zero).mul(&b.chain(1.0 / u, -1.0 / (u * u), 2.0 / (u * u * u)))
        }
        Expr::Pow(a, b) => {
            let (a, b) = (eval(a, vars, zero), eval(b, vars, zero));
            if b.is_constant() {
                let (u, p) = (a.value(), b.value());
                let pw = |q: f64| if q.fract() == 0.0 && q.abs() < 1e9 { u.powi(q as i32) } else { u.powf(q) };
                a.chain(pw(p), p * pw(p - 1.0), p * (p - 1.0) * pw(p - 2.0))
            } else {
                // a^b = exp(b ln a)
                let u = a.value();
                let ln_a = a.chain(u.ln(), 1.0 / u, -1.0 / (u * u));
                let y = b.mul(&ln_a);
                let ey = y.value().exp();
                y.chain(ey, ey, ey)
            }
        }
        Expr::Call(f, args) => {
            let mut vals = args.iter().map(|a| eval(a, vars, zero));
            let Some(a) = vals.next() else { return k(f64::NAN) };
            let u = a.value();
            match f {
                Func::Exp => a.chain(u.exp(), u.exp(), u.exp()),
                Func::Ln => a.chain(u.ln(), 1.0 / u, -1.0 / (u * u)),
                Func::Sqrt => a.chain(u.sqrt(), 0.5 / u.sqrt(), -0.25 / (u * u.sqrt())),
                Func::Abs => a.chain(u.abs(), u.signum(), 0.0),
                Func::Sin => a.chain(u.sin(), u.cos(), -u.sin()),
                Func::Cos => a.chain(u.cos(), -u.sin(), -u.cos()),
                Func::Tan => {
                    let t = u.tan();
                    a.chain(t, 1.0 + t * t, 2.0 * t * (1.0 + t * t))
                }
                Func::Tanh => {
                    let t = u.tanh();
                    a.chain(t, 1.0 - t * t, -2.0 * t * (1.0 - t * t))
                }
                Func::Sinh => a.chain(u.sinh(), u.cosh(), u.sinh()),
                Func::Cosh => a.chain(u.cosh(), u.sinh(), u.cosh()),
                Func::Sigmoid => {
                    let s = 1.0 / (1.0 + (-u).exp());
                    a.chain(s, s * (1.0 - s), s * (1.0 - s) * (1.0 - 2.0 * s))
                }
                Func::Fact => k(factorial(u)),
                Func::Floor => k(u.floor()),
                Func::Ceil => k(u.ceil()),
                Func::Min | Func::Max => {
                    let b = vals.next().unwrap_or_else(|| k(f64::NAN));
                    let take_a = if *f == Func::Min { u <= b.value() } else { u >= b.value() };
                    if take_a { a } else { b }
                }
            }
        }
    }
}

/// Value, gradient and Hessian of `e` at `x` (one entry per variable).
pub fn jet(e: &Expr, x: &[f64]) -> Jet {
    let n = x.len();
    let vars: Vec<Jet> = x.iter().enumerate().map(|(i, v)| Jet::var(*v, i, n)).collect();
    eval(e, &vars, &Jet { v: 0.0, g: vec![0.0; n], h: vec![0.0; n * n] })
}

/// Value, first and second derivative of `e` in its one variable, at `x`.
pub fn jet1(e: &Expr, x: f64) -> Jet1 {
    eval(e, &[Jet1 { v: x, d1: 1.0, d2: 0.0 }], &Jet1 { v: 0.0, d1: 0.0, d2: 0.0 })
}

/// The value of `e` at `x`.
pub fn value(e: &Expr, x: &[f64]) -> f64 {
    eval(e, x, &0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Parsed {
        parse(s).unwrap()
    }

    #[test]
    fn huge_and_deep_expressions_are_errors_not_crashes() {
        let deep = format!("{}x{}", "(".repeat(9100), ")".repeat(9100));
        assert!(parse(&deep).unwrap_err().message.contains("longer than"));
        let deep = format!("{}x{}", "(".repeat(500), ")".repeat(500));
        assert!(parse(&deep).unwrap_err().message.contains("nested deeper"));
        assert!(parse(&"-".repeat(1000)).unwrap_err().message.contains("nested deeper"));
        assert!(parse(&vec!["x"; 20_000].join("+")).unwrap_err().message.contains("longer than"));
        let sum = vec!["x"; 900].join("+");
        assert_eq!(value(&parse(&sum).unwrap().expr, &[1.0]), 900.0);
    }

    #[test]
    fn sums_expand_over_indexed_variables() {
        let f = p("sum(i = 1..3, x[i]^2)");
        assert_eq!(f.vars, ["x[1]", "x[2]", "x[3]"]);
        assert_eq!(value(&f.expr, &[1.0, 2.0, 3.0]), 14.0);
        // Nested, with an index in the inner range: x1x2 + x1x3 + x2x3.
        let f = p("sum(i = 1..3, sum(j = i+1..3, x[i] * x[j]))");
        assert_eq!(value(&f.expr, &[2.0, 3.0, 5.0]), 6.0 + 10.0 + 15.0);
        // An index may appear outside brackets, and an empty range adds nothing.
        assert_eq!(value(&p("sum(k = 1..4, k) + sum(i = 2..1, x[i])").expr, &[]), 10.0);
        assert_eq!(value(&p("x[2*2 - 1]").expr, &[7.0]), 7.0);
        assert_eq!(p("x[3]").vars, ["x[3]"]);
        let big = p("x[1]^4/4 - x[1]^2/2 + sum(i = 2..1000, x[i]^2/2)");
        assert_eq!(big.vars.len(), 1000);
    }

    #[test]
    fn variables_sort_alphabetically_and_indices_by_number() {
        let (_, order) = p("x[10] + y + x[2] + x + a").alphabetical();
        assert_eq!(order, ["a", "x", "x[2]", "x[10]", "y"]);
    }

    #[test]
    fn bad_sums_and_indices_are_errors_at_their_column() {
        let e = parse("sum(i = 1..1000, sum(j = 1..1000, x[i] * x[j]))").unwrap_err();
        assert!(e.message.contains("expand to more than"), "{e}");
        let e = parse("x[y]").unwrap_err();
        assert_eq!(e.col, 3);
        assert!(e.message.contains("`y` is neither"), "{e}");
        assert!(parse("x[1.5]").unwrap_err().message.contains("whole number"));
        assert!(parse("sum(1..3, x)").unwrap_err().message.contains("index name"));
        assert!(parse("sum(i = 1, x)").unwrap_err().message.contains("`..`"));
        assert!(parse("sum(i = 1..3 x)").unwrap_err().message.contains("`,`"));
        assert!(parse("sum(i = 1..3, x").unwrap_err().message.contains("`)`"));
        assert!(parse("sum(i = 1..2e6, x)").unwrap_err().message.contains("whole number up to"));
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(value(&p("-2^2").expr, &[]), -4.0);
        assert_eq!(value(&p("2^3^2").expr, &[]), 512.0);
        assert_eq!(value(&p("1 - 2 - 3").expr, &[]), -4.0);
        assert_eq!(value(&p("8 / 2 / 2").expr, &[]), 2.0);
        assert_eq!(value(&p("2 * 3 + 4 * 5").expr, &[]), 26.0);
        assert_eq!(value(&p("1e-8 * 1E3").expr, &[]), 1e-5);
        assert_eq!(value(&p("fact(3)^2 * max(1, 2)").expr, &[]), 72.0);
        assert_eq!(p("b + a*b").vars, ["b", "a"]);
        assert_eq!(p("saddle.gd.escape_step - 1").vars, ["saddle.gd.escape_step"]);
    }

    #[test]
    fn parse_errors_point_at_their_column() {
        assert_eq!(parse("x^2 - * y").unwrap_err().col, 7);
        assert_eq!(parse("(x + 1").unwrap_err().col, 7);
        let e = parse("x + foo(y)").unwrap_err();
        assert_eq!(e.col, 5);
        assert!(e.message.contains("unknown function `foo`"));
        assert_eq!(parse("x y").unwrap_err().col, 3);
    }

    #[test]
    fn exact_gradient_and_hessian_of_the_saddle() {
        let f = p("x^2 - y^2");
        let j = jet(&f.expr, &[3.0, 2.0]);
        assert_eq!(j.v, 5.0);
        assert_eq!(j.g, [6.0, -4.0]);
        assert_eq!(j.h, [2.0, 0.0, 0.0, -2.0]);
    }

    #[test]
    fn rosenbrock_derivatives_match_the_closed_form() {
        // f = (1-x)^2 + 100 (y - x^2)^2
        // df/dx = -2(1-x) - 400 x (y - x^2); df/dy = 200 (y - x^2)
        // d2f/dx2 = 2 - 400 (y - x^2) + 800 x^2 = 2 - 400 y + 1200 x^2; d2f/dxdy = -400 x; d2f/dy2 = 200
        let f = p("(1-x)^2 + 100*(y-x^2)^2");
        let (x, y) = (0.5, -0.25);
        let j = jet(&f.expr, &[x, y]);
        let close = |a: f64, b: f64| assert!((a - b).abs() < 1e-12 * (1.0 + b.abs()), "{a} vs {b}");
        close(j.g[0], -2.0 * (1.0 - x) - 400.0 * x * (y - x * x));
        close(j.g[1], 200.0 * (y - x * x));
        close(j.h[0], 2.0 - 400.0 * y + 1200.0 * x * x);
        close(j.h[1], -400.0 * x);
        close(j.h[2], -400.0 * x);
        close(j.h[3], 200.0);
    }

    #[test]
    fn chain_rule_through_functions() {
        // f = exp(x*y) + tanh(x) + sqrt(y) + log(x) + x^y at (1, 4)
        let f = p("exp(x*y) + tanh(x) + sqrt(y) + log(x) + x^y");
        let (x, y) = (1.0f64, 4.0f64);
        let j = jet(&f.expr, &[x, y]);
        let t = x.tanh();
        let dx = y * (x * y).exp() + (1.0 - t * t) + 1.0 / x + y * x.powf(y - 1.0);
        let dy = x * (x * y).exp() + 0.5 / y.sqrt() + x.powf(y) * x.ln();
        assert!((j.g[0] - dx).abs() < 1e-9 * dx.abs(), "{} vs {dx}", j.g[0]);
        assert!((j.g[1] - dy).abs() < 1e-9 * dy.abs(), "{} vs {dy}", j.g[1]);
        // d2/dxdy of exp(xy) = (1 + xy) exp(xy); of x^y = x^(y-1) (1 + y ln x)
        let dxy = (1.0 + x * y) * (x * y).exp() + x.powf(y - 1.0) * (1.0 + y * x.ln());
        assert!((j.h[1] - dxy).abs() < 1e-9 * dxy.abs());
        assert_eq!(j.h[1], j.h[2]);
    }

    #[test]
    fn one_variable_jets_agree_with_full_jets() {
        for src in
            ["x^4/4 - x^2/2", "exp(sin(x)) * sqrt(x) / (1 + x^3)", "ln(cosh(x)) + x^x", "sigmoid(3*x) - tanh(x)^2"]
        {
            let f = p(src);
            for x in [0.3, 1.7] {
                let (a, b) = (jet1(&f.expr, x), jet(&f.expr, &[x]));
                assert_eq!((a.v, a.d1, a.d2), (b.v, b.g[0], b.h[0]), "{src} at {x}");
            }
        }
    }

    #[test]
    fn factorial_and_gamma() {
        assert_eq!(factorial(5.0), 120.0);
        assert!((factorial(0.5) - 0.886_226_925_452_758).abs() < 1e-12);
    }
}
