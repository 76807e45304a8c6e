//! Compliance reports: on the leader replica only, every `--report-interval`
//! the [`Reporter`] reads the cluster with the portal's own identity, assesses
//! each namespace (the compliance engine and the network isolation
//! analysis, as the namespace pages do) and publishes one `PolicyReport`
//! named `aigov-compliance` per namespace that has workloads, carrying the
//! namespace's summary and its score trend in annotations. See
//! `docs/reports.md`.

pub mod args;
pub mod collect;
pub mod publish;
pub mod reporter;
pub mod results;
pub mod summary;
pub mod trend;

use std::collections::BTreeSet;
use std::time::Duration;

pub use reporter::Reporter;

/// The Lease that elects the one replica that publishes reports.
pub const LEASE_NAME: &str = "aigov-reporter";
/// Label on every report aigov writes.
pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
/// Value of [`MANAGED_BY`] on aigov's reports, and the server-side apply
/// field manager.
pub const MANAGER: &str = "aigov";

/// How the reporter works.
#[derive(Clone, Debug)]
pub struct ReportSettings {
    /// Time between passes (the loop of [`Reporter::run`]).
    pub interval: Duration,
    /// A new trend point only when the last one is at least this old.
    pub trend_step: Duration,
    /// The most trend points a report keeps (the oldest go first).
    pub trend_points: usize,
    /// Only these namespaces (tests, benchmarks); `None`: every namespace.
    pub namespaces: Option<BTreeSet<String>>,
    /// Objects per page of each list.
    pub page_size: u32,
    /// Reports written at once.
    pub concurrency: usize,
}

impl Default for ReportSettings {
    fn default() -> Self {
        ReportSettings {
            interval: Duration::from_secs(300),
            trend_step: Duration::from_secs(3600),
            trend_points: trend::MAX_POINTS,
            namespaces: None,
            page_size: 500,
            concurrency: 8,
        }
    }
}

/// What one pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PassOutcome {
    /// Namespaces with workloads, so with a report.
    pub namespaces_reported: usize,
    pub written: usize,
    /// Reports left as they were: nothing changed within the trend step.
    pub unchanged: usize,
    /// Reports of namespaces that no longer have workloads.
    pub deleted: usize,
    /// Writes or deletions the apiserver refused (logged one by one).
    pub failed: usize,
    /// Objects listed (every kind, reports included).
    pub objects_read: usize,
    /// False when the PolicyReport definition is not installed: nothing was
    /// published.
    pub published: bool,
    /// Time spent listing (reports' metadata and every kind).
    pub read_duration: Duration,
    pub duration: Duration,
}

/// Why a pass could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot list {what} to report on: {source}")]
    Cluster {
        what: &'static str,
        #[source]
        source: kube::Error,
    },
    #[error("{0}")]
    Policy(#[from] crate::server::policy::store::PolicyUnavailable),
}
