//! Parsing the expression language: a recursive-descent parser with bounded size and nesting,
//! which expands `sum(i = a..b, …)` over indexed variables such as `x[i]`.

use super::{Expr, FUNCS, ParseError, Parsed};

/// Parses `src`.
///
/// ```
/// use studygen::experiments::expr::{jet, parse};
/// let f = parse("x^2 - y^2").unwrap();
/// let j = jet(&f.expr, &[1.0, 2.0]);
/// assert_eq!((j.v, j.g.clone(), j.h.clone()), (-3.0, vec![2.0, -4.0], vec![2.0, 0.0, 0.0, -2.0]));
/// ```
pub fn parse(src: &str) -> Result<Parsed, ParseError> {
    // Expressions are evaluated by recursion over their tree: its size and nesting are bounded here,
    // so that no expression a note holds can overflow the stack.
    if src.chars().count() > MAX_EXPR_CHARS {
        return Err(ParseError {
            col: MAX_EXPR_CHARS,
            message: format!("expression longer than {MAX_EXPR_CHARS} characters"),
        });
    }
    let chars: Vec<(usize, char)> = src.chars().enumerate().collect();
    let mut p = Parser { chars, pos: 0, vars: Vec::new(), depth: 0, env: Vec::new(), expanded: 0 };
    let expr = p.expr()?;
    p.skip_ws();
    if let Some(&(col, c)) = p.chars.get(p.pos) {
        return Err(ParseError { col: col + 1, message: format!("unexpected `{c}`: expected an operator or the end") });
    }
    Ok(Parsed { expr, vars: p.vars, source: src.trim().to_owned() })
}

/// The longest expression accepted; a sum of this length has a tree a few thousand levels deep.
const MAX_EXPR_CHARS: usize = 2000;
/// The deepest nesting of parentheses, signs and powers accepted.
const MAX_EXPR_DEPTH: usize = 64;
/// The most characters of `sum` bodies parsed in all (a body parsed once per index value): what
/// bounds the expanded expression's size and the time parsing takes.
const MAX_EXPANDED_CHARS: usize = 1_000_000;
/// The largest index a `sum` or an indexed variable may use.
const MAX_INDEX: f64 = 1e6;

struct Parser {
    chars: Vec<(usize, char)>,
    pos: usize,
    vars: Vec<String>,
    depth: usize,
    /// The indices of the `sum`s being expanded, innermost last, with their current values.
    env: Vec<(String, f64)>,
    /// Characters of `sum` bodies parsed so far.
    expanded: usize,
}

impl Parser {
    fn skip_ws(&mut self) {
        while self.chars.get(self.pos).is_some_and(|(_, c)| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_ws();
        self.chars.get(self.pos).map(|(_, c)| *c)
    }

    fn col(&self) -> usize {
        self.chars.get(self.pos).map_or(self.chars.len() + 1, |(i, _)| i + 1)
    }

    fn err<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError { col: self.col(), message: message.into() })
    }

    fn expr(&mut self) -> Result<Expr, ParseError> {
        let mut lhs = self.term()?;
        while let Some(op @ ('+' | '-')) = self.peek() {
            self.pos += 1;
            let rhs = self.term()?;
            lhs = if op == '+' { Expr::Add(lhs.into(), rhs.into()) } else { Expr::Sub(lhs.into(), rhs.into()) };
        }
        Ok(lhs)
    }

    fn term(&mut self) -> Result<Expr, ParseError> {
        let mut lhs = self.unary()?;
        while let Some(op @ ('*' | '/' | '×' | '·')) = self.peek() {
            self.pos += 1;
            let rhs = self.unary()?;
            lhs = if op == '/' { Expr::Div(lhs.into(), rhs.into()) } else { Expr::Mul(lhs.into(), rhs.into()) };
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        self.depth += 1;
        let r = if self.depth > MAX_EXPR_DEPTH {
            self.err(format!("expression nested deeper than {MAX_EXPR_DEPTH} levels"))
        } else {
            self.unary_inner()
        };
        self.depth -= 1;
        r
    }

    fn unary_inner(&mut self) -> Result<Expr, ParseError> {
        match self.peek() {
            Some('-') => {
                self.pos += 1;
                Ok(Expr::Neg(self.unary()?.into()))
            }
            Some('+') => {
                self.pos += 1;
                self.unary()
            }
            _ => self.power(),
        }
    }

    fn power(&mut self) -> Result<Expr, ParseError> {
        let base = self.primary()?;
        if self.peek() == Some('^') {
            self.pos += 1;
            let exp = self.unary()?; // right-associative; allows 2^-1
            return Ok(Expr::Pow(base.into(), exp.into()));
        }
        Ok(base)
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        match self.peek() {
            Some('(') => {
                self.pos += 1;
                let e = self.expr()?;
                if self.peek() != Some(')') {
                    return self.err("expected `)`");
                }
                self.pos += 1;
                Ok(e)
            }
            Some(c) if c.is_ascii_digit() || c == '.' => self.number(),
            Some(c) if c.is_alphabetic() || c == '_' => self.name(),
            Some(c) => self.err(format!("unexpected `{c}`: expected a number, a variable, a function or `(`")),
            None => self.err("unexpected end: expected a number, a variable, a function or `(`"),
        }
    }

    /// Takes characters while `f(c, next, taken)` holds, `next` being the character after `c`.
    fn take_while(&mut self, f: impl Fn(char, Option<char>, &str) -> bool) -> String {
        let mut s = String::new();
        while let Some(&(_, c)) = self.chars.get(self.pos) {
            let next = self.chars.get(self.pos + 1).map(|(_, c)| *c);
            if !f(c, next, &s) {
                break;
            }
            s.push(c);
            self.pos += 1;
        }
        s
    }

    fn number(&mut self) -> Result<Expr, ParseError> {
        let col = self.col();
        // `1..10` is a range: a dot followed by a dot ends the number.
        let s = self.take_while(|c, next, s| {
            c.is_ascii_digit()
                || (c == '.' && next != Some('.'))
                || c == 'e'
                || c == 'E'
                || ((c == '-' || c == '+') && s.ends_with(['e', 'E']))
        });
        s.parse().map(Expr::Num).map_err(|_| ParseError { col, message: format!("`{s}` is not a number") })
    }

    fn name(&mut self) -> Result<Expr, ParseError> {
        let col = self.col();
        let name = self.take_while(|c, next, _| c.is_alphanumeric() || c == '_' || (c == '.' && next != Some('.')));
        if name.ends_with('.') {
            return Err(ParseError {
                col,
                message: format!("`{name}` is not a name: dots separate parts of a result name"),
            });
        }
        if name == "sum" && self.peek() == Some('(') {
            return self.sum();
        }
        if self.peek() == Some('(') {
            let Some(&(_, f, arity)) = FUNCS.iter().find(|(n, _, _)| *n == name) else {
                let names: Vec<&str> = FUNCS.iter().map(|(n, _, _)| *n).chain(["sum"]).collect();
                return Err(ParseError {
                    col,
                    message: format!("unknown function `{name}`; expected one of {}", names.join(", ")),
                });
            };
            self.pos += 1;
            let mut args = vec![self.expr()?];
            while self.peek() == Some(',') {
                self.pos += 1;
                args.push(self.expr()?);
            }
            if self.peek() != Some(')') {
                return self.err("expected `)` or `,`");
            }
            self.pos += 1;
            if args.len() != arity {
                return Err(ParseError {
                    col,
                    message: format!("`{name}` takes {arity} argument(s), got {}", args.len()),
                });
            }
            return Ok(Expr::Call(f, args));
        }
        if let Some((_, v)) = self.env.iter().rev().find(|(n, _)| *n == name) {
            return Ok(Expr::Num(*v));
        }
        let name = if self.peek() == Some('[') {
            self.pos += 1;
            let i = self.whole_number("an index")?;
            if self.peek() != Some(']') {
                return self.err("expected `]`");
            }
            self.pos += 1;
            format!("{name}[{i}]")
        } else {
            name
        };
        Ok(match name.as_str() {
            "pi" => Expr::Num(std::f64::consts::PI),
            "e" => Expr::Num(std::f64::consts::E),
            "true" => Expr::Num(1.0),
            "false" => Expr::Num(0.0),
            _ => {
                let i = self.vars.iter().position(|v| *v == name).unwrap_or_else(|| {
                    self.vars.push(name.clone());
                    self.vars.len() - 1
                });
                Expr::Var(i)
            }
        })
    }

    /// A whole number made of numbers and the indices of enclosing sums, such as `i + 1`.
    fn whole_number(&mut self, what: &str) -> Result<i64, ParseError> {
        let col = self.col();
        let vars = self.vars.len();
        let e = self.expr()?;
        let bad = |message: String| Err(ParseError { col, message });
        if self.vars.len() > vars {
            let name = self.vars.split_off(vars).join("`, `");
            return bad(format!("{what} is made of numbers and sum indices; `{name}` is neither"));
        }
        let v = super::value(&e, &[]);
        if v.fract() != 0.0 || v.abs() > MAX_INDEX {
            return bad(format!("{what} must be a whole number up to {MAX_INDEX}, not {v}"));
        }
        Ok(v as i64)
    }

    /// `sum(i = a..b, body)`, after the name: the body once for each i from a to b, added up (0
    /// when b < a). The body is parsed once per value, so indices may appear anywhere in it.
    fn sum(&mut self) -> Result<Expr, ParseError> {
        self.pos += 1; // `(`
        self.skip_ws();
        let index = self.take_while(|c, _, s| c.is_alphabetic() || c == '_' || (!s.is_empty() && c.is_alphanumeric()));
        if index.is_empty() {
            return self.err("expected an index name, as in `sum(i = 1..10, x[i]^2)`");
        }
        if self.peek() != Some('=') {
            return self.err("expected `=`, as in `sum(i = 1..10, x[i]^2)`");
        }
        self.pos += 1;
        let lo = self.whole_number("the first index")?;
        self.skip_ws();
        if self.chars.get(self.pos..self.pos + 2).is_none_or(|two| two.iter().any(|(_, c)| *c != '.')) {
            return self.err("expected `..`, as in `sum(i = 1..10, x[i]^2)`");
        }
        self.pos += 2;
        let hi = self.whole_number("the last index")?;
        if self.peek() != Some(',') {
            return self.err("expected `,` and the body, as in `sum(i = 1..10, x[i]^2)`");
        }
        self.pos += 1;
        let body = self.pos;
        let mut terms = Vec::new();
        // An empty range still parses its body once, to check it and find its end.
        for i in lo..=hi.max(lo) {
            self.pos = body;
            self.env.push((index.clone(), i as f64));
            let term = self.expr();
            self.env.pop();
            let term = term?;
            self.expanded += self.pos - body;
            if self.expanded > MAX_EXPANDED_CHARS {
                return self
                    .err(format!("the sums expand to more than {MAX_EXPANDED_CHARS} characters; use fewer terms"));
            }
            if hi >= lo {
                terms.push(term);
            }
        }
        if self.peek() != Some(')') {
            return self.err("expected `)` after the body of `sum`");
        }
        self.pos += 1;
        Ok(balanced_sum(terms))
    }
}

/// The terms added as a balanced tree, so that its depth grows with the logarithm of their number.
fn balanced_sum(mut terms: Vec<Expr>) -> Expr {
    match terms.len() {
        0 => Expr::Num(0.0),
        1 => terms.pop().unwrap_or(Expr::Num(0.0)),
        n => {
            let right = terms.split_off(n / 2);
            Expr::Add(Box::new(balanced_sum(terms)), Box::new(balanced_sum(right)))
        }
    }
}
