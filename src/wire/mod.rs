//! What crosses the wire between the server and the browser: the plain,
//! serialisable types that server functions answer with, shared by the
//! server and the browser bundle. The server maps what it reads to these
//! (in `present`) and decides every permission flag in them; the browser
//! only displays them.

pub mod access;
pub mod audit_trail;
pub mod catalog;
pub mod cluster_compliance;
pub mod cluster_filter;
pub mod cluster_grants;
pub mod error;
pub mod inbox;
pub mod logs;
pub mod model_calls;
pub mod model_workloads;
pub mod namespace;
pub mod network_guardrails;
pub mod policy;
pub mod policy_exceptions;
pub mod policy_reports;
pub mod recertification;
pub mod time_words;
pub mod url_words;
