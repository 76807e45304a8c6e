//! The model catalogue as the pages and the API show it: each model with
//! its levels, who approves, its rules in words, and the viewer's own
//! access to it.

use serde::{Deserialize, Serialize};

use super::access::{GrantBrief, PendingBrief};

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
