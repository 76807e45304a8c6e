//! Evidence of use: every call of a model through the portal, and every
//! use the apiserver reports in its audit events, recorded as
//! [`crate::engine::usage::Use`].

pub mod apiserver_audit;
pub mod recorder;
