//! What a load benchmark needs: the release build to measure, people
//! signed in to a running portal who view pages and call server functions
//! as the browser does, a tally of what they got, and the memory and CPU
//! time of the processes involved, from /proc.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant, SystemTime};

use super::percentile;

/// One signed-in person's browser: its cookies, and the portal's address.
#[derive(Clone)]
pub struct Visitor {
    pub client: reqwest::Client,
    pub base: String,
}

/// What a run of visits got.
#[derive(Default)]
pub struct Tally {
    /// Time to the whole page, for each page view that succeeded, by page.
    pub pages: BTreeMap<&'static str, Vec<Duration>>,
    /// Time to the answer, for each server function call that succeeded.
    pub actions: Vec<Duration>,
    /// Changes refused with 429 by the per-person rate limits.
    pub throttled: usize,
    /// Requests refused with 409 because their requester had as many open
    /// requests as one person may have (`--max-open-requests`).
    pub capped: usize,
    /// Every other failure, by what was asked and what came back.
    pub errors: BTreeMap<String, usize>,
}

impl Tally {
    pub fn merge(&mut self, other: Tally) {
        for (page, samples) in other.pages {
            self.pages.entry(page).or_default().extend(samples);
        }
        self.actions.extend(other.actions);
        self.throttled += other.throttled;
        self.capped += other.capped;
        for (what, count) in other.errors {
            *self.errors.entry(what).or_default() += count;
        }
    }

    /// Every page view's time, whichever the page.
    pub fn all_pages(&self) -> Vec<Duration> {
        self.pages.values().flatten().copied().collect()
    }

    pub fn error_count(&self) -> usize {
        self.errors.values().sum()
    }

    fn failed(&mut self, what: String) {
        *self.errors.entry(what).or_default() += 1;
    }
}

impl Visitor {
    /// Views `page` at `path` (e.g. `/models`): a success is a 200 whose
    /// page shows no error notice.
    pub async fn view(&self, page: &'static str, path: &str, tally: &mut Tally) {
        let start = Instant::now();
        let answer = match self.client.get(format!("{}{path}", self.base)).send().await {
            Ok(response) => {
                let status = response.status();
                response.text().await.map(|body| (status, body))
            }
            Err(error) => Err(error),
        };
        match answer {
            Ok((status, body)) if status == 200 && !body.contains("notice-error") => {
                tally.pages.entry(page).or_default().push(start.elapsed())
            }
            Ok((status, _)) if status == 200 => tally.failed(format!("GET {path}: error notice")),
            Ok((status, _)) => tally.failed(format!("GET {path}: {status}")),
            Err(error) => tally.failed(format!("GET {path}: {error}")),
        }
    }

    /// Calls the server function `endpoint` with `form` as the portal's own
    /// pages and command line do, and returns its JSON answer on success.
    pub async fn act(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        tally: &mut Tally,
    ) -> Option<serde_json::Value> {
        let start = Instant::now();
        let sent = self
            .client
            .post(format!("{}/api/{endpoint}", self.base))
            .header(reqwest::header::ORIGIN, &self.base)
            .header(reqwest::header::ACCEPT, "application/json")
            .form(form)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(error) => {
                tally.failed(format!("POST {endpoint}: {error}"));
                return None;
            }
        };
        let status = response.status();
        let body = response.json::<serde_json::Value>().await;
        match (status.as_u16(), body) {
            (200, Ok(value)) => {
                tally.actions.push(start.elapsed());
                Some(value)
            }
            (429, _) => {
                tally.throttled += 1;
                None
            }
            (409, Ok(value)) if is_cap(&value) => {
                tally.capped += 1;
                None
            }
            (_, Ok(value)) => {
                tally.failed(format!("POST {endpoint}: {status} {}", value["message"]));
                None
            }
            (_, Err(error)) => {
                tally.failed(format!("POST {endpoint}: {status} {error}"));
                None
            }
        }
    }
}

/// Whether a refusal is the cap on one person's open requests.
fn is_cap(refusal: &serde_json::Value) -> bool {
    refusal["message"]
        .as_str()
        .is_some_and(|message| message.contains("the most one person may have"))
}

/// p50, p95 and p99 of `samples`, in milliseconds (NaN when there are none).
pub fn quantiles(samples: &mut [Duration]) -> [f64; 3] {
    samples.sort();
    [0.5, 0.95, 0.99].map(|q| {
        if samples.is_empty() {
            f64::NAN
        } else {
            percentile(samples, q)
        }
    })
}

/// Resident memory of process `pid` now and at its peak (VmRSS, VmHWM), in KiB.
pub fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// CPU time (user + system) used so far by process `pid` (`"self"` for
/// this one), in seconds; Linux counts it in ticks of 1/100 s.
fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which ends with the last ')':
    // state is the 3rd field of the line, utime the 14th, stime the 15th.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |index: usize| fields.get(index).and_then(|v| v.parse::<f64>().ok());
    ticks(11).unwrap_or(0.0) / 100.0 + ticks(12).unwrap_or(0.0) / 100.0
}

/// The setting `name` from the environment, or `default`.
pub fn setting<T: FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .unwrap_or_else(|_| panic!("{name}={value} is not a valid value")),
        Err(_) => default,
    }
}

/// The release build of `make build`: the binary and the site, or those of
/// `AIGOV_LOAD_PORTAL` and `AIGOV_LOAD_SITE_ROOT`. Says so when a file
/// under `src/` is newer than the binary.
pub fn release_build() -> (PathBuf, PathBuf) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let program: PathBuf = setting(
        "AIGOV_LOAD_PORTAL",
        Path::new(&target).join("release/aigov"),
    );
    let site: PathBuf = setting("AIGOV_LOAD_SITE_ROOT", repo.join("target/site"));
    assert!(
        program.is_file() && site.is_dir(),
        "no release build at {} with {} (run `make build`)",
        program.display(),
        site.display()
    );
    fn newest(dir: &Path) -> SystemTime {
        std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|entry| match entry.file_type().unwrap().is_dir() {
                true => newest(&entry.path()),
                false => entry.metadata().unwrap().modified().unwrap(),
            })
            .max()
            .unwrap_or(SystemTime::UNIX_EPOCH)
    }
    if newest(&repo.join("src")) > program.metadata().unwrap().modified().unwrap() {
        println!(
            "warning: src/ changed after {} was built",
            program.display()
        );
    }
    (program, site)
}

/// CPU time used since it started by the portal, the devcluster's
/// apiserver and etcd (shared with whatever else uses them), and this
/// harness.
pub struct CpuClock {
    processes: Vec<(&'static str, String, f64)>,
}

impl CpuClock {
    /// `devcluster` is the devcluster's folder (`.dev`), which holds the
    /// process ids of its parts.
    pub fn start(portal: u32, devcluster: &Path) -> Self {
        let pid = |name: &str| {
            let file = devcluster.join(format!("devcluster/run/{name}.pid"));
            std::fs::read_to_string(file)
                .unwrap_or_default()
                .trim()
                .to_owned()
        };
        let ids = [
            ("portal", portal.to_string()),
            ("kube-apiserver", pid("kube-apiserver")),
            ("etcd", pid("etcd")),
            ("this harness", "self".to_owned()),
        ];
        let processes = ids
            .into_iter()
            .map(|(name, id)| {
                let now = cpu_seconds(&id);
                (name, id, now)
            })
            .collect();
        CpuClock { processes }
    }

    /// Each process's CPU time since the start, and as cores over `elapsed`.
    pub fn used(&self, elapsed: Duration) -> String {
        let used: Vec<String> = self
            .processes
            .iter()
            .map(|(name, id, before)| {
                let seconds = cpu_seconds(id) - before;
                format!(
                    "{name} {seconds:.1} s ({:.2} cores)",
                    seconds / elapsed.as_secs_f64()
                )
            })
            .collect();
        used.join(", ")
    }
}
