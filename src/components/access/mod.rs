//! Building blocks of the model-access pages: badges, the timeline of a
//! request, the forms of the actions a person may take, and the live
//! refresh that keeps lists current.

pub mod actions;
pub mod badges;
pub mod card;
pub mod emergency;
pub mod inbox;
pub mod live;
pub mod model;
pub mod request_form;
pub mod request_many;
pub mod stages;
pub mod timeline;
