//! What the model-access pages show: the catalog, a model, a request with
//! its timeline, the person's own access and the approver's inbox. Times are
//! [`Timestamp`]s (RFC 3339 on the wire); "time left" is precomputed in
//! seconds (and in words) by the server at the moment it answered.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

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

/// One access level of a model, with what a grant of it permits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct LevelView {
    pub name: String,
    pub description: String,
    /// The role a grant binds, e.g. `ClusterRole aigov-model-viewer`.
    pub role: String,
    /// The role's rules in plain words; empty when the role could not be read.
    pub permits: Vec<String>,
    /// Why this level cannot be requested (its role is not one grants may
    /// bind, or does not exist): the model is misconfigured. `None` when
    /// it can.
    #[serde(default)]
    pub unavailable: Option<String>,
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

/// A pending request, briefly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct PendingBrief {
    pub namespace: String,
    pub name: String,
    pub level: String,
    pub duration: String,
}

/// A model in the catalog, as the viewer sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ModelSummary {
    pub namespace: String,
    pub name: String,
    pub display_name: String,
    pub description: String,
    pub owner_team: String,
    /// Public, Internal, Confidential or Restricted.
    pub classification: String,
    pub levels: Vec<LevelView>,
    /// Who may approve, in words ("members of fraud-leads, or bob").
    pub approvers: String,
    pub required_approvals: u32,
    /// The longest grant as the model declares it (`8h`) …
    pub max_duration: String,
    /// … and in words (`8h`, `1h 30m`).
    pub max_duration_words: String,
    pub justification_required: bool,
    /// What a justification must look like, in the model owners' words
    /// (or the pattern itself), when the model sets a form for it.
    #[serde(default)]
    pub justification_form: Option<String>,
    /// Whether approvers must say why they approve or deny.
    #[serde(default)]
    pub approver_comment_required: bool,
    pub allow_self_approval: bool,
    /// Whether the viewer is one of the model's approvers.
    pub viewer_may_review: bool,
    /// The viewer's grants in force on this model.
    pub my_grants: Vec<GrantBrief>,
    /// The viewer's requests for this model waiting for a decision.
    pub my_pending: Vec<PendingBrief>,
    /// Whether the model's endpoint answers, as last checked.
    #[serde(default)]
    pub endpoint: Option<crate::wire::model_calls::EndpointState>,
    /// The rules requests are held to, in a sentence that names the
    /// environment and the governance policy that set them ("Production
    /// namespace: 2 approvals, at most 8h, … — governance policy
    /// ai-production"); the numbers above are those rules already.
    #[serde(default)]
    pub access_rules: String,
    /// Each rule with who set it: the model or a governance policy.
    #[serde(default)]
    pub access_rule_sources: Vec<String>,
    /// Emergency access, when the model offers it and the rules that
    /// apply allow it.
    #[serde(default)]
    pub emergency: Option<EmergencyOffer>,
}

/// A model's emergency access ("break-glass"), as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct EmergencyOffer {
    /// Who may activate it, in words ("members of group llm-team").
    pub who: String,
    /// The levels it may grant.
    pub levels: Vec<String>,
    /// The longest emergency grant, in words.
    pub longest_words: String,
    /// The durations its form offers, shortest first.
    pub duration_choices: Vec<String>,
    /// Whether the viewer may activate it.
    pub viewer_may_activate: bool,
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

/// The catalog page: the models matching the filters, and the choices the
/// filters offer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ModelCatalog {
    pub models: Vec<ModelSummary>,
    /// How many models exist before filtering.
    pub total: usize,
    /// Every owner team, sorted, for the team filter.
    pub teams: Vec<String>,
    /// Every classification that occurs, least sensitive first.
    pub classifications: Vec<String>,
}

/// One model's page: the model and how long a request may ask for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ModelDetail {
    pub model: ModelSummary,
    /// Durations offered by the request form, shortest first, none longer
    /// than the model's maximum (which is always offered).
    pub duration_choices: Vec<String>,
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
