//! Building blocks shared by the pages.

pub mod access;
pub mod charts;
pub mod layout;
pub mod logs;
pub mod managers_only;
pub mod nav;
pub mod notice;
pub mod oversight;
pub mod page_header;
pub mod theme;
pub mod user_menu;
