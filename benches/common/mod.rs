//! What the devcluster benchmarks share: server-side apply of set-up
//! objects, percentiles of timed samples, and people visiting a running
//! portal ([`load`]).
#![allow(dead_code)]

pub mod load;
pub mod process_cpu;

use std::future::Future;
use std::time::Duration;

use kube::Api;
use kube::api::{Patch, PatchParams};

/// Runs a benchmark's body on a multi-threaded tokio runtime.
pub fn on_tokio<F: Future>(body: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(body)
}

/// Server-side applies `value` as `name` (field manager `aigov-bench`).
pub async fn apply<K>(api: &Api<K>, name: &str, value: serde_json::Value)
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug,
{
    api.patch(
        name,
        &PatchParams::apply("aigov-bench").force(),
        &Patch::Apply(value),
    )
    .await
    .unwrap_or_else(|e| panic!("applying {name}: {e}"));
}

/// The `q` quantile (0.5 for the median) of `sorted`, in milliseconds.
pub fn percentile(sorted: &[Duration], q: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

/// Prints p50 and p95 in milliseconds and returns them.
pub fn summary(name: &str, mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let (p50, p95) = (percentile(&samples, 0.5), percentile(&samples, 0.95));
    println!(
        "  {name:<45} p50 {p50:>8.1} ms  p95 {p95:>8.1} ms  ({} samples)",
        samples.len()
    );
    (p50, p95)
}
