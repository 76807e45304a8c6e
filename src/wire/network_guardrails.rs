//! Cluster-wide network guardrails as people see them: on a namespace's
//! network view and, for managers, once across the cluster.

use serde::{Deserialize, Serialize};

/// Every guardrail of the cluster once, in evaluation order, each with the
/// namespaces it selects.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterGuardrails {
    pub guardrails: GuardrailsView,
    /// How many namespaces the portal matched the guardrails against (the
    /// namespaces the person may see).
    pub namespaces_known: usize,
}

/// Cluster-wide network guardrails (AdminNetworkPolicy,
/// BaselineAdminNetworkPolicy, ClusterNetworkPolicy) as one person sees
/// them: their rules when they may read them, else only how many there are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardrailsView {
    /// Whether the person may list the guardrail kinds.
    pub readable: bool,
    /// How many guardrails apply (known even when not readable).
    pub count: usize,
    /// In evaluation order: Admin tier by priority, then Baseline tier.
    /// Empty when not readable.
    pub items: Vec<GuardrailView>,
    /// What RBAC reading them needs, shown to a person who may not.
    pub access_hint: Option<String>,
}

/// How a guardrail is named to a person who may not read guardrails.
pub const HIDDEN_GUARDRAIL: &str = "a cluster guardrail";

/// The layer that decided one side of a connection, in words
/// ([`super::namespace::SideVerdict::layer`]).
pub fn layer_words(layer: &str) -> &'static str {
    match layer {
        "admin" => "a cluster guardrail of the Admin tier (before NetworkPolicies)",
        "networkPolicy" => "the namespace's NetworkPolicies",
        "baseline" => "a cluster guardrail of the Baseline tier (after NetworkPolicies)",
        "default" => "no rule: Kubernetes allows what nothing restricts",
        "outside" => "nothing on this side (this end is outside the cluster)",
        _ => "an unknown layer",
    }
}

/// One guardrail, in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardrailView {
    /// `Kind/name`.
    pub name: String,
    pub kind: String,
    /// `Admin` or `Baseline`.
    pub tier: String,
    /// Within its tier, lower first; none for a BaselineAdminNetworkPolicy.
    pub priority: Option<i32>,
    /// Which pods it applies to, in words.
    pub applies_to: String,
    /// One sentence per rule, in evaluation order, naming the action.
    pub sentences: Vec<String>,
    pub yaml: String,
    /// The namespaces whose pods it selects (that the portal knows of).
    pub namespaces: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::layer_words;

    #[test]
    fn every_layer_the_engine_names_has_words() {
        for layer in ["admin", "networkPolicy", "baseline", "default", "outside"] {
            assert_ne!(layer_words(layer), layer_words("made-up"), "{layer}");
        }
    }
}
