//! `ModelUsage`: the evidence of one model's use on one day (UTC), in the
//! model's namespace: per person, how often they called it and how, with
//! what outcome, and under which grants; and, for models whose data is
//! neither `Confidential` nor `Restricted`, a few short masked samples of
//! what was sent. The portal adds what it saw at most once a minute per
//! model and day (every replica adds its own, with optimistic concurrency),
//! so a busy model costs the apiserver one write a minute, not one a call.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How many people one day's record lists; uses by more are counted in
/// `others`.
pub const MAX_PEOPLE: usize = 500;
/// How many samples one day's record keeps (the latest).
pub const MAX_SAMPLES: usize = 20;
/// How many grants one person's entry names (the latest).
pub const MAX_GRANTS: usize = 10;

/// One model's use on one day.
// Printer columns repeat `type_`, which clippy mistakes for a duplicated attribute.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "aigov.dev",
    version = "v1alpha1",
    kind = "ModelUsage",
    namespaced,
    shortname = "mu",
    category = "aigov",
    doc = "Who used one Model on one day (UTC), how, and with what outcome",
    printcolumn(name = "Model", type_ = "string", json_path = ".spec.model"),
    printcolumn(name = "Day", type_ = "string", json_path = ".spec.day"),
    printcolumn(name = "Calls", type_ = "integer", json_path = ".spec.calls"),
    printcolumn(name = "Last used", type_ = "date", json_path = ".spec.lastUsed")
)]
#[serde(rename_all = "camelCase")]
pub struct ModelUsageSpec {
    /// The Model's name (in this namespace).
    pub model: String,
    /// The day, `YYYY-MM-DD` (UTC).
    pub day: String,
    /// Uses of the day, by everyone.
    #[serde(default)]
    pub calls: i64,
    /// When it was last used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used: Option<Time>,
    /// Per person, most recent first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<PersonUsage>,
    /// Uses by people beyond the first [`MAX_PEOPLE`].
    #[serde(default, skip_serializing_if = "is_zero")]
    pub others: i64,
    /// The latest masked samples of what was sent (none for
    /// `Confidential` and `Restricted` models).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub samples: Vec<UsageSample>,
}

/// One person's use of a model on one day.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PersonUsage {
    /// The person as Kubernetes knows them, e.g. `oidc:alice`.
    pub subject: String,
    #[serde(default)]
    pub calls: i64,
    /// Calls the model answered.
    #[serde(default)]
    pub answered: i64,
    /// Calls Kubernetes refused (no grant).
    #[serde(default)]
    pub refused: i64,
    /// Calls that failed (the model erred, was unreachable or too slow).
    #[serde(default)]
    pub failed: i64,
    /// Calls through the portal.
    #[serde(default)]
    pub through_portal: i64,
    /// Calls through the apiserver's service proxy.
    #[serde(default)]
    pub through_service_proxy: i64,
    /// Reads of the model's pods' logs.
    #[serde(default)]
    pub log_reads: i64,
    /// Sum of the calls' latencies, in milliseconds.
    #[serde(default)]
    pub latency_ms_total: i64,
    /// The slowest call, in milliseconds.
    #[serde(default)]
    pub latency_ms_max: i64,
    /// Bytes sent to the model.
    #[serde(default)]
    pub request_bytes: i64,
    /// Bytes the model answered.
    #[serde(default)]
    pub response_bytes: i64,
    pub first_used: Time,
    pub last_used: Time,
    /// The grants (AccessRequest names) that allowed the calls.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<String>,
}

/// A short, masked sample of one call.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UsageSample {
    pub at: Time,
    pub subject: String,
    /// The HTTP status of the answer.
    pub status: i32,
    /// What was sent, cut short, with e-mail addresses, card and phone
    /// numbers masked.
    pub text: String,
}

fn is_zero(value: &i64) -> bool {
    *value == 0
}
