//! Presentation: pure, server-side mapping from cluster objects and engine
//! results to the [`wire`](crate::wire) types that pages show. No I/O: the
//! API layer reads, this layer maps, and the tests here run on plain data.

pub mod access;
pub mod compliance;
pub mod logs;
pub mod model_use;
pub mod model_workloads;
pub mod network;
pub mod policy;
pub mod policy_exceptions;
pub mod recertification;
pub mod trend;
