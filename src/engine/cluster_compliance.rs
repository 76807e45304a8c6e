//! The managers' overview over namespaces' report summaries: which rows a
//! filter keeps, in which order, and the totals of the headline cards.

use std::cmp::Ordering;

use crate::wire::cluster_compliance::{ClusterRow, Headline, ReportState};
use crate::wire::cluster_filter::{ClusterFilter, SortKey};
use crate::wire::namespace::DenyStatus;

/// The rows `filter` keeps, in its order. Rows without a score go last in
/// either direction of a score sort; ties are broken by name.
pub fn filter_and_sort(rows: Vec<ClusterRow>, filter: &ClusterFilter) -> Vec<ClusterRow> {
    let needle = filter.name.to_lowercase();
    let mut kept: Vec<ClusterRow> = rows
        .into_iter()
        .filter(|row| needle.is_empty() || row.namespace.to_lowercase().contains(&needle))
        .filter(|row| filter.team.is_empty() || row.team.as_deref() == Some(&filter.team))
        .filter(|row| match (filter.min_score, filter.max_score) {
            (None, None) => true,
            (min, max) => row
                .score()
                .is_some_and(|s| min.is_none_or(|m| s >= m) && max.is_none_or(|m| s <= m)),
        })
        .filter(|row| {
            !filter.not_default_deny
                || row.summary().is_some_and(|s| {
                    s.ingress != DenyStatus::DefaultDeny || s.egress != DenyStatus::DefaultDeny
                })
        })
        .filter(|row| !filter.with_gpus || row.summary().is_some_and(|s| s.gpus_requested > 0))
        .collect();
    kept.sort_by(|a, b| compare(a, b, filter.sort, filter.descending));
    kept
}

fn compare(a: &ClusterRow, b: &ClusterRow, key: SortKey, descending: bool) -> Ordering {
    let by_name = a.namespace.cmp(&b.namespace);
    let directed = |ordering: Ordering| {
        if descending {
            ordering.reverse()
        } else {
            ordering
        }
    };
    let value = |row: &ClusterRow| -> Option<u32> {
        match key {
            SortKey::Score => row.score(),
            SortKey::Name => None,
            SortKey::Unprotected => row
                .summary()
                .map(|s| s.unprotected_ingress + s.unprotected_egress),
            SortKey::Gpus => row.summary().map(|s| s.gpus_requested),
        }
    };
    if key == SortKey::Name {
        return directed(by_name);
    }
    match (value(a), value(b)) {
        (Some(x), Some(y)) => directed(x.cmp(&y)).then(by_name),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => by_name,
    }
}

/// The cards' totals over `rows`.
pub fn headline(rows: &[ClusterRow]) -> Headline {
    let mut headline = Headline {
        namespaces: rows.len() as u32,
        ..Headline::default()
    };
    let mut scores = Vec::new();
    for row in rows {
        match &row.report {
            ReportState::Reported { summary } => {
                headline.reported += 1;
                scores.extend(summary.score);
                headline.pod_security.add(summary.pod_security);
                headline.without_ingress_deny +=
                    u32::from(summary.ingress != DenyStatus::DefaultDeny);
                headline.without_egress_deny +=
                    u32::from(summary.egress != DenyStatus::DefaultDeny);
                headline.unprotected_ingress += summary.unprotected_ingress;
                headline.unprotected_egress += summary.unprotected_egress;
                headline.gpus_requested += summary.gpus_requested;
                headline.gpu_workloads += summary.gpu_workloads;
            }
            ReportState::Unreadable { .. } => headline.unreadable += 1,
            ReportState::NotReported => headline.not_reported += 1,
        }
    }
    if !scores.is_empty() {
        headline.average_score =
            Some(scores.iter().map(|&s| f64::from(s)).sum::<f64>() / scores.len() as f64);
    }
    headline
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::cluster_compliance::{NamespaceSummary, PodSecurityCounts};

    fn reported(name: &str, score: Option<u32>, gpus: u32, ingress: DenyStatus) -> ClusterRow {
        ClusterRow {
            namespace: name.into(),
            team: Some(format!("team-{}", &name[..1])),
            environment: None,
            report: ReportState::Reported {
                summary: NamespaceSummary {
                    generated_at: "2026-11-27T10:00:00Z".parse().unwrap(),
                    score,
                    workloads: 2,
                    pods: 4,
                    pod_security: PodSecurityCounts {
                        restricted: 1,
                        baseline: 1,
                        privileged: 0,
                    },
                    worst_checks: vec![],
                    ingress,
                    egress: DenyStatus::DefaultDeny,
                    unprotected_ingress: u32::from(ingress != DenyStatus::DefaultDeny) * 2,
                    unprotected_egress: 0,
                    gpus_requested: gpus,
                    gpu_workloads: u32::from(gpus > 0),
                    policy: Default::default(),
                    exempted: 0,
                },
            },
            report_age_seconds: Some(60),
            other_tools: vec![],
        }
    }

    fn missing(name: &str) -> ClusterRow {
        ClusterRow {
            namespace: name.into(),
            team: None,
            environment: None,
            report: ReportState::NotReported,
            report_age_seconds: None,
            other_tools: vec![],
        }
    }

    fn rows() -> Vec<ClusterRow> {
        vec![
            reported("alpha", Some(90), 0, DenyStatus::DefaultDeny),
            missing("beta"),
            reported("gamma", Some(40), 4, DenyStatus::Open),
            reported("delta", Some(65), 1, DenyStatus::DefaultDeny),
        ]
    }

    fn names(rows: &[ClusterRow]) -> Vec<&str> {
        rows.iter().map(|r| r.namespace.as_str()).collect()
    }

    #[test]
    fn the_default_order_is_worst_score_first_and_unscored_last() {
        let sorted = filter_and_sort(rows(), &ClusterFilter::default());
        assert_eq!(names(&sorted), ["gamma", "delta", "alpha", "beta"]);
        let descending = ClusterFilter {
            descending: true,
            ..ClusterFilter::default()
        };
        assert_eq!(
            names(&filter_and_sort(rows(), &descending)),
            ["alpha", "delta", "gamma", "beta"]
        );
    }

    #[test]
    fn sorting_by_name_gpus_and_unprotected() {
        let by = |sort, descending| ClusterFilter {
            sort,
            descending,
            ..ClusterFilter::default()
        };
        assert_eq!(
            names(&filter_and_sort(rows(), &by(SortKey::Name, true))),
            ["gamma", "delta", "beta", "alpha"]
        );
        assert_eq!(
            names(&filter_and_sort(rows(), &by(SortKey::Gpus, true))),
            ["gamma", "delta", "alpha", "beta"]
        );
        assert_eq!(
            names(&filter_and_sort(rows(), &by(SortKey::Unprotected, true)))[0],
            "gamma"
        );
    }

    #[test]
    fn filters_combine_and_a_score_filter_drops_unscored_rows() {
        let filter = ClusterFilter {
            min_score: Some(50),
            ..ClusterFilter::default()
        };
        assert_eq!(names(&filter_and_sort(rows(), &filter)), ["delta", "alpha"]);
        let filter = ClusterFilter {
            not_default_deny: true,
            ..ClusterFilter::default()
        };
        assert_eq!(names(&filter_and_sort(rows(), &filter)), ["gamma"]);
        let filter = ClusterFilter {
            with_gpus: true,
            name: "TA".into(),
            ..ClusterFilter::default()
        };
        assert_eq!(names(&filter_and_sort(rows(), &filter)), ["delta"]);
        let filter = ClusterFilter {
            team: "team-g".into(),
            ..ClusterFilter::default()
        };
        assert_eq!(names(&filter_and_sort(rows(), &filter)), ["gamma"]);
    }

    #[test]
    fn the_headline_adds_up_the_reported_namespaces() {
        let headline = headline(&rows());
        assert_eq!(headline.namespaces, 4);
        assert_eq!((headline.reported, headline.not_reported), (3, 1));
        assert_eq!(headline.average_score, Some(65.0));
        assert_eq!(headline.pod_security.total(), 6);
        assert_eq!(headline.without_ingress_deny, 1);
        assert_eq!(headline.without_egress_deny, 0);
        assert_eq!(headline.unprotected_ingress, 2);
        assert_eq!(headline.gpus_requested, 5);
        assert_eq!(super::headline(&[]).average_score, None);
    }
}
