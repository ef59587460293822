//! `OUT/report.html` in a real headless Chromium (Debian's `chromium`, installed by the test
//! set-up when missing): the notes/ report loads with no console errors, shows every figure and
//! every claim row, renders its math as MathML, and offline. A screenshot is saved to
//! `target/report.png`.

mod common;

use common::{build_ok, chromium, copy_vault, repo};
use std::process::Command;
use studygen::build::{self, Options};

/// A page that opens the report in a frame and writes what it finds as JSON.
const PROBE: &str = r#"<!DOCTYPE html><html><body>
<iframe id="r" src="report.html" style="width:1200px;height:900px"></iframe><pre id="out">pending</pre>
<script>
document.getElementById('r').addEventListener('load', function () {
  var d = this.contentDocument;
  var figs = Array.prototype.slice.call(d.querySelectorAll('img.figure'));
  var search = d.getElementById('search');
  search.value = 'saddle';
  search.dispatchEvent(new Event('input'));
  var visible = Array.prototype.filter.call(d.querySelectorAll('section.note'), function (s) { return !s.hidden; }).length;
  document.getElementById('out').textContent = JSON.stringify({
    figures: figs.length,
    figures_shown: figs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length,
    claims: d.querySelectorAll('tr.claim').length,
    claims_ok: d.querySelectorAll('tr.claim.ok').length,
    notes: d.querySelectorAll('section.note').length,
    toc: d.querySelectorAll('nav li').length,
    math: d.querySelectorAll('math').length,
    experiments: d.querySelectorAll('div.experiment').length,
    previews: d.querySelectorAll('div.preview').length,
    found: visible
  });
});
</script></body></html>"#;

#[test]
fn the_notes_report_loads_in_chromium_with_every_figure_and_claim() {
    let (_tmp, vault) = copy_vault(&repo().join("notes"), "notes");
    let out = vault.parent().unwrap().join("out");
    build_ok(&vault, &out);
    let expected = build::run(&Options::new(&vault, None)).unwrap();
    std::fs::write(out.join("probe.html"), PROBE).unwrap();

    let browser = chromium();
    let o = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"])
        .args(["--virtual-time-budget=15000", "--enable-logging=stderr", "--v=0", "--dump-dom"])
        .arg(format!("file://{}", out.join("probe.html").display()))
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&o.stdout);
    let log = String::from_utf8_lossy(&o.stderr);
    let json = dom.split("<pre id=\"out\">").nth(1).and_then(|s| s.split("</pre>").next()).expect("the probe ran");
    let got: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|_| panic!("probe output: {json}\n{log}"));

    // Nothing went wrong in the page: no script error, no resource that failed to load.
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");

    let figures = expected.experiments; // every notes/ experiment draws a figure
    assert!(got["figures"].as_u64().unwrap() >= figures as u64, "{got}");
    assert_eq!(got["figures_shown"], got["figures"], "every figure is visible: {got}");
    assert_eq!(got["experiments"], figures, "{got}");
    assert_eq!(got["claims"], expected.claims.len(), "every claim has its row: {got}");
    assert_eq!(got["claims_ok"], expected.claims.iter().filter(|c| c.pass).count(), "{got}");
    assert_eq!(got["notes"], expected.notes, "{got}");
    assert_eq!(got["toc"], expected.notes, "{got}");
    assert_eq!(got["previews"], expected.cards.len(), "{got}");
    assert!(got["math"].as_u64().unwrap() > 50, "math is MathML: {got}");
    let found = got["found"].as_u64().unwrap();
    assert!(found >= 1 && found < expected.notes as u64, "the search box narrows the notes: {got}");

    // Offline: the page loads nothing from a network (links in the notes may still point there).
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("src=\"http") && !html.contains("<link"), "the report loads nothing from a network");

    let shot = repo().join("target/report.png");
    let o = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,2400"])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", out.join("report.html").display()))
        .output()
        .expect("run chromium");
    assert!(shot.is_file(), "screenshot: {}", String::from_utf8_lossy(&o.stderr));
}
