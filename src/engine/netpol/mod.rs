//! NetworkPolicy analysis: which workloads may talk to which, on which
//! ports, and why.
//!
//! The model follows the Kubernetes NetworkPolicy API (networking.k8s.io/v1):
//! a pod is isolated for a direction only when some policy selects it with
//! that direction among its policy types; an isolated pod accepts exactly
//! the union of what the rules of the policies selecting it allow; a
//! connection between two pods needs both the source's egress and the
//! destination's ingress to allow it. `ipBlock` peers describe addresses
//! outside the cluster (pod addresses are not known offline).
//!
//! Cluster-wide guardrails (AdminNetworkPolicy, BaselineAdminNetworkPolicy,
//! ClusterNetworkPolicy; see [`guardrails`]) wrap the NetworkPolicies: each
//! side goes through the Admin tier, the NetworkPolicies when they isolate
//! the pod, else the Baseline tier, else the default ([`tiers`]).

pub mod analysis;
pub mod cidr;
pub mod cluster;
mod denials;
pub mod explain;
pub mod external;
pub mod guardrails;
mod isolation;
pub mod layout;
pub mod peers;
pub mod ports;
pub mod selectors;
pub mod tiers;
mod verdict;

pub use analysis::{Analysis, Connection, Endpoint, GuardrailDenial, Isolation};
pub use cluster::{Cluster, PodEndpoint};
pub use explain::{DirectionVerdict, Explanation, GuardrailRuleRef, Layer, RuleRef};
pub use ports::{PortSet, Protocol};

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_external;
#[cfg(test)]
mod tests_guardrail_kinds;
#[cfg(test)]
mod tests_guardrail_peers;
#[cfg(test)]
mod tests_guardrails;
#[cfg(test)]
mod tests_hostile;
#[cfg(test)]
mod tests_ports;
