//! Who is signed in, in the top bar, with the way to sign out.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::api::session::current_user;
use crate::identity::SignedInUser;

/// The signed-in person of this page, loaded once by the layout and shared
/// through context.
#[derive(Clone, Copy)]
pub struct PageUser(pub OnceResource<Result<Option<SignedInUser>, ApiError>>);

impl PageUser {
    /// Loads the person and makes them available to every component below.
    pub fn provide() -> Self {
        let current = PageUser(OnceResource::new_blocking(current_user()));
        provide_context(current);
        current
    }

    /// The person, as provided by the layout.
    pub fn expect() -> Self {
        expect_context::<PageUser>()
    }

    /// Whether the person is a manager (false when unknown).
    pub async fn is_manager(self) -> bool {
        matches!(self.0.await, Ok(Some(user)) if user.is_manager)
    }
}

/// Name and sign-out link, or a sign-in link.
#[component]
pub fn UserMenu() -> impl IntoView {
    let user = PageUser::expect().0;
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
