//! Governance policy in the server: keeping the admission objects rendered
//! from the cluster's GovernancePolicies applied.

pub mod admission;
