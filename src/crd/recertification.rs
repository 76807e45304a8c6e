//! `Recertification`: a review of standing access ("is this still
//! needed?"), as SOC 2 and ISO 27001 ask for. A manager starts one over a
//! scope (a namespace, a model, an environment or everything they may see)
//! with a deadline; it lists every grant in force made through aigov and
//! every RoleBinding made outside it to a model's roles. Each item is
//! certified or revoked by a reviewer (the model's approvers, or a manager
//! who oversees the namespace); what is left unanswered at the deadline is
//! revoked or reported, as the recertification says. It may recur.
//!
//! Cluster-scoped: the spec is what was asked (immutable), the status the
//! items and who decided what, and when.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::{CustomResource, KubeSchema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::governance_policy::EnvironmentName;

/// The message the apiserver gives for any change to a recertification's
/// spec.
pub const SPEC_IMMUTABLE: &str =
    "a recertification's spec is what was asked and is never changed; start a new one instead";

/// The most items one recertification holds (a status stays well under
/// etcd's object size).
pub const MAX_ITEMS: usize = 2000;

/// A review of standing access, item by item, by a deadline.
// Printer columns repeat `type_`, which clippy mistakes for a duplicated attribute.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, KubeSchema, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[kube(
    group = "aigov.dev",
    version = "v1alpha1",
    kind = "Recertification",
    status = "RecertificationStatus",
    shortname = "recert",
    category = "aigov",
    doc = "A review of standing access to models: each grant certified or revoked by a deadline",
    printcolumn(name = "Started by", type_ = "string", json_path = ".spec.startedBy"),
    printcolumn(name = "Deadline", type_ = "string", json_path = ".spec.deadline"),
    printcolumn(name = "Unanswered", type_ = "string", json_path = ".spec.onDeadline"),
    printcolumn(name = "Phase", type_ = "string", json_path = ".status.phase"),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[x_kube(validation = Rule::new("self == oldSelf").message(SPEC_IMMUTABLE))]
#[serde(rename_all = "camelCase")]
pub struct RecertificationSpec {
    /// What the review is for, in words.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schemars(length(max = 2000))]
    pub description: String,
    /// The manager who started it (or the recertification it recurs from
    /// started it), as the identity provider names them.
    #[schemars(length(min = 1, max = 253))]
    pub started_by: String,
    /// What it covers, as asked.
    #[serde(default)]
    pub scope: RecertificationScope,
    /// The namespaces it covers: those of the scope the manager could see
    /// when it was started. A recurrence covers the same.
    #[schemars(length(max = 500))]
    pub namespaces: Vec<String>,
    /// Namespaces among them whose RoleBindings the manager could not list:
    /// bindings made outside aigov there are not reviewed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 500))]
    pub bindings_hidden: Vec<String>,
    /// When every item should be answered.
    pub deadline: Time,
    /// What happens to items unanswered at the deadline.
    #[serde(default)]
    pub on_deadline: Unanswered,
    /// Starts again this long after this one started (e.g. `90d` for
    /// quarterly), with its deadline as far after this one's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^([0-9]{1,6}[smhd]){1,4}$"))]
    pub every: Option<String>,
    /// The recertification this one recurs from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
}

/// What a recertification covers; all empty is everything the manager may
/// see.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecertificationScope {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schemars(length(max = 63))]
    pub namespace: String,
    /// A model's name (with `namespace`, one model; alone, that name in
    /// every namespace).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schemars(length(max = 253))]
    pub model: String,
    /// The namespaces labelled `aigov.dev/environment` with this value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<EnvironmentName>,
}

/// What happens to items unanswered at the deadline.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, JsonSchema)]
pub enum Unanswered {
    /// They are listed as unanswered; access goes on.
    #[default]
    Report,
    /// Their access is withdrawn.
    Revoke,
}

impl Unanswered {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Report => "Report",
            Self::Revoke => "Revoke",
        }
    }
}

/// Where a recertification stands.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecertificationStatus {
    #[serde(default)]
    pub phase: RecertificationPhase,
    /// What is reviewed, one item per grant or per subject of a binding.
    #[serde(default)]
    pub items: Vec<RecertificationItem>,
    /// When the items were listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed_at: Option<Time>,
    /// When the deadline was applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<Time>,
    /// The recertification that recurs from this one, once started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// Open until the deadline has been applied.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, JsonSchema)]
pub enum RecertificationPhase {
    /// Its items are being listed.
    #[default]
    Listing,
    Open,
    Closed,
}

impl RecertificationPhase {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Listing => "Listing",
            Self::Open => "Open",
            Self::Closed => "Closed",
        }
    }
}

/// One grant under review.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecertificationItem {
    /// Stable within the recertification: `request/<ns>/<name>` or
    /// `binding/<ns>/<binding>/<kind>/<subject>/<model>`.
    pub id: String,
    /// `aigov` (an AccessRequest) or `outside aigov` (a RoleBinding made
    /// by other means).
    pub source: String,
    pub namespace: String,
    pub model: String,
    pub level: String,
    /// The role bound, e.g. `ClusterRole aigov-model-viewer`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub role: String,
    /// The requester (aigov) or the binding's subject.
    pub subject: String,
    /// `User`, `Group` or `ServiceAccount`.
    pub subject_kind: String,
    /// The AccessRequest (aigov).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    pub role_binding: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Time>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Time>,
    /// When the grant was last used, as far as the records go.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used: Option<Time>,
    /// Whether it was an emergency access.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub emergency: bool,
    /// The decision, once made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<ItemDecision>,
}

/// Who decided an item, how, why and when.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ItemDecision {
    pub verdict: ItemVerdict,
    /// The reviewer, or `aigov` at the deadline.
    pub by: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
    pub at: Time,
}

/// How an item ended.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum ItemVerdict {
    /// Still needed: access goes on.
    Certified,
    /// Withdrawn, by a reviewer or at the deadline.
    Revoked,
    /// Not answered by the deadline, and reported (access goes on).
    Unanswered,
}

impl ItemVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Certified => "Certified",
            Self::Revoked => "Revoked",
            Self::Unanswered => "Unanswered",
        }
    }
}
