//! An objective given as an expression, with exact derivatives by automatic differentiation.
//!
//! The expression is split into the terms of its top-level sum (constant factors pulled out), and
//! each term is differentiated in the few variables it uses. Variables that share no term fall into
//! separate blocks of the Hessian, which is block diagonal: eigendecompositions and solves work
//! block by block. So `x[1]^4/4 - x[1]^2/2 + sum(i = 2..1000, x[i]^2/2)` costs about a thousand
//! one-variable terms per gradient, not a dense 1000 × 1000 Hessian per node.

use nalgebra::DMatrix;

use super::super::expr::{self, Expr};
use super::{Objective, abs_solve, solve, sorted_eigen};

/// f given as an expression in numbered variables.
pub struct ExprObjective {
    n: usize,
    terms: Vec<Term>,
    /// The Hessian's blocks: each a sorted list of variables.
    blocks: Vec<Vec<usize>>,
    /// The terms of each block.
    block_terms: Vec<Vec<usize>>,
}

/// One term of the top-level sum: `scale · expr`, in the variables `vars` (numbered 0.. within it).
struct Term {
    scale: f64,
    expr: Expr,
    vars: Vec<usize>,
}

impl ExprObjective {
    /// The objective `e` in `n` variables (`Expr::Var(i)` for i < n).
    pub fn new(e: &Expr, n: usize) -> Self {
        let mut parts = Vec::new();
        split(e, 1.0, &mut parts);
        let terms: Vec<Term> = parts
            .into_iter()
            .map(|(scale, e)| {
                let mut vars = Vec::new();
                collect_vars(e, &mut vars);
                vars.retain(|v| *v < n);
                vars.sort_unstable();
                vars.dedup();
                let mut map = vec![0; n];
                for (local, v) in vars.iter().enumerate() {
                    map[*v] = local;
                }
                Term { scale, expr: e.remap(&map), vars }
            })
            .collect();
        // Union-find over variables that share a term.
        let mut parent: Vec<usize> = (0..n).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        for t in &terms {
            for w in t.vars.windows(2) {
                let (a, b) = (root(&mut parent, w[0]), root(&mut parent, w[1]));
                parent[a.max(b)] = a.min(b);
            }
        }
        let mut block_of_root = vec![usize::MAX; n];
        let mut blocks: Vec<Vec<usize>> = Vec::new();
        for v in 0..n {
            let r = root(&mut parent, v);
            if block_of_root[r] == usize::MAX {
                block_of_root[r] = blocks.len();
                blocks.push(Vec::new());
            }
            blocks[block_of_root[r]].push(v);
        }
        let mut block_terms = vec![Vec::new(); blocks.len()];
        for (i, t) in terms.iter().enumerate() {
            if let Some(v) = t.vars.first() {
                block_terms[block_of_root[root(&mut parent, *v)]].push(i);
            }
        }
        ExprObjective { n, terms, blocks, block_terms }
    }

    /// The term's variables' values.
    fn gather(t: &Term, x: &[f64]) -> Vec<f64> {
        t.vars.iter().map(|v| x.get(*v).copied().unwrap_or(f64::NAN)).collect()
    }

    /// The term's value, gradient and Hessian (k × k, row-major) in its own variables; without
    /// allocating for a one-variable term.
    fn term_jet(t: &Term, x: &[f64]) -> expr::Jet {
        if let [v] = t.vars[..] {
            let j = expr::jet1(&t.expr, x.get(v).copied().unwrap_or(f64::NAN));
            return expr::Jet { v: j.v, g: vec![j.d1], h: vec![j.d2] };
        }
        expr::jet(&t.expr, &Self::gather(t, x))
    }

    /// The Hessian of block `b` at x, in the block's own numbering.
    fn block_hessian(&self, b: usize, x: &[f64]) -> DMatrix<f64> {
        let vars = &self.blocks[b];
        let mut h = DMatrix::zeros(vars.len(), vars.len());
        for t in self.block_terms[b].iter().map(|i| &self.terms[*i]) {
            let j = Self::term_jet(t, x);
            let k = t.vars.len();
            let at: Vec<usize> = t.vars.iter().map(|v| vars.binary_search(v).unwrap_or(0)).collect();
            for (r, ar) in at.iter().enumerate() {
                for (c, ac) in at.iter().enumerate() {
                    h[(*ar, *ac)] += t.scale * j.h[r * k + c];
                }
            }
        }
        h
    }
}

/// Splits `e` into `scale · term` parts whose sum is `e`: through `+`, `-`, negation, and
/// multiplication by a number.
fn split<'e>(e: &'e Expr, scale: f64, out: &mut Vec<(f64, &'e Expr)>) {
    match e {
        Expr::Add(a, b) => {
            split(a, scale, out);
            split(b, scale, out);
        }
        Expr::Sub(a, b) => {
            split(a, scale, out);
            split(b, -scale, out);
        }
        Expr::Neg(a) => split(a, -scale, out),
        Expr::Mul(k, a) | Expr::Mul(a, k) if matches!(**k, Expr::Num(_)) => {
            let Expr::Num(k) = **k else { return };
            split(a, scale * k, out);
        }
        _ => out.push((scale, e)),
    }
}

fn collect_vars(e: &Expr, out: &mut Vec<usize>) {
    match e {
        Expr::Num(_) => {}
        Expr::Var(i) => out.push(*i),
        Expr::Neg(a) => collect_vars(a, out),
        Expr::Add(a, b) | Expr::Sub(a, b) | Expr::Mul(a, b) | Expr::Div(a, b) | Expr::Pow(a, b) => {
            collect_vars(a, out);
            collect_vars(b, out);
        }
        Expr::Call(_, args) => args.iter().for_each(|a| collect_vars(a, out)),
    }
}

impl Objective for ExprObjective {
    fn dim(&self) -> usize {
        self.n
    }
    fn cost(&self) -> f64 {
        // Every node of a term's tree carries a value, a gradient and a Hessian in the term's
        // variables, in three allocations (measured: about 1.5 units per number carried).
        self.terms
            .iter()
            .map(|t| {
                let k = t.vars.len() as f64;
                1.5 * t.expr.size() as f64 * (4.0 + k + k * k) + k
            })
            .sum::<f64>()
            + self.n as f64
    }
    fn solve_cost(&self) -> f64 {
        let n = self.n as f64;
        // Each block's dense eigendecomposition, and the n × n matrix of eigenvectors returned.
        self.blocks.iter().map(|b| 10.0 * (b.len() as f64).powi(3)).sum::<f64>() + n * n + self.cost()
    }
    fn value(&self, x: &[f64]) -> f64 {
        self.terms
            .iter()
            .map(|t| match t.vars[..] {
                [v] => t.scale * expr::value(&t.expr, &[x.get(v).copied().unwrap_or(f64::NAN)]),
                _ => t.scale * expr::value(&t.expr, &Self::gather(t, x)),
            })
            .sum()
    }
    fn gradient(&self, x: &[f64]) -> Vec<f64> {
        let mut g = vec![0.0; self.n];
        for t in &self.terms {
            match t.vars[..] {
                [] => {}
                [v] => g[v] += t.scale * expr::jet1(&t.expr, x.get(v).copied().unwrap_or(f64::NAN)).d1,
                _ => {
                    let j = expr::jet(&t.expr, &Self::gather(t, x));
                    for (v, gv) in t.vars.iter().zip(&j.g) {
                        g[*v] += t.scale * gv;
                    }
                }
            }
        }
        g
    }
    fn hessian(&self, x: &[f64]) -> DMatrix<f64> {
        let mut h = DMatrix::zeros(self.n, self.n);
        for b in 0..self.blocks.len() {
            let hb = self.block_hessian(b, x);
            for (r, vr) in self.blocks[b].iter().enumerate() {
                for (c, vc) in self.blocks[b].iter().enumerate() {
                    h[(*vr, *vc)] = hb[(r, c)];
                }
            }
        }
        h
    }
    fn eigen(&self, x: &[f64]) -> (Vec<f64>, DMatrix<f64>) {
        // (eigenvalue, block, eigenvector in the block's numbering)
        let mut pairs: Vec<(f64, usize, Vec<f64>)> = Vec::with_capacity(self.n);
        for b in 0..self.blocks.len() {
            let (vals, vecs) = sorted_eigen(self.block_hessian(b, x));
            for (k, l) in vals.into_iter().enumerate() {
                pairs.push((l, b, vecs.column(k).iter().copied().collect()));
            }
        }
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut vecs = DMatrix::zeros(self.n, self.n);
        for (col, (_, b, v)) in pairs.iter().enumerate() {
            for (r, var) in self.blocks[*b].iter().enumerate() {
                vecs[(*var, col)] = v[r];
            }
        }
        (pairs.into_iter().map(|p| p.0).collect(), vecs)
    }
    fn newton_direction(&self, x: &[f64], g: &[f64]) -> Option<Vec<f64>> {
        self.blockwise(x, g, |h, g| (h != 0.0).then(|| g / h), solve)
    }
    fn abs_newton_direction(&self, x: &[f64], g: &[f64]) -> Option<Vec<f64>> {
        self.blockwise(
            x,
            g,
            |h, g| (h != 0.0).then(|| g / h.abs()),
            |h, gb| {
                let (vals, vecs) = sorted_eigen(h);
                abs_solve(&vals, &vecs, gb)
            },
        )
    }
}

impl ExprObjective {
    /// Applies `f(H_b, g_b)` to each block and puts the pieces together; a block of one variable
    /// takes `scalar(h, g)`, without a matrix.
    fn blockwise(
        &self,
        x: &[f64],
        g: &[f64],
        scalar: impl Fn(f64, f64) -> Option<f64>,
        f: impl Fn(DMatrix<f64>, &[f64]) -> Option<Vec<f64>>,
    ) -> Option<Vec<f64>> {
        let mut d = vec![0.0; self.n];
        for (b, vars) in self.blocks.iter().enumerate() {
            if let [v] = vars[..] {
                let h: f64 = self.block_terms[b]
                    .iter()
                    .map(|i| &self.terms[*i])
                    .map(|t| t.scale * expr::jet1(&t.expr, x.get(v).copied().unwrap_or(f64::NAN)).d2)
                    .sum();
                d[v] = scalar(h, g.get(v).copied().unwrap_or(f64::NAN))?;
                continue;
            }
            let gb: Vec<f64> = vars.iter().map(|v| g.get(*v).copied().unwrap_or(f64::NAN)).collect();
            let db = f(self.block_hessian(b, x), &gb)?;
            vars.iter().zip(db).for_each(|(v, dv)| d[*v] = dv);
        }
        Some(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiments::expr::parse;

    fn objective(src: &str) -> ExprObjective {
        let (e, vars) = parse(src).unwrap().alphabetical();
        ExprObjective::new(&e, vars.len())
    }

    #[test]
    fn terms_and_blocks_follow_the_sum() {
        let f = objective("(1-x)^2 + 100*(y-x^2)^2 - 3*z^2 + 7");
        assert_eq!(f.blocks, [vec![0, 1], vec![2]]);
        // At (1, 1, 2): 0 + 0 - 12 + 7.
        assert_eq!(f.value(&[1.0, 1.0, 2.0]), -5.0);
        assert_eq!(f.gradient(&[1.0, 1.0, 2.0]), [0.0, 0.0, -12.0]);
        let h = f.hessian(&[1.0, 1.0, 2.0]);
        // Rosenbrock's Hessian at (1, 1): [[802, -400], [-400, 200]].
        assert_eq!((h[(0, 0)], h[(0, 1)], h[(1, 1)], h[(2, 2)], h[(0, 2)]), (802.0, -400.0, 200.0, -6.0, 0.0));
    }

    #[test]
    fn blockwise_eigen_and_solves_agree_with_the_dense_ones() {
        let f = objective("x^2*y + y^2 - z^2 + 0.5*sum(i = 1..3, w[i]^4) + w[1]*w[2]");
        let x = [0.3, -0.7, 1.1, 0.2, -1.3, 0.9];
        let (vals, vecs) = f.eigen(&x);
        let (dense_vals, _) = sorted_eigen(f.hessian(&x));
        for (a, b) in vals.iter().zip(&dense_vals) {
            assert!((a - b).abs() < 1e-12, "{vals:?} vs {dense_vals:?}");
        }
        let h = f.hessian(&x);
        for (k, l) in vals.iter().enumerate() {
            let v = vecs.column(k);
            assert!((&h * v - v * *l).norm() < 1e-12);
        }
        let g = f.gradient(&x);
        let d = f.newton_direction(&x, &g).unwrap();
        let dense = solve(f.hessian(&x), &g).unwrap();
        assert!(d.iter().zip(&dense).all(|(a, b)| (a - b).abs() < 1e-10));
        let d = f.abs_newton_direction(&x, &g).unwrap();
        let (dv, dvecs) = sorted_eigen(f.hessian(&x));
        let dense = abs_solve(&dv, &dvecs, &g).unwrap();
        assert!(d.iter().zip(&dense).all(|(a, b)| (a - b).abs() < 1e-10));
    }

    #[test]
    fn a_thousand_separate_variables_are_cheap() {
        let f = objective("x[1]^4/4 - x[1]^2/2 + sum(i = 2..1000, x[i]^2/2)");
        assert_eq!(f.blocks.len(), 1000);
        assert!(f.cost() < 1e5, "{}", f.cost());
        let (vals, _) = f.eigen(&[0.0; 1000]);
        // At the origin: −1 once (x[1]), then 1 in 999 directions.
        assert_eq!(vals[0], -1.0);
        assert!(vals[1..].iter().all(|v| *v == 1.0));
    }
}
