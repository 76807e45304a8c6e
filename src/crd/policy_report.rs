//! `PolicyReport` (`wgpolicyk8s.io/v1alpha2`): the Kubernetes Policy WG's
//! common format for compliance results, which Kyverno's Policy Reporter,
//! Kubescape and others read and write. aigov publishes one per namespace
//! ([`AIGOV_REPORT`]) and shows those of other tools beside its own.
//!
//! Unlike aigov's own resources, the report keeps its fields at the top
//! level (no `spec`), so the type implements [`kube::Resource`] by hand. The
//! definition is `deploy/policyreport-crd.yaml`, installed only where absent.

use std::borrow::Cow;
use std::collections::BTreeMap;

use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::core::v1::ObjectReference;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

/// The group of PolicyReports.
pub const GROUP: &str = "wgpolicyk8s.io";
/// The version aigov reads and writes.
pub const VERSION: &str = "v1alpha2";
/// The name of aigov's report in each namespace.
pub const AIGOV_REPORT: &str = "aigov-compliance";
/// `source` of aigov's results.
pub const AIGOV_SOURCE: &str = "aigov";

/// Annotations on aigov's report that the overview reads without the
/// results (a metadata-only list is cheap even for hundreds of namespaces).
pub mod annotations {
    /// JSON [`crate::wire::cluster_compliance::NamespaceSummary`].
    pub const SUMMARY: &str = "aigov.dev/summary";
    /// JSON list of [`crate::wire::cluster_compliance::TrendPoint`],
    /// oldest first.
    pub const TREND: &str = "aigov.dev/score-trend";
}

/// One namespace's compliance results.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyReport {
    #[serde(default = "api_version")]
    pub api_version: String,
    #[serde(default = "kind")]
    pub kind: String,
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<ObjectReference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<ReportSummary>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<ReportResult>,
}

fn api_version() -> String {
    format!("{GROUP}/{VERSION}")
}

fn kind() -> String {
    "PolicyReport".into()
}

impl PolicyReport {
    /// An empty report named `name` in `namespace`.
    pub fn new(namespace: &str, name: &str) -> PolicyReport {
        PolicyReport {
            api_version: api_version(),
            kind: kind(),
            metadata: ObjectMeta {
                name: Some(name.to_owned()),
                namespace: Some(namespace.to_owned()),
                ..ObjectMeta::default()
            },
            ..PolicyReport::default()
        }
    }

    /// The tools that wrote its results (`source`), sorted, each once.
    pub fn sources(&self) -> Vec<String> {
        let mut sources: Vec<String> = self
            .results
            .iter()
            .filter_map(|r| r.source.clone())
            .collect();
        sources.sort();
        sources.dedup();
        sources
    }
}

/// How many results of each kind a report holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSummary {
    #[serde(default)]
    pub pass: i64,
    #[serde(default)]
    pub fail: i64,
    #[serde(default)]
    pub warn: i64,
    #[serde(default)]
    pub error: i64,
    #[serde(default)]
    pub skip: i64,
}

/// One check of one or more objects.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub policy: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// `critical`, `high`, `medium`, `low` or `info`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<ReportTimestamp>,
    /// `pass`, `fail`, `warn`, `error` or `skip`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scored: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<ObjectReference>,
}

/// When a result was produced (seconds since the epoch).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportTimestamp {
    pub seconds: i64,
    #[serde(default)]
    pub nanos: i32,
}

impl kube::Resource for PolicyReport {
    type DynamicType = ();
    type Scope = NamespaceResourceScope;

    fn kind(_: &()) -> Cow<'_, str> {
        "PolicyReport".into()
    }
    fn group(_: &()) -> Cow<'_, str> {
        GROUP.into()
    }
    fn version(_: &()) -> Cow<'_, str> {
        VERSION.into()
    }
    fn plural(_: &()) -> Cow<'_, str> {
        "policyreports".into()
    }
    fn meta(&self) -> &ObjectMeta {
        &self.metadata
    }
    fn meta_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_from_another_tool_reads_with_its_sources() {
        let json = serde_json::json!({
            "apiVersion": "wgpolicyk8s.io/v1alpha2",
            "kind": "PolicyReport",
            "metadata": {"name": "cpol-require-labels", "namespace": "vision"},
            "summary": {"pass": 3, "fail": 1},
            "results": [
                {"source": "kyverno", "policy": "require-labels", "rule": "check-team",
                 "result": "fail", "severity": "medium", "scored": true,
                 "timestamp": {"seconds": 1_700_000_000, "nanos": 0},
                 "resources": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "detector", "namespace": "vision"}]},
                {"source": "kyverno", "policy": "require-labels", "result": "pass"}
            ]
        });
        let report: PolicyReport = serde_json::from_value(json).unwrap();
        assert_eq!(report.summary.unwrap().fail, 1);
        assert_eq!(report.sources(), ["kyverno"]);
        assert_eq!(
            report.results[0].resources[0].name.as_deref(),
            Some("detector")
        );
    }

    #[test]
    fn a_new_report_names_its_api_and_omits_what_is_empty() {
        let value =
            serde_json::to_value(PolicyReport::new("fraud-detection", AIGOV_REPORT)).unwrap();
        assert_eq!(value["apiVersion"], "wgpolicyk8s.io/v1alpha2");
        assert_eq!(value["kind"], "PolicyReport");
        assert!(value.get("results").is_none() && value.get("summary").is_none());
        use kube::Resource;
        assert_eq!(
            PolicyReport::url_path(&(), Some("ns")),
            "/apis/wgpolicyk8s.io/v1alpha2/namespaces/ns/policyreports"
        );
    }
}
