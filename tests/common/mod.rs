//! Shared test helpers: running the binary, copying vaults, and driving the real Anki library.
#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

/// The repository root.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the studygen binary with `args`.
pub fn studygen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_studygen")).args(args).output().expect("studygen runs")
}

/// stdout as text.
#[allow(dead_code)]
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Copies the visible files of `src` (and the plugins' settings in `.obsidian`) into a new
/// temporary folder named `name`.
pub fn copy_vault(src: &Path, name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dst = tmp.path().join(name);
    for entry in walkdir::WalkDir::new(src).into_iter().filter_entry(|e| {
        let name = e.file_name().to_string_lossy();
        e.depth() == 0 || !name.starts_with('.') || name == ".obsidian"
    }) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(src).unwrap();
        let to = dst.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    (tmp, dst)
}

/// Builds `vault` into `out` with the binary, asserting success; returns stderr.
/// Writes `Long/000.md` ... into `vault`: `count` notes of one card each, about 1.8 KB of text
/// apiece, so that the deck's collection has several of the package's 256 KiB pieces and one
/// edited note is under 1 % of its rows. Note `i`'s back holds `long answer {i}`.
pub fn write_long_notes(vault: &Path, count: usize) {
    let words = "the Hessian of a deep network's loss has many eigenvalues near zero ".repeat(12);
    for i in 0..count {
        let text = format!("START\nBasic\nLong question {i}: {words}\nBack: long answer {i}: {words}\nEND\n");
        let path = vault.join(format!("Long/{i:03}.md"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// A new vault `v` in a temporary folder, holding `notes` (vault-relative path, text).
#[allow(dead_code)]
pub fn vault_of(notes: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let vault = tmp.path().join("v");
    for (rel, text) in notes {
        let path = vault.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    std::fs::create_dir_all(&vault).unwrap();
    (tmp, vault)
}

pub fn build_ok(vault: &Path, out: &Path) -> String {
    let o = studygen(&["build", vault.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "build failed:\n{}", stderr(&o));
    stderr(&o)
}

/// `cmd` run as user `nobody` (uid 65534) when the tests run as root, so that permission bits
/// apply (root reads and writes through them). Needs `setpriv` from util-linux then; a missing one
/// fails the test with the install hint, it never skips it.
pub fn unprivileged(cmd: Command) -> Command {
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !root {
        return cmd;
    }
    let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].into_iter().find(|p| Path::new(p).exists()).expect(
        "tests run as root and need `setpriv` (util-linux) to run as an unprivileged user: apt-get install util-linux",
    );
    let mut wrapped = Command::new(setpriv);
    wrapped
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            wrapped.env(k, v);
        }
    }
    wrapped
}

/// The `.apkg` in `out`.
pub fn apkg_in(out: &Path) -> PathBuf {
    std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "apkg"))
        .expect("an .apkg was written")
}

/// Every row of an Anki collection (an SQLite file), as text: what the collection holds, whatever
/// its page layout (a collection updated in place holds the same rows as one built anew, in other
/// pages).
pub fn collection_rows(path: &Path) -> String {
    let db = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut text = String::new();
    for table in ["col", "notes", "cards", "revlog", "graves"] {
        let mut stmt = db.prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2, 3")).unwrap();
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let values: Vec<String> = (0..columns).map(|i| format!("{:?}", row.get_ref(i).unwrap())).collect();
            text.push_str(&format!("{table}: {}\n", values.join(" | ")));
        }
    }
    let mut stmt = db.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY name").unwrap();
    let schema: Vec<String> = stmt
        .query_map([], |r| {
            Ok(format!("{:?}", (r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?)))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    text.push_str(&schema.join("\n"));
    text
}

/// What a package holds: its collection's rows ([`collection_rows`]) and every other entry's name
/// and bytes.
pub fn deck_contents(apkg: &Path) -> Vec<u8> {
    use std::io::Read as _;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(apkg).unwrap()).unwrap();
    let mut text = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        let name = entry.name().unwrap().into_owned();
        text.extend(format!("entry {name}\n").as_bytes());
        if name == "collection.anki2" {
            let tmp = tempfile::NamedTempFile::new().unwrap();
            std::fs::write(tmp.path(), &bytes).unwrap();
            text.extend(collection_rows(tmp.path()).as_bytes());
        } else {
            text.extend(bytes);
        }
    }
    text
}

/// The Python of a virtual environment that has the pinned `anki` package, made on first use.
///
/// The environment lives in Cargo's target folder and is reused; a file lock keeps parallel test
/// binaries from installing it twice. If it cannot be made, the test fails and says why.
pub fn anki_python() -> &'static Path {
    static PY: OnceLock<PathBuf> = OnceLock::new();
    PY.get_or_init(|| {
        let reqs = repo().join("tests/anki/requirements.txt");
        let wanted = std::fs::read_to_string(&reqs).expect("tests/anki/requirements.txt");
        let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("anki-venv");
        std::fs::create_dir_all(venv.parent().unwrap()).unwrap();
        let lock = std::fs::File::create(venv.with_extension("lock")).unwrap();
        lock.lock().expect("lock the Anki environment");
        let python = venv.join("bin/python");
        let stamp = venv.join("installed-requirements.txt");
        if std::fs::read_to_string(&stamp).ok().as_deref() != Some(wanted.as_str()) {
            let sys_python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
            run_setup(Command::new(&sys_python).args(["-m", "venv", "--clear"]).arg(&venv), "create a Python venv");
            run_setup(
                Command::new(&python)
                    .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"])
                    .arg(&reqs),
                "install the pinned anki package from PyPI",
            );
            std::fs::write(&stamp, &wanted).unwrap();
        }
        python
    })
}

fn run_setup(cmd: &mut Command, what: &str) {
    match cmd.output() {
        Ok(o) if o.status.success() => {}
        Ok(o) => panic!(
            "could not {what} for the real-Anki tests ({:?} exited {}):\n{}\nThese tests need Python 3 with venv and access to PyPI.",
            cmd,
            o.status,
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => panic!(
            "could not {what} for the real-Anki tests: {e}. These tests need Python 3 (set PYTHON to use another)."
        ),
    }
}

/// The path of a headless Chromium for the report tests: `chromium` on the PATH, or installed
/// with apt-get (Debian's `chromium`) when it is missing and this runs as root. If neither works,
/// the test fails and says how to get it.
#[allow(dead_code)]
pub fn chromium() -> &'static Path {
    static BROWSER: OnceLock<PathBuf> = OnceLock::new();
    BROWSER.get_or_init(|| {
        let find = || {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .flat_map(|d| ["chromium", "chromium-browser"].map(|n| d.join(n)))
                    .find(|p| p.is_file())
            })
        };
        if let Some(p) = find() {
            return p;
        }
        let lock = std::fs::File::create(Path::new(env!("CARGO_TARGET_TMPDIR")).join("chromium.lock")).unwrap();
        lock.lock().expect("lock the Chromium install");
        if let Some(p) = find() {
            return p;
        }
        let apt = |args: &[&str]| {
            Command::new("apt-get")
                .args(args)
                .env("DEBIAN_FRONTEND", "noninteractive")
                .output()
                .is_ok_and(|o| o.status.success())
        };
        let installed = apt(&["install", "-y", "--no-install-recommends", "chromium"])
            || (apt(&["update"]) && apt(&["install", "-y", "--no-install-recommends", "chromium"]));
        match find() {
            Some(p) if installed => p,
            _ => panic!(
                "the report tests need a headless Chromium: install Debian's `chromium` (apt-get install chromium), \
                 or put `chromium` on the PATH; installing it with apt-get failed"
            ),
        }
    })
}

/// A fresh Anki collection in a temporary folder.
pub struct Anki {
    _dir: tempfile::TempDir,
    col: PathBuf,
}

impl Anki {
    /// A new empty collection.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let col = dir.path().join("collection.anki2");
        Anki { _dir: dir, col }
    }

    /// Runs a driver command (see tests/anki/driver.py) and returns its JSON.
    pub fn run(&self, command: &str, arg: Option<&Path>) -> Value {
        let mut cmd = Command::new(anki_python());
        cmd.arg(repo().join("tests/anki/driver.py")).arg(&self.col).arg(command);
        if let Some(a) = arg {
            cmd.arg(a);
        }
        let o = cmd.output().expect("run the Anki driver");
        assert!(o.status.success(), "Anki driver `{command}` failed:\n{}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice(&o.stdout).expect("driver prints JSON")
    }

    /// Imports a package; returns the import log counts.
    pub fn import_apkg(&self, path: &Path) -> Value {
        self.run("import-apkg", Some(path))
    }

    /// Everything in the collection.
    pub fn inspect(&self) -> Value {
        self.run("inspect", None)
    }
}
