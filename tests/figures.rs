//! Every kind's figure, checked the way a card shows it: rasterized with resvg at the narrowest
//! width a card gives it (320 px), in light mode on the card's white and in night mode through the
//! card CSS's `invert(1) hue-rotate(180deg)` on the card's dark background. A figure must not be a
//! light box at night, its text must be at least 12 px and contrast with both backgrounds, and no
//! label may hold floating-point noise. The rasters are saved under `target/figures/` to look at.

mod common;

use std::collections::BTreeSet;

use common::repo;
use studygen::experiments::{self, Block, KINDS, spec};

/// The card backgrounds, from templates/card.css.
const DAY: [f64; 3] = [1.0, 1.0, 1.0];
const NIGHT: [f64; 3] = [30.0 / 255.0, 30.0 / 255.0, 30.0 / 255.0];

/// Every experiment of notes/ with its figure, by kind.
fn figures() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(repo().join("notes")).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for block in text.split("```experiment\n").skip(1) {
            let body = &block[..block.find("```").unwrap()];
            let b = Block { file: entry.path().display().to_string(), line: 1, text: body.into() };
            let spec = spec::parse(&b, &KINDS).unwrap();
            let outcome = experiments::run(&spec, true).unwrap();
            if let Some(svg) = outcome.figure {
                out.push((spec.kind.clone(), spec.id.clone(), svg));
            }
        }
    }
    out
}

/// sRGB relative luminance (WCAG).
fn luminance([r, g, b]: [f64; 3]) -> f64 {
    let lin = |c: f64| if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The card CSS's night-mode filter: `invert(1)` then `hue-rotate(180deg)` (the Filter Effects
/// matrix for θ = 180°: cos θ = −1, sin θ = 0), in sRGB as browsers apply it.
fn night([r, g, b]: [f64; 3]) -> [f64; 3] {
    let [r, g, b] = [1.0 - r, 1.0 - g, 1.0 - b];
    let m = [[-0.574, 1.430, 0.144], [0.426, 0.430, 0.144], [0.426, 1.430, -0.856]];
    let row = |k: usize| (m[k][0] * r + m[k][1] * g + m[k][2] * b).clamp(0.0, 1.0);
    [row(0), row(1), row(2)]
}

fn hex(s: &str) -> [f64; 3] {
    let v = |i: usize| f64::from(u8::from_str_radix(&s[i..i + 2], 16).unwrap()) / 255.0;
    [v(1), v(3), v(5)]
}

/// The figure rasterized `width` pixels wide: straight (not premultiplied) RGBA per pixel.
fn raster(svg: &str, width: u32) -> Vec<[f64; 4]> {
    let tree = resvg::usvg::Tree::from_str(svg, &resvg::usvg::Options::default()).unwrap();
    let size = tree.size();
    let scale = width as f32 / size.width();
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(width, (size.height() * scale).ceil() as u32).expect("a non-empty figure");
    resvg::render(&tree, resvg::tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    pixmap
        .pixels()
        .iter()
        .map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()].map(|v| f64::from(v) / 255.0)
        })
        .collect()
}

/// The pixels over `bg`, with `filter` applied to the figure first.
fn composite(pixels: &[[f64; 4]], bg: [f64; 3], filter: fn([f64; 3]) -> [f64; 3]) -> Vec<[f64; 3]> {
    pixels
        .iter()
        .map(|&[r, g, b, a]| {
            let c = filter([r, g, b]);
            [0, 1, 2].map(|k| c[k] * a + bg[k] * (1.0 - a))
        })
        .collect()
}

fn save_png(name: &str, px: &[[f64; 3]], width: u32) {
    let dir = repo().join("target/figures");
    std::fs::create_dir_all(&dir).unwrap();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(width, (px.len() as u32) / width).unwrap();
    for (dst, c) in pixmap.pixels_mut().iter_mut().zip(px) {
        let [r, g, b] = c.map(|v| (v * 255.0).round() as u8);
        *dst = resvg::tiny_skia::ColorU8::from_rgba(r, g, b, 255).premultiply();
    }
    pixmap.save_png(dir.join(name)).unwrap();
}

/// Every `<text>` of the figure: (font size, fill, content).
fn texts(svg: &str) -> Vec<(f64, String, String)> {
    let mut out = Vec::new();
    for part in svg.split("<text").skip(1) {
        let (attrs, rest) = part.split_once('>').unwrap();
        let attr = |name: &str| {
            let at = attrs.find(&format!("{name}=\"")).unwrap_or_else(|| panic!("<text{attrs}> has no {name}"));
            attrs[at + name.len() + 2..].split('"').next().unwrap().to_owned()
        };
        let content = rest.split("</text>").next().unwrap().trim().to_owned();
        out.push((attr("font-size").parse().unwrap(), attr("fill"), content));
    }
    out
}

#[test]
fn every_kind_draws_a_figure_that_reads_well_on_a_card_by_day_and_night() {
    let figures = figures();
    let kinds: BTreeSet<&str> = figures.iter().map(|f| f.0.as_str()).collect();
    let all: BTreeSet<&str> = KINDS.iter().map(|k| k.0).collect();
    assert_eq!(kinds, all, "notes/ draws a figure of every kind");
    let noise = regex::Regex::new(r"\d\.\d{5,}|\b\d+\.0\b|e[+-]?0\d").unwrap();
    for (kind, id, svg) in &figures {
        let width: u32 = svg.split("width=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
        let px = raster(svg, 320);
        let (day, dark) = (composite(&px, DAY, |c| c), composite(&px, NIGHT, night));
        save_png(&format!("{id}-day.png"), &day, 320);
        save_png(&format!("{id}-night.png"), &dark, 320);

        // The card shows through: the background is transparent, never a box of its own.
        let clear = px.iter().filter(|p| p[3] == 0.0).count() as f64 / px.len() as f64;
        assert!(clear > 0.4, "{kind} `{id}` is {:.0} % opaque: give it no background", 100.0 * (1.0 - clear));
        // At night the figure is dark like the card: not a light box.
        let mean = dark.iter().map(|c| luminance(*c)).sum::<f64>() / dark.len() as f64;
        let light = dark.iter().filter(|c| luminance(**c) > 0.6).count() as f64 / dark.len() as f64;
        assert!(mean < 0.2 && light < 0.15, "{kind} `{id}` at night: mean luminance {mean:.2}, {light:.2} light");
        // By day it shows something: the ink and the lines.
        let inked = day.iter().filter(|c| luminance(**c) < 0.5).count();
        assert!(inked > 500, "{kind} `{id}` draws almost nothing: {inked} dark pixels");

        let texts = texts(svg);
        assert!(texts.len() >= 6, "{kind} `{id}` has a title, axis labels and ticks: {texts:?}");
        for (size, fill, content) in &texts {
            let px = size * 320.0 / f64::from(width);
            assert!(px >= 12.0, "{kind} `{id}`: `{content}` is {px:.1} px at 320 px wide");
            let c = hex(fill);
            assert!(contrast(c, DAY) >= 4.5, "{kind} `{id}`: `{content}` in {fill} on white");
            assert!(contrast(night(c), NIGHT) >= 4.5, "{kind} `{id}`: `{content}` in {fill} at night");
            assert!(!noise.is_match(content), "{kind} `{id}`: label `{content}` holds float noise");
        }
    }
}
