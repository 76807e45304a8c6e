//! Cluster-wide network guardrails: the Kubernetes network-policy API's
//! `AdminNetworkPolicy` and `BaselineAdminNetworkPolicy`
//! (`policy.networking.k8s.io/v1alpha1`) and their successor
//! `ClusterNetworkPolicy` (`v1alpha2`, `v1beta1`), read into one form so
//! that either generation, or a cluster holding both, is judged alike.
//!
//! Tiers are evaluated in the API's order: the Admin tier (by priority,
//! then rule order; Allow/Accept and Deny decide, Pass hands over), then
//! the namespace's NetworkPolicies, then the Baseline tier, then the
//! Kubernetes default (allowed).

mod compile;
mod parse;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde::Serialize;

pub use compile::{CompiledGuardRule, CompiledGuardrail, compile_guardrails};
pub use parse::{API_GROUP, guardrail_of};

/// Which resource a guardrail was written as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum GuardrailKind {
    AdminNetworkPolicy,
    BaselineAdminNetworkPolicy,
    ClusterNetworkPolicy,
}

impl GuardrailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GuardrailKind::AdminNetworkPolicy => "AdminNetworkPolicy",
            GuardrailKind::BaselineAdminNetworkPolicy => "BaselineAdminNetworkPolicy",
            GuardrailKind::ClusterNetworkPolicy => "ClusterNetworkPolicy",
        }
    }
}

/// The tier a guardrail belongs to: before or after NetworkPolicies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Tier {
    Admin,
    Baseline,
}

/// What a matching rule does. `Allow` stands for both `Allow` (v1alpha1)
/// and `Accept` (ClusterNetworkPolicy).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Action {
    Allow,
    Deny,
    Pass,
}

impl Action {
    /// The word the resource itself uses.
    pub fn word(self, kind: GuardrailKind) -> &'static str {
        match (self, kind) {
            (Action::Allow, GuardrailKind::ClusterNetworkPolicy) => "Accept",
            (Action::Allow, _) => "Allow",
            (Action::Deny, _) => "Deny",
            (Action::Pass, _) => "Pass",
        }
    }
}

/// Pods: all pods of the selected namespaces, or selected pods of them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum PodsSelection {
    Namespaces(LabelSelector),
    Pods {
        namespaces: LabelSelector,
        pods: LabelSelector,
    },
}

/// One peer of a rule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum GuardPeer {
    /// Pods in the cluster.
    Pods(PodsSelection),
    /// The addresses of the selected Nodes.
    Nodes(LabelSelector),
    /// CIDR blocks, as written (parsed when compiled).
    Networks(Vec<String>),
    /// Domain names (egress Accept only); not resolvable offline.
    DomainNames(Vec<String>),
    /// A peer with no field this version knows: the API says to fail
    /// closed (an Allow rule matches nothing, Deny and Pass match all).
    Unknown,
}

/// A protocol as the API names it (`TCP`, `UDP`, `SCTP`).
pub type ProtocolName = String;

/// One port of a rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum GuardPort {
    Number {
        protocol: ProtocolName,
        port: i32,
    },
    Range {
        protocol: ProtocolName,
        start: i32,
        end: i32,
    },
    /// A container port of the destination pod, by name.
    Named(String),
    /// Every port of a protocol (a ClusterNetworkPolicy protocol entry
    /// without a destination port).
    Protocol(ProtocolName),
}

/// One ingress or egress rule, in the order the guardrail lists them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GuardRule {
    /// The rule's `name`, when it has one.
    pub name: Option<String>,
    pub action: Action,
    pub peers: Vec<GuardPeer>,
    /// `None`: every port.
    pub ports: Option<Vec<GuardPort>>,
}

/// One AdminNetworkPolicy, BaselineAdminNetworkPolicy or
/// ClusterNetworkPolicy.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Guardrail {
    pub kind: GuardrailKind,
    /// The version it was read as (`v1alpha1`, `v1alpha2`, `v1beta1`).
    pub version: String,
    pub name: String,
    pub tier: Tier,
    /// Lower goes first within a tier. A BaselineAdminNetworkPolicy has
    /// none; it counts as [`BASELINE_ADMIN_PRIORITY`].
    pub priority: i32,
    pub subject: PodsSelection,
    pub ingress: Vec<GuardRule>,
    pub egress: Vec<GuardRule>,
}

/// Where a BaselineAdminNetworkPolicy stands among Baseline-tier
/// ClusterNetworkPolicies: after all of them (their priorities are at
/// most 1000).
pub const BASELINE_ADMIN_PRIORITY: i32 = 1001;

impl Guardrail {
    /// `Kind/name`, as kubectl names it.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.kind.as_str(), self.name)
    }

    /// The order of evaluation within a tier: priority, then name, then
    /// kind. Equal priorities are ambiguous in the API; the name decides
    /// here so that every answer is reproducible.
    pub fn order_key(&self) -> (Tier, i32, &str, GuardrailKind) {
        (self.tier, self.priority, &self.name, self.kind)
    }
}
