//! Building blocks shared by the pages. Components import the API, the wire
//! types and each other, never a page.

pub mod access;
pub mod charts;
pub mod error_page;
pub mod guardrails;
pub mod layout;
pub mod logs;
pub mod managers_only;
pub mod model_use;
pub mod model_workloads;
pub mod namespace_access;
pub mod namespace_tabs;
pub mod nav;
pub mod notice;
pub mod oversight;
pub mod page_header;
pub mod policy_applied;
pub mod policy_exceptions;
pub mod policy_reports;
pub mod recertification;
pub mod theme;
pub mod user_menu;
