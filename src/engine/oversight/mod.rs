//! What managers and auditors read about access, as pure functions over the
//! AccessRequests, access records, Models and RoleBindings they may see:
//! the audit trail ([`audit_trail`]) with its filters and [`pagination`],
//! over the durable record merged with the live requests ([`records`]), and
//! the access overview ([`grants`], with [`approver_times`]). The server
//! decides what the person may see, reads it, and hands it here.

pub mod approver_times;
pub mod audit_trail;
pub mod grants;
pub mod pagination;
pub mod records;
pub mod words;

#[cfg(test)]
pub(crate) mod fixtures;
