//! What the recertification pages show: reviews of standing access, their
//! progress, and the items a person may see and answer. Every permission
//! flag is decided by the server.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// One recertification as a list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct RecertificationSummary {
    pub name: String,
    pub description: String,
    /// The scope in words, e.g. "namespace fraud-detection".
    pub scope: String,
    pub started_by: String,
    pub started_at: Option<Timestamp>,
    pub deadline: Timestamp,
    /// "in 3 days", "2 hours ago".
    pub deadline_words: String,
    /// `Revoke` or `Report`.
    pub on_deadline: String,
    /// e.g. `90d`, when it recurs.
    pub every: Option<String>,
    /// `Listing`, `Open` or `Closed`.
    pub phase: String,
    pub progress: ProgressView,
    /// Items still open that this person may answer.
    pub yours: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
}

/// How far a review has come, over the items this person sees.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ProgressView {
    pub total: usize,
    pub certified: usize,
    pub revoked: usize,
    pub unanswered: usize,
    pub open: usize,
}

/// The recertifications page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct RecertificationList {
    pub reviews: Vec<RecertificationSummary>,
    /// Whether this person may start one (a manager whose RBAC lets them
    /// create recertifications).
    pub may_start: bool,
}

/// One recertification with its items.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct RecertificationDetail {
    pub summary: RecertificationSummary,
    pub items: Vec<ItemView>,
    /// Whether this person sees every item (a manager who oversees its
    /// namespaces) or only those they answer.
    pub sees_all: bool,
    /// Namespaces whose bindings made outside aigov are not reviewed.
    pub bindings_hidden: Vec<String>,
}

/// One item under review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ItemView {
    pub id: String,
    /// `aigov` or `outside aigov`.
    pub source: String,
    pub namespace: String,
    pub model: String,
    pub level: String,
    pub role: String,
    pub subject: String,
    pub subject_kind: String,
    pub request: Option<String>,
    pub role_binding: String,
    pub since: Option<Timestamp>,
    pub expires_at: Option<Timestamp>,
    pub last_used: Option<Timestamp>,
    pub emergency: bool,
    /// Who answers it, in words.
    pub reviewers: String,
    pub decision: Option<DecisionView>,
    /// Whether this person may answer it now.
    pub may_answer: bool,
}

/// An item's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct DecisionView {
    /// `Certified`, `Revoked` or `Unanswered`.
    pub verdict: String,
    pub by: String,
    pub comment: String,
    pub at: Timestamp,
}
