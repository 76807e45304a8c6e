//! The pieces of the logs view: lines with search matches marked, and the
//! live follow panel.

pub mod live_follow;
pub mod log_lines;
