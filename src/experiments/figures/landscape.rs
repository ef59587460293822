//! The loss landscape in two panels: above, the 1-D interpolation from the initial to the trained
//! weights and the 1-D filter-normalized slice, on a log scale; below, the 2-D slice as a heat map
//! of log₁₀ loss, with the trained weights at the centre.

use plotters::prelude::*;

use super::theme::{self, Key, Mark, color, mesh};
use super::ticks;

/// The figure for `title`: `interp` against t, `slice` against a, and `surface` (rows along b,
/// columns along a, both over `grid`).
pub fn landscape(
    title: &str,
    interp: &[(f64, f64)],
    slice: &[(f64, f64)],
    grid: &[f64],
    surface: &[Vec<f64>],
) -> String {
    let names = ["interpolation θ₀ → θ*", "filter-normalized slice"];
    let keys: Vec<Key> = names
        .iter()
        .enumerate()
        .map(|(i, n)| Key { name: (*n).into(), color: color(i), mark: Mark::Line(3) })
        .collect();
    let strip_h = theme::legend_height(&keys);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (theme::W, 2 * theme::H + strip_h)).into_drawing_area();
        let (top, rest) = root.split_vertically(theme::H);
        let (strip, bottom) = rest.split_vertically(strip_h);
        theme::draw_legend(&strip, &keys);
        let pts = || interp.iter().chain(slice).filter(|p| p.1 > 0.0 && p.1.is_finite());
        let (x0, x1) = pts().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
        let (y0, y1) = pts().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
        if x0 < x1
            && y0 <= y1
            && let Ok(mut chart) =
                theme::chart(&top, title).build_cartesian_2d(x0..x1, (y0 / 2.0..y1 * 2.0).log_scale())
        {
            let (lo, hi) = (y0 / 2.0, y1 * 2.0);
            let x_tick = |v: &f64| ticks::linear(*v);
            let y_tick = |v: &f64| ticks::log(*v, lo, hi);
            let _ = mesh!(chart, "t (start → trained), a (along d₁)", "loss", &x_tick, &y_tick);
            for (i, line) in [interp, slice].into_iter().enumerate() {
                let p: Vec<(f64, f64)> = line.iter().copied().filter(|p| p.1 > 0.0 && p.1.is_finite()).collect();
                let _ = chart.draw_series(LineSeries::new(p, color(i).stroke_width(3)));
            }
        }
        let logs: Vec<f64> =
            surface.iter().flatten().filter(|v| **v > 0.0 && v.is_finite()).map(|v| v.log10()).collect();
        let (lo, hi) = logs.iter().fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
        let (g0, g1) = (grid.first().copied().unwrap_or(-1.0), grid.last().copied().unwrap_or(1.0));
        if lo <= hi
            && g0 < g1
            && let Ok(mut chart) =
                theme::chart(&bottom, "log₁₀ loss along d₁ and d₂").build_cartesian_2d(g0..g1, g0..g1)
        {
            let tick = |v: &f64| ticks::linear(*v);
            let _ = mesh!(no_grid chart, "a (d₁)", "b (d₂)", &tick, &tick);
            let half = (g1 - g0) / (grid.len().max(2) - 1) as f64 / 2.0;
            let span = (hi - lo).max(1e-12);
            let cells = surface.iter().zip(grid).flat_map(|(row, b)| {
                row.iter().zip(grid).map(move |(v, a)| {
                    let f = if *v > 0.0 && v.is_finite() { (v.log10() - lo) / span } else { 1.0 };
                    let shade = HSLColor(0.62 - 0.62 * f, 0.75, 0.5);
                    Rectangle::new([(a - half, b - half), (a + half, b + half)], shade.filled())
                })
            });
            let _ = chart.draw_series(cells);
            let _ = chart.draw_series(std::iter::once(Circle::new((0.0, 0.0), 5, theme::INK.filled())));
        }
        let _ = root.present();
    }
    svg
}
