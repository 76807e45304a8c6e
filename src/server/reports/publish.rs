//! A namespace's report as aigov writes it, whether it changed, and the
//! writes: server-side apply of aigov's report, deletion of stale ones.
//!
//! Whether a report changed is decided from its metadata alone (labels and
//! annotations, listed without the results): the report carries a digest
//! of its results and counts in `aigov.dev/results-digest`, so a pass never
//! has to read back hundreds of kilobytes of results per namespace.

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{Api, DeleteParams, Patch, PatchParams};
use kube::{Client, ResourceExt};

use super::results::report_results;
use super::summary::{namespace_summary, same_findings};
use super::{MANAGED_BY, MANAGER, trend};
use crate::crd::policy_report::{AIGOV_REPORT, PolicyReport, ReportTimestamp, annotations};
use crate::present::compliance::assessment::NamespaceAssessment;
use crate::wire::cluster_compliance::NamespaceSummary;

/// Annotation holding the digest of a report's results and counts.
pub const RESULTS_DIGEST: &str = "aigov.dev/results-digest";

/// The report aigov would write for `assessment` at `now`, replacing the report
/// whose metadata is `previous` (for its trend).
pub fn desired_report(
    assessment: &NamespaceAssessment,
    previous: Option<&ObjectMeta>,
    now: Timestamp,
    trend_step: Duration,
    trend_points: usize,
) -> PolicyReport {
    let stamp = ReportTimestamp {
        seconds: now.as_second(),
        nanos: 0,
    };
    let (results, counts) = report_results(assessment, stamp);
    let summary = namespace_summary(assessment, now);
    let old_trend = trend::parse(
        previous
            .and_then(|meta| meta.annotations.as_ref()?.get(annotations::TREND))
            .map(String::as_str),
    );
    let series = trend::advance(&old_trend, now, assessment.score, trend_step, trend_points);
    let mut report = PolicyReport::new(&assessment.namespace, AIGOV_REPORT);
    report.metadata.labels = Some(BTreeMap::from([(
        MANAGED_BY.to_owned(),
        MANAGER.to_owned(),
    )]));
    report.summary = Some(counts);
    report.results = results;
    report.metadata.annotations = Some(BTreeMap::from([
        (annotations::SUMMARY.to_owned(), json(&summary)),
        (annotations::TREND.to_owned(), json(&series)),
        (RESULTS_DIGEST.to_owned(), digest(&report)),
    ]));
    report
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("summaries serialise")
}

/// FNV-1a (64 bits) of the results without their times, and the counts:
/// stable across releases and machines, unlike std's hasher.
pub fn digest(report: &PolicyReport) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for result in &report.results {
        let mut timeless = result.clone();
        timeless.timestamp = None;
        feed(&serde_json::to_vec(&timeless).expect("results serialise"));
        feed(b"\n");
    }
    feed(&serde_json::to_vec(&report.summary).expect("counts serialise"));
    format!("{hash:016x}")
}

fn summary_of(meta: &ObjectMeta) -> Option<NamespaceSummary> {
    serde_json::from_str(meta.annotations.as_ref()?.get(annotations::SUMMARY)?).ok()
}

/// Whether writing `desired` over the report whose metadata is `existing`
/// would change nothing but times: same label, results and counts (by
/// digest), trend and findings. (Within one trend step an unchanged score
/// leaves the trend as it was.)
pub fn is_unchanged(existing: &ObjectMeta, desired: &PolicyReport) -> bool {
    let label = |meta: &ObjectMeta| meta.labels.as_ref()?.get(MANAGED_BY).cloned();
    let annotation = |meta: &ObjectMeta, key: &str| meta.annotations.as_ref()?.get(key).cloned();
    let desired_meta = &desired.metadata;
    label(existing) == label(desired_meta)
        && annotation(existing, RESULTS_DIGEST) == annotation(desired_meta, RESULTS_DIGEST)
        && annotation(existing, annotations::TREND) == annotation(desired_meta, annotations::TREND)
        && match (summary_of(existing), summary_of(desired_meta)) {
            (Some(a), Some(b)) => same_findings(&a, &b),
            _ => false,
        }
}

/// Writes aigov's report by server-side apply: it creates the report when
/// absent and owns exactly the fields it sets.
pub async fn apply(client: &Client, report: &PolicyReport) -> Result<(), kube::Error> {
    let namespace = report.namespace().unwrap_or_default();
    Api::<PolicyReport>::namespaced(client.clone(), &namespace)
        .patch(
            AIGOV_REPORT,
            &PatchParams::apply(MANAGER).force(),
            &Patch::Apply(report),
        )
        .await
        .map(|_| ())
}

/// Deletes aigov's report in `namespace`; only ever that name, and only
/// when it still carries aigov's label (checked by the caller's list).
pub async fn delete(client: &Client, namespace: &str) -> Result<(), kube::Error> {
    match Api::<PolicyReport>::namespaced(client.clone(), namespace)
        .delete(AIGOV_REPORT, &DeleteParams::default())
        .await
    {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(status)) if status.code == 404 => Ok(()),
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::reports::summary::tests::shop;

    const HOUR: Duration = Duration::from_secs(3600);

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + seconds).unwrap()
    }

    #[test]
    fn the_report_carries_label_summary_trend_digest_and_results() {
        let report = desired_report(&shop(), None, at(0), HOUR, 90);
        assert_eq!(report.labels()[MANAGED_BY], "aigov");
        assert_eq!(report.metadata.name.as_deref(), Some(AIGOV_REPORT));
        let summary = summary_of(&report.metadata).unwrap();
        assert_eq!(summary.score, Some(61));
        assert_eq!(summary.generated_at, at(0));
        let series = trend::parse(
            report
                .annotations()
                .get(annotations::TREND)
                .map(String::as_str),
        );
        assert_eq!(series.len(), 1);
        assert_eq!(report.summary.unwrap().fail as usize, report.results.len());
        assert_eq!(report.annotations()[RESULTS_DIGEST].len(), 16);
    }

    #[test]
    fn a_later_pass_within_the_step_changes_nothing_and_a_step_later_it_does() {
        let first = desired_report(&shop(), None, at(0), HOUR, 90);
        let again = desired_report(&shop(), Some(&first.metadata), at(600), HOUR, 90);
        assert_ne!(first.results[0].timestamp, again.results[0].timestamp);
        assert!(is_unchanged(&first.metadata, &again));
        let next_step = desired_report(&shop(), Some(&first.metadata), at(3600), HOUR, 90);
        assert!(
            !is_unchanged(&first.metadata, &next_step),
            "a trend point is due"
        );

        let mut changed = shop();
        changed.workloads[1].checks[1].passed = true;
        let fixed = desired_report(&changed, Some(&first.metadata), at(600), HOUR, 90);
        assert!(!is_unchanged(&first.metadata, &fixed));
        let mut reworded = shop();
        reworded.workloads[0].checks[0].message = "another violation".into();
        let reworded = desired_report(&reworded, Some(&first.metadata), at(600), HOUR, 90);
        assert!(
            !is_unchanged(&first.metadata, &reworded),
            "the digest covers messages"
        );

        let mut another_tool = first.metadata.clone();
        another_tool.labels = None;
        assert!(!is_unchanged(&another_tool, &again));
    }
}
