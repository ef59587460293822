//! Figures, drawn with plotters as SVG: contour lines with trajectories for 2-D experiments, loss
//! curves on a log scale for descent experiments, and a bar chart for symmetry counts.
//!
//! Drawing is deterministic: the same results give the same bytes.

use plotters::prelude::*;

use super::Series;
use super::objective::Objective;

const W: u32 = 560;
const H: u32 = 420;
const COLORS: [RGBColor; 6] = [
    RGBColor(11, 99, 201),
    RGBColor(207, 34, 46),
    RGBColor(26, 127, 55),
    RGBColor(130, 80, 223),
    RGBColor(191, 135, 0),
    RGBColor(87, 96, 106),
];

fn color(i: usize) -> RGBColor {
    COLORS[i % COLORS.len()]
}

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

/// Contour lines of `f` around the trajectories, with one line per method.
pub fn contour(f: &dyn Objective, names: &[String], series: &[Series], center: &[f64], radius: f64) -> String {
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

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, H)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let mut chart = match ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(48)
            .build_cartesian_2d(x0..x1, y0..y1)
        {
            Ok(c) => c,
            Err(_) => return svg_fallback(),
        };
        let _ = chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(names.first().cloned().unwrap_or_default())
            .y_desc(names.get(1).cloned().unwrap_or_default())
            .draw();
        for (li, level) in levels.iter().enumerate() {
            let shade = 150 + (li * 6) as u8;
            let style = RGBColor(shade, shade, shade).stroke_width(1);
            for seg in marching_squares(&grid, *level) {
                let p = |(i, j): (f64, f64)| (x0 + (x1 - x0) * i / N as f64, y0 + (y1 - y0) * j / N as f64);
                let _ = chart.draw_series(std::iter::once(PathElement::new(vec![p(seg.0), p(seg.1)], style)));
            }
        }
        for (i, s) in series.iter().enumerate() {
            let pts: Vec<(f64, f64)> =
                s.points.iter().copied().filter(|(x, y)| x.is_finite() && y.is_finite()).collect();
            // A path is thinned by position along it, not by a coordinate.
            let pts: Vec<(f64, f64)> = if pts.len() > 2 * MAX_BUCKETS {
                let per = pts.len().div_ceil(2 * MAX_BUCKETS);
                let mut kept: Vec<(f64, f64)> = pts.iter().copied().step_by(per).collect();
                kept.extend(pts.last().copied().filter(|l| kept.last() != Some(l)));
                kept
            } else {
                pts
            };
            let c = color(i);
            if let Ok(a) = chart.draw_series(LineSeries::new(pts.clone(), c.stroke_width(2))) {
                a.label(s.name.clone())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], c.stroke_width(2)));
            }
            if let Some(last) = pts.last() {
                let _ = chart.draw_series(std::iter::once(Circle::new(*last, 3, c.filled())));
            }
        }
        let _ = chart.configure_series_labels().background_style(WHITE.mix(0.85)).border_style(BLACK).draw();
        let _ = root.present();
    }
    svg
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

/// Loss against iteration on a log scale, one line per series.
pub fn loss_curves(series: &[Series], kappa: f64) -> String {
    let positive = |v: f64| v.is_finite() && v > 0.0;
    let ys: Vec<f64> = series.iter().flat_map(|s| s.points.iter().map(|p| p.1)).filter(|v| positive(*v)).collect();
    let (lo, hi) =
        (ys.iter().copied().fold(f64::MAX, f64::min).max(1e-300), ys.iter().copied().fold(f64::MIN, f64::max));
    let (lo, hi) = if lo < hi { (lo, hi) } else { (1e-12, 1.0) };
    let kmax = series.iter().map(|s| s.points.len()).max().unwrap_or(1).max(2) as f64;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, H)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let Ok(mut chart) = ChartBuilder::on(&root)
            .caption(format!("loss, κ = {kappa:.4}"), ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(60)
            .build_cartesian_2d(0f64..kmax, (lo..hi).log_scale())
        else {
            return svg_fallback();
        };
        let _ = chart.configure_mesh().x_desc("iteration").y_desc("loss").draw();
        for (i, s) in series.iter().enumerate() {
            let c = color(i);
            let pts: Vec<(f64, f64)> = s.points.iter().copied().filter(|(_, y)| positive(*y)).collect();
            let pts = thin(&pts).into_iter().map(|(x, y)| (x, y.clamp(lo, hi)));
            if let Ok(a) = chart.draw_series(LineSeries::new(pts, c.stroke_width(2))) {
                a.label(s.name.clone())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], c.stroke_width(2)));
            }
        }
        let _ = chart.configure_series_labels().background_style(WHITE.mix(0.85)).border_style(BLACK).draw();
        let _ = root.present();
    }
    svg
}

/// A bar per (label, value), on a log scale so that counts of very different size fit.
pub fn bars(title: &str, bars: &[(&str, f64)]) -> String {
    let hi = bars.iter().map(|b| b.1).fold(1.0, f64::max) * 2.0;
    let labels: Vec<String> = bars.iter().map(|b| b.0.to_owned()).collect();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, H)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let Ok(mut chart) = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(60)
            .build_cartesian_2d(-0.5f64..(bars.len() as f64 - 0.5), (0.5f64..hi).log_scale())
        else {
            return svg_fallback();
        };
        let _ = chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(bars.len())
            .x_label_formatter(&|x| labels.get(x.round() as usize).cloned().unwrap_or_default())
            .y_desc("equivalent settings")
            .draw();
        let _ = chart.draw_series(bars.iter().enumerate().map(|(i, (_, v))| {
            Rectangle::new([(i as f64 - 0.3, 0.5), (i as f64 + 0.3, v.max(0.5))], color(i).filled())
        }));
        let _ = root.present();
    }
    svg
}

/// Axes for [`lines`].
pub struct Axes<'a> {
    /// The caption.
    pub title: &'a str,
    /// The x axis label.
    pub x: &'a str,
    /// The y axis label.
    pub y: &'a str,
    /// A log scale on y (points with y ≤ 0 are left out).
    pub log_y: bool,
}

/// Lines with a dot at every point (thinned like [`loss_curves`]), one per series, with a legend.
pub fn lines(axes: &Axes<'_>, series: &[Series]) -> String {
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
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, H)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let mut builder = ChartBuilder::on(&root);
        builder.caption(axes.title, ("sans-serif", 16)).margin(12).x_label_area_size(32).y_label_area_size(60);
        macro_rules! draw {
            ($chart:expr) => {{
                let mut chart = $chart;
                let _ = chart.configure_mesh().x_desc(axes.x).y_desc(axes.y).draw();
                for (i, (s, p)) in series.iter().zip(&pts).enumerate() {
                    let c = color(i);
                    if let Ok(a) = chart.draw_series(LineSeries::new(p.iter().copied(), c.stroke_width(2))) {
                        a.label(s.name.clone())
                            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], c.stroke_width(2)));
                    }
                    if p.len() <= 100 {
                        let _ = chart.draw_series(p.iter().map(|q| Circle::new(*q, 3, c.filled())));
                    }
                }
                let _ = chart.configure_series_labels().background_style(WHITE.mix(0.85)).border_style(BLACK).draw();
            }};
        }
        if axes.log_y {
            match builder.build_cartesian_2d(x0..x1, (y0..y1).log_scale()) {
                Ok(chart) => draw!(chart),
                Err(_) => return svg_fallback(),
            }
        } else {
            match builder.build_cartesian_2d(x0..x1, y0..y1) {
                Ok(chart) => draw!(chart),
                Err(_) => return svg_fallback(),
            }
        }
        let _ = root.present();
    }
    svg
}

/// One dot per run at (x, y) on log–log axes, a line through the medians, and a dashed
/// horizontal line at `threshold`.
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
        return svg_fallback();
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, H)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let Ok(mut chart) = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 16))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(60)
            .build_cartesian_2d((x0 / 1.5..x1 * 1.5).log_scale(), (y0 / 3.0..y1 * 3.0).log_scale())
        else {
            return svg_fallback();
        };
        let _ = chart.configure_mesh().x_desc(x_desc).y_desc(y_desc).draw();
        let _ = chart.draw_series(dots.iter().map(|d| Circle::new(*d, 3, color(0).mix(0.6).filled())));
        if let Ok(a) = chart.draw_series(LineSeries::new(medians.points.iter().copied(), color(1).stroke_width(2))) {
            a.label("median").legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color(1).stroke_width(2)));
        }
        if threshold > 0.0 {
            let line = vec![(x0 / 1.5, threshold), (x1 * 1.5, threshold)];
            if let Ok(a) = chart.draw_series(LineSeries::new(line, color(2).stroke_width(1))) {
                a.label(format!("threshold {}", super::format_number(threshold)))
                    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color(2).stroke_width(1)));
            }
        }
        let _ = chart.configure_series_labels().background_style(WHITE.mix(0.85)).border_style(BLACK).draw();
        let _ = root.present();
    }
    svg
}

/// The loss landscape in two panels: above, the 1-D interpolation (against t) and the 1-D slice
/// (against a), on a log scale; below, the 2-D slice as a heat map of log₁₀ loss.
pub fn landscape(
    title: &str,
    interp: &[(f64, f64)],
    slice: &[(f64, f64)],
    grid: &[f64],
    surface: &[Vec<f64>],
) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, 2 * H)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let (top, bottom) = root.split_vertically(H);
        let pts = || interp.iter().chain(slice).filter(|p| p.1 > 0.0 && p.1.is_finite());
        let (x0, x1) = pts().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
        let (y0, y1) = pts().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
        if x0 < x1
            && y0 <= y1
            && let Ok(mut chart) = ChartBuilder::on(&top)
                .caption(title, ("sans-serif", 16))
                .margin(12)
                .x_label_area_size(32)
                .y_label_area_size(60)
                .build_cartesian_2d(x0..x1, (y0 / 2.0..y1 * 2.0).log_scale())
        {
            let _ = chart.configure_mesh().x_desc("t (start → trained) or a (along d₁)").y_desc("loss").draw();
            for (i, (name, line)) in
                [("interpolation θ₀ → θ*", interp), ("filter-normalized slice", slice)].into_iter().enumerate()
            {
                let c = color(i);
                let p: Vec<(f64, f64)> = line.iter().copied().filter(|p| p.1 > 0.0 && p.1.is_finite()).collect();
                if let Ok(a) = chart.draw_series(LineSeries::new(p, c.stroke_width(2))) {
                    a.label(name).legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], c.stroke_width(2)));
                }
            }
            let _ = chart.configure_series_labels().background_style(WHITE.mix(0.85)).border_style(BLACK).draw();
        }
        let logs: Vec<f64> =
            surface.iter().flatten().filter(|v| **v > 0.0 && v.is_finite()).map(|v| v.log10()).collect();
        let (lo, hi) = logs.iter().fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
        let (g0, g1) = (grid.first().copied().unwrap_or(-1.0), grid.last().copied().unwrap_or(1.0));
        if lo <= hi
            && g0 < g1
            && let Ok(mut chart) = ChartBuilder::on(&bottom)
                .caption("2-D slice: log₁₀ loss along d₁ and d₂", ("sans-serif", 14))
                .margin(12)
                .x_label_area_size(32)
                .y_label_area_size(60)
                .build_cartesian_2d(g0..g1, g0..g1)
        {
            let _ = chart.configure_mesh().disable_mesh().x_desc("a (d₁)").y_desc("b (d₂)").draw();
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
            let _ = chart.draw_series(std::iter::once(Circle::new((0.0, 0.0), 4, BLACK.filled())));
        }
        let _ = root.present();
    }
    svg
}

fn svg_fallback() -> String {
    format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\"></svg>\n")
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
