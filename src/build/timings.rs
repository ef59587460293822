//! `STUDYGEN_TIMINGS=1`: how long each stage of a build took, with the memory it held.

/// Prints how long each stage took when `STUDYGEN_TIMINGS` is set.
pub(super) struct Stopwatch {
    last: Option<std::time::Instant>,
    /// The process's CPU time (all threads) at the last lap, in clock ticks.
    cpu: u64,
}

impl Stopwatch {
    pub(super) fn new() -> Self {
        let last = std::env::var_os("STUDYGEN_TIMINGS").map(|_| std::time::Instant::now());
        // The CPU time is read only when the timings are printed.
        Stopwatch { cpu: last.map_or(0, |_| cpu_ticks()), last }
    }

    /// Names the five experiments that took longest.
    pub(super) fn slowest(&self, runs: &[(f64, String, String)]) {
        if self.last.is_none() {
            return;
        }
        let mut runs: Vec<&(f64, String, String)> = runs.iter().collect();
        runs.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (ms, id, at) in runs.into_iter().take(5) {
            eprintln!("timing:   experiment `{id}` ({at}): {ms:.1} ms");
        }
    }

    pub(super) fn lap(&mut self, stage: &str) {
        if let Some(last) = self.last {
            let ms = last.elapsed().as_secs_f64() * 1000.0;
            let cpu = cpu_ticks();
            // Clock ticks are hundredths of a second on Linux.
            let busy = format!("cpu {} ms", cpu.saturating_sub(self.cpu) * 10);
            self.cpu = cpu;
            match (memory("VmHWM:"), memory("VmRSS:")) {
                (Some(peak), Some(now)) => eprintln!(
                    "timing: {stage}: {ms:.1} ms ({busy}, memory {} MiB, peak so far {} MiB)",
                    now >> 10,
                    peak >> 10
                ),
                _ => eprintln!("timing: {stage}: {ms:.1} ms ({busy})"),
            }
            self.last = Some(std::time::Instant::now());
        }
    }
}

/// The CPU time the process's threads have spent, user and system, in clock ticks, where the
/// system tells it (Linux's `/proc/self/stat`); 0 elsewhere.
fn cpu_ticks() -> u64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0 };
    // The fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are the 14th and 15th fields; `rest` starts at the 3rd.
    [11, 12].iter().filter_map(|&i| fields.get(i)?.parse::<u64>().ok()).sum()
}

/// The process's resident memory in KiB, where the system tells it (Linux): `VmRSS:` now,
/// `VmHWM:` at its peak.
fn memory(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
