//! Objectives: what the optimizers minimize. Either a user expression, split into terms so that
//! sums over many variables stay cheap ([`ExprObjective`]), or a built-in quadratic
//! `½ xᵀ diag(λ) x` ([`Quadratic`]).

mod expression;
mod quadratic;

use nalgebra::{DMatrix, DVector};

pub use expression::ExprObjective;
pub use quadratic::Quadratic;

/// A twice-differentiable function of `dim()` variables.
pub trait Objective: Sync {
    /// Number of variables.
    fn dim(&self) -> usize;
    /// What one gradient evaluation costs, in the work units of [`super::WORK_LIMIT`].
    fn cost(&self) -> f64;
    /// What one eigendecomposition of the Hessian, or one solve with it, costs.
    fn solve_cost(&self) -> f64 {
        let n = self.dim() as f64;
        10.0 * n * n * n
    }
    /// f(x)
    fn value(&self, x: &[f64]) -> f64;
    /// ∇f(x)
    fn gradient(&self, x: &[f64]) -> Vec<f64>;
    /// ∇²f(x)
    fn hessian(&self, x: &[f64]) -> DMatrix<f64>;
    /// Eigenvalues of ∇²f(x), ascending, with their eigenvectors as columns.
    fn eigen(&self, x: &[f64]) -> (Vec<f64>, DMatrix<f64>) {
        sorted_eigen(self.hessian(x))
    }
    /// Solves ∇²f(x) d = g (for Newton's method); `None` when the Hessian is singular.
    fn newton_direction(&self, x: &[f64], g: &[f64]) -> Option<Vec<f64>> {
        solve(self.hessian(x), g)
    }
    /// |∇²f(x)|⁻¹ g, with |H| = V|Λ|Vᵀ (for saddle-free Newton); `None` when H is singular.
    fn abs_newton_direction(&self, x: &[f64], g: &[f64]) -> Option<Vec<f64>> {
        let (vals, vecs) = self.eigen(x);
        abs_solve(&vals, &vecs, g)
    }
}

/// The eigenvalues of a symmetric matrix, ascending, with their eigenvectors as columns.
fn sorted_eigen(h: DMatrix<f64>) -> (Vec<f64>, DMatrix<f64>) {
    let eig = h.symmetric_eigen();
    let mut order: Vec<usize> = (0..eig.eigenvalues.len()).collect();
    order.sort_by(|a, b| eig.eigenvalues[*a].total_cmp(&eig.eigenvalues[*b]));
    let vals = order.iter().map(|i| eig.eigenvalues[*i]).collect();
    let vecs =
        DMatrix::from_columns(&order.iter().map(|i| eig.eigenvectors.column(*i).into_owned()).collect::<Vec<_>>());
    (vals, vecs)
}

/// Solves h d = g; `None` when h is singular.
fn solve(h: DMatrix<f64>, g: &[f64]) -> Option<Vec<f64>> {
    h.lu().solve(&DVector::from_column_slice(g)).map(|d| d.iter().copied().collect())
}

/// V|Λ|⁻¹Vᵀ g; `None` when an eigenvalue is 0.
fn abs_solve(vals: &[f64], vecs: &DMatrix<f64>, g: &[f64]) -> Option<Vec<f64>> {
    if vals.contains(&0.0) {
        return None;
    }
    let mut d = vec![0.0; g.len()];
    for (k, l) in vals.iter().enumerate() {
        let v = vecs.column(k);
        let along = v.iter().zip(g).map(|(vi, gi)| vi * gi).sum::<f64>() / l.abs();
        d.iter_mut().zip(v.iter()).for_each(|(di, vi)| *di += along * vi);
    }
    Some(d)
}
