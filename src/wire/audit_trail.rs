//! What the audit trail page shows: one page of access events, newest
//! first, with the filters as typed, any problem with them in words, and
//! the links to the other pages and the exports (built by the server).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// One change to one access request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    /// RFC 3339, UTC, on the wire.
    pub at: Timestamp,
    /// The person who acted, or `aigov` for the portal itself.
    pub actor: String,
    /// `requested`, `approved`, `denied`, `granted`, `expired`, …
    pub action: String,
    /// The request's phase after the change.
    pub phase: String,
    pub requester: String,
    pub model: String,
    pub namespace: String,
    pub level: String,
    /// The request's name (in `namespace`).
    pub request: String,
    pub comment: String,
    /// How the request left the cluster: `deleted`, or `removed` by the
    /// retention of settled requests; empty while it is in the cluster.
    /// Its events then come from the durable access records.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub request_gone: String,
    /// How long ago, in words, when the page was made (pages only).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ago: String,
}

/// The filters as the query string carried them (empty: any); a filter
/// left out of the query is empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditFilterValues {
    /// Actor or requester.
    pub user: String,
    pub model: String,
    pub namespace: String,
    pub action: String,
    /// `YYYY-MM-DD`, UTC, inclusive.
    pub from: String,
    /// `YYYY-MM-DD`, UTC, inclusive.
    pub to: String,
}

/// A link to one page of a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageLink {
    pub number: usize,
    pub href: String,
    pub current: bool,
}

/// Where the shown page sits in the whole list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pagination {
    /// 1-based.
    pub page: usize,
    pub pages: usize,
    /// 1-based position of the first and last item shown (0 when none).
    pub first: usize,
    pub last: usize,
    pub total: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
    /// Links to pages around the current one, with the first and last.
    pub links: Vec<PageLink>,
}

/// The choices the filters offer, from what the viewer may see.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditChoices {
    pub models: Vec<String>,
    pub namespaces: Vec<String>,
    pub actions: Vec<String>,
}

/// One page of the audit trail.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditTrail {
    pub filter: AuditFilterValues,
    /// What is wrong with the filters, in words; no events are shown then.
    pub problems: Vec<String>,
    pub events: Vec<AuditEvent>,
    pub pagination: Pagination,
    /// Events the viewer may see before filtering.
    pub total_visible: usize,
    pub choices: AuditChoices,
    /// The filters as a query string (without the page), for the exports.
    pub export_query: String,
    /// Whether the viewer's RBAC hides the requests of some namespaces.
    pub limited: bool,
}
