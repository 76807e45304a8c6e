//! Exceptions as the engine reads them: which workloads of a namespace are
//! exempted from which checks, until when. Only approved exceptions that
//! have not expired are in force.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::engine::compliance::WorkloadReport;
use crate::engine::workload::Workload;

/// The workloads an exception names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Exempted {
    /// By workload name (and so their pods).
    Names(Vec<String>),
    /// Every workload whose pods carry all these labels.
    Labels(BTreeMap<String, String>),
}

/// One approved exception.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exception {
    pub namespace: String,
    pub name: String,
    pub workloads: Exempted,
    /// Check ids.
    pub rules: Vec<String>,
    pub reason: String,
    pub expires_at: Timestamp,
}

/// What exempts a finding, as pages and reports show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Exemption {
    /// The PolicyException's name, in the workload's namespace.
    pub exception: String,
    pub expires_at: Timestamp,
}

impl Exception {
    /// Whether the exception still holds at `now`.
    pub fn in_force(&self, now: Timestamp) -> bool {
        now < self.expires_at
    }

    /// Whether the exception names the workload `name` in `namespace` with
    /// pod labels `pod_labels`.
    pub fn names(
        &self,
        namespace: &str,
        name: &str,
        pod_labels: &BTreeMap<String, String>,
    ) -> bool {
        namespace == self.namespace
            && match &self.workloads {
                Exempted::Names(names) => names.iter().any(|n| n == name),
                Exempted::Labels(wanted) => wanted
                    .iter()
                    .all(|(key, value)| pod_labels.get(key) == Some(value)),
            }
    }

    /// Whether the exception exempts `workload` from `check` at `now`.
    pub fn exempts(&self, workload: &Workload, check: &str, now: Timestamp) -> bool {
        self.in_force(now)
            && self.rules.iter().any(|rule| rule == check)
            && self.names(
                &workload.id.namespace,
                &workload.id.name,
                &workload.pod_labels,
            )
    }
}

/// The exception (latest-expiring first) that exempts `workload` from
/// `check` at `now`, if any.
pub fn exemption_for(
    exceptions: &[Exception],
    workload: &Workload,
    check: &str,
    now: Timestamp,
) -> Option<Exemption> {
    exceptions
        .iter()
        .filter(|e| e.exempts(workload, check, now))
        .max_by_key(|e| e.expires_at)
        .map(|e| Exemption {
            exception: e.name.clone(),
            expires_at: e.expires_at,
        })
}

/// Marks the failed checks of `report` (for `workload`) that an exception
/// exempts. Exempted checks stay failed: they are shown as exempted, never
/// as passing.
pub fn mark_exempted(
    report: &mut WorkloadReport,
    workload: &Workload,
    exceptions: &[Exception],
    now: Timestamp,
) {
    for check in report.checks.iter_mut().filter(|c| !c.passed) {
        check.exempted = exemption_for(exceptions, workload, &check.id, now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::workload::WorkloadId;
    use k8s_openapi::api::core::v1::PodSpec;

    fn workload(name: &str, labels: &[(&str, &str)]) -> Workload {
        Workload {
            id: WorkloadId {
                kind: "Deployment".into(),
                namespace: "fraud-detection".into(),
                name: name.into(),
            },
            source_kind: "Deployment".into(),
            labels: BTreeMap::new(),
            pod_labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            pod_annotations: BTreeMap::new(),
            spec: PodSpec::default(),
            replicas: 1,
        }
    }

    fn exception(workloads: Exempted, expires: &str) -> Exception {
        Exception {
            namespace: "fraud-detection".into(),
            name: "gpu-driver".into(),
            workloads,
            rules: vec!["pss.baseline.privileged".into()],
            reason: "driver installer".into(),
            expires_at: expires.parse().unwrap(),
        }
    }

    #[test]
    fn an_exception_exempts_named_workloads_from_its_rules_until_it_expires() {
        let e = exception(
            Exempted::Names(vec!["scorer".into()]),
            "2026-12-10T00:00:00Z",
        );
        let before: Timestamp = "2026-12-09T23:59:59Z".parse().unwrap();
        let after: Timestamp = "2026-12-10T00:00:00Z".parse().unwrap();
        let scorer = workload("scorer", &[]);
        assert!(e.exempts(&scorer, "pss.baseline.privileged", before));
        assert!(!e.exempts(&scorer, "pss.baseline.privileged", after));
        assert!(!e.exempts(&scorer, "images.tag-pinned", before));
        assert!(!e.exempts(&workload("other", &[]), "pss.baseline.privileged", before));
        let mut elsewhere = scorer.clone();
        elsewhere.id.namespace = "support-bot".into();
        assert!(!e.exempts(&elsewhere, "pss.baseline.privileged", before));
    }

    #[test]
    fn an_exception_by_labels_needs_every_label() {
        let e = exception(
            Exempted::Labels(BTreeMap::from([
                ("app".to_string(), "driver".to_string()),
                ("tier".to_string(), "system".to_string()),
            ])),
            "2026-12-10T00:00:00Z",
        );
        let now: Timestamp = "2026-12-01T00:00:00Z".parse().unwrap();
        let both = workload("a", &[("app", "driver"), ("tier", "system")]);
        let one = workload("b", &[("app", "driver")]);
        assert!(e.exempts(&both, "pss.baseline.privileged", now));
        assert!(!e.exempts(&one, "pss.baseline.privileged", now));
    }

    #[test]
    fn the_latest_expiring_exception_is_shown() {
        let early = exception(
            Exempted::Names(vec!["scorer".into()]),
            "2026-12-05T00:00:00Z",
        );
        let mut late = exception(
            Exempted::Names(vec!["scorer".into()]),
            "2026-12-20T00:00:00Z",
        );
        late.name = "longer".into();
        let now: Timestamp = "2026-12-01T00:00:00Z".parse().unwrap();
        let found = exemption_for(
            &[early, late],
            &workload("scorer", &[]),
            "pss.baseline.privileged",
            now,
        )
        .unwrap();
        assert_eq!(found.exception, "longer");
    }
}
