//! The managers' compliance overview, read as the manager: every namespace
//! they may see with its aigov report's summary (or why there is none),
//! other tools' findings and the cluster's score trend. Used by the
//! `/compliance` page and its exports. See `docs/overview.md`.

pub mod read;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use kube::api::ObjectMeta;

use self::read::{AigovReports, OtherFindings};
use crate::crd::policy_report::annotations;
use crate::engine::cluster_compliance::{filter_and_sort, headline};
use crate::present::trend::{average_by_bucket, bucket_width};
use crate::server::auth::claims::KubeIdentity;
use crate::server::auth::session::Session;
use crate::server::kube::error::KubeError;
use crate::server::kube::namespaces::{VisibleNamespace, visible_namespaces};
use crate::server::reports::trend;
use crate::server::state::AppState;
use crate::wire::cluster_compliance::{
    ClusterCompliance, ClusterRow, NamespaceSummary, ReportState, ToolFindings, TrendBucket,
};
use crate::wire::cluster_filter::ClusterFilter;

/// How long the whole read may take before the page says the cluster is
/// slow.
pub const READ_TIMEOUT: Duration = Duration::from_secs(20);

/// Why the overview cannot be shown.
#[derive(Debug, thiserror::Error)]
pub enum ClusterComplianceError {
    #[error(
        "Compliance across namespaces is for managers and auditors. To see your own namespaces, open Namespaces."
    )]
    NotManager,
    #[error("{0}")]
    Kube(#[from] KubeError),
    #[error(
        "The Kubernetes cluster did not answer within {} seconds. Try again in a moment; if it stays slow, tell your platform team (the apiserver may be overloaded).",
        READ_TIMEOUT.as_secs()
    )]
    TimedOut,
}

/// The overview for the person of `session`, filtered and sorted.
pub async fn overview(
    state: &AppState,
    session: &Session,
    filter: &ClusterFilter,
) -> Result<ClusterCompliance, ClusterComplianceError> {
    if !session.user.is_manager {
        return Err(ClusterComplianceError::NotManager);
    }
    let user = state.kube.as_user(&session.kube)?;
    tokio::time::timeout(READ_TIMEOUT, read_all(state, &user, &session.kube, filter))
        .await
        .map_err(|_| ClusterComplianceError::TimedOut)?
}

/// What the overview reads as the person: the namespaces they may see,
/// aigov's reports, other tools' findings, and notes on how they were read.
#[derive(Clone, Debug)]
pub struct ClusterReads {
    namespaces: Vec<VisibleNamespace>,
    reports: AigovReports,
    findings: OtherFindings,
    notes: Vec<String>,
}

async fn read_all(
    state: &AppState,
    user: &kube::Client,
    identity: &KubeIdentity,
    filter: &ClusterFilter,
) -> Result<ClusterCompliance, ClusterComplianceError> {
    // The person's own reads, reused for them alone for a few seconds:
    // sorting, filtering and exporting read the same.
    let (reads, _) = state
        .cluster_cache
        .overview_reads()
        .get_or_read(identity, "", || async {
            read_as_person(state, user, identity).await.map(Arc::new)
        })
        .await?;
    Ok(assemble(&reads, filter, Timestamp::now()))
}

async fn read_as_person(
    state: &AppState,
    user: &kube::Client,
    identity: &KubeIdentity,
) -> Result<ClusterReads, ClusterComplianceError> {
    // The cluster-wide reads go out together; the per-namespace fallbacks
    // need the namespaces first.
    let (namespaces, cluster_wide, others) = futures::join!(
        visible_namespaces(
            state.kube.portal(),
            user,
            identity,
            state.cluster_cache.reviews()
        ),
        read::aigov_reports_cluster_wide(user),
        read::other_findings_cluster_wide(user)
    );
    let namespaces = namespaces?;
    let names: Vec<String> = namespaces.iter().map(|n| n.name.clone()).collect();
    let mut notes = Vec::new();
    let reports = match cluster_wide? {
        Some(reports) => reports,
        None => {
            notes.push("You may not list reports across the cluster, so the report of each namespace you may see was read on its own.".to_owned());
            read::aigov_reports_per_namespace(user, &names).await?
        }
    };
    let findings = match others {
        Ok(Some(findings)) => findings,
        Ok(None) => read::other_findings_per_namespace(user, &names).await,
        Err(note) => {
            notes.push(note);
            OtherFindings::new()
        }
    };
    Ok(ClusterReads {
        namespaces,
        reports,
        findings,
        notes,
    })
}

/// The overview of `reads` at `now`, filtered and sorted.
fn assemble(reads: &ClusterReads, filter: &ClusterFilter, now: Timestamp) -> ClusterCompliance {
    let ClusterReads {
        namespaces,
        reports,
        findings,
        notes,
    } = reads;
    let mut rows = BTreeMap::new();
    let mut trends = BTreeMap::new();
    for namespace in namespaces {
        rows.insert(
            namespace.name.clone(),
            ClusterRow {
                namespace: namespace.name.clone(),
                team: namespace.team.clone(),
                environment: namespace.environment.clone(),
                report: ReportState::NotReported,
                report_age_seconds: None,
                other_tools: Vec::new(),
            },
        );
    }
    for (namespace, report) in reports {
        let namespace = namespace.clone();
        let row = rows.entry(namespace.clone()).or_insert_with(|| ClusterRow {
            namespace: namespace.clone(),
            team: None,
            environment: None,
            report: ReportState::NotReported,
            report_age_seconds: None,
            other_tools: Vec::new(),
        });
        match report {
            Ok(metadata) => {
                row.report = report_state(metadata);
                if let Some(summary) = row.summary().cloned() {
                    row.report_age_seconds =
                        Some((now.as_second() - summary.generated_at.as_second()).max(0));
                    // Unlabelled namespaces are in the policies' default
                    // environment, which their report names.
                    if row.environment.is_none() && !summary.policy.environment.is_empty() {
                        row.environment = Some(summary.policy.environment);
                    }
                }
                trends.insert(namespace, trend_series(metadata));
            }
            Err(reason) => {
                row.report = ReportState::Unreadable {
                    reason: reason.clone(),
                }
            }
        }
    }
    attach_findings(&mut rows, findings);

    let mut teams: Vec<String> = rows.values().filter_map(|r| r.team.clone()).collect();
    teams.sort();
    teams.dedup();
    let total = rows.len();
    let shown = filter_and_sort(rows.into_values().collect(), filter);
    let series: Vec<Vec<(i64, u32)>> = shown
        .iter()
        .filter_map(|row| trends.remove(&row.namespace))
        .collect();
    ClusterCompliance {
        headline: headline(&shown),
        trend: trend_buckets(&series),
        rows: shown,
        total,
        teams,
        notes: notes.clone(),
    }
}

/// The report's summary, or why it cannot be read.
pub fn report_state(metadata: &ObjectMeta) -> ReportState {
    let annotation = metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(annotations::SUMMARY));
    let Some(text) = annotation else {
        return ReportState::Unreadable {
            reason: format!("The report has no {} annotation.", annotations::SUMMARY),
        };
    };
    match serde_json::from_str::<NamespaceSummary>(text) {
        Ok(summary) => ReportState::Reported { summary },
        Err(error) => ReportState::Unreadable {
            reason: format!("The report's summary does not read: {error}."),
        },
    }
}

/// The report's score trend as `(seconds, score)`; empty when absent or
/// malformed (the trend is a picture, the summary is what counts).
pub fn trend_series(metadata: &ObjectMeta) -> Vec<(i64, u32)> {
    let text = metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(annotations::TREND));
    trend::parse(text.map(String::as_str))
        .into_iter()
        .filter_map(|point| Some((point.at.as_second(), point.score?)))
        .collect()
}

/// The namespaces' series averaged per time bucket, labelled in UTC.
pub fn trend_buckets(series: &[Vec<(i64, u32)>]) -> Vec<TrendBucket> {
    let times = series.iter().flatten().map(|(at, _)| *at);
    let (Some(first), Some(last)) = (times.clone().min(), times.max()) else {
        return Vec::new();
    };
    average_by_bucket(series, bucket_width(last - first))
        .into_iter()
        .map(|(start, average, namespaces)| TrendBucket {
            start,
            label: Timestamp::from_second(start)
                .map(|t| t.strftime("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default(),
            average,
            namespaces,
        })
        .collect()
}

fn attach_findings(rows: &mut BTreeMap<String, ClusterRow>, findings: &OtherFindings) {
    for (namespace, by_source) in findings {
        if let Some(row) = rows.get_mut(namespace) {
            row.other_tools = by_source
                .iter()
                .filter(|(_, failed)| **failed > 0)
                .map(|(source, failed)| ToolFindings {
                    source: source.clone(),
                    failed: *failed,
                })
                .collect();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(pairs: &[(&str, &str)]) -> ObjectMeta {
        ObjectMeta {
            annotations: Some(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            ..ObjectMeta::default()
        }
    }

    #[test]
    fn a_malformed_or_missing_summary_marks_the_report_unreadable() {
        let ReportState::Unreadable { reason } =
            report_state(&meta(&[(annotations::SUMMARY, "{not json")]))
        else {
            panic!("a malformed summary reads");
        };
        assert!(reason.contains("does not read"), "{reason}");
        assert!(matches!(
            report_state(&ObjectMeta::default()),
            ReportState::Unreadable { .. }
        ));
    }

    #[test]
    fn the_trend_keeps_scored_points_and_survives_a_bad_annotation() {
        let trend = r#"[{"at":"2026-11-27T10:00:00Z","score":80},{"at":"2026-11-27T11:00:00Z","score":null},{"at":"nonsense","score":3}]"#;
        let series = trend_series(&meta(&[(annotations::TREND, trend)]));
        assert_eq!(series.len(), 1);
        assert_eq!(series[0].1, 80);
        assert!(trend_series(&meta(&[(annotations::TREND, "[")])).is_empty());
    }

    #[test]
    fn buckets_are_labelled_in_utc() {
        let at = "2026-11-27T10:02:00Z"
            .parse::<Timestamp>()
            .unwrap()
            .as_second();
        let buckets = trend_buckets(&[vec![(at, 60)], vec![(at + 60, 80)]]);
        assert_eq!(buckets.len(), 1);
        assert_eq!(buckets[0].average, 70.0);
        assert_eq!(buckets[0].label, "2026-11-27 10:00");
        assert!(trend_buckets(&[]).is_empty());
    }
}
