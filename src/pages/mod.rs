//! One module per page, named after its route: `home` is `/`,
//! `namespace_network` is `/namespaces/{ns}/network`, and so on. Pages
//! import components, the API and the wire types; nothing imports a page
//! but the router in `app.rs`.

pub mod access;
pub mod audit;
pub mod compliance;
pub mod grants;
pub mod home;
pub mod models;
pub mod namespace_compliance;
pub mod namespace_exceptions;
pub mod namespace_logs;
pub mod namespace_network;
pub mod namespaces;
pub mod network_guardrails;
pub mod not_found;
pub mod policies;
pub mod recertifications;
pub mod requests;
pub mod reviews;
