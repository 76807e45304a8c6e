//! Server-only code: configuration, the HTTP router and its middleware.
//!
//! Nothing here is compiled into the browser bundle.

pub mod auth;
pub mod config;
pub mod health;
pub mod kube;
pub mod request;
pub mod router;
pub mod security_headers;
pub mod serve;
pub mod state;
pub mod telemetry;
