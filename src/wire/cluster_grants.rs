//! What the access overview shows: who holds access to which model, made
//! through aigov or outside it, what expires soon, what has been held or
//! waited on longest, and how quickly approvers answer. Times are
//! [`Timestamp`]s (RFC 3339 on the wire) with their distance from now in
//! words, computed by the server.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Where a grant comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GrantSource {
    /// An approved AccessRequest and the RoleBinding aigov made for it.
    #[serde(rename = "aigov")]
    Aigov,
    /// A RoleBinding someone made by hand (or another tool) that binds one
    /// of a model's access-level roles in the model's namespace.
    #[serde(rename = "outside aigov")]
    Outside,
}

impl GrantSource {
    pub fn as_str(self) -> &'static str {
        match self {
            GrantSource::Aigov => "aigov",
            GrantSource::Outside => "outside aigov",
        }
    }
}

/// One person's (or group's) access to one model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GrantRow {
    pub source: GrantSource,
    /// The requester (aigov) or the binding's subject name (outside).
    pub subject: String,
    /// `User`, `Group` or `ServiceAccount`.
    pub subject_kind: String,
    pub model: String,
    pub model_display_name: String,
    pub namespace: String,
    /// The access level (outside: the level whose role is bound).
    pub level: String,
    /// The role bound, e.g. `ClusterRole aigov-model-viewer`.
    pub role: String,
    /// Who approved (aigov grants).
    pub approved_by: Vec<String>,
    /// When access began: the grant (aigov) or the binding's creation.
    pub since: Option<Timestamp>,
    pub held_words: Option<String>,
    pub held_seconds: Option<u64>,
    pub expires_at: Option<Timestamp>,
    pub time_left_seconds: Option<u64>,
    pub time_left_words: Option<String>,
    /// The AccessRequest (aigov grants).
    pub request: Option<String>,
    pub role_binding: String,
    /// When the grant was last used to call the model or read its logs
    /// (aigov grants; none when never, as far as the records go).
    #[serde(default)]
    pub last_used: Option<Timestamp>,
    /// Whether the grant has been held longer than `--unused-grant-days`
    /// without being used for that long: a candidate to revoke.
    #[serde(default)]
    pub unused: bool,
    /// For emergency access (granted without approval): where its review
    /// stands, in words ("awaiting review", "justified by bob").
    #[serde(default)]
    pub emergency: Option<String>,
}

/// A request waiting for reviews.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingRow {
    pub namespace: String,
    pub request: String,
    pub requester: String,
    pub model: String,
    pub level: String,
    pub created_at: Option<Timestamp>,
    pub waiting_seconds: u64,
    pub waiting_words: String,
    pub approvals: u32,
    pub required_approvals: u32,
}

/// How quickly one approver decides: from a request's creation to their
/// review of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApproverTimes {
    pub approver: String,
    pub decisions: usize,
    pub approvals: usize,
    pub denials: usize,
    pub median_seconds: u64,
    pub median_words: String,
    pub slowest_seconds: u64,
    pub slowest_words: String,
}

/// The filters as the query string carried them (empty: any); a filter
/// left out of the query is empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GrantsFilterValues {
    pub model: String,
    pub namespace: String,
    pub user: String,
}

/// The access overview.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterGrants {
    pub filter: GrantsFilterValues,
    /// Model names and namespaces the viewer may see, for the filters.
    pub models: Vec<String>,
    pub namespaces: Vec<String>,
    /// Grants made through aigov, soonest to end first.
    pub grants: Vec<GrantRow>,
    /// Bindings of models' roles made outside aigov.
    pub outside: Vec<GrantRow>,
    /// aigov grants ending within a day, and within a week (but not a day).
    pub expiring_day: Vec<GrantRow>,
    pub expiring_week: Vec<GrantRow>,
    /// aigov grants held longest, longest first.
    pub longest_held: Vec<GrantRow>,
    /// Requests waiting longest, longest first.
    pub pending_longest: Vec<PendingRow>,
    /// Per approver, most decisions first.
    pub approvers: Vec<ApproverTimes>,
    /// Whether the viewer's RBAC hides the requests of some namespaces.
    pub limited: bool,
    /// Namespaces whose RoleBindings the viewer may not list.
    pub bindings_hidden: Vec<String>,
    /// The filters as a query string, for the exports.
    pub export_query: String,
    /// When this was computed.
    pub generated_at: Timestamp,
}
