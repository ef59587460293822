//! Gives studygen an identity of its sources, `STUDYGEN_SOURCE_HASH`: a hash of every file under
//! `src/` and `templates/`, and of `Cargo.toml` and `Cargo.lock`. The build cache and the build
//! record are trusted only by the studygen that made them ([`studygen::BUILD`]), so a build of other
//! code with the same version number (between releases) never reuses what this one made.

use std::hash::Hasher as _;
use std::path::{Path, PathBuf};

fn main() {
    let mut files = vec![PathBuf::from("Cargo.toml"), PathBuf::from("Cargo.lock")];
    for dir in ["src", "templates"] {
        collect(Path::new(dir), &mut files);
        println!("cargo:rerun-if-changed={dir}");
    }
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!("cargo:rerun-if-changed=Cargo.lock");
    files.sort();
    // FNV-1a, 64 bits: the same in every build of this script, wherever it runs.
    let mut hash = Fnv(0xcbf2_9ce4_8422_2325);
    for file in &files {
        let bytes = std::fs::read(file).unwrap_or_default();
        for part in [file.to_string_lossy().replace('\\', "/").as_bytes(), &(bytes.len() as u64).to_le_bytes(), &bytes]
        {
            hash.write(part);
        }
    }
    println!("cargo:rustc-env=STUDYGEN_SOURCE_HASH={:016x}", hash.finish());
}

/// Every file under `dir`, at any depth.
fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}

struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
