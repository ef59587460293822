//! Experiment specs: the YAML inside a fenced `experiment` block, checked against the kind's
//! parameter table. Every problem is a diagnostic at the offending line, listing the valid choices.

use std::collections::BTreeMap;

use yaml_rust2::{Yaml, YamlLoader};

use super::expr::{self, Parsed};
use crate::diagnostics::{Code, Diagnostic};

mod rules;

pub use rules::{Dist, Metric, Stop};
use rules::{distribution, stop_rule};

/// The type and range of a parameter.
#[derive(Debug, Clone, Copy)]
pub enum Ty {
    /// A number in `[min, max]`.
    Num(f64, f64),
    /// A whole number in `[min, max]`.
    Int(i64, i64),
    /// An expression in the objective language.
    Expr,
    /// A list of numbers, of length in `[min, max]`.
    NumList(usize, usize),
    /// One of these names.
    Choice(&'static [&'static str]),
    /// A list of these names.
    Choices(&'static [&'static str]),
    /// A point: a list of `[min, max]` numbers, or a distribution each coordinate is drawn from
    /// (`uniform(a, b)`, `normal(mean, sd)`).
    Point(usize, usize),
    /// Stopping rules: `escape`, `never`, or `loss`, `grad_norm` or `distance` `<=` (or `<`) a
    /// number; one, or a list of which the first to hold ends the run.
    Stop,
}

/// A parameter's default.
#[derive(Debug, Clone, Copy)]
pub enum Default {
    /// The parameter must be given.
    Required,
    /// The parameter may be left out, and has no value then.
    Optional,
    /// A number.
    Num(f64),
    /// Names.
    Names(&'static [&'static str]),
}

/// One parameter of a kind.
#[derive(Debug, Clone, Copy)]
pub struct ParamDef {
    /// Its key.
    pub name: &'static str,
    /// Its type and range.
    pub ty: Ty,
    /// Its default.
    pub default: Default,
    /// What it means.
    pub doc: &'static str,
}

/// A checked parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    /// A number (also whole numbers).
    Num(f64),
    /// An expression.
    Expr(Parsed),
    /// Numbers.
    NumList(Vec<f64>),
    /// Names.
    Names(Vec<String>),
    /// A distribution to draw points from.
    Random(Dist),
    /// Stopping rules.
    Stop(Vec<Stop>),
}

/// The checked parameters of one experiment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params(pub BTreeMap<String, Param>);

impl Params {
    /// A number parameter (with its default filled in).
    pub fn num(&self, name: &str) -> f64 {
        match self.0.get(name) {
            Some(Param::Num(v)) => *v,
            _ => f64::NAN,
        }
    }

    /// A whole-number parameter.
    pub fn int(&self, name: &str) -> usize {
        let v = self.num(name);
        if v.is_finite() && v >= 0.0 { v as usize } else { 0 }
    }

    /// A list of numbers, if given.
    pub fn list(&self, name: &str) -> Option<&[f64]> {
        match self.0.get(name) {
            Some(Param::NumList(v)) => Some(v),
            _ => None,
        }
    }

    /// A list of names (a single choice is a list of one).
    pub fn names(&self, name: &str) -> Vec<String> {
        match self.0.get(name) {
            Some(Param::Names(v)) => v.clone(),
            _ => Vec::new(),
        }
    }

    /// A distribution, if given (rather than a list of numbers).
    pub fn random(&self, name: &str) -> Option<Dist> {
        match self.0.get(name) {
            Some(Param::Random(d)) => Some(*d),
            _ => None,
        }
    }

    /// Stopping rules, if given.
    pub fn stops(&self, name: &str) -> Option<&[Stop]> {
        match self.0.get(name) {
            Some(Param::Stop(v)) => Some(v),
            _ => None,
        }
    }

    /// An expression, if given.
    pub fn expr(&self, name: &str) -> Option<&Parsed> {
        match self.0.get(name) {
            Some(Param::Expr(p)) => Some(p),
            _ => None,
        }
    }

    /// Whether the parameter was given (or has a default).
    pub fn has(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }
}

/// A fenced block of a note: its info string, its text and the 1-based line of its first line.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// The note's vault-relative path.
    pub file: String,
    /// The line of the block's first content line.
    pub line: usize,
    /// The block's text.
    pub text: String,
}

impl Block {
    /// The line of the first line of the block that starts with `key:`.
    pub fn line_of(&self, key: &str) -> usize {
        self.text
            .lines()
            .position(|l| l.trim_start().strip_prefix(key).is_some_and(|r| r.trim_start().starts_with(':')))
            .map_or(self.line, |i| self.line + i)
    }

    fn err(&self, key: &str, message: String, hint: String) -> Diagnostic {
        Diagnostic::error(Code::ExperimentSpec, &self.file, self.line_of(key), 1, message).with_hint(hint)
    }
}

/// A parsed experiment declaration, before running.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// Its kind.
    pub kind: String,
    /// Its id, the first part of every result name.
    pub id: String,
    /// Checked parameters, defaults filled in.
    pub params: Params,
    /// Where it was declared.
    pub block: Block,
}

/// Parses a block against the kinds' parameter tables. `kinds` maps each kind to its parameters.
pub fn parse(block: &Block, kinds: &[(&'static str, &'static [ParamDef])]) -> Result<Spec, Vec<Diagnostic>> {
    let kind_names: Vec<&str> = kinds.iter().map(|(k, _)| *k).collect();
    crate::notes::frontmatter::check_limits(&block.text).map_err(|(line, what)| {
        vec![
            Diagnostic::error(
                Code::ExperimentSpec,
                &block.file,
                block.line + line - 1,
                1,
                format!("experiment spec is not readable: {what}"),
            )
            .with_hint("write one `key: value` per line, such as `kind: saddle-escape`"),
        ]
    })?;
    let doc = YamlLoader::load_from_str(&block.text).map_err(|e| {
        vec![
            Diagnostic::error(
                Code::ExperimentSpec,
                &block.file,
                block.line + e.marker().line().saturating_sub(1),
                e.marker().col() + 1,
                format!("experiment spec is not readable: {}", e.info()),
            )
            .with_hint("write one `key: value` per line, such as `kind: saddle-escape`"),
        ]
    })?;
    let Some(Yaml::Hash(map)) = doc.into_iter().next() else {
        return Err(vec![
            Diagnostic::error(Code::ExperimentSpec, &block.file, block.line, 1, "empty experiment spec")
                .with_hint(format!("an experiment needs `kind:` ({}) and `id:`", kind_names.join(", "))),
        ]);
    };
    let get = |k: &str| map.get(&Yaml::String(k.to_owned()));
    let kind = match get("kind") {
        Some(Yaml::String(k)) => k.clone(),
        _ => {
            return Err(vec![block.err(
                "kind",
                "experiment has no `kind:`".into(),
                format!("valid kinds: {}", kind_names.join(", ")),
            )]);
        }
    };
    let Some((_, defs)) = kinds.iter().find(|(k, _)| *k == kind) else {
        return Err(vec![block.err(
            "kind",
            format!("unknown experiment kind `{kind}`"),
            format!("valid kinds: {}", kind_names.join(", ")),
        )]);
    };
    let id = match get("id") {
        Some(Yaml::String(s)) if is_id(s) => s.clone(),
        Some(other) => {
            return Err(vec![block.err(
                "id",
                format!("`{}` is not a valid experiment id", scalar_text(other)),
                "an id is letters, digits and `_`, starting with a letter".into(),
            )]);
        }
        None => {
            return Err(vec![block.err(
                "id",
                "experiment has no `id:`".into(),
                "add `id: name`; results are cited as `name.result`".into(),
            )]);
        }
    };
    let mut errors = Vec::new();
    let mut params = Params::default();
    let valid: Vec<&str> = defs.iter().map(|d| d.name).collect();
    for key in map.keys() {
        let k = scalar_text(key);
        if k != "kind" && k != "id" && !valid.contains(&k.as_str()) {
            errors.push(block.err(
                &k,
                format!("`{k}` is not a parameter of `{kind}`"),
                format!("its parameters are: {}", valid.join(", ")),
            ));
        }
    }
    for def in *defs {
        match get(def.name) {
            Some(v) => match check(def, v) {
                Ok(p) => {
                    params.0.insert(def.name.to_owned(), p);
                }
                Err(msg) => errors.push(block.err(def.name, format!("`{}`: {msg}", def.name), expected(def))),
            },
            None => match def.default {
                Default::Required => {
                    errors.push(block.err("kind", format!("`{kind}` needs `{}`", def.name), expected(def)))
                }
                Default::Optional => {}
                Default::Num(v) => {
                    params.0.insert(def.name.to_owned(), Param::Num(v));
                }
                Default::Names(n) => {
                    params.0.insert(def.name.to_owned(), Param::Names(n.iter().map(|s| (*s).to_owned()).collect()));
                }
            },
        }
    }
    if errors.is_empty() { Ok(Spec { kind, id, params, block: block.clone() }) } else { Err(errors) }
}

fn is_id(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_alphabetic) && s.chars().all(|c| c.is_alphanumeric() || c == '_')
}

fn scalar_text(y: &Yaml) -> String {
    match y {
        Yaml::String(s) | Yaml::Real(s) => s.clone(),
        Yaml::Integer(i) => i.to_string(),
        Yaml::Boolean(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

pub(super) fn number(y: &Yaml) -> Option<f64> {
    match y {
        Yaml::Integer(i) => Some(*i as f64),
        Yaml::Real(s) => s.parse().ok(),
        Yaml::String(s) => expr::parse(s).ok().filter(|p| p.vars.is_empty()).map(|p| expr::value(&p.expr, &[])),
        _ => None,
    }
}

fn check(def: &ParamDef, v: &Yaml) -> Result<Param, String> {
    match def.ty {
        Ty::Num(lo, hi) => {
            let x = number(v).ok_or_else(|| format!("`{}` is not a number", scalar_text(v)))?;
            in_range(x, lo, hi).map(Param::Num)
        }
        Ty::Int(lo, hi) => {
            let x = number(v)
                .filter(|x| x.fract() == 0.0)
                .ok_or_else(|| format!("`{}` is not a whole number", scalar_text(v)))?;
            in_range(x, lo as f64, hi as f64).map(Param::Num)
        }
        Ty::Expr => {
            let text = scalar_text(v);
            expr::parse(&text).map(Param::Expr).map_err(|e| format!("{e} in `{}`", excerpt(&text)))
        }
        Ty::Point(lo, hi) => match v {
            Yaml::Array(_) => check(&ParamDef { ty: Ty::NumList(lo, hi), ..*def }, v),
            _ => distribution(&scalar_text(v)).map(Param::Random),
        },
        Ty::Stop => {
            let items = match v {
                Yaml::Array(items) => items.iter().map(scalar_text).collect::<Vec<_>>(),
                other => vec![scalar_text(other)],
            };
            if items.is_empty() {
                return Err("the list is empty".into());
            }
            items.iter().map(|s| stop_rule(s)).collect::<Result<_, _>>().map(Param::Stop)
        }
        Ty::NumList(lo, hi) => {
            let Yaml::Array(items) = v else {
                return Err(format!("`{}` is not a list such as [1, 2]", scalar_text(v)));
            };
            let xs = items
                .iter()
                .map(|i| number(i).ok_or_else(|| format!("`{}` is not a number", scalar_text(i))))
                .collect::<Result<Vec<_>, _>>()?;
            if xs.len() < lo || xs.len() > hi {
                return Err(format!("has {} entries; expected {lo} to {hi}", xs.len()));
            }
            if let Some(x) = xs.iter().find(|x| !x.is_finite()) {
                return Err(format!("{x} is not finite"));
            }
            Ok(Param::NumList(xs))
        }
        Ty::Choice(options) => {
            let s = scalar_text(v);
            if options.contains(&s.as_str()) {
                Ok(Param::Names(vec![s]))
            } else {
                Err(format!("`{s}` is not a valid choice"))
            }
        }
        Ty::Choices(options) => {
            let items = match v {
                Yaml::Array(items) => items.iter().map(scalar_text).collect::<Vec<_>>(),
                other => vec![scalar_text(other)],
            };
            if let Some(bad) = items.iter().find(|s| !options.contains(&s.as_str())) {
                return Err(format!("`{bad}` is not a valid choice"));
            }
            if items.is_empty() {
                return Err("the list is empty".into());
            }
            Ok(Param::Names(items))
        }
    }
}

fn in_range(x: f64, lo: f64, hi: f64) -> Result<f64, String> {
    if x.is_finite() && x >= lo && x <= hi {
        Ok(x)
    } else {
        Err(format!("{} is out of range [{}, {}]", fmt(x), fmt(lo), fmt(hi)))
    }
}

fn fmt(x: f64) -> String {
    super::format_number(x)
}

/// What a parameter accepts, for hints and documentation.
pub fn expected(def: &ParamDef) -> String {
    match def.ty {
        Ty::Num(lo, hi) => format!("`{}` is a number in [{}, {}]", def.name, fmt(lo), fmt(hi)),
        Ty::Int(lo, hi) => format!("`{}` is a whole number in [{lo}, {hi}]", def.name),
        Ty::Expr => format!("`{}` is an expression such as `x^2 - y^2`", def.name),
        Ty::NumList(lo, hi) => format!("`{}` is a list of {lo} to {hi} numbers, such as [1, 0.5]", def.name),
        Ty::Choice(o) => format!("`{}` is one of: {}", def.name, o.join(", ")),
        Ty::Choices(o) => format!("`{}` is a list drawn from: {}", def.name, o.join(", ")),
        Ty::Point(lo, hi) => format!(
            "`{}` is a list of {lo} to {hi} numbers, such as [1, 0.5], or `uniform(a, b)` or `normal(mean, sd)`",
            def.name
        ),
        Ty::Stop => format!(
            "`{}` is `escape`, `never`, or a rule such as `grad_norm <= 1e-3` (`loss`, `grad_norm`, `distance`), or a list of them",
            def.name
        ),
    }
}

/// `text` cut to 60 characters for a message, with `…` where it was cut.
pub(super) fn excerpt(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}
