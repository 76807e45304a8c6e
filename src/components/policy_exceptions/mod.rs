//! Policy exceptions in the pages: the request form beside a failed check,
//! the note on an exempted one, and an exception with the actions the
//! reader may take.

pub mod awaiting;
pub mod card;
pub mod check_item;
pub mod exempted;
pub mod request_form;
