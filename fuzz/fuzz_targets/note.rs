//! A vault of up to four notes (the input split at NUL bytes) through the whole `check` pipeline:
//! frontmatter, every card syntax, links and embeds, lints, experiments, claims and rendering.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let notes: Vec<Vec<u8>> = data.split(|b| *b == 0).take(4).map(<[u8]>::to_vec).collect();
    let _ = studygen::build::check_in_memory(notes.into_iter().enumerate().map(|(i, bytes)| {
        let name = ["Note.md", "sub/Other.md", "Embedded.md", "a b/c#d.md"][i];
        (name.to_owned(), bytes)
    }));
});
