//! What the model-access pages show of requests (the catalogue is in
//! [`super::catalog`]): a request with
//! its timeline, the person's own access and the approver's inbox. Times are
//! [`Timestamp`]s (RFC 3339 on the wire); "time left" is precomputed in
//! seconds (and in words) by the server at the moment it answered.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

pub use super::catalog::{EmergencyOffer, LevelView, ModelCatalog, ModelDetail, ModelSummary};

/// What a person reads for a request that does not exist, or that they may
/// not see, on its page and as the answer to any action on it: the same
/// words (and status, 404) either way, so neither reveals the other.
pub const REQUEST_NOT_FOUND: &str = "This request does not exist, or you may not see it.";

/// Where a request stands (the `AccessRequest` phase).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub enum PhaseView {
    Pending,
    Scheduled,
    Active,
    Denied,
    Expired,
    Revoked,
    Cancelled,
}

impl PhaseView {
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

    /// The badge class of the phase, one colour per kind of outcome.
    pub fn badge_class(self) -> &'static str {
        match self {
            Self::Pending => "badge badge-pending",
            Self::Scheduled => "badge badge-scheduled",
            Self::Active => "badge badge-active",
            Self::Denied | Self::Revoked => "badge badge-ended-badly",
            Self::Expired | Self::Cancelled => "badge badge-ended",
        }
    }
}

/// A grant in force, briefly (deliberately without a phase: it is Active).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct GrantBrief {
    pub namespace: String,
    /// The request that carries the grant.
    pub name: String,
    pub model: String,
    pub level: String,
    pub expires_at: Option<Timestamp>,
    pub time_left_seconds: Option<u64>,
    pub time_left_words: Option<String>,
}

/// A request not yet in force, briefly: pending, or approved with a
/// scheduled start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct PendingBrief {
    pub namespace: String,
    pub name: String,
    pub level: String,
    pub duration: String,
    /// Set once approved with a scheduled start: when access begins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_start: Option<jiff::Timestamp>,
}

/// The review of an emergency use.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct EmergencyReviewView {
    pub reviewer: String,
    /// Whether the use was judged justified.
    pub justified: bool,
    pub comment: String,
    pub at: Timestamp,
}

/// A reviewer's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub enum DecisionView {
    Approve,
    Deny,
}

/// One review of a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ReviewView {
    pub reviewer: String,
    pub decision: DecisionView,
    pub comment: String,
    pub at: Timestamp,
    pub self_approval: bool,
    /// The approval stage it was given at, for a model approving in stages.
    #[serde(default)]
    pub stage: Option<String>,
}

/// Where a stage of approval stands for a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub enum StageState {
    /// It has its approvals.
    Done,
    /// Its approvers decide now.
    Open,
    /// It opens once the stages before it are done.
    Waiting,
}

/// One stage of approval of a request, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct StageView {
    pub name: String,
    /// Who decides at it, in words.
    pub approvers: String,
    pub approvals: u32,
    pub required: u32,
    pub state: StageState,
}

/// What the viewer may do with a request; the server checks again on every
/// action.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct RequestActions {
    pub review: bool,
    pub cancel: bool,
    pub relinquish: bool,
    pub revoke: bool,
    pub extend: bool,
    /// The durations an extension may ask for (when `extend`).
    pub extend_choices: Vec<String>,
    /// Whether a review must carry a comment (the model asks for one).
    #[serde(default)]
    pub review_comment_required: bool,
    /// Whether the viewer may review this emergency use.
    #[serde(default)]
    pub review_use: bool,
}

impl RequestActions {
    pub fn any(&self) -> bool {
        self.review
            || self.cancel
            || self.relinquish
            || self.revoke
            || self.extend
            || self.review_use
    }
}

/// A request as lists and the detail page show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct RequestSummary {
    pub namespace: String,
    pub name: String,
    pub requester: String,
    pub model: String,
    /// The model's display name; the model's name when it is gone.
    pub model_display_name: String,
    /// The model's data classification, when the model still exists.
    pub classification: Option<String>,
    pub level: String,
    /// The duration asked for (`8h`).
    pub duration: String,
    pub justification: String,
    /// For an extension: the request whose grant it extends.
    pub extends: Option<String>,
    pub phase: PhaseView,
    pub created_at: Option<Timestamp>,
    pub granted_at: Option<Timestamp>,
    pub expires_at: Option<Timestamp>,
    /// Seconds the grant has left (Active only; zero once due).
    pub time_left_seconds: Option<u64>,
    pub time_left_words: Option<String>,
    pub approvals: u32,
    /// The approvals the rules that apply now ask for (the model's, or
    /// more where the governance policy of its environment asks more).
    pub required_approvals: u32,
    /// The rules that apply to the request now, in a sentence naming who
    /// set them (see [`ModelSummary::access_rules`]).
    #[serde(default)]
    pub access_rules: String,
    pub reviews: Vec<ReviewView>,
    pub role_binding: Option<String>,
    pub actions: RequestActions,
    /// When the grant was last used to call the model or read its logs
    /// (none when never, as far as the records go).
    #[serde(default)]
    pub last_used: Option<Timestamp>,
    /// Emergency access: granted without approval, reviewed afterwards.
    #[serde(default)]
    pub emergency: bool,
    /// For emergency access: the review of its use, once made.
    #[serde(default)]
    pub emergency_review: Option<EmergencyReviewView>,
    /// A scheduled start: access begins then, not at approval.
    #[serde(default)]
    pub starts_at: Option<Timestamp>,
    /// The model's stages of approval, in order (none when it has none).
    #[serde(default)]
    pub stages: Vec<StageView>,
}

/// One change in a request's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct HistoryView {
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    pub phase: PhaseView,
    pub comment: String,
}

/// The request page: the request and its timeline, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct RequestDetail {
    pub request: RequestSummary,
    pub history: Vec<HistoryView>,
    /// The requests that extend this one, oldest first: pending, in force
    /// (continuing it) or ended.
    #[serde(default)]
    pub extended_by: Vec<ExtensionLink>,
}

/// A request that extends another, as the extended one's page links it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ExtensionLink {
    pub name: String,
    pub phase: PhaseView,
    pub expires_at: Option<Timestamp>,
}

/// The viewer's own requests, by where they stand.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct MyAccess {
    /// Waiting for reviews, newest first.
    pub pending: Vec<RequestSummary>,
    /// Grants in force, soonest to expire first.
    pub active: Vec<RequestSummary>,
    /// Everything that ended, newest first.
    pub history: Vec<RequestSummary>,
}

/// The most models requested at once.
pub const MAX_MODELS_AT_ONCE: usize = 20;

/// The longest justification or review comment the portal takes, in
/// characters (forms say so before the server refuses more).
pub const MAX_TEXT: usize = 2000;

/// What requesting several models at once came to: a request filed for
/// each model that took it, each then decided on its own.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct RequestedMany {
    pub filed: Vec<RequestSummary>,
    /// `namespace/model` of each refused, with the reason.
    pub refused: Vec<crate::wire::inbox::BulkRefusal>,
}

/// A request in the approver's inbox, with what the decision needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct InboxItem {
    pub request: RequestSummary,
    pub level_description: String,
    /// The role the level binds, e.g. `ClusterRole aigov-model-viewer`.
    pub role: String,
    /// What the grant would permit, in plain words.
    pub permits: Vec<String>,
    /// The requester's grants in force, on any model.
    pub requester_grants: Vec<GrantBrief>,
}

/// `text` with its first letter in upper case, for the start of a sentence.
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A number of things, with its noun in the right form ("1 model", "3 models").
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_use_the_singular_for_one_only() {
        assert_eq!(count(1, "model", "models"), "1 model");
        assert_eq!(count(0, "model", "models"), "0 models");
        assert_eq!(count(2, "model", "models"), "2 models");
    }

    #[test]
    fn times_cross_the_wire_as_rfc3339_text() {
        let entry = HistoryView {
            at: "2027-01-15T07:59:50Z".parse().unwrap(),
            actor: "alice".into(),
            action: "requested".into(),
            phase: PhaseView::Pending,
            comment: String::new(),
        };
        let text = serde_json::to_string(&entry).unwrap();
        assert!(text.contains(r#""at":"2027-01-15T07:59:50Z""#), "{text}");
        assert_eq!(serde_json::from_str::<HistoryView>(&text).unwrap(), entry);
    }

    #[test]
    fn phases_serialise_as_their_kubernetes_names() {
        assert_eq!(
            serde_json::to_string(&PhaseView::Active).unwrap(),
            "\"Active\""
        );
        assert_eq!(PhaseView::Cancelled.as_str(), "Cancelled");
    }
}
