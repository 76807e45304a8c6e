//! What a server function or page render knows about its request: the
//! application state and the person's session. Every server function starts
//! here, because each is a public HTTP endpoint that must authorise itself.

use leptos::prelude::*;

use super::auth::gate::CurrentSession;
use super::auth::session::Session;
use super::state::AppState;

/// The application state handed to renders and server functions.
pub fn app_state() -> Result<AppState, ServerFnError> {
    use_context::<AppState>().ok_or_else(|| ServerFnError::new("the portal is not fully started"))
}

/// The signed-in person's session, or an error asking them to sign in.
pub fn require_session() -> Result<Session, ServerFnError> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CurrentSession>().cloned())
        .map(|current| current.0)
        .ok_or_else(|| ServerFnError::new("You are not signed in. Sign in again."))
}
