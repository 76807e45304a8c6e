//! Building blocks of the model-access pages: badges, the timeline of a
//! request, the forms of the actions a person may take, and the live
//! refresh that keeps lists current.

pub mod actions;
pub mod badges;
pub mod card;
pub mod live;
pub mod model;
pub mod request_form;
pub mod timeline;

use leptos::prelude::ServerFnError;

/// A server function's error in the words the person should read (the
/// workflow's messages say what happened and what to do).
pub fn error_text(error: &ServerFnError) -> String {
    match error {
        ServerFnError::ServerError(message) => message.clone(),
        ServerFnError::Request(_) | ServerFnError::Response(_) => {
            "The portal could not be reached. Check your connection and try again.".into()
        }
        other => other.to_string(),
    }
}
