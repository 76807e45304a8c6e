//! Pure engines: plain data in, plain data out, no I/O.
//!
//! - [`objects`] turns decoded manifests into typed Kubernetes objects.
//! - [`workload`] finds the workloads (and their pod templates) among them.
//! - [`netpol`] computes effective connectivity under NetworkPolicies.
//! - [`compliance`] checks workloads against the Pod Security Standards and
//!   the portal's governance rules.
//! - [`logs`] reads timestamps off pod log lines and merges pods' logs by time.
//! - [`oversight`] builds the audit trail and the access overview managers read.

pub mod access;
pub mod cluster_compliance;
pub mod compliance;
pub mod logs;
pub mod netpol;
pub mod objects;
pub mod oversight;
pub mod policy;
pub mod recertification;
pub mod usage;
pub mod workload;
