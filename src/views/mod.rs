//! The data the pages receive from their server functions: plain,
//! serialisable view types shared by the server and the browser bundle. The
//! server maps what it reads to these and decides every permission flag in
//! them; the browser only displays them.

pub mod access;
pub mod access_overview;
pub mod audit_trail;
pub mod compliance_overview;
pub mod logs;
pub mod namespace;
pub mod overview_filter;
pub mod policy_reports;
pub mod time_words;
