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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
