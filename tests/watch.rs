//! `studygen watch`: it rebuilds after each edit (of a card, of a claim, of a note another note
//! embeds) and prints what changed, within 2 s on this project's 2-core machine.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const A: &str = "```experiment\nkind: saddle-escape\nid: s\nf: x^2\nstart: [1]\nmethods: [gd]\nsteps: 5\n```\n\n\
```claims\ns.start_loss == 1\n```\n\nSTART\nBasic\nWhat is the fact?\nBack: It is ![[b#Fact]]\nEND\n\n\
START\nBasic\nSecond question\nBack: second answer\nEND\n";
const B: &str = "# B\n\n## Fact\n\nthe first version.\n";

struct Watch {
    child: std::process::Child,
    lines: mpsc::Receiver<String>,
}

impl Watch {
    /// The next line that contains `what`, within `limit`; every line seen on the way.
    fn expect(&self, what: &str, limit: Duration) -> Vec<String> {
        let start = Instant::now();
        let mut seen = Vec::new();
        while let Some(left) = limit.checked_sub(start.elapsed()) {
            match self.lines.recv_timeout(left) {
                Ok(l) => {
                    let hit = l.contains(what);
                    seen.push(l);
                    if hit {
                        return seen;
                    }
                }
                Err(_) => break,
            }
        }
        panic!("no `{what}` within {limit:?}; saw:\n{}", seen.join("\n"));
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn watch_rebuilds_after_each_edit_and_prints_what_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let vault = tmp.path().join("v");
    std::fs::create_dir_all(&vault).unwrap();
    std::fs::write(vault.join("a.md"), A).unwrap();
    std::fs::write(vault.join("b.md"), B).unwrap();
    let out = tmp.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_studygen"))
        .args(["watch", vault.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let w = Watch { child, lines: rx };
    let first = w.expect("watching", Duration::from_secs(60));
    assert!(first.iter().any(|l| l.contains("built in") && l.contains("2 cards, 1 claims (0 failing)")), "{first:?}");
    let edit = |file: &str, from: &str, to: &str| {
        let path = vault.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from));
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };

    // 1. A card's answer: that card changes, no other.
    edit("a.md", "second answer", "second answer, edited");
    let seen = w.expect("rebuilt in", Duration::from_secs(2));
    let summary = seen.last().unwrap();
    assert!(summary.contains("0 card(s) added, 1 changed, 0 removed"), "{seen:?}");
    w.expect("~ card", Duration::from_secs(1));

    // 2. A claim: it fails now, with expected and measured.
    edit("a.md", "s.start_loss == 1", "s.start_loss == 2");
    let seen = w.expect("rebuilt in", Duration::from_secs(2));
    assert!(seen.last().unwrap().contains("1 claim(s) newly failing"), "{seen:?}");
    let seen = w.expect("✗ claim `s.start_loss == 2`", Duration::from_secs(1));
    assert!(seen.last().unwrap().contains("expected 2, measured 1"), "{seen:?}");

    // 3. A note another note embeds: the embedding card changes.
    edit("b.md", "the first version", "the second version");
    let seen = w.expect("rebuilt in", Duration::from_secs(2));
    assert!(seen.last().unwrap().contains("0 card(s) added, 1 changed, 0 removed"), "{seen:?}");
    let seen = w.expect("~ card", Duration::from_secs(1));
    assert!(seen.last().unwrap().contains("a.md"), "{seen:?}");

    // Stopped at any moment, the output set is whole: the deck and its record are there.
    drop(w);
    assert!(out.join("v.apkg").is_file() && out.join(".studygen-build.json").is_file());
}
