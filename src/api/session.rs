//! The signed-in person, for the top bar.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::identity::SignedInUser;

/// The signed-in person, as the server's session says.
#[server(endpoint = "whoami")]
pub async fn current_user() -> Result<Option<SignedInUser>, ApiError> {
    crate::api::respond::answer(
        async move {
            use crate::server::auth::gate::CurrentSession;
            let parts = use_context::<http::request::Parts>();
            Ok(parts
                .and_then(|parts| parts.extensions.get::<CurrentSession>().cloned())
                .map(|session| session.0.user))
        }
        .await,
    )
}
