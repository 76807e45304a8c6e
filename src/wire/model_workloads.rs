//! What the model page shows of the model itself: the workloads its
//! `workloadSelector` names, their compliance, who may reach them over the
//! network, and who holds a grant to it now.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::namespace::{CheckRow, NamespaceRead};
use super::url_words::encode;

/// The model's own section of its page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelWorkloadsView {
    pub namespace: String,
    pub model: String,
    /// The workloads as the person may see them, or the request-access
    /// notice when they may not list pods in the namespace.
    pub running: NamespaceRead<RunningWorkloads>,
    /// Grants in force the person may see, soonest to end first.
    pub grants: Vec<GrantHolder>,
}

/// The workloads the model names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunningWorkloads {
    /// The selector in words (`aigov.dev/model=fraud-scorer`); `None` when
    /// the model names no workloads.
    pub selector: Option<String>,
    pub workloads: Vec<ModelWorkload>,
    /// Kinds the person may not list, and so were left out.
    pub left_out: Vec<String>,
}

/// One workload of the model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelWorkload {
    pub kind: String,
    pub name: String,
    /// The Pod Security level it meets: `privileged`, `baseline` or
    /// `restricted`.
    pub pod_security: String,
    pub score: u32,
    /// How many checks ran.
    pub checks: usize,
    /// The checks it fails, most serious first.
    pub failed: Vec<CheckRow>,
    pub reach: Reach,
    /// Its logs on the namespace's logs page.
    pub logs_url: String,
}

/// Who may open connections to a workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Reach {
    /// No NetworkPolicy isolates it for ingress: every pod of every
    /// namespace and every address, on any port.
    AnySource,
    /// Policies isolate it and none of their rules lets anything in.
    Nothing { policies: Vec<String> },
    /// Only what the rules of `policies` let in.
    Limited {
        policies: Vec<String>,
        /// Each ingress rule in words.
        rules: Vec<ReachRule>,
        /// The workloads of the namespace that may connect, and on which
        /// ports (their own egress policies agreeing).
        workloads: Vec<ReachPeer>,
    },
}

/// One ingress rule in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReachRule {
    /// `namespace/name` of its NetworkPolicy.
    pub policy: String,
    /// Whom it lets in, e.g. `pods with app=gateway in the namespaces with team=llm`.
    pub from: String,
    /// On which ports, e.g. `TCP port 8080`.
    pub ports: String,
}

/// A workload allowed in, and on which ports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReachPeer {
    pub kind: String,
    pub name: String,
    pub ports: String,
}

/// Someone holding a grant to the model now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantHolder {
    /// The request that granted it, in the model's namespace.
    pub request: String,
    pub requester: String,
    pub level: String,
    pub expires_at: Option<Timestamp>,
    pub time_left_words: Option<String>,
}

/// The logs page of `namespace`, showing every pod of the workload when
/// the logs page can select its kind, else the namespace's logs.
pub fn logs_url(namespace: &str, kind: &str, name: &str) -> String {
    let page = format!("/namespaces/{}/logs", encode(namespace));
    if crate::wire::logs::WorkloadRef::parse(&format!("{kind}/{name}")).is_some() {
        format!("{page}?workload={}", encode(&format!("{kind}/{name}")))
    } else {
        page
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deployment_s_logs_select_its_pods_and_other_kinds_open_the_namespace_s_logs() {
        assert_eq!(
            logs_url("fraud-detection", "Deployment", "fraud-scorer"),
            "/namespaces/fraud-detection/logs?workload=Deployment%2Ffraud-scorer"
        );
        assert_eq!(
            logs_url("fraud-detection", "DaemonSet", "agent"),
            "/namespaces/fraud-detection/logs"
        );
    }
}
