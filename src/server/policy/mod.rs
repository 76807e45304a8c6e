//! Governance policy in the running portal: the cluster's policies,
//! exceptions and namespace environments, kept current by watches
//! ([`store::PolicyStore`]), so every page and report judges with what the
//! cluster says now (`docs/governance-policy.md`); and, on the leader, the
//! admission objects rendered from the policies kept applied
//! ([`admission`]).

pub mod admission;
pub mod denials;
pub mod exceptions;
pub mod page;
pub mod store;
