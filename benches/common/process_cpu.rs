//! CPU time used by processes, from `/proc`: how a benchmark splits the
//! work of a request between the portal and the apiserver.

use std::time::Duration;

/// Clock ticks per second of `/proc/{pid}/stat` (`getconf CLK_TCK`, 100
/// on Linux).
const TICKS_PER_SECOND: u64 = 100;

/// The user plus system CPU time process `pid` has used so far.
pub fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The command name, in parentheses, may hold spaces: count after it.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks =
        |index: usize| -> u64 { fields.get(index).and_then(|f| f.parse().ok()).unwrap_or(0) };
    // utime and stime are fields 14 and 15 of the line: after the name,
    // where the state (field 3) is the first, they are the 12th and 13th.
    Duration::from_millis((ticks(11) + ticks(12)) * 1000 / TICKS_PER_SECOND)
}

/// The first process whose command name is `name`.
pub fn pid_named(name: &str) -> Option<u32> {
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .find_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let comm = std::fs::read_to_string(entry.path().join("comm")).ok()?;
            (comm.trim() == name).then_some(pid)
        })
}

/// CPU used by the portal and by the apiserver while a phase ran.
pub struct CpuMeter {
    portal: u32,
    apiserver: Option<u32>,
    start: (Duration, Duration),
}

impl CpuMeter {
    /// Starts measuring the portal `portal` and the devcluster's
    /// kube-apiserver.
    pub fn start(portal: u32) -> CpuMeter {
        let apiserver = pid_named("kube-apiserver");
        CpuMeter {
            portal,
            apiserver,
            start: (
                cpu_time(portal),
                apiserver.map(cpu_time).unwrap_or_default(),
            ),
        }
    }

    /// CPU milliseconds per request since the start, portal and apiserver.
    pub fn per_request(&self, requests: usize) -> (f64, f64) {
        let portal = cpu_time(self.portal) - self.start.0;
        let apiserver = self.apiserver.map(cpu_time).unwrap_or_default() - self.start.1;
        let per = |cpu: Duration| cpu.as_secs_f64() * 1000.0 / requests as f64;
        (per(portal), per(apiserver))
    }
}
