//! The managers' reading of access: the audit trail and the access
//! overview, for their pages ([`scope`]); their downloads are exports
//! ([`crate::server::exports::audit_trail`], [`crate::server::exports::grants`]).
//!
//! Only managers (the session's manager groups) get them, and even then
//! Kubernetes decides what they see: requests come from the portal's caches
//! but only for namespaces where an access review made **as the manager**
//! allows listing AccessRequests, and RoleBindings are listed as the
//! manager (cluster-wide, or namespace by namespace when that is refused).

pub mod error;
pub mod scope;
