//! Figures, drawn with plotters as SVG and made for cards: one file per kind of chart (contour
//! lines with paths, curves, bars, a scatter of runs, the loss landscape).
//!
//! Every figure shares one look ([`theme`]): a transparent background with dark ink, which the
//! card CSS inverts in Anki's night mode (`.nightMode img.figure`), text large enough to read at
//! 320 px wide, tick labels as a person writes them ([`ticks`]), axis labels, a title that says
//! what was run, and legends in words. Drawing is deterministic: the same results give the same
//! bytes.

mod bars;
mod contour;
mod curves;
mod landscape;
mod scatter;
pub mod theme;
pub mod ticks;

pub use bars::bars;
pub use contour::contour;
pub use curves::{Axes, lines, loss_curves};
pub use landscape::landscape;
pub use scatter::scatter;

/// A line is drawn with at most twice this many points, however long the run: a figure's size
/// stays bounded.
pub const MAX_BUCKETS: usize = 1000;

/// `points` thinned to at most `2 × MAX_BUCKETS` (plus the first and the last): each bucket of
/// consecutive points keeps its lowest and highest, in order, so spikes and oscillations stay
/// visible.
pub fn thin(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    if points.len() <= 2 * MAX_BUCKETS {
        return points.to_vec();
    }
    let per = points.len().div_ceil(MAX_BUCKETS);
    let mut out = Vec::with_capacity(2 * MAX_BUCKETS + 2);
    out.extend(points.first().copied());
    for bucket in points.chunks(per) {
        let lo = bucket.iter().enumerate().min_by(|a, b| a.1.1.total_cmp(&b.1.1)).map_or(0, |(i, _)| i);
        let hi = bucket.iter().enumerate().max_by(|a, b| a.1.1.total_cmp(&b.1.1)).map_or(0, |(i, _)| i);
        let (first, second) = if lo <= hi { (lo, hi) } else { (hi, lo) };
        if out.last() != Some(&bucket[first]) {
            out.push(bucket[first]);
        }
        if second != first {
            out.push(bucket[second]);
        }
    }
    if let Some(last) = points.last()
        && out.last() != Some(last)
    {
        out.push(*last);
    }
    out
}

/// An empty figure, for results that cannot be drawn.
fn fallback() -> String {
    format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\"></svg>\n", theme::W, theme::H)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_thinned_and_keep_their_extremes() {
        let pts: Vec<(f64, f64)> =
            (0..100_000).map(|i| (i as f64, if i == 54_321 { 1e9 } else { (i as f64).sin() })).collect();
        let kept = thin(&pts);
        assert!(kept.len() <= 2 * MAX_BUCKETS + 2, "{}", kept.len());
        assert!(kept.contains(&(54_321.0, 1e9)), "the spike survives");
        assert_eq!((kept[0], *kept.last().unwrap()), (pts[0], *pts.last().unwrap()));
        assert!(kept.windows(2).all(|w| w[0].0 < w[1].0), "in order");
    }
}
