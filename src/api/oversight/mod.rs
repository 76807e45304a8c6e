//! The managers' server functions: compliance across namespaces, the audit
//! trail and the grants across the cluster.

pub mod audit_trail;
pub mod compliance;
pub mod grants;
