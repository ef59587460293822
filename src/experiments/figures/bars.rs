//! A bar chart on a log scale, each bar labelled with its value, so that counts of very different
//! size can be read off (2304 against 36).

use plotters::prelude::*;

use super::theme::{self, color, mesh};
use super::{fallback, ticks};
use crate::experiments::format_number;

/// A bar per (label, value) under `title`, with `y` as the value axis' label.
pub fn bars(title: &str, y: &str, bars: &[(&str, f64)]) -> String {
    let lo = 0.5;
    let hi = bars.iter().map(|b| b.1).fold(1.0, f64::max) * 4.0;
    let labels: Vec<String> = bars.iter().map(|b| b.0.to_owned()).collect();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (theme::W, theme::H)).into_drawing_area();
        let Ok(mut chart) = theme::chart(&root, title)
            .build_cartesian_2d((0..bars.len() as i32 - 1).into_segmented(), (lo..hi).log_scale())
        else {
            return fallback();
        };
        let x_tick = |x: &SegmentValue<i32>| match x {
            SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        let y_tick = |v: &f64| ticks::log(*v, lo, hi);
        let _ = mesh!(chart, "", y, &x_tick, &y_tick);
        let _ = chart.draw_series(bars.iter().enumerate().map(|(i, (_, v))| {
            let i = i as i32;
            let mut bar = Rectangle::new(
                [(SegmentValue::Exact(i), lo), (SegmentValue::Exact(i + 1), v.max(lo))],
                color(i as usize).filled(),
            );
            bar.set_margin(0, 0, 14, 14);
            bar
        }));
        let _ = chart.draw_series(bars.iter().enumerate().map(|(i, (_, v))| {
            Text::new(format_number(*v), (SegmentValue::CenterOf(i as i32), v.max(lo) * 1.15), theme::value_label())
        }));
        let _ = root.present();
    }
    svg
}
