//! Hostile vaults: every attack that once crashed, hung, leaked or corrupted a build is a case
//! here. Each asserts no abort and no panic, completion within a stated (generous) bound, the
//! right diagnostic at file:line, nothing from outside the vault in any output, and outputs that
//! agree with each other afterwards.

mod common;

use std::path::PathBuf;
use std::process::Output;
use std::time::{Duration, Instant};

use common::stderr;

/// A vault in a temporary folder, with an output folder beside it.
struct Hostile {
    tmp: tempfile::TempDir,
    vault: PathBuf,
}

impl Hostile {
    fn new(files: &[(&str, String)]) -> Hostile {
        let tmp = tempfile::tempdir().unwrap();
        let vault = tmp.path().join("vault");
        for (rel, text) in files {
            let path = vault.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        std::fs::create_dir_all(&vault).unwrap();
        Hostile { tmp, vault }
    }

    fn out(&self) -> PathBuf {
        self.tmp.path().join("out")
    }

    /// Runs `studygen <cmd> VAULT [--out OUT]` and checks what every run must do: finish within
    /// `bound`, never abort or panic, and exit 0, 1 or 2 only.
    fn run(&self, cmd: &str, bound: Duration) -> (Output, String) {
        let started = Instant::now();
        let mut args = vec![cmd, self.vault.to_str().unwrap()];
        let out = self.out();
        if cmd == "build" {
            args.extend(["--out", out.to_str().unwrap()]);
        }
        let o = common::studygen(&args);
        let took = started.elapsed();
        let err = stderr(&o);
        assert!(took < bound, "took {took:?}, over the bound of {bound:?}: {err}");
        assert!(matches!(o.status.code(), Some(0..=2)), "exit {:?} (an abort?): {err}", o.status);
        assert!(!err.contains("panicked") && !err.contains("stack overflow"), "{err}");
        (o, err)
    }

    /// Checks that OUT holds one complete set: its record lists exactly its files.
    fn outputs_agree(&self) {
        let out = self.out();
        let record: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join(".studygen-build.json")).unwrap()).unwrap();
        let mut listed: Vec<String> =
            record["files"].as_array().unwrap().iter().map(|f| f[0].as_str().unwrap().to_owned()).collect();
        let mut actual: Vec<String> = walkdir::WalkDir::new(&out)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().strip_prefix(&out).unwrap().to_string_lossy().into_owned())
            .filter(|p| p != ".studygen-build.json")
            .collect();
        listed.sort();
        actual.sort();
        assert_eq!(listed, actual, "the record agrees with the set");
    }

    /// Every byte the build wrote, for leak checks.
    fn all_output(&self) -> String {
        walkdir::WalkDir::new(self.out())
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned())
            .collect()
    }
}

const SECONDS_30: Duration = Duration::from_secs(30);

fn experiment(id: &str, body: &str) -> String {
    format!("```experiment\nid: {id}\n{body}\n```\n")
}

fn claims(body: &str) -> String {
    format!("```claims\n{body}\n```\n")
}

fn expect(err: &str, message: &str, place: &str) {
    let at = err.find(&format!("--> {place}")).unwrap_or_else(|| panic!("no diagnostic at {place}:\n{err}"));
    let start = err[..at].rfind("error[").max(err[..at].rfind("warning[")).unwrap_or(0);
    assert!(err[start..at].contains(message), "at {place}, expected `{message}`:\n{err}");
}

const SYM: &str = "kind: symmetry-count\nwidth: 2\ndepth: 2";

#[test]
fn deeply_nested_expressions_are_errors_not_stack_overflows() {
    let parens = format!("s.count == {}1{}", "(".repeat(9_100), ")".repeat(9_100));
    let minus = format!("s.count == {}1", "-".repeat(20_000));
    let pow = format!("s.count == 2{}", "^1".repeat(20_000));
    let f_parens = format!("kind: saddle-escape\nf: \"{}x{}\"", "(".repeat(9_100), ")".repeat(9_100));
    let v = Hostile::new(&[
        ("claims.md", experiment("s", SYM) + &claims(&format!("{parens}\n{minus}\n{pow}"))),
        ("f.md", experiment("deep", &f_parens)),
    ]);
    let (o, err) = v.run("check", SECONDS_30);
    assert_eq!(o.status.code(), Some(1));
    // Lines: 1 the fence, 2 `id`, 3-5 the spec, 6 the fence, 7 the claims fence, 8- the claims.
    expect(&err, "longer than 2000 characters", "claims.md:8:");
    expect(&err, "longer than 2000 characters", "claims.md:9:");
    expect(&err, "longer than 2000 characters", "claims.md:10:");
    expect(&err, "longer than 2000 characters", "f.md:4:");
    assert!(err.len() < 20_000, "messages quote an excerpt, not the whole expression: {} bytes", err.len());
    // Within the length limit, nesting is refused at its depth.
    let v = Hostile::new(&[(
        "n.md",
        experiment("s", SYM) + &claims(&format!("s.count == {}1{}", "(".repeat(900), ")".repeat(900))),
    )]);
    let (_, err) = v.run("check", SECONDS_30);
    expect(&err, "nested deeper than 64 levels", "n.md:8:");
}

#[test]
fn huge_sums_are_refused_at_their_line() {
    let sum_f = (0..20_000).map(|i| format!("x{}", i % 8)).collect::<Vec<_>>().join("+");
    let sum_claim = vec!["1"; 87_000].join("+");
    let v = Hostile::new(&[(
        "sums.md",
        experiment("big", &format!("kind: saddle-escape\nf: \"{sum_f}\"")) + &claims(&format!("{sum_claim} > 0")),
    )]);
    let (o, err) = v.run("check", SECONDS_30);
    assert_eq!(o.status.code(), Some(1));
    expect(&err, "longer than 2000 characters", "sums.md:4:");
    expect(&err, "longer than 2000 characters", "sums.md:7:");
}

#[test]
fn yaml_nesting_and_alias_bombs_are_refused_before_parsing() {
    let mut deep = String::from("---\n");
    for i in 0..2_230 {
        deep.push_str(&format!("{}k:\n", " ".repeat(i)));
    }
    deep.push_str("---\nSTART\nBasic\nq\nBack: a\nEND\n");
    let flow = format!("---\na: {}x{}\n---\n", "{k: ".repeat(2_230), "}".repeat(2_230));
    let mut bomb = String::from("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..9 {
        bomb.push_str(&format!("l{i}: &l{i} [{}]\n", vec![format!("*l{}", i - 1); 9].join(",")));
    }
    let v = Hostile::new(&[
        ("deep.md", deep),
        ("flow.md", flow),
        ("bomb.md", format!("---\n{bomb}---\ntext\n")),
        ("spec.md", experiment("b", &format!("{SYM}\n{bomb}"))),
        ("good.md", "START\nBasic\nstill built\nBack: yes\nEND\n".into()),
    ]);
    let (o, err) = v.run("build", SECONDS_30);
    assert_eq!(o.status.code(), Some(1), "{err}");
    expect(&err, "nested", "deep.md:");
    expect(&err, "nested", "flow.md:");
    expect(&err, "aliases", "bomb.md:");
    expect(&err, "aliases", "spec.md:");
}

#[test]
fn embed_fan_out_and_mutual_embeds_finish() {
    // 13 notes, each embedding the next 8 times; and 12 notes that all embed each other.
    let mut files: Vec<(String, String)> = (0..13)
        .map(|i| {
            (format!("chain/C{i}.md"), format!("#flashcards\n\nQ{i}::{}\n", format!("![[C{}]] ", i + 1).repeat(8)))
        })
        .collect();
    files.extend((0..12).map(|i| {
        let embeds: String = (0..12).filter(|j| *j != i).map(|j| format!("![[M{j}]] ")).collect();
        (format!("mesh/M{i}.md"), format!("#flashcards\n\nQ{i}::{embeds}\n"))
    }));
    let files: Vec<(&str, String)> = files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    let v = Hostile::new(&files);
    let (o, err) = v.run("check", Duration::from_secs(60));
    assert!(o.status.success(), "{err}");
    let (o, err) = v.run("build", Duration::from_secs(60));
    assert!(o.status.success(), "{err}");
    // The budget is spent, and the embeds past it are warnings at their own line.
    assert!(err.contains("was not expanded on the cards of"), "{err}");
    assert!(err.contains("--> mesh/M") || err.contains("--> chain/C"), "{err}");
    v.outputs_agree();
}

#[test]
fn template_overrides_cannot_loop_leak_or_break_the_outputs() {
    let v = Hostile::new(&[("n.md", "START\nBasic\nq\nBack: a\nEND\n".into())]);
    let (o, err) = v.run("build", SECONDS_30);
    assert!(o.status.success(), "{err}");
    let before = std::fs::read(v.out().join("cards.txt")).unwrap();
    let over = v.vault.join(".studygen/templates");
    std::fs::create_dir_all(&over).unwrap();
    for (file, text) in [
        ("source.html", "{% for i in range(end=1000000000) %}x{% endfor %}"),
        ("source.html", "{% for i in range(end=10000) %}{% for j in range(end=10000) %}x{% endfor %}{% endfor %}"),
        ("source.html", "{{ get_env(name=\"HOME\") }}"),
        ("basic_front.html", "{% if %}"),
    ] {
        std::fs::write(over.join(file), text).unwrap();
        let (o, err) = v.run("build", SECONDS_30);
        assert_ne!(o.status.code(), Some(0), "{file}: {text}: {err}");
        assert_eq!(std::fs::read(v.out().join("cards.txt")).unwrap(), before, "a failing template changes nothing");
        v.outputs_agree();
        std::fs::remove_file(over.join(file)).unwrap();
    }
    // Links out of the vault are never read.
    std::os::unix::fs::symlink("/etc/passwd", over.join("card.css")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", over.join("source.html")).unwrap();
    let (_, err) = v.run("build", SECONDS_30);
    assert!(err.contains("not a regular file"), "{err}");
    let all = v.all_output();
    assert!(!all.contains("root:x:0"), "no /etc/passwd in any output");
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    let host = host.trim();
    assert!(host.len() < 4 || !std::fs::read_to_string(v.out().join("cards.txt")).unwrap().contains(host));
}

#[test]
fn experiments_are_bounded_by_what_they_cost() {
    let eight = "a*b + b*c + c*d + d*f + f*g + g*h + h*k + k*a + sin(a+b+c+d) + cos(f+g+h+k) + tanh(a*k) + exp(-b*b) + sqrt(1+c*c) + log(1+d*d) + sigmoid(f) + a^4/4 - a^2/2 + b^4/4 - b^2/2 + c^4/4 - c^2/2 + d^4/4 - d^2/2 + f^4 + g^4 + h^4 + k^4";
    let long = (0..120)
        .map(|i| format!("sin({}*{})", ["a", "b", "c", "d"][i % 4], ["f", "g", "h", "k"][i % 4]))
        .collect::<Vec<_>>()
        .join("+");
    let v = Hostile::new(&[
        (
            "dim.md",
            experiment(
                "dim",
                "kind: saddle-escape\ndim: 1000\nnegative: 1000\nsteps: 100000\ntrials: 100\nmethods: [gd, perturbed, momentum, newton]",
            ),
        ),
        (
            "eight.md",
            experiment(
                "eight",
                &format!(
                    "kind: saddle-escape\nf: \"{eight}\"\nsteps: 100000\nmethods: [gd, newton, momentum, perturbed]\ntrials: 20"
                ),
            ),
        ),
        ("long.md", experiment("long", &format!("kind: saddle-escape\nf: \"{long}\"\nsteps: 100000"))),
        ("sym.md", experiment("sym", "kind: symmetry-count\nwidth: 6\ndepth: 2\nbatch: 256\ninputs: 16")),
    ]);
    let (o, err) = v.run("check", SECONDS_30);
    assert_eq!(o.status.code(), Some(1));
    for (file, line) in [("dim.md", 2), ("eight.md", 2), ("long.md", 2), ("sym.md", 2)] {
        expect(&err, "units of work; one experiment may do 2e9", &format!("{file}:{line}:1"));
    }
}

#[test]
fn a_vault_of_many_experiments_has_a_budget() {
    // Each of these counts as 1.2e9 units, but escapes at step 0: the budget is what stops the
    // eleventh onwards, not the clock.
    let files: Vec<(String, String)> = (0..25)
        .map(|i| {
            let body = "kind: saddle-escape\ndim: 1000\nnegative: 1000\nsteps: 100000\nmethods: [gd, momentum]\nradius: 1e-12\nstart: [1]\ncenter: [0]";
            (format!("e{i:02}.md"), experiment(&format!("e{i:02}"), body))
        })
        .collect();
    let files: Vec<(&str, String)> = files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    let v = Hostile::new(&files);
    let (o, err) = v.run("check", SECONDS_30);
    assert_eq!(o.status.code(), Some(1));
    let refused = err.matches("the vault's experiments are over their budget").count();
    assert!(refused > 0 && refused < 25, "{refused} refused: {err}");
    expect(&err, "over their budget", "e24.md:");
}

#[test]
fn the_longest_ill_conditioned_run_draws_a_small_figure() {
    let v = Hostile::new(&[(
        "ravine.md",
        experiment(
            "r",
            "kind: ill-conditioned\nkappa: 1e12\ndim: 2\nsteps: 1000000\ntol: 1e-15\nrules: [inverse_max, optimal, heavy_ball, fixed]\nalpha: 1e-12",
        ) + "\n![[r.svg]]\n",
    )]);
    let (o, err) = v.run("build", Duration::from_secs(120));
    assert!(o.status.code() == Some(0), "{err}");
    let svg = std::fs::metadata(v.out().join("figures/r.svg")).unwrap().len();
    assert!(svg < 1_000_000, "the figure is {svg} bytes");
    v.outputs_agree();
}

#[test]
fn file_names_cannot_fake_diagnostics_or_reach_the_terminal() {
    let v = Hostile::new(&[
        ("evil\n  --> fake.md:1:1\u{1b}[2J.md", "START\nBasic\n\nBack: a\nEND\n".into()),
        ("link.md", "[[\u{1b}]0;pwned\u{7}]] ![[\nnope]]\n".into()),
    ]);
    let (_, err) = v.run("check", SECONDS_30);
    assert!(!err.contains('\u{1b}'), "no escape sequence reaches the terminal: {err:?}");
    assert!(!err.lines().any(|l| l.trim_start().starts_with("--> fake.md")), "no faked location line: {err}");
    assert!(err.contains("evil\\n"), "the newline is shown escaped: {err}");
}

#[test]
fn fifos_and_links_to_devices_are_refused_not_waited_on() {
    let v = Hostile::new(&[("n.md", "START\nBasic\nq\nBack: a\nEND\n".into())]);
    let state = v.vault.join(".studygen");
    std::fs::create_dir_all(state.join("templates")).unwrap();
    for fifo in [state.join("identity.json"), state.join("templates/card.css")] {
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    }
    std::os::unix::fs::symlink("/dev/zero", v.vault.join("studygen.toml")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", state.join("templates/source.html")).unwrap();
    let (_, err) = v.run("build", SECONDS_30);
    assert!(err.contains("not a regular file"), "{err}");
}

#[test]
fn unreadable_notes_and_folders_are_diagnostics_and_the_rest_builds() {
    use std::os::unix::fs::PermissionsExt;
    let v = Hostile::new(&[
        ("good.md", "START\nBasic\nq\nBack: a\nEND\n".into()),
        ("secret.md", "START\nBasic\nhidden\nBack: a\nEND\n".into()),
        ("locked/inner.md", "START\nBasic\ninner\nBack: a\nEND\n".into()),
    ]);
    std::fs::set_permissions(v.tmp.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::set_permissions(&v.vault, std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::set_permissions(v.vault.join("secret.md"), std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(v.vault.join("locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads anything: run as an unprivileged user when the tests run as root.
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_studygen"));
    cmd.arg("build").arg(&v.vault).arg("--out").arg(v.out());
    let o = common::unprivileged(cmd).output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    expect(&err, "", "secret.md");
    expect(&err, "", "locked");
    assert!(err.contains("1 notes (1 blocks)"), "the rest is built: {err}");
    assert!(v.out().join("cards.txt").is_file());
}

#[test]
fn bad_deck_names_and_cloze_numbers_are_diagnostics() {
    let long = "x".repeat(300);
    let v = Hostile::new(&[
        ("empty-part.md", "---\ndeck: \"A::::B\"\n---\nSTART\nBasic\nq\nBack: a\nEND\n".into()),
        ("long.md", format!("---\ndeck: \"{long}\"\n---\nSTART\nBasic\nq2\nBack: a\nEND\n")),
        ("cloze.md", "START\nCloze\n{{c0::zero}} and {{c501::too big}}\nEND\n".into()),
        ("good.md", "START\nBasic\nfine\nBack: a\nEND\n".into()),
    ]);
    let (o, err) = v.run("build", SECONDS_30);
    assert_eq!(o.status.code(), Some(1), "{err}");
    expect(&err, "deck", "empty-part.md:");
    expect(&err, "deck", "long.md:");
    expect(&err, "cloze", "cloze.md:");
    v.outputs_agree();
}
