//! Who is signed in, in the top bar, with the way to sign out.

use leptos::prelude::*;

use crate::identity::SignedInUser;

/// The signed-in person, as the server's session says.
#[server(endpoint = "whoami")]
pub async fn current_user() -> Result<Option<SignedInUser>, ServerFnError> {
    use crate::server::auth::gate::CurrentSession;
    let parts = use_context::<http::request::Parts>();
    Ok(parts
        .and_then(|parts| parts.extensions.get::<CurrentSession>().cloned())
        .map(|session| session.0.user))
}

/// Name and sign-out link, or a sign-in link.
#[component]
pub fn UserMenu() -> impl IntoView {
    let user = OnceResource::new_blocking(current_user());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(user)) => {
                        let title = user.email.clone().unwrap_or_else(|| user.username.clone());
                        view! {
                            <span class="user-name" title=title data-testid="user-name">
                                {user.display_name}
                            </span>
                            // A server route, not a page of the router.
                            <a href="/auth/logout" rel="external" class="button">"Sign out"</a>
                        }
                            .into_any()
                    }
                    _ => view! { <a href="/auth/login" rel="external" class="button">"Sign in"</a> }.into_any(),
                }
            })}
        </Suspense>
    }
}
