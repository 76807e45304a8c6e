//! The access workflow on the server: requests, reviews and grants as
//! people act on them ([`service`]), the expiry of grants on time by every
//! replica ([`expiry`]), the reconciler that converges the cluster
//! ([`reconciler`], elected by [`crate::server::leader`]) and puts scheduled
//! grants in force at their start ([`scheduled`]); all read and write requests through
//! [`requests`] and the RoleBindings that carry grants through [`grant`],
//! and share what [`context`] builds at start-up. Caches and live updates
//! ([`store`], [`live`]), and the audit trail ([`audit`], [`audit_log`],
//! [`notify`]) with its durable records ([`archive`]), which outlive a
//! request's deletion ([`deletion`]: the finalizer, and the removal of
//! settled requests by retention). How far a manager's powers reach is
//! asked of the cluster as them ([`oversight`]). The rules themselves are pure:
//! [`crate::engine::access`].

pub mod archive;
pub mod audit;
pub mod audit_args;
pub mod audit_log;
pub mod context;
pub mod deletion;
pub mod error;
pub mod expiry;
pub mod grant;
pub mod live;
pub mod model_roles;
pub mod notify;
pub mod oversight;
pub mod reconciler;
pub mod requests;
pub mod scheduled;
pub mod service;
pub mod store;
pub mod sweep;
