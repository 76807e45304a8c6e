//! Use of a model: one call through the portal, through the apiserver's
//! service proxy, or one read of a model's pod logs, as plain data. The
//! server records each [`Use`] (`server::usage`); the pages summarise them.

pub mod apiserver_audit;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// How a model was used.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    /// `POST /models/{ns}/{name}/invoke`: the portal authorised and forwarded it.
    Portal,
    /// The apiserver's service proxy (`services/proxy`), seen in its audit events.
    ServiceProxy,
    /// A read of one of the model's pods' logs (`pods/log`), seen in the
    /// apiserver's audit events.
    PodLogs,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Portal => "portal",
            Self::ServiceProxy => "service-proxy",
            Self::PodLogs => "pod-logs",
        }
    }
}

/// How a use ended.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// The model (or the apiserver) answered: a status below 400.
    Answered,
    /// Kubernetes refused it (401, 403): the person holds no grant.
    Refused,
    /// The model failed, was unreachable or too slow, or the call was
    /// malformed (any other status of 400 and above).
    Failed,
}

impl Outcome {
    /// The outcome an HTTP status stands for.
    pub fn of_status(status: u16) -> Self {
        match status {
            0..=399 => Self::Answered,
            401 | 403 => Self::Refused,
            _ => Self::Failed,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Answered => "answered",
            Self::Refused => "refused",
            Self::Failed => "failed",
        }
    }
}

/// One use of one model by one person.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Use {
    /// The model's namespace.
    pub namespace: String,
    /// The model's name.
    pub model: String,
    /// The person, as Kubernetes knows them (e.g. `oidc:alice`).
    pub subject: String,
    /// When it started.
    pub at: Timestamp,
    pub channel: Channel,
    pub outcome: Outcome,
    /// The HTTP status of the answer (0 when there was none).
    pub status: u16,
    /// How long it took, in milliseconds (0 when unknown).
    pub latency_ms: u64,
    /// Size of what was sent, in bytes (0 when unknown).
    pub request_bytes: u64,
    /// Size of the answer, in bytes (0 when unknown).
    pub response_bytes: u64,
    /// The request (grant) in force that allowed it, when known.
    pub grant: Option<String>,
    /// A short, masked sample of what was sent; never kept for
    /// `Confidential` or `Restricted` models.
    pub sample: Option<String>,
    /// An id that makes recording idempotent (the apiserver's audit ID).
    pub id: Option<String>,
}

pub mod day;
pub mod mask;
