//! One dot per run against a setting (final loss against hidden width), on log–log axes, with a
//! line through the medians and the threshold the claims use.

use plotters::prelude::*;

use super::theme::{self, Key, Mark, color, mesh};
use super::{fallback, ticks};
use crate::experiments::{Series, format_number};

/// The dots `(x, y)` under `title`, the `medians` line, and a dashed line at `threshold`.
pub fn scatter(
    title: &str,
    x_desc: &str,
    y_desc: &str,
    dots: &[(f64, f64)],
    medians: &Series,
    threshold: f64,
) -> String {
    let xs = dots.iter().map(|d| d.0);
    let (x0, x1) = xs.clone().fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(x), b.max(x)));
    let ys = dots.iter().map(|d| d.1).chain(std::iter::once(threshold)).filter(|y| *y > 0.0);
    let (y0, y1) = ys.fold((f64::MAX, f64::MIN), |(a, b), y| (a.min(y), b.max(y)));
    if !(x0 <= x1 && y0 <= y1) {
        return fallback();
    }
    let (x0, x1, y0, y1) = (x0 / 1.5, x1 * 1.5, y0 / 3.0, y1 * 3.0);
    let mut keys = vec![
        Key { name: "one run".into(), color: color(0), mark: Mark::Dot },
        Key { name: "median".into(), color: color(1), mark: Mark::Line(3) },
    ];
    if threshold > 0.0 {
        keys.push(Key {
            name: format!("threshold {}", format_number(threshold)),
            color: color(2),
            mark: Mark::Dashed(2),
        });
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, theme::size(&keys)).into_drawing_area();
        let plot = theme::legend_below(&root, &keys);
        let Ok(mut chart) = theme::chart(&plot, title).build_cartesian_2d((x0..x1).log_scale(), (y0..y1).log_scale())
        else {
            return fallback();
        };
        // Widths are whole numbers: label every whole tick, not only powers of ten.
        let x_tick = |v: &f64| ticks::whole(*v);
        let y_tick = |v: &f64| ticks::log(*v, y0, y1);
        let _ = mesh!(chart, x_desc, y_desc, &x_tick, &y_tick);
        let _ = chart.draw_series(dots.iter().map(|d| Circle::new(*d, 4, color(0).mix(0.6).filled())));
        let _ = chart.draw_series(LineSeries::new(medians.points.iter().copied(), color(1).stroke_width(3)));
        if threshold > 0.0 {
            let line = vec![(x0, threshold), (x1, threshold)];
            let _ = chart.draw_series(DashedLineSeries::new(line, 9, 5, color(2).stroke_width(2)));
        }
        let _ = root.present();
    }
    svg
}
