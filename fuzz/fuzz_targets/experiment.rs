//! An experiment spec and a claims block (the input split at the first NUL byte), parsed, run and
//! checked, with a card that cites values: the literate half of the pipeline.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (spec, claims) = text.split_once('\0').unwrap_or((&text, ""));
    let note = format!(
        "```experiment\n{spec}\n```\n\n```claims\n{claims}\n```\n\nSTART\nBasic\nValue `= e.count`?\nBack: `= x.y`\nEND\n"
    );
    let _ = studygen::build::check_in_memory([("Experiment.md".to_owned(), note.into_bytes())]);
});
