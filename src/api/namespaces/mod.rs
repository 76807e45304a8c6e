//! The namespace views' server functions: the list of namespaces, and per
//! namespace the network, compliance, policy reports and logs, each read as
//! the signed-in person.

pub mod compliance;
pub mod list;
pub mod logs;
pub mod network;
pub mod reports;
