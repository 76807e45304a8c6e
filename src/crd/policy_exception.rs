//! `PolicyException`: a request, in a namespace, to exempt some workloads
//! from some governance rules for a while. Filed and decided in the portal
//! like an [`AccessRequest`](super::AccessRequest): the spec is what was
//! asked (immutable), the status what was decided. Only an `Active`
//! exception before its `expiresAt` exempts anything: pages and reports
//! show the exempted findings as exempted, and the admission policies skip
//! the workloads it names.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::{CustomResource, KubeSchema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::access_request::{HistoryEntry, Phase, Review};

/// The message the apiserver gives for any change to an exception's spec.
pub const SPEC_IMMUTABLE: &str = "a policy exception's spec is what was asked and is never changed; file a new exception instead";

/// The longest an exception may last.
pub const MAX_DAYS: u64 = 90;

/// An exemption of some workloads from some governance rules, until it
/// expires.
// Printer columns repeat `type_`, which clippy mistakes for a duplicated attribute.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, KubeSchema, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[kube(
    group = "aigov.dev",
    version = "v1alpha1",
    kind = "PolicyException",
    namespaced,
    status = "PolicyExceptionStatus",
    shortname = "polex",
    category = "aigov",
    doc = "Exempts named workloads from governance rules, approved and until it expires",
    printcolumn(name = "Requester", type_ = "string", json_path = ".spec.requester"),
    printcolumn(name = "Rules", type_ = "string", json_path = ".spec.rules"),
    printcolumn(name = "Phase", type_ = "string", json_path = ".status.phase"),
    // A time still to come, so a string: a `date` column prints `<invalid>`.
    printcolumn(name = "Expires", type_ = "string", json_path = ".status.expiresAt"),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[x_kube(validation = Rule::new("self == oldSelf").message(SPEC_IMMUTABLE))]
#[serde(rename_all = "camelCase")]
pub struct PolicyExceptionSpec {
    /// The requester as the identity provider names them.
    #[schemars(length(min = 1, max = 253))]
    pub requester: String,
    /// The workloads exempted.
    pub workloads: ExemptedWorkloads,
    /// The check ids exempted, e.g. `pss.baseline.privileged`.
    #[schemars(length(min = 1, max = 40))]
    pub rules: Vec<String>,
    /// Why the exception is needed.
    #[schemars(length(min = 1, max = 2000))]
    pub reason: String,
    /// How long the exception lasts once approved, e.g. `7d` (at most 90
    /// days).
    #[schemars(regex(pattern = r"^([0-9]{1,6}[smhd]){1,4}$"))]
    pub duration: String,
}

/// Which workloads: by name, or by the labels of their pods. Exactly one.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, KubeSchema)]
#[x_kube(
    validation = Rule::new("(size(self.names) > 0) != (size(self.matchLabels) > 0)")
        .message("name the workloads or give labels to select them, not both and not neither")
)]
#[serde(rename_all = "camelCase")]
pub struct ExemptedWorkloads {
    /// Workload names (Deployment, StatefulSet, DaemonSet, Job, CronJob or
    /// Pod) in the exception's namespace; their pods are exempted with them.
    #[serde(default)]
    #[schemars(length(max = 20))]
    pub names: Vec<String>,
    /// Labels every exempted pod (template) carries.
    #[serde(default)]
    pub match_labels: BTreeMap<String, String>,
}

/// What was decided.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PolicyExceptionStatus {
    #[serde(default)]
    pub phase: Phase,
    /// Every review, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<Review>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_at: Option<Time>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Time>,
    /// Every change, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<HistoryEntry>,
}

impl PolicyException {
    /// The phase, Pending until a status is written.
    pub fn phase(&self) -> Phase {
        self.status
            .as_ref()
            .map(|status| status.phase)
            .unwrap_or_default()
    }
}
