//! Numbers expressions are evaluated over: plain `f64`, and [`Jet`], which carries the exact
//! gradient and Hessian (forward-mode automatic differentiation, second order).

use std::fmt;

/// A number type expressions can be evaluated over.
pub trait Scalar: Clone + fmt::Debug {
    /// A constant.
    fn constant(&self, v: f64) -> Self;
    /// The value.
    fn value(&self) -> f64;
    /// Applies a function with value `f`, first derivative `d1` and second derivative `d2` at `self`.
    fn chain(&self, f: f64, d1: f64, d2: f64) -> Self;
    /// a + b
    fn add(&self, b: &Self) -> Self;
    /// a * b
    fn mul(&self, b: &Self) -> Self;
    /// a * k for a constant k
    fn scale(&self, k: f64) -> Self;
    /// Whether it carries no derivative (a constant).
    fn is_constant(&self) -> bool;
}

impl Scalar for f64 {
    fn constant(&self, v: f64) -> Self {
        v
    }
    fn value(&self) -> f64 {
        *self
    }
    fn chain(&self, f: f64, _: f64, _: f64) -> Self {
        f
    }
    fn add(&self, b: &Self) -> Self {
        self + b
    }
    fn mul(&self, b: &Self) -> Self {
        self * b
    }
    fn scale(&self, k: f64) -> Self {
        self * k
    }
    fn is_constant(&self) -> bool {
        true
    }
}

/// A value with its exact gradient and Hessian with respect to `n` variables.
#[derive(Debug, Clone, PartialEq)]
pub struct Jet {
    /// The value.
    pub v: f64,
    /// The gradient, length n.
    pub g: Vec<f64>,
    /// The Hessian, n×n row-major.
    pub h: Vec<f64>,
}

impl Jet {
    /// Variable `i` of `n`, at value `v`.
    pub fn var(v: f64, i: usize, n: usize) -> Jet {
        let mut g = vec![0.0; n];
        if let Some(x) = g.get_mut(i) {
            *x = 1.0;
        }
        Jet { v, g, h: vec![0.0; n * n] }
    }
}

impl Scalar for Jet {
    fn constant(&self, v: f64) -> Self {
        Jet { v, g: vec![0.0; self.g.len()], h: vec![0.0; self.h.len()] }
    }
    fn value(&self) -> f64 {
        self.v
    }
    fn chain(&self, f: f64, d1: f64, d2: f64) -> Self {
        let n = self.g.len();
        let g = self.g.iter().map(|gi| d1 * gi).collect();
        let mut h: Vec<f64> = self.h.iter().map(|hij| d1 * hij).collect();
        if d2 != 0.0 {
            for (i, gi) in self.g.iter().enumerate() {
                for (j, gj) in self.g.iter().enumerate() {
                    if let Some(x) = h.get_mut(i * n + j) {
                        *x += d2 * gi * gj;
                    }
                }
            }
        }
        Jet { v: f, g, h }
    }
    fn add(&self, b: &Self) -> Self {
        Jet {
            v: self.v + b.v,
            g: self.g.iter().zip(&b.g).map(|(x, y)| x + y).collect(),
            h: self.h.iter().zip(&b.h).map(|(x, y)| x + y).collect(),
        }
    }
    fn mul(&self, b: &Self) -> Self {
        let n = self.g.len();
        let g = self.g.iter().zip(&b.g).map(|(ga, gb)| self.v * gb + b.v * ga).collect();
        let mut h: Vec<f64> = self.h.iter().zip(&b.h).map(|(ha, hb)| self.v * hb + b.v * ha).collect();
        for i in 0..n {
            for j in 0..n {
                if let (Some(x), Some(ai), Some(aj), Some(bi), Some(bj)) =
                    (h.get_mut(i * n + j), self.g.get(i), self.g.get(j), b.g.get(i), b.g.get(j))
                {
                    *x += ai * bj + bi * aj;
                }
            }
        }
        Jet { v: self.v * b.v, g, h }
    }
    fn scale(&self, k: f64) -> Self {
        Jet { v: self.v * k, g: self.g.iter().map(|x| x * k).collect(), h: self.h.iter().map(|x| x * k).collect() }
    }
    fn is_constant(&self) -> bool {
        self.g.iter().all(|x| *x == 0.0) && self.h.iter().all(|x| *x == 0.0)
    }
}

/// A value with its first and second derivative in one variable: a [`Jet`] for `n = 1` that
/// needs no allocation, for the many one-variable terms of a sum.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Jet1 {
    /// The value.
    pub v: f64,
    /// The first derivative.
    pub d1: f64,
    /// The second derivative.
    pub d2: f64,
}

impl Scalar for Jet1 {
    fn constant(&self, v: f64) -> Self {
        Jet1 { v, d1: 0.0, d2: 0.0 }
    }
    fn value(&self) -> f64 {
        self.v
    }
    fn chain(&self, f: f64, d1: f64, d2: f64) -> Self {
        Jet1 { v: f, d1: d1 * self.d1, d2: d1 * self.d2 + d2 * self.d1 * self.d1 }
    }
    fn add(&self, b: &Self) -> Self {
        Jet1 { v: self.v + b.v, d1: self.d1 + b.d1, d2: self.d2 + b.d2 }
    }
    fn mul(&self, b: &Self) -> Self {
        Jet1 {
            v: self.v * b.v,
            d1: self.v * b.d1 + b.v * self.d1,
            d2: self.v * b.d2 + b.v * self.d2 + 2.0 * self.d1 * b.d1,
        }
    }
    fn scale(&self, k: f64) -> Self {
        Jet1 { v: self.v * k, d1: self.d1 * k, d2: self.d2 * k }
    }
    fn is_constant(&self) -> bool {
        self.d1 == 0.0 && self.d2 == 0.0
    }
}
