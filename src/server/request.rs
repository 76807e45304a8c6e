//! What a server function or page render knows about its request: the
//! person's session, put there by the sign-in gate.

use leptos::prelude::use_context;

use super::auth::gate::CurrentSession;
use super::auth::session::Session;

/// The signed-in person's session, if the request has one.
pub fn current_session() -> Option<Session> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CurrentSession>().cloned())
        .map(|current| current.0)
}
