//! The API: every server function, the only door between the browser and
//! the server, grouped by domain. Each one authorises itself (it is a
//! public HTTP endpoint), reads through `server`, maps through `present`
//! and answers with `wire` types or an [`ApiError`] (itself a wire type:
//! the command line reads it too).
//!
//! Pages and components import from here; nothing under `server`,
//! `present` or `engine` imports this module.

pub mod access;
pub mod model_use;
pub mod model_workloads;
pub mod models;
pub mod namespaces;
pub mod network_guardrails;
pub mod oversight;
pub mod policies;
pub mod policy_exceptions;
pub mod recertifications;
#[cfg(feature = "ssr")]
pub mod respond;
pub mod session;

pub use crate::wire::error::{ApiError, ErrorKind};
