//! The look every figure shares: its size, ink and palette, and text sizes chosen so that a
//! figure shown 320 px wide still has text of at least 12 px. plotters writes a font of size s as
//! `font-size = s / 1.24`, so the smallest text, asked at 24, is 19.4 units: 12.9 px at 320 px.
//!
//! The background is transparent and the ink dark. In Anki's night mode the card CSS turns a
//! figure to light ink on the dark card with `filter: invert(1) hue-rotate(180deg)` (on
//! `.nightMode img.figure`), which keeps the hues of the lines.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Width of a figure, in SVG units (pixels at 100 %).
pub const W: u32 = 480;
/// Height of a figure (of one panel, for figures with two).
pub const H: u32 = 360;
/// The narrowest a figure is shown on a card; text must stay readable there.
pub const NARROWEST: u32 = 320;
/// The title's size, as asked of plotters.
pub const TITLE_PX: u32 = 26;
/// Axis labels' size.
pub const LABEL_PX: u32 = 25;
/// Tick labels', legends' and value labels' size: the smallest text of a figure.
pub const TICK_PX: u32 = 24;

/// Text and axes.
pub const INK: RGBColor = RGBColor(36, 41, 47);

/// Line colours, distinguishable in light and (inverted) dark mode and for the common forms of
/// colour blindness (blue, vermilion, green, purple, ochre, grey).
pub const COLORS: [RGBColor; 6] = [
    RGBColor(11, 99, 201),
    RGBColor(213, 94, 0),
    RGBColor(0, 140, 100),
    RGBColor(130, 80, 223),
    RGBColor(170, 120, 0),
    RGBColor(87, 96, 106),
];

/// The colour of series `i`.
pub fn color(i: usize) -> RGBColor {
    COLORS[i % COLORS.len()]
}

/// The title's style.
pub fn title() -> TextStyle<'static> {
    ("sans-serif", TITLE_PX).into_font().color(&INK)
}

/// Axis labels' style.
pub fn label() -> TextStyle<'static> {
    ("sans-serif", LABEL_PX).into_font().color(&INK)
}

/// Tick labels' and legends' style.
pub fn tick() -> TextStyle<'static> {
    ("sans-serif", TICK_PX).into_font().color(&INK)
}

/// A value label centred above a point.
pub fn value_label() -> TextStyle<'static> {
    tick().pos(Pos::new(HPos::Center, VPos::Bottom))
}

/// Draws a chart's axes, ticks and faint grid in the house style: `$x` and `$y` are the axis
/// labels, `$xf` and `$yf` the tick formatters (`&dyn Fn(&f64) -> String`).
macro_rules! mesh {
    (@draw $m:ident, $x:expr, $y:expr, $xf:expr, $yf:expr) => {{
        use $crate::experiments::figures::theme;
        $m.x_desc($x)
            .y_desc($y)
            .axis_desc_style(theme::label())
            .label_style(theme::tick())
            .axis_style(theme::INK)
            .x_labels(6)
            .y_labels(6)
            .x_label_formatter($xf)
            .y_label_formatter($yf)
            .draw()
    }};
    (no_grid $chart:expr, $($rest:tt)*) => {{
        let mut m = $chart.configure_mesh();
        m.disable_mesh();
        $crate::experiments::figures::theme::mesh!(@draw m, $($rest)*)
    }};
    ($chart:expr, $($rest:tt)*) => {{
        let mut m = $chart.configure_mesh();
        m.bold_line_style($crate::experiments::figures::theme::INK.mix(0.1)).light_line_style(TRANSPARENT);
        $crate::experiments::figures::theme::mesh!(@draw m, $($rest)*)
    }};
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy)]
pub enum Mark {
    /// A solid line of this width.
    Line(u32),
    /// A dashed line of this width.
    Dashed(u32),
    /// A dot (one run of a scatter).
    Dot,
    /// A hollow square (the start).
    Square,
}

/// One legend entry.
#[derive(Debug, Clone)]
pub struct Key {
    /// The name, in words.
    pub name: String,
    /// Its colour.
    pub color: RGBColor,
    /// Its mark.
    pub mark: Mark,
}

/// The height of one legend row.
const KEY_ROW: u32 = 30;

/// The height of the legend strip below a plot for `keys`: never over the data, however it runs.
pub fn legend_height(keys: &[Key]) -> u32 {
    if keys.is_empty() { 0 } else { keys.len().div_ceil(columns(keys)) as u32 * KEY_ROW + 10 }
}

/// Two columns when every name fits in half the width.
fn columns(keys: &[Key]) -> usize {
    if keys.iter().all(|k| k.name.chars().count() <= 17) { 2 } else { 1 }
}

/// The size of a figure whose legend holds `keys`.
pub fn size(keys: &[Key]) -> (u32, u32) {
    (W, H + legend_height(keys))
}

/// Draws the legend of `keys` in the strip below the plot, and returns the plot's area.
pub fn legend_below<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    keys: &[Key],
) -> DrawingArea<DB, plotters::coord::Shift> {
    let (plot, strip) = root.split_vertically(H);
    draw_legend(&strip, keys);
    plot
}

/// A chart on `plot` in the house style: `title` above, room for tick and axis labels.
pub fn chart<'a, 'b, DB: DrawingBackend>(
    plot: &'a DrawingArea<DB, plotters::coord::Shift>,
    title: &'b str,
) -> ChartBuilder<'a, 'b, DB> {
    let mut b = ChartBuilder::on(plot);
    b.caption(title, self::title()).margin(10).margin_right(26).x_label_area_size(44).y_label_area_size(72);
    b
}

/// Draws `keys` in rows on `area`, the strip below a plot.
pub fn draw_legend<DB: DrawingBackend>(area: &DrawingArea<DB, plotters::coord::Shift>, keys: &[Key]) {
    let cols = columns(keys);
    let col_width = (W as i32 - 40) / cols as i32;
    for (i, k) in keys.iter().enumerate() {
        let (x, y) = (30 + col_width * (i % cols) as i32, 4 + KEY_ROW as i32 * (i / cols) as i32 + KEY_ROW as i32 / 2);
        let c = k.color;
        let _ = match k.mark {
            Mark::Line(w) => area.draw(&PathElement::new(vec![(x, y), (x + 28, y)], c.stroke_width(w))),
            Mark::Dashed(w) => area
                .draw(&PathElement::new(vec![(x, y), (x + 10, y)], c.stroke_width(w)))
                .and_then(|_| area.draw(&PathElement::new(vec![(x + 16, y), (x + 28, y)], c.stroke_width(w)))),
            Mark::Dot => area.draw(&Circle::new((x + 14, y), 5, c.filled())),
            Mark::Square => area.draw(&Rectangle::new([(x + 8, y - 6), (x + 20, y + 6)], c.stroke_width(2))),
        };
        let _ = area.draw(&Text::new(k.name.clone(), (x + 38, y), tick().pos(Pos::new(HPos::Left, VPos::Center))));
    }
}

pub(crate) use mesh;
