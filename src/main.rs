//! The `studygen` binary: parses the command line and calls one function per subcommand.

mod cli;
mod cmd;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: a build allocates millions of small strings on
/// every core, and glibc's per-thread arenas keep much of that memory after it is freed.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay`: its place in `mi_option_e` (mimalloc.h, the same in v2 and v3), which
/// the bindings do not name.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// `mi_option_destroy_on_exit`, likewise.
const DESTROY_ON_EXIT: libmimalloc_sys::mi_option_t = 22;

/// Gives the memory a build freed back to the system, between its stages (`Options::trim`).
/// mimalloc returns a thread's free pages when that thread next allocates; rayon's workers sit
/// idle between stages, holding what they freed. Measured on the 100,000-note bench vault, the
/// peak of a cold build varied from 915 to 1,198 MiB from run to run without this, and from 928
/// to 964 MiB with it (four runs), in the same time; the 10,000-note builds take the same time.
fn trim() {
    // SAFETY: asks the allocator to tidy its own free lists; no memory is handed over.
    rayon::broadcast(|_| unsafe { libmimalloc_sys::mi_collect(false) });
    // SAFETY: as above, for this thread, and purges what every thread gave back.
    unsafe { libmimalloc_sys::mi_collect(true) };
}

fn main() -> ExitCode {
    // mimalloc v3 keeps freed memory for a second before it returns it to the system; a build frees
    // each note's parse as it goes, so memory freed on one worker piles up while the others
    // allocate. Measured on the 10,000-note bench vault: peak memory 258 MiB with the default
    // (1000 ms), 181 MiB with 5 ms, in the same time. Since each note's text and parse are
    // released as it is built, and memory is given back between stages (`trim`), the delay matters
    // less for memory and more for time: memory returned too soon is faulted in again. Measured
    // again (alternating runs): with 1 ms, an edit build takes 0.277 s with 48,000 page faults,
    // a cold one 0.870 s at 104 MiB; with 100 ms, 0.255 s with 39,000 faults, and 0.830 s at
    // 108 MiB; 100,000 notes peak at 851 MiB instead of 839 MiB.
    // SAFETY: sets a plain integer option; no memory is handed over.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 100) };
    // When the process ends, mimalloc would first collect every page the main thread freed and
    // give them back to the system, which is about to take back the whole address space: above 1,
    // this option skips that. Measured after one edit on the 10,000-note bench vault (alternating,
    // 20 runs each): 4.5 ms less CPU, on the main thread, at the very end.
    // SAFETY: as above.
    unsafe { libmimalloc_sys::mi_option_set(DESTROY_ON_EXIT, 2) };
    // mimalloc asks for transparent huge pages: the kernel then zeroes 2 MiB at a time as the heap
    // grows, and a page stays whole while any of it is live. Measured on the 10,000-note bench
    // vault, a cold build takes 12 % less time and 6 % less memory without them.
    #[cfg(target_os = "linux")]
    rustix::thread::disable_transparent_huge_pages(true).ok();
    let cli = cli::Cli::parse();
    // Notes are parsed on rayon's workers: give them the main thread's stack size, not 2 MiB, as a
    // second line of defence behind the parsers' own nesting limits.
    rayon::ThreadPoolBuilder::new().stack_size(8 << 20).build_global().ok();
    let result = match cli.command {
        cli::Command::Build { vault, out, force, deny_warnings, state, format, forget_orphans, report } => {
            let opts = cmd::build::Flags { state, force, forget_orphans, report };
            cmd::build::run(&vault, &out, opts, cmd::Print { deny_warnings, format })
        }
        cli::Command::Watch { vault, out, state } => cmd::watch::run(&vault, &out, state),
        cli::Command::Check { vault, deny_warnings, state, format } => {
            cmd::check::run(&vault, state, cmd::Print { deny_warnings, format })
        }
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            // The chain can hold file names from the vault: control characters are shown escaped.
            eprintln!("error: {}", studygen::diagnostics::printable(&format!("{err:#}")));
            ExitCode::from(2)
        }
    }
}
