//! The managers' cluster-wide view of network guardrails.

use serde::{Deserialize, Serialize};

use super::namespace::GuardrailsView;

/// Every guardrail of the cluster once, in evaluation order, each with the
/// namespaces it selects.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterGuardrails {
    pub guardrails: GuardrailsView,
    /// How many namespaces the portal matched the guardrails against (the
    /// namespaces the person may see).
    pub namespaces_known: usize,
}
