//! Objectives: what the optimizers minimize. Either a user expression (exact derivatives by
//! automatic differentiation) or a built-in quadratic `½ xᵀ diag(λ) x` for high dimensions.

use nalgebra::{DMatrix, DVector};

use super::expr::{self, Expr};

/// A twice-differentiable function of `dim()` variables.
pub trait Objective: Sync {
    /// Number of variables.
    fn dim(&self) -> usize;
    /// What one gradient (or Hessian) evaluation costs, in the work units of
    /// [`super::WORK_LIMIT`].
    fn cost(&self) -> f64;
    /// f(x)
    fn value(&self, x: &[f64]) -> f64;
    /// ∇f(x)
    fn gradient(&self, x: &[f64]) -> Vec<f64>;
    /// ∇²f(x)
    fn hessian(&self, x: &[f64]) -> DMatrix<f64>;
    /// Eigenvalues of ∇²f(x), ascending, with their eigenvectors as columns.
    fn eigen(&self, x: &[f64]) -> (Vec<f64>, DMatrix<f64>) {
        let eig = self.hessian(x).symmetric_eigen();
        let mut order: Vec<usize> = (0..eig.eigenvalues.len()).collect();
        order.sort_by(|a, b| eig.eigenvalues[*a].total_cmp(&eig.eigenvalues[*b]));
        let vals = order.iter().map(|i| eig.eigenvalues[*i]).collect();
        let vecs =
            DMatrix::from_columns(&order.iter().map(|i| eig.eigenvectors.column(*i).into_owned()).collect::<Vec<_>>());
        (vals, vecs)
    }
    /// Solves ∇²f(x) d = g (for Newton's method); `None` when the Hessian is singular.
    fn newton_direction(&self, x: &[f64], g: &[f64]) -> Option<Vec<f64>> {
        let h = self.hessian(x);
        h.lu().solve(&DVector::from_column_slice(g)).map(|d| d.iter().copied().collect())
    }
}

/// f given as an expression in named variables.
pub struct ExprObjective {
    /// The expression.
    pub expr: Expr,
    /// Number of variables.
    pub n: usize,
}

impl Objective for ExprObjective {
    fn dim(&self) -> usize {
        self.n
    }
    fn cost(&self) -> f64 {
        // Every node of the tree carries a value, a gradient and a Hessian, in three allocations
        // (measured: about 1.5 units per number carried).
        let n = self.n as f64;
        1.5 * self.expr.size() as f64 * (4.0 + n + n * n)
    }
    fn value(&self, x: &[f64]) -> f64 {
        expr::value(&self.expr, x)
    }
    fn gradient(&self, x: &[f64]) -> Vec<f64> {
        expr::jet(&self.expr, x).g
    }
    fn hessian(&self, x: &[f64]) -> DMatrix<f64> {
        DMatrix::from_row_slice(self.n, self.n, &expr::jet(&self.expr, x).h)
    }
}

/// ½ Σ λᵢ xᵢ²: a quadratic with a diagonal Hessian, cheap in any dimension.
pub struct Quadratic {
    /// The Hessian's diagonal.
    pub lambda: Vec<f64>,
}

impl Objective for Quadratic {
    fn dim(&self) -> usize {
        self.lambda.len()
    }
    fn cost(&self) -> f64 {
        self.lambda.len() as f64
    }
    fn value(&self, x: &[f64]) -> f64 {
        0.5 * self.lambda.iter().zip(x).map(|(l, v)| l * v * v).sum::<f64>()
    }
    fn gradient(&self, x: &[f64]) -> Vec<f64> {
        self.lambda.iter().zip(x).map(|(l, v)| l * v).collect()
    }
    fn hessian(&self, _: &[f64]) -> DMatrix<f64> {
        DMatrix::from_diagonal(&DVector::from_column_slice(&self.lambda))
    }
    fn eigen(&self, _: &[f64]) -> (Vec<f64>, DMatrix<f64>) {
        let n = self.lambda.len();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|a, b| self.lambda[*a].total_cmp(&self.lambda[*b]));
        let mut vecs = DMatrix::zeros(n, n);
        for (col, i) in order.iter().enumerate() {
            vecs[(*i, col)] = 1.0;
        }
        (order.iter().map(|i| self.lambda[*i]).collect(), vecs)
    }
    fn newton_direction(&self, _: &[f64], g: &[f64]) -> Option<Vec<f64>> {
        self.lambda.iter().zip(g).map(|(l, gi)| (*l != 0.0).then(|| gi / l)).collect()
    }
}
