//! What the network and compliance views of a namespace show.

use serde::{Deserialize, Serialize};

use super::network_guardrails::GuardrailsView;

/// One row of the namespaces page: a namespace the person may see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceRow {
    pub name: String,
    pub team: Option<String>,
    pub environment: Option<String>,
}

/// A namespace view, or why the person cannot see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum NamespaceRead<T> {
    Shown(T),
    /// They may not list pods there; `message` says how to get access.
    NoAccess {
        message: String,
    },
}

// ---------------------------------------------------------------- network

/// The network view of one namespace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkView {
    pub namespace: String,
    pub ingress: DefaultDeny,
    pub egress: DefaultDeny,
    pub policies: Vec<PolicyView>,
    pub workloads: Vec<WorkloadNode>,
    /// Flows a policy decides (at least one end is isolated for the
    /// direction), workload to workload or to/from address blocks.
    pub connections: Vec<ConnectionRow>,
    pub picture: Picture,
    /// The answer to "can A reach B on port P?", when asked.
    pub answer: Option<ReachAnswer>,
    /// Kinds the person may not list here, left out of the view.
    pub left_out: Vec<String>,
    /// The cluster-wide guardrails that select pods of this namespace.
    pub guardrails: GuardrailsView,
}

/// How a direction is protected across the namespace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefaultDeny {
    pub status: DenyStatus,
    /// Policies that select every pod and allow nothing in this direction.
    pub deny_all_policies: Vec<String>,
    /// Workloads no policy isolates in this direction.
    pub unprotected: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DenyStatus {
    /// A policy selects every pod and allows nothing by itself.
    DefaultDeny,
    /// No catch-all policy, but every workload is isolated.
    AllIsolated,
    /// Some workloads are isolated, some are not.
    Partial,
    /// No workload is isolated: everything is allowed.
    Open,
    /// No workloads to protect.
    Empty,
}

impl DenyStatus {
    pub fn label(self) -> &'static str {
        match self {
            DenyStatus::DefaultDeny => "Default deny",
            DenyStatus::AllIsolated => "Every workload isolated",
            DenyStatus::Partial => "Partly protected",
            DenyStatus::Open => "Open",
            DenyStatus::Empty => "No workloads",
        }
    }

    /// Whether the direction is protected for every workload.
    pub fn is_protected(self) -> bool {
        matches!(self, DenyStatus::DefaultDeny | DenyStatus::AllIsolated)
    }
}

/// One NetworkPolicy, in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyView {
    pub name: String,
    /// Which pods it applies to, in words.
    pub applies_to: String,
    /// One sentence per direction it isolates, then one per rule.
    pub sentences: Vec<String>,
    pub yaml: String,
    /// Names of the running pods it selects (at most [`POD_NAMES_SHOWN`]).
    pub selected_pods: Vec<String>,
    pub selected_pod_count: usize,
    /// Workloads it selects.
    pub selected_workloads: Vec<String>,
}

/// How many pod names a policy lists before "and N more".
pub const POD_NAMES_SHOWN: usize = 12;

/// A workload of the namespace, as the form and the picture name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkloadNode {
    /// `Kind/name`, the form's value.
    pub key: String,
    pub name: String,
    pub kind: String,
    pub ingress_isolated: bool,
    pub egress_isolated: bool,
}

/// An allowed flow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionRow {
    pub from: String,
    pub to: String,
    pub ports: String,
    /// Guardrails (`Kind/name`) that decided it, when any did.
    pub guardrails: Vec<String>,
    /// Stopped by a guardrail (listed so the page can show what the
    /// guardrails take away); allowed otherwise.
    pub denied: bool,
}

/// The connectivity picture, laid out on the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Picture {
    pub width: f64,
    pub height: f64,
    pub nodes: Vec<PictureNode>,
    pub edges: Vec<PictureEdge>,
    /// Why nothing is drawn (too many workloads), if so.
    pub omitted: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PictureNode {
    pub x: f64,
    pub y: f64,
    pub label: String,
    /// The full name, for the tooltip.
    pub title: String,
    pub external: bool,
    /// Not isolated for ingress: accepts traffic from anywhere.
    pub unprotected: bool,
    pub label_left: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PictureEdge {
    /// SVG path data.
    pub path: String,
    /// `from → to: ports`, for the tooltip.
    pub title: String,
    /// Decided by a guardrail rather than by NetworkPolicies.
    pub guardrail: bool,
    /// Stopped by a guardrail (drawn as a blocked edge).
    pub denied: bool,
}

/// "Can A reach B on port P?" as the form asks it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReachQuestion {
    pub from: String,
    pub to: String,
    pub port: String,
    pub protocol: String,
}

impl ReachQuestion {
    /// Whether the form was filled in at all.
    pub fn is_asked(&self) -> bool {
        !self.from.is_empty() || !self.to.is_empty() || !self.port.is_empty()
    }
}

/// The engine's answer.
// One per page view: boxing the verdict would save nothing that matters.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReachAnswer {
    Verdict {
        allowed: bool,
        /// e.g. `fraud-scorer → fraud-feature-api on TCP/8080`.
        question: String,
        egress: Box<SideVerdict>,
        ingress: Box<SideVerdict>,
    },
    /// The question could not be asked (unknown workload, bad port).
    Invalid { message: String },
}

/// One side's verdict: the source's egress or the destination's ingress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SideVerdict {
    pub allowed: bool,
    /// The deciding layer: `admin`, `networkPolicy`, `baseline`,
    /// `default` or `outside`.
    pub layer: String,
    /// The guardrail rule that decided, in words, when one did (or "a
    /// cluster guardrail" when the person may not read them).
    pub guardrail: Option<String>,
    pub reason: String,
    /// The rules that allow it, e.g. `ingress rule #1 of policy ns/p`.
    pub rules: Vec<String>,
}

// ------------------------------------------------------------- compliance

/// The compliance view of one namespace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplianceView {
    pub namespace: String,
    /// The engine's namespace score; none without workloads.
    pub score: Option<u32>,
    pub workloads: Vec<WorkloadCompliance>,
    /// Every check id that appears, for the filter.
    pub check_ids: Vec<String>,
    pub left_out: Vec<String>,
    /// The policy, environment and exceptions that judged the namespace.
    pub policy: crate::wire::policy::PolicyApplied,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkloadCompliance {
    pub kind: String,
    pub name: String,
    /// `privileged`, `baseline` or `restricted`.
    pub pod_security: String,
    pub score: u32,
    pub checks: Vec<CheckRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckRow {
    pub id: String,
    pub passed: bool,
    /// `critical`, `high`, `medium`, `low` or `info`.
    pub severity: String,
    pub message: String,
    pub remediation: String,
    /// What a failure leads to here: `Audit`, `Warn` or `Deny`.
    pub enforcement: String,
    /// The exception that exempts this failure, if one is in force.
    pub exempted: Option<crate::wire::policy::Exemption>,
}

/// The severities, most serious first.
pub const SEVERITIES: [&str; 5] = ["critical", "high", "medium", "low", "info"];

/// 0 for critical … 4 for info; unknown names rank last.
pub fn severity_rank(severity: &str) -> usize {
    SEVERITIES
        .iter()
        .position(|s| *s == severity)
        .unwrap_or(SEVERITIES.len())
}

/// The compliance filters of the form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ComplianceFilter {
    /// Only checks of this severity or more serious.
    pub severity: Option<String>,
    /// Only this check.
    pub check: Option<String>,
    /// Only workloads with a failed check among those shown.
    pub failing_only: bool,
}

impl ComplianceFilter {
    pub fn shows(&self, check: &CheckRow) -> bool {
        let severity_ok = self
            .severity
            .as_deref()
            .is_none_or(|threshold| severity_rank(&check.severity) <= severity_rank(threshold));
        let check_ok = self.check.as_deref().is_none_or(|id| check.id == id);
        severity_ok && check_ok
    }

    /// The workloads to show, each with the checks to show (failed first,
    /// most serious first).
    pub fn apply<'a>(
        &self,
        workloads: &'a [WorkloadCompliance],
    ) -> Vec<(&'a WorkloadCompliance, Vec<&'a CheckRow>)> {
        workloads
            .iter()
            .filter_map(|workload| {
                let mut checks: Vec<&CheckRow> =
                    workload.checks.iter().filter(|c| self.shows(c)).collect();
                checks.sort_by_key(|c| (c.passed, severity_rank(&c.severity)));
                let failing = checks.iter().any(|c| !c.passed);
                (!self.failing_only || failing).then_some((workload, checks))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(id: &str, passed: bool, severity: &str) -> CheckRow {
        CheckRow {
            id: id.into(),
            passed,
            severity: severity.into(),
            message: String::new(),
            remediation: String::new(),
            enforcement: "Audit".into(),
            exempted: None,
        }
    }

    fn workload(name: &str, checks: Vec<CheckRow>) -> WorkloadCompliance {
        WorkloadCompliance {
            kind: "Deployment".into(),
            name: name.into(),
            pod_security: "baseline".into(),
            score: 50,
            checks,
        }
    }

    #[test]
    fn a_severity_filter_keeps_that_severity_and_more_serious_ones() {
        let filter = ComplianceFilter {
            severity: Some("high".into()),
            ..Default::default()
        };
        assert!(filter.shows(&check("a", false, "critical")));
        assert!(filter.shows(&check("a", false, "high")));
        assert!(!filter.shows(&check("a", false, "medium")));
    }

    #[test]
    fn failing_only_hides_workloads_that_pass_the_shown_checks() {
        let workloads = vec![
            workload("good", vec![check("images.digest", true, "low")]),
            workload(
                "bad",
                vec![
                    check("images.digest", true, "low"),
                    check("pss.baseline.privileged", false, "critical"),
                ],
            ),
        ];
        let filter = ComplianceFilter {
            check: Some("pss.baseline.privileged".into()),
            failing_only: true,
            ..Default::default()
        };
        let shown = filter.apply(&workloads);
        assert_eq!(shown.len(), 1);
        assert_eq!(shown[0].0.name, "bad");
        assert_eq!(shown[0].1.len(), 1);
    }

    #[test]
    fn failed_checks_come_first_most_serious_first() {
        let workloads = vec![workload(
            "w",
            vec![
                check("p", true, "critical"),
                check("l", false, "low"),
                check("c", false, "critical"),
            ],
        )];
        let shown = ComplianceFilter::default().apply(&workloads);
        let ids: Vec<&str> = shown[0].1.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["c", "l", "p"]);
    }
}
