//! Benchmarks of the pipeline, run with `cargo bench`. Each prints the median of several runs.
//!
//! * `notes/`: every experiment, figure and card of the example vault, built into a deck cold, and
//!   again from the build cache; checked; and each experiment alone.
//! * a generated vault of 10,000 notes with 6 cards each (60,000 cards): a first build, and a
//!   rebuild with nothing changed.

use std::path::Path;
use std::time::Instant;

use studygen::build::{self, Options};
use studygen::experiments;

fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

fn build(vault: &Path, out: &Path) -> build::Report {
    let mut opts = Options::new(vault, Some(out.to_owned()));
    opts.now = 1_700_000_000;
    let r = build::run(&opts).expect("build runs");
    assert_eq!(r.errors(), 0, "{:?}", r.diagnostics.first());
    r
}

fn copy(src: &Path, dst: &Path) {
    for e in walkdir::WalkDir::new(src)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
    {
        let e = e.unwrap();
        let to = dst.join(e.path().strip_prefix(src).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
}

fn generate(root: &Path, notes: usize) {
    for i in 0..notes {
        let dir = root.join(format!("topic{:02}", i % 50));
        std::fs::create_dir_all(&dir).unwrap();
        let text = format!(
            "---\ntags: [flashcards, generated, t{m}]\n---\n# Note {i}\n\nSee [[Note {j}]] and $x_{i}^2$. **key** idea #topic/n{m}\n\n\
             START\nBasic\nWhat is $\\lambda_{{{i}}}$ in note {i}?\nBack: the ==eigenvalue== number {i}, with $$H v = \\lambda v$$\nTags: gen\nEND\n\n\
             START\nCloze\nThe {{{{c1::Hessian}}}} of note {i} has {{{{c2::$n={i}$}}}} rows.\nEND\n\n\
             Question {i}a::answer {i}a with $\\alpha$\nQuestion {i}b::answer {i}b\nQuestion {i}c:::reversed {i}c\n\
             - Item {i}d::answer {i}d\n",
            m = i % 7,
            j = (i * 7919) % notes
        );
        std::fs::write(dir.join(format!("Note {i}.md")), text).unwrap();
    }
}

/// The text of every ```experiment block of the vault's notes, with its file name.
fn experiment_blocks(vault: &Path) -> Vec<(String, String)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(vault)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("```experiment\n") {
            let body = &rest[at + 14..];
            let end = body.find("```").unwrap_or(body.len());
            out.push((f.display().to_string(), body[..end].to_owned()));
            rest = &body[end..];
        }
    }
    out
}

fn main() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();

    let notes = tmp.path().join("notes");
    copy(&repo.join("notes"), &notes);
    let out = tmp.path().join("out-notes");
    let r = build(&notes, &out);
    let ms = median_ms(15, || {
        let _ = std::fs::remove_dir_all(&out);
        let _ = std::fs::remove_dir_all(notes.join(".studygen"));
        build(&notes, &out);
    });
    println!(
        "notes/ ({} experiments, {} claims, {} cards), cold build with figures, deck and report: median {ms:.1} ms",
        r.experiments,
        r.claims.len(),
        r.cards.len()
    );
    let mut rebuilt = 0;
    let ms = median_ms(15, || {
        let _ = std::fs::remove_file(out.join(".studygen-build.json"));
        let r = build(&notes, &out);
        assert_eq!(r.experiments_run, 0, "every experiment's outcome is in the cache");
        rebuilt = r.rebuilt;
    });
    println!(
        "notes/ rebuilt with the build cache (its record deleted; {rebuilt} literate notes rebuilt, no experiment run): median {ms:.1} ms"
    );
    let ms = median_ms(15, || {
        let mut opts = Options::new(&notes, None);
        opts.now = 1_700_000_000;
        let r = build::run(&opts).unwrap();
        assert_eq!(r.claims.iter().filter(|c| c.pass).count(), r.claims.len());
    });
    println!("notes/ check (every experiment, figure and claim, nothing written): median {ms:.1} ms");

    // Each experiment of notes/ alone, one at a time on one core: what each adds to a check.
    let mut total = 0.0;
    for (file, text) in experiment_blocks(&notes) {
        let block = experiments::Block { file, line: 1, text };
        let spec = experiments::spec::parse(&block, &experiments::KINDS).expect("notes/ specs are valid");
        let ms = median_ms(5, || {
            experiments::run(&spec, true).expect("notes/ experiments run");
        });
        total += ms;
        println!("  experiment {} ({}): median {ms:.1} ms", spec.id, spec.kind);
    }
    println!("notes/ experiments one at a time, sum of medians: {total:.0} ms");

    // The embeds fixture holds an embed cycle: it is cut, never followed for long.
    let embeds = repo.join("tests/fixtures/embeds/vault");
    let ms = median_ms(15, || {
        let r = build::run(&Options::new(&embeds, None)).unwrap();
        assert!(r.diagnostics.iter().any(|d| d.message.starts_with("embed cycle")));
    });
    println!("embeds fixture with an embed cycle, check: median {ms:.2} ms");

    let big = tmp.path().join("big");
    generate(&big, 10_000);
    let out = tmp.path().join("out-big");
    let mut first = Vec::new();
    for _ in 0..3 {
        let _ = std::fs::remove_dir_all(big.join(".studygen"));
        let _ = std::fs::remove_file(out.join(".studygen-build.json"));
        let start = Instant::now();
        let r = build(&big, &out);
        first.push(start.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(r.cards.len(), 60_000);
    }
    first.sort_by(f64::total_cmp);
    println!("10,000 notes / 60,000 cards, first build: median {:.0} ms", first[1]);
    let ms = median_ms(5, || {
        build(&big, &out);
    });
    println!("10,000 notes / 60,000 cards, rebuild with nothing changed: median {ms:.0} ms");
}
