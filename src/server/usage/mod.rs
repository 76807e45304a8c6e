//! Evidence of use: every call of a model through the portal, and every
//! use the apiserver reports in its audit events ([`apiserver_audit`]),
//! recorded as
//! [`crate::engine::usage::Use`]: in the audit log and the metrics at once
//! ([`recorder`]), and in the cluster's `ModelUsage` records once a minute
//! ([`flush`]).

pub mod apiserver_audit;
pub mod flush;
pub mod metrics;
pub mod recorder;
