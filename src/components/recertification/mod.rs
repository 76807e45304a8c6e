//! The pieces of the recertification pages: the start form, a review's
//! progress, and its items with the forms that answer them.

pub mod items;
pub mod progress;
pub mod start_form;
