//! `STUDYGEN_TIMINGS=1`: how long each stage of a build took, with the memory it held.

/// Prints how long each stage took when `STUDYGEN_TIMINGS` is set.
pub(super) struct Stopwatch {
    last: Option<std::time::Instant>,
}

impl Stopwatch {
    pub(super) fn new() -> Self {
        Stopwatch { last: std::env::var_os("STUDYGEN_TIMINGS").map(|_| std::time::Instant::now()) }
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
            match (memory("VmHWM:"), memory("VmRSS:")) {
                (Some(peak), Some(now)) => {
                    eprintln!("timing: {stage}: {ms:.1} ms (memory {} MiB, peak so far {} MiB)", now >> 10, peak >> 10)
                }
                _ => eprintln!("timing: {stage}: {ms:.1} ms"),
            }
            self.last = Some(std::time::Instant::now());
        }
    }
}

/// The process's resident memory in KiB, where the system tells it (Linux): `VmRSS:` now,
/// `VmHWM:` at its peak.
fn memory(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
