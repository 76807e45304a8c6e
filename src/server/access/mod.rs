//! The access workflow on the server: requests, reviews and grants
//! ([`service`]), the RoleBindings that carry grants ([`grant`]), the
//! reconciler that converges the cluster and expires grants on time
//! ([`reconciler`], elected by [`leader`]), caches and live updates
//! ([`store`], [`live`]), and the audit trail ([`audit`], [`audit_log`],
//! [`notify`]). The rules themselves are pure: [`crate::engine::access`].

pub mod audit;
pub mod audit_args;
pub mod audit_log;
pub mod context;
pub mod error;
pub mod grant;
pub mod leader;
pub mod live;
pub mod notify;
pub mod reconciler;
pub mod service;
pub mod store;
pub mod views;
