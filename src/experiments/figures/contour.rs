//! Contour lines of a two-variable objective with each method's path: the start marked, every
//! path's end dotted, and paths that overlap told apart by width and dashes.

use plotters::prelude::*;

use super::theme::{self, INK, Key, Mark, color, mesh};
use super::{MAX_BUCKETS, fallback, ticks};
use crate::experiments::Series;
use crate::experiments::objective::Objective;

/// Contour lines of `f` (variables `names`) around the paths in `series`, all from `start`, with
/// `title` above; the view covers `radius` around `center` and every finite path point.
pub fn contour(
    title: &str,
    f: &dyn Objective,
    names: &[String],
    series: &[Series],
    center: &[f64],
    radius: f64,
) -> String {
    let (cx, cy) = (center.first().copied().unwrap_or(0.0), center.get(1).copied().unwrap_or(0.0));
    let (mut x0, mut x1, mut y0, mut y1) = (cx - radius, cx + radius, cy - radius, cy + radius);
    for (x, y) in series.iter().flat_map(|s| s.points.iter()) {
        if x.is_finite() && y.is_finite() && x.abs() < 1e3 && y.abs() < 1e3 {
            (x0, x1, y0, y1) = (x0.min(*x), x1.max(*x), y0.min(*y), y1.max(*y));
        }
    }
    let (px, py) = ((x1 - x0) * 0.08, (y1 - y0) * 0.08);
    let (x0, x1, y0, y1) = (x0 - px, x1 + px, y0 - py, y1 + py);

    // Sample f on a grid and pick levels at evenly spaced quantiles.
    const N: usize = 64;
    let at = |i: usize, j: usize| (x0 + (x1 - x0) * i as f64 / N as f64, y0 + (y1 - y0) * j as f64 / N as f64);
    let grid: Vec<Vec<f64>> = (0..=N)
        .map(|i| {
            (0..=N)
                .map(|j| {
                    let (x, y) = at(i, j);
                    f.value(&[x, y])
                })
                .collect()
        })
        .collect();
    let mut values: Vec<f64> = grid.iter().flatten().copied().filter(|v| v.is_finite()).collect();
    values.sort_by(f64::total_cmp);
    let levels: Vec<f64> = (1..14).filter_map(|k| values.get(k * values.len() / 14).copied()).collect();

    let width = |i: usize| 5u32.saturating_sub(i as u32).max(2);
    let mut keys: Vec<Key> = series
        .iter()
        .enumerate()
        .map(|(i, s)| Key {
            name: s.name.clone(),
            color: color(i),
            mark: if i == 0 { Mark::Line(width(i)) } else { Mark::Dashed(width(i)) },
        })
        .collect();
    keys.push(Key { name: "start".into(), color: INK, mark: Mark::Square });
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, theme::size(&keys)).into_drawing_area();
        let plot = theme::legend_below(&root, &keys);
        let Ok(mut chart) = theme::chart(&plot, title).build_cartesian_2d(x0..x1, y0..y1) else {
            return fallback();
        };
        let tick = |v: &f64| ticks::linear(*v);
        let x = names.first().cloned().unwrap_or_default();
        let y = names.get(1).cloned().unwrap_or_default();
        let _ = mesh!(no_grid chart, x, y, &tick, &tick);
        for (li, level) in levels.iter().enumerate() {
            let style = INK.mix(0.18 + 0.015 * li as f64).stroke_width(1);
            for seg in marching_squares(&grid, *level) {
                let p = |(i, j): (f64, f64)| (x0 + (x1 - x0) * i / N as f64, y0 + (y1 - y0) * j / N as f64);
                let _ = chart.draw_series(std::iter::once(PathElement::new(vec![p(seg.0), p(seg.1)], style)));
            }
        }
        // Earlier paths are drawn wider and solid, later ones narrower and dashed on top, so a
        // path that runs along another stays visible.
        for (i, s) in series.iter().enumerate() {
            let pts = path_points(&s.points);
            let c = color(i);
            let _ = if i == 0 {
                chart.draw_series(LineSeries::new(pts.clone(), c.stroke_width(width(i))))
            } else {
                chart.draw_series(DashedLineSeries::new(pts.clone(), 9, 5, c.stroke_width(width(i))))
            };
            if let Some(last) = pts.last() {
                let _ = chart.draw_series(std::iter::once(Circle::new(*last, 5, c.filled())));
            }
        }
        if let Some(start) =
            series.first().and_then(|s| s.points.first()).filter(|p| p.0.is_finite() && p.1.is_finite())
        {
            let mark = Rectangle::new([(-6, -6), (6, 6)], INK.stroke_width(2));
            let _ = chart.draw_series(std::iter::once(EmptyElement::at(*start) + mark));
        }
        let _ = root.present();
    }
    svg
}

/// A path's finite points, thinned by position along it (not by a coordinate).
fn path_points(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let pts: Vec<(f64, f64)> = points.iter().copied().filter(|(x, y)| x.is_finite() && y.is_finite()).collect();
    if pts.len() <= 2 * MAX_BUCKETS {
        return pts;
    }
    let per = pts.len().div_ceil(2 * MAX_BUCKETS);
    let mut kept: Vec<(f64, f64)> = pts.iter().copied().step_by(per).collect();
    kept.extend(pts.last().copied().filter(|l| kept.last() != Some(l)));
    kept
}

/// Segments where `grid` crosses `level`, in grid coordinates.
fn marching_squares(grid: &[Vec<f64>], level: f64) -> Vec<((f64, f64), (f64, f64))> {
    let mut segs = Vec::new();
    let n = grid.len().saturating_sub(1);
    let v = |i: usize, j: usize| grid.get(i).and_then(|r| r.get(j)).copied().unwrap_or(f64::NAN);
    for i in 0..n {
        for j in 0..n {
            let corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)];
            let vals: Vec<f64> = corners.iter().map(|&(a, b)| v(a, b)).collect();
            if vals.iter().any(|x| !x.is_finite()) {
                continue;
            }
            let mut pts = Vec::with_capacity(4);
            for k in 0..4 {
                let (a, b) = (vals[k] - level, vals[(k + 1) % 4] - level);
                if (a < 0.0) != (b < 0.0) {
                    let t = a / (a - b);
                    let (p, q) = (corners[k], corners[(k + 1) % 4]);
                    pts.push((p.0 as f64 + t * (q.0 as f64 - p.0 as f64), p.1 as f64 + t * (q.1 as f64 - p.1 as f64)));
                }
            }
            if pts.len() >= 2 {
                segs.push((pts[0], pts[1]));
            }
            if pts.len() == 4 {
                segs.push((pts[2], pts[3]));
            }
        }
    }
    segs
}
