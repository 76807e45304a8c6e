//! A call of a model as the page shows it, and whether a model's endpoint
//! answers.

use serde::{Deserialize, Serialize};

/// The answer to one call made through the portal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallAnswer {
    /// The HTTP status the person got (the model's, or the portal's when
    /// the call did not reach the model).
    pub status: u16,
    /// Whether the model answered (a status below 400).
    pub answered: bool,
    /// What came back: the model's JSON, indented, or the portal's words.
    pub body: String,
    /// How long the call took, in milliseconds.
    pub latency_ms: u64,
    /// The grant (request name) that allowed it.
    pub grant: Option<String>,
}

/// Whether a model's endpoint answers, as last checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub enum EndpointState {
    /// The model declares no Service (`spec.serving`).
    NotDeclared,
    /// Its readiness path answered with a success status.
    Answering { latency_ms: u64 },
    /// It did not, and why.
    NotAnswering { reason: String },
}

impl EndpointState {
    /// Words for a badge.
    pub fn words(&self) -> &'static str {
        match self {
            Self::NotDeclared => "No endpoint declared",
            Self::Answering { .. } => "Endpoint answers",
            Self::NotAnswering { .. } => "Endpoint not answering",
        }
    }

    /// A CSS modifier for the badge.
    pub fn tone(&self) -> &'static str {
        match self {
            Self::NotDeclared => "neutral",
            Self::Answering { .. } => "ok",
            Self::NotAnswering { .. } => "bad",
        }
    }
}

/// A model's use as its page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelUseView {
    pub namespace: String,
    pub model: String,
    /// Whether its endpoint answers.
    pub endpoint: EndpointState,
    /// Whether the viewer may call it now (a grant of `services/proxy` on
    /// its Service, as Kubernetes answers for them).
    pub may_call: bool,
    /// An example of the model's input, for the "Try it" panel.
    pub example_input: String,
    /// Calls per day, the latest [`USE_DAYS`] days, oldest first.
    pub days: Vec<DayCalls>,
    /// Per person; everyone's when the viewer may read the model's use
    /// records, otherwise only their own.
    pub people: Vec<PersonCalls>,
    /// Whether `people` holds everyone's.
    pub everyone: bool,
    /// The latest masked samples (none for Confidential and Restricted
    /// models, and none unless `everyone`).
    pub samples: Vec<CallSample>,
    /// Whether samples are kept for this model at all.
    pub samples_kept: bool,
}

/// How many days of calls the model page shows.
pub const USE_DAYS: usize = 14;

/// The calls of one day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DayCalls {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub calls: i64,
    pub failed: i64,
    pub refused: i64,
}

/// One person's use of a model over the days shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonCalls {
    /// As the identity provider names them (without the cluster's prefix).
    pub person: String,
    pub calls: i64,
    pub answered: i64,
    pub refused: i64,
    pub failed: i64,
    /// Through the portal, the apiserver's service proxy, pod log reads.
    pub through_portal: i64,
    pub through_service_proxy: i64,
    pub log_reads: i64,
    /// Mean latency in milliseconds (0 when unknown).
    pub mean_latency_ms: i64,
    pub last_used: jiff::Timestamp,
}

/// One masked sample of a call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallSample {
    pub at: jiff::Timestamp,
    pub person: String,
    pub status: i32,
    pub text: String,
}
