//! A namespace's report as aigov writes it, whether it changed, and the
//! writes: server-side apply of aigov's report, deletion of stale ones.

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, DeleteParams, Patch, PatchParams};
use kube::{Client, ResourceExt};

use super::audit::NamespaceAudit;
use super::results::report_results;
use super::summary::{namespace_summary, same_findings};
use super::{MANAGED_BY, MANAGER, trend};
use crate::crd::policy_report::{AIGOV_REPORT, PolicyReport, ReportTimestamp, annotations};
use crate::views::compliance_overview::NamespaceSummary;

/// The report aigov would write for `audit` at `now`, replacing `previous`.
pub fn desired_report(
    audit: &NamespaceAudit,
    previous: Option<&PolicyReport>,
    now: Timestamp,
    trend_step: Duration,
    trend_points: usize,
) -> PolicyReport {
    let stamp = ReportTimestamp {
        seconds: now.as_second(),
        nanos: 0,
    };
    let (results, counts) = report_results(audit, previous, stamp);
    let summary = namespace_summary(audit, &now.to_string());
    let old_trend = trend::parse(
        previous
            .and_then(|r| r.annotations().get(annotations::TREND))
            .map(String::as_str),
    );
    let series = trend::advance(&old_trend, now, audit.score, trend_step, trend_points);
    let mut report = PolicyReport::new(&audit.namespace, AIGOV_REPORT);
    report.metadata.labels = Some(BTreeMap::from([(
        MANAGED_BY.to_owned(),
        MANAGER.to_owned(),
    )]));
    report.metadata.annotations = Some(BTreeMap::from([
        (annotations::SUMMARY.to_owned(), json(&summary)),
        (annotations::TREND.to_owned(), json(&series)),
    ]));
    report.summary = Some(counts);
    report.results = results;
    report
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("summaries serialise")
}

fn summary_of(report: &PolicyReport) -> Option<NamespaceSummary> {
    serde_json::from_str(report.annotations().get(annotations::SUMMARY)?).ok()
}

/// Whether writing `desired` over `existing` would change nothing but the
/// summary's time: same results, counts, label, trend and findings. (Within
/// one trend step an unchanged score leaves the trend as it was.)
pub fn is_unchanged(existing: &PolicyReport, desired: &PolicyReport) -> bool {
    let label = |r: &PolicyReport| r.labels().get(MANAGED_BY).cloned();
    let trend = |r: &PolicyReport| r.annotations().get(annotations::TREND).cloned();
    label(existing) == label(desired)
        && existing.results == desired.results
        && existing.summary.unwrap_or_default() == desired.summary.unwrap_or_default()
        && existing.scope == desired.scope
        && trend(existing) == trend(desired)
        && match (summary_of(existing), summary_of(desired)) {
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
    fn the_report_carries_label_summary_trend_and_results() {
        let report = desired_report(&shop(), None, at(0), HOUR, 90);
        assert_eq!(report.labels()[MANAGED_BY], "aigov");
        assert_eq!(report.metadata.name.as_deref(), Some(AIGOV_REPORT));
        let summary = summary_of(&report).unwrap();
        assert_eq!(summary.score, Some(61));
        assert_eq!(summary.generated_at, at(0).to_string());
        let series = trend::parse(
            report
                .annotations()
                .get(annotations::TREND)
                .map(String::as_str),
        );
        assert_eq!(series.len(), 1);
        assert_eq!(report.summary.unwrap().fail as usize, report.results.len());
    }

    #[test]
    fn a_later_pass_within_the_step_changes_nothing_and_a_step_later_it_does() {
        let first = desired_report(&shop(), None, at(0), HOUR, 90);
        let again = desired_report(&shop(), Some(&first), at(600), HOUR, 90);
        assert!(is_unchanged(&first, &again));
        let next_step = desired_report(&shop(), Some(&first), at(3600), HOUR, 90);
        assert!(!is_unchanged(&first, &next_step), "a trend point is due");

        let mut changed = shop();
        changed.workloads[1].checks[1].passed = true;
        let fixed = desired_report(&changed, Some(&first), at(600), HOUR, 90);
        assert!(!is_unchanged(&first, &fixed));

        let mut another_tool = first.clone();
        another_tool.metadata.labels = None;
        assert!(!is_unchanged(&another_tool, &again));
    }
}
