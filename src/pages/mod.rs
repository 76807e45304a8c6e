//! One module per page, named after what a person does there.

pub mod access;
pub mod audit;
pub mod compliance;
pub mod error;
pub mod grants;
pub mod models;
pub mod namespace_compliance;
pub mod namespace_logs;
pub mod namespace_network;
pub mod namespace_reports;
pub mod namespaces;
pub mod namespaces_list;
pub mod not_found;
pub mod overview;
pub mod requests;
pub mod reviews;

mod server_error;
