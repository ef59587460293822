//! `OUT/report.html`: the vault as a literate document. Each note's prose is rendered with its
//! cited values in place; each experiment block becomes its parameters, results and figure; each
//! claims block a table of ✓ and ✗ with expected against measured and a link to the line; then the
//! cards the note made, previewed, and its diagnostics. A table of contents and a search box lead
//! through it. It opens offline: math is MathML (from pulldown-latex), figures are the files in
//! `figures/`, and its one script is inline.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;
use std::sync::LazyLock;

use rayon::prelude::*;
use regex::Regex;

use crate::cards::Card;
use crate::claims::Verdict;
use crate::diagnostics::{Diagnostic, render::terminal};
use crate::experiments::{Block, Lab, format_number};
use crate::markdown::{escape, obsidian_url};
use crate::notes::Note;

/// What the report is made of.
pub struct Inputs<'a> {
    /// The vault's name, for the title and `obsidian://` links.
    pub vault_name: &'a str,
    /// Every note, in order.
    pub notes: &'a [&'a Note],
    /// Every experiment with its results.
    pub lab: &'a Lab,
    /// Every claim, checked.
    pub claims: &'a [Verdict],
    /// Every card, grouped by note.
    pub cards: &'a [Card],
    /// Every diagnostic.
    pub diagnostics: &'a [Diagnostic],
    /// The lines that open and close a card block (`START`, `END`), whose text the cards show.
    pub block_markers: (&'a str, &'a str),
    /// Renders Markdown of a note to HTML, with its values, embeds and figures resolved.
    pub render: &'a (dyn Fn(&Note, &str) -> String + Sync),
}

/// The whole page.
pub fn render(i: &Inputs<'_>) -> String {
    let figures: BTreeSet<String> = i.lab.figures().into_keys().collect();
    let by_note = ByNote::new(i);
    // Each note's section is finished (math to MathML, images made offline) on its own, in parallel.
    let sections: Vec<String> =
        i.notes.par_iter().map(|n| offline(&math(&note_section(i, &by_note, n)), &figures)).collect();
    let passed = i.claims.iter().filter(|c| c.pass).count();
    let mut toc = String::new();
    for n in i.notes {
        let claims = by_note.claims.get(n.path.as_str()).map_or(&[][..], Vec::as_slice);
        let failed = claims.iter().filter(|c| !c.pass).count();
        let mark = match (claims.len(), failed) {
            (0, _) => String::new(),
            (k, 0) => format!(" <span class=\"ok\">✓ {k}</span>"),
            (_, f) => format!(" <span class=\"bad\">✗ {f}</span>"),
        };
        let _ = write!(toc, "<li><a href=\"#{}\">{}</a>{mark}</li>", anchor(&n.path), escape(&n.title));
    }
    let errors = i.diagnostics.iter().filter(|d| d.is_error()).count();
    let body = format!(
        "<header><h1>{name}</h1><p class=\"summary\">{notes} notes, {cards} cards, {exps} experiments, \
         claims: {passed} of {claims} hold, {errors} errors, {diags} diagnostics in all</p>\
         <input id=\"search\" type=\"search\" placeholder=\"Search the notes\" aria-label=\"Search the notes\"></header>\
         <nav><h2>Contents</h2><ol>{toc}</ol></nav><main>{sections}</main>",
        name = escape(i.vault_name),
        notes = i.notes.len(),
        cards = i.cards.len(),
        exps = i.lab.experiments.len(),
        claims = i.claims.len(),
        diags = i.diagnostics.len(),
        sections = sections.concat(),
    );

    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} — studygen report</title><style>{}\n{}</style></head>\
         <body class=\"report\">{body}<script>{}</script></body></html>\n",
        escape(i.vault_name),
        include_str!("../../templates/card.css"),
        include_str!("../../templates/report.css"),
        SEARCH,
    )
}

/// Hides the notes whose text lacks what the search box holds.
const SEARCH: &str = "document.getElementById('search').addEventListener('input', function (e) {\
  var q = e.target.value.toLowerCase();\
  document.querySelectorAll('section.note').forEach(function (s) {\
    s.hidden = q !== '' && s.textContent.toLowerCase().indexOf(q) < 0;\
  });\
});";

fn anchor(path: &str) -> String {
    let slug: String = path.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    format!("note-{slug}")
}

/// The cards, claims and diagnostics of each note, by its path.
struct ByNote<'a> {
    cards: HashMap<&'a str, Vec<&'a Card>>,
    claims: HashMap<&'a str, Vec<&'a Verdict>>,
    diagnostics: HashMap<&'a str, Vec<&'a Diagnostic>>,
}

impl<'a> ByNote<'a> {
    fn new(i: &Inputs<'a>) -> Self {
        let mut by = ByNote { cards: HashMap::new(), claims: HashMap::new(), diagnostics: HashMap::new() };
        for c in i.cards {
            by.cards.entry(&*c.note).or_default().push(c);
        }
        for c in i.claims {
            by.claims.entry(c.file.as_str()).or_default().push(c);
        }
        for d in i.diagnostics {
            by.diagnostics.entry(d.file.as_str()).or_default().push(d);
        }
        by
    }
}

/// One note: its prose with panels in place of experiment and claims blocks, its cards and its
/// diagnostics.
fn note_section(i: &Inputs<'_>, by: &ByNote<'_>, n: &Note) -> String {
    let mut panels: Vec<String> = Vec::new();
    let mut prose = String::new();
    let body: Vec<&str> = n.body().lines().collect();
    let (begin, end) = i.block_markers;
    let mut k = 0;
    while k < body.len() {
        // `body_line` lines precede the body: this line's number, counted from 1.
        let line_no = n.body_line + k + 1;
        let trimmed = body[k].trim();
        // An experiment or claims fence: its first content line is the block's line.
        let block = n
            .experiments
            .iter()
            .map(|b| (b, true))
            .chain(n.claims.iter().map(|b| (b, false)))
            .find(|(b, _)| b.line == line_no + 1);
        if let Some((b, is_experiment)) = block {
            let claims = by.claims.get(n.path.as_str()).map_or(&[][..], Vec::as_slice);
            let panel = if is_experiment { experiment_panel(i, b) } else { claims_panel(i, n, claims, b) };
            // A paragraph of its own that the rendered HTML is searched for.
            let _ = write!(prose, "\n\nSTUDYGEN-PANEL-{}\n\n", panels.len());
            panels.push(panel);
            k += b.text.lines().count() + 2;
            continue;
        }
        // A card block is shown as its card below, not as its markup.
        if trimmed == begin {
            while k < body.len() && body[k].trim() != end {
                k += 1;
            }
            k += 1;
            continue;
        }
        prose.push_str(body[k]);
        prose.push('\n');
        k += 1;
    }
    let mut html = (i.render)(n, &prose);
    for (p, panel) in panels.iter().enumerate() {
        html = html.replace(&format!("<p>STUDYGEN-PANEL-{p}</p>"), panel);
    }
    let cards: String = by
        .cards
        .get(n.path.as_str())
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .map(|c| {
            // A card whose fields cannot be read back shows none; the deck's writing reports it.
            let fields = c.fields().unwrap_or_default();
            format!(
                "<div class=\"preview\"><div class=\"q\">{}</div><div class=\"a\">{}</div><div class=\"where\">{}:{}</div></div>",
                cloze(fields.first().map_or("", |f| &**f)),
                fields.get(1).map_or(String::new(), |f| cloze(f)),
                escape(&c.note),
                c.line
            )
        })
        .collect();
    let cards =
        if cards.is_empty() { String::new() } else { format!("<h3>Cards</h3><div class=\"cards\">{cards}</div>") };
    let diags: String = by
        .diagnostics
        .get(n.path.as_str())
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .map(|d| format!("<pre class=\"diagnostic {}\">{}</pre>", d.severity.as_str(), escape(&terminal(d, false))))
        .collect();
    let diags = if diags.is_empty() { String::new() } else { format!("<h3>Diagnostics</h3>{diags}") };
    format!(
        "<section class=\"note\" id=\"{}\"><h2>{} <a class=\"path\" href=\"{}\">{}</a></h2><div class=\"card prose\">{html}</div>{cards}{diags}</section>",
        anchor(&n.path),
        escape(&n.title),
        escape(&obsidian_url(i.vault_name, &n.obsidian_path)),
        escape(&n.path)
    )
}

/// An experiment: its kind and parameters, its results and its figure.
fn experiment_panel(i: &Inputs<'_>, b: &Block) -> String {
    let params: String = b
        .text
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| format!("<tr><th>{}</th><td><code>{}</code></td></tr>", escape(k.trim()), escape(v.trim())))
        .collect();
    let Some((id, (_, outcome))) =
        i.lab.experiments.iter().find(|(_, (s, _))| s.block.file == b.file && s.block.line == b.line)
    else {
        return format!(
            "<div class=\"experiment failed\"><h4>Experiment (not run: see the diagnostics)</h4><table>{params}</table></div>"
        );
    };
    let results: String = outcome
        .values
        .iter()
        .map(|(k, v)| {
            format!("<tr><th><code>{}.{}</code></th><td>{}</td></tr>", escape(id), escape(k), escape(&v.to_string()))
        })
        .collect();
    let figure = match &outcome.figure {
        Some(_) => {
            format!("<img class=\"figure\" src=\"figures/{}.svg\" alt=\"figure of {}\">", escape(id), escape(id))
        }
        None => String::new(),
    };
    format!(
        "<div class=\"experiment\" id=\"exp-{id}\"><h4>Experiment <code>{id}</code></h4>{figure}<div class=\"tables\">\
         <table class=\"params\"><caption>parameters</caption>{params}</table>\
         <details><summary>{n} results</summary><table class=\"results\">{results}</table></details></div></div>",
        id = escape(id),
        n = outcome.values.len()
    )
}

/// A claims block: one row per claim, ✓ or ✗, expected against measured, and its place.
fn claims_panel(i: &Inputs<'_>, n: &Note, claims: &[&Verdict], b: &Block) -> String {
    let last = b.line + b.text.lines().count();
    let rows: String = claims
        .iter()
        .filter(|c| (b.line..=last).contains(&c.line))
        .map(|c| {
            let (mark, class) = if c.pass { ("✓", "ok") } else { ("✗", "bad") };
            let url = format!("{}&line={}", obsidian_url(i.vault_name, &n.obsidian_path), c.line);
            format!(
                "<tr class=\"claim {class}\"><td class=\"mark\">{mark}</td><td><code>{}</code></td><td>{}</td><td>{}</td>\
                 <td><a href=\"{}\">{}:{}</a></td></tr>",
                escape(&c.text),
                escape(&c.expected),
                escape(&format_number(c.measured)),
                escape(&url),
                escape(&c.file),
                c.line
            )
        })
        .collect();
    format!(
        "<table class=\"claims\"><thead><tr><th></th><th>claim</th><th>expected</th><th>measured</th><th>where</th></tr></thead>\
         <tbody>{rows}</tbody></table>"
    )
}

/// Cloze deletions shown as Anki shows them on the back: the hidden text, highlighted.
fn cloze(html: &str) -> String {
    static CLOZE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\{\{c\d+::(.*?)(?:::[^}]*)?\}\}").expect("valid"));
    CLOZE.replace_all(html, "<span class=\"cloze\">$1</span>").into_owned()
}

/// `\(…\)` and `\[…\]` (as cards carry them for MathJax) as MathML, which browsers render
/// without any script; math that does not parse stays as its source.
fn math(html: &str) -> String {
    static MATH: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)\\\((.+?)\\\)|\\\[(.+?)\\\]").expect("valid"));
    MATH.replace_all(html, |c: &regex::Captures<'_>| {
        let (tex, display) = match (c.get(1), c.get(2)) {
            (Some(m), _) => (m.as_str(), false),
            (_, Some(m)) => (m.as_str(), true),
            _ => return c[0].to_owned(),
        };
        let tex = tex.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        let storage = pulldown_latex::Storage::new();
        let parser = pulldown_latex::Parser::new(&tex, &storage);
        let events: Vec<_> = parser.collect();
        if events.iter().any(Result::is_err) {
            return format!("<code class=\"tex\">{}</code>", escape(&tex));
        }
        let config = pulldown_latex::RenderConfig {
            display_mode: if display {
                pulldown_latex::config::DisplayMode::Block
            } else {
                pulldown_latex::config::DisplayMode::Inline
            },
            ..Default::default()
        };
        let mut out = String::new();
        match pulldown_latex::push_mathml(&mut out, events.into_iter(), config) {
            Ok(()) => out,
            Err(_) => format!("<code class=\"tex\">{}</code>", escape(&tex)),
        }
    })
    .into_owned()
}

/// Images as the report can show them offline: figures from `figures/`, attachments (which the
/// output folder does not hold) as their names.
fn offline(html: &str, figures: &BTreeSet<String>) -> String {
    static IMG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"<img src="([^"]*)"([^>]*)>"#).expect("valid"));
    IMG.replace_all(html, |c: &regex::Captures<'_>| {
        let src = &c[1];
        if src.starts_with("figures/") {
            c[0].to_owned()
        } else if figures.contains(src) {
            format!("<img src=\"figures/{src}\"{}>", &c[2])
        } else {
            format!("<span class=\"attachment\">[{src}]</span>")
        }
    })
    .into_owned()
}
