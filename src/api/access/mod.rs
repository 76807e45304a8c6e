//! The access workflow's server functions: the person's own requests and
//! grants, the approvers' inbox, and a request's page.

pub mod emergency;
pub mod many;
pub mod mine;
pub mod requests;
pub mod reviews;
