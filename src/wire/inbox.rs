//! The approver's inbox at scale: its filters and order (from the page's
//! query, so they work without JavaScript), and what a decision on several
//! requests at once came to.

use serde::{Deserialize, Serialize};

/// The inbox's filters; empty is "any".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct InboxFilter {
    /// A model's name or display name, or part of it (any case).
    pub model: String,
    pub namespace: String,
    /// The requester, or part of the name (any case).
    pub requester: String,
    /// `oldest` (the default), `newest` or `expiring`.
    pub sort: String,
}

/// The order of the inbox.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InboxSort {
    /// Waiting longest first: first come, first served.
    #[default]
    Oldest,
    Newest,
    /// What stops waiting soonest first: a request about to time out, or
    /// an extension whose grant is about to end.
    Expiring,
}

impl InboxSort {
    pub const ALL: [InboxSort; 3] = [InboxSort::Oldest, InboxSort::Newest, InboxSort::Expiring];

    /// The order `text` names; anything else is the default.
    pub fn parse(text: &str) -> InboxSort {
        let text = text.trim();
        Self::ALL
            .into_iter()
            .find(|sort| sort.as_str() == text)
            .unwrap_or(InboxSort::Oldest)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            InboxSort::Oldest => "oldest",
            InboxSort::Newest => "newest",
            InboxSort::Expiring => "expiring",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            InboxSort::Oldest => "Waiting longest",
            InboxSort::Newest => "Newest",
            InboxSort::Expiring => "Ending soonest",
        }
    }
}

impl InboxFilter {
    /// Whether any filter narrows the inbox.
    pub fn narrows(&self) -> bool {
        [&self.model, &self.namespace, &self.requester]
            .iter()
            .any(|value| !value.trim().is_empty())
    }
}

/// The most requests decided at once.
pub const MAX_BULK: usize = 50;

/// What deciding several requests at once came to: each was decided on its
/// own, as the person, and recorded on its own.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct BulkOutcome {
    /// `namespace/name` of each request decided.
    pub decided: Vec<String>,
    /// Those refused, each with the reason.
    pub refused: Vec<BulkRefusal>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct BulkRefusal {
    /// `namespace/name`.
    pub request: String,
    pub message: String,
}
