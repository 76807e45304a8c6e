//! `AccessRequest`: one person's request for a level of access to a model,
//! in the model's namespace. The spec is what was asked (the requester is
//! always the signed-in identity, never a form field); the status is what
//! happened: reviews, the grant and a history of every change. The spec
//! is immutable once filed (CEL `self == oldSelf`, enforced by the
//! apiserver), and the role a grant binds is pinned in the status at
//! approval (`grantedRoleRef`).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::{CustomResource, KubeSchema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::RoleRef;

/// The message the apiserver gives for any change to a request's spec.
pub const SPEC_IMMUTABLE: &str =
    "an access request's spec is what was asked and is never changed; file a new request instead";

/// The longest justification or review comment, in characters.
pub const MAX_TEXT: usize = crate::wire::access::MAX_TEXT;

/// A request for access to a model.
// Printer columns repeat `type_`, which clippy mistakes for a duplicated attribute.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, KubeSchema, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[kube(
    group = "aigov.dev",
    version = "v1alpha1",
    kind = "AccessRequest",
    namespaced,
    status = "AccessRequestStatus",
    shortname = "accreq",
    shortname = "ar",
    category = "aigov",
    doc = "A request for time-bound access to a Model, with its reviews and grant",
    printcolumn(name = "Requester", type_ = "string", json_path = ".spec.requester"),
    printcolumn(name = "Model", type_ = "string", json_path = ".spec.model"),
    printcolumn(name = "Level", type_ = "string", json_path = ".spec.level"),
    printcolumn(name = "Phase", type_ = "string", json_path = ".status.phase"),
    printcolumn(name = "Role", type_ = "string", json_path = ".status.grantedRoleRef.name"),
    // A `date` column prints `<invalid>` for a time still to come: the end
    // of a grant is printed as the RFC 3339 time it is.
    printcolumn(name = "Expires", type_ = "string", json_path = ".status.expiresAt"),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[x_kube(validation = Rule::new("self == oldSelf").message(SPEC_IMMUTABLE))]
#[serde(rename_all = "camelCase")]
pub struct AccessRequestSpec {
    /// The requester as the identity provider names them.
    #[schemars(length(min = 1, max = 253))]
    pub requester: String,
    /// The Kubernetes user the grant binds (the requester with the cluster's
    /// OIDC prefix).
    #[schemars(length(min = 1, max = 253))]
    pub subject: String,
    /// The Model, in this namespace.
    #[schemars(length(min = 1, max = 253))]
    pub model: String,
    /// The access level, one the model offers.
    #[schemars(length(min = 1, max = 32))]
    pub level: String,
    /// How long access should last once approved, e.g. `8h`.
    #[schemars(regex(pattern = r"^([0-9]{1,6}[smhd]){1,4}$"))]
    pub duration: String,
    /// Why access is needed.
    #[serde(default)]
    #[schemars(length(max = 2000))]
    pub justification: String,
    /// For an extension: the request whose grant this one extends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// Emergency access ("break-glass"): granted at filing, without
    /// approval, and reviewed afterwards (`status.emergencyReview`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub emergency: bool,
    /// A scheduled start: access begins at this moment rather than at
    /// approval, and lasts `duration` from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<Time>,
}

/// Where a request stands.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum Phase {
    /// Waiting for reviews.
    #[default]
    Pending,
    /// Approved with a scheduled start: the grant comes into force at
    /// `spec.startsAt` (then `Active`) and ends at `expiresAt`.
    Scheduled,
    /// Approved: the grant is in force until `expiresAt`.
    Active,
    /// A reviewer denied it.
    Denied,
    /// The grant ran out, or the request waited too long for reviews.
    Expired,
    /// An approver or manager withdrew the grant, or the requester gave it up.
    Revoked,
    /// The requester withdrew it before a decision.
    Cancelled,
}

impl Phase {
    /// Whether nothing more can happen to the request.
    pub fn is_final(self) -> bool {
        !matches!(self, Self::Pending | Self::Scheduled | Self::Active)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Scheduled => "Scheduled",
            Self::Active => "Active",
            Self::Denied => "Denied",
            Self::Expired => "Expired",
            Self::Revoked => "Revoked",
            Self::Cancelled => "Cancelled",
        }
    }
}

/// What happened to a request.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccessRequestStatus {
    #[serde(default)]
    pub phase: Phase,
    /// Every review, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<Review>,
    /// The RoleBinding that carries the grant, while it is in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_binding: Option<String>,
    /// The role the grant binds, as the model's level named it when the
    /// request was approved. The binding is made from this, never from the
    /// model's current level, so a later edit of the model does not change
    /// a grant in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub granted_role_ref: Option<RoleRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub granted_at: Option<Time>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Time>,
    /// Every change, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<HistoryEntry>,
    /// The expiry (an `expiresAt`) the requester has been warned of, so a
    /// restarted or newly elected portal does not warn again; an extension
    /// sets a new `expiresAt`, which is warned of in turn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_warned_for: Option<Time>,
    /// For emergency access: the approver's review of its use, made after
    /// the fact. Absent while the use waits for review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emergency_review: Option<EmergencyReview>,
}

/// An approver's judgement of an emergency access, after the fact.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmergencyReview {
    pub reviewer: String,
    pub verdict: Verdict,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
    pub at: Time,
}

/// Whether an emergency access was warranted.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum Verdict {
    /// The emergency was real and the access fit it.
    Justified,
    /// It was not: the grant, if still in force, was revoked.
    Unjustified,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Justified => "Justified",
            Self::Unjustified => "Unjustified",
        }
    }
}

/// One reviewer's decision.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Review {
    /// The reviewer as the identity provider names them.
    pub reviewer: String,
    pub decision: Decision,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
    pub at: Time,
    /// Set when the reviewer approved their own request (the model allows it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub self_approval: bool,
    /// The approval stage the decision was made at, for a model that
    /// approves in stages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
}

/// A reviewer's decision.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum Decision {
    Approve,
    Deny,
}

/// One change to a request: who did what, when, and why.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub at: Time,
    /// Who acted: a person (identity-provider name) or `aigov` itself.
    pub actor: String,
    /// What happened, e.g. `requested`, `approved`, `granted`, `expired`.
    pub action: String,
    /// The phase after the change.
    pub phase: Phase,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
}

impl AccessRequest {
    /// The request's status, or the status of a request nobody has touched.
    pub fn status_or_default(&self) -> AccessRequestStatus {
        self.status.clone().unwrap_or_default()
    }

    /// The phase, Pending until a status is written.
    pub fn phase(&self) -> Phase {
        self.status
            .as_ref()
            .map(|status| status.phase)
            .unwrap_or_default()
    }
}
