//! Curves against a count (iteration, step, dimension): loss on a log scale for the descent
//! rules, and general lines with dots for the other kinds.

use plotters::prelude::*;

use super::theme::{self, Key, Mark, color, mesh};
use super::{fallback, thin, ticks};
use crate::experiments::Series;

/// Axes for [`lines`].
pub struct Axes<'a> {
    /// The title: what was run, with its parameters.
    pub title: &'a str,
    /// The x axis label.
    pub x: &'a str,
    /// The y axis label.
    pub y: &'a str,
    /// A log scale on y (points with y ≤ 0 are left out).
    pub log_y: bool,
    /// x counts something (steps, dimensions): whole-number ticks only.
    pub whole_x: bool,
}

/// Loss against iteration on a log scale, one line per series (named in words).
pub fn loss_curves(title: &str, series: &[Series]) -> String {
    let axes = Axes { title, x: "iteration", y: "loss", log_y: true, whole_x: true };
    draw(&axes, series, false)
}

/// Lines with a dot at every point (for up to 100 points), one per series, with a legend.
pub fn lines(axes: &Axes<'_>, series: &[Series]) -> String {
    draw(axes, series, true)
}

fn draw(axes: &Axes<'_>, series: &[Series], dots: bool) -> String {
    let keep = |(x, y): &(f64, f64)| x.is_finite() && y.is_finite() && (!axes.log_y || *y > 0.0);
    let pts: Vec<Vec<(f64, f64)>> =
        series.iter().map(|s| thin(&s.points.iter().copied().filter(keep).collect::<Vec<_>>())).collect();
    let all = || pts.iter().flatten();
    let (mut x0, mut x1) = all().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (mut y0, mut y1) = all().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
    if x0 > x1 {
        (x0, x1, y0, y1) = (0.0, 1.0, 0.1, 1.0);
    }
    if x0 == x1 {
        (x0, x1) = (x0 - 0.5, x1 + 0.5);
    }
    if axes.log_y {
        (y0, y1) = (y0 / 2.0, y1 * 2.0);
    } else {
        let pad = ((y1 - y0) * 0.05).max(1e-12);
        (y0, y1) = (y0 - pad, y1 + pad);
    }
    let x_tick = |v: &f64| if axes.whole_x { ticks::whole(*v) } else { ticks::linear(*v) };
    let keys: Vec<Key> = series
        .iter()
        .enumerate()
        .map(|(i, s)| Key { name: s.name.clone(), color: color(i), mark: Mark::Line(3) })
        .collect();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, theme::size(&keys)).into_drawing_area();
        let plot = theme::legend_below(&root, &keys);
        let mut builder = theme::chart(&plot, axes.title);
        macro_rules! plot {
            ($chart:expr, $y_tick:expr) => {{
                let mut chart = $chart;
                let _ = mesh!(chart, axes.x, axes.y, &x_tick, $y_tick);
                for (i, p) in pts.iter().enumerate() {
                    let c = color(i);
                    let _ = chart.draw_series(LineSeries::new(p.iter().copied(), c.stroke_width(3)));
                    if dots && p.len() <= 100 {
                        let _ = chart.draw_series(p.iter().map(|q| Circle::new(*q, 4, c.filled())));
                    }
                }
            }};
        }
        if axes.log_y {
            let y_tick = |v: &f64| ticks::log(*v, y0, y1);
            match builder.build_cartesian_2d(x0..x1, (y0..y1).log_scale()) {
                Ok(chart) => plot!(chart, &y_tick),
                Err(_) => return fallback(),
            }
        } else {
            let y_tick = |v: &f64| ticks::linear(*v);
            match builder.build_cartesian_2d(x0..x1, y0..y1) {
                Ok(chart) => plot!(chart, &y_tick),
                Err(_) => return fallback(),
            }
        }
        let _ = root.present();
    }
    svg
}
