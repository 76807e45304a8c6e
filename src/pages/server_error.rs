//! Server-function errors in the words the person should read.

use leptos::prelude::ServerFnError;

/// The message of a server function's error, without the framework's
/// prefix.
pub fn error_message(error: &ServerFnError) -> String {
    match error {
        ServerFnError::ServerError(message) => message.clone(),
        ServerFnError::Request(_) | ServerFnError::Response(_) => {
            "The portal could not be reached. Check your connection and reload the page.".into()
        }
        other => other.to_string(),
    }
}
