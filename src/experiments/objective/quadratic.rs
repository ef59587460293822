//! ½ Σ λᵢ xᵢ²: a quadratic with a diagonal Hessian, cheap in any dimension.

use nalgebra::{DMatrix, DVector};

use super::Objective;

/// ½ Σ λᵢ xᵢ².
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
    fn solve_cost(&self) -> f64 {
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
    fn abs_newton_direction(&self, _: &[f64], g: &[f64]) -> Option<Vec<f64>> {
        self.lambda.iter().zip(g).map(|(l, gi)| (*l != 0.0).then(|| gi / l.abs())).collect()
    }
}
