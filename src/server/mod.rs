//! Server-only code: configuration, the HTTP router and its middleware.
//!
//! Nothing here is compiled into the browser bundle.

pub mod access;
pub mod auth;
pub mod cluster_cache;
pub mod cluster_compliance;
pub mod complete_changes;
pub mod config;
pub mod error_status;
pub mod exports;
pub mod guardrails;
pub mod health;
pub mod kube;
pub mod leader;
pub mod limits;
pub mod logs;
pub mod metrics;
pub mod models;
pub mod openapi;
pub mod oversight;
pub mod policy;
pub mod probes;
pub mod recertification;
pub mod reports;
pub mod request;
pub mod router;
pub mod security_headers;
pub mod serve;
pub mod state;
pub mod static_files;
pub mod telemetry;
pub mod usage;

/// An error and each of its causes, on one line, for logs and for messages
/// that must say what failed underneath.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
