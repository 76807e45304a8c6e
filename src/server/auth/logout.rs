//! Signing out, at `/auth/logout`.
//!
//! A GET from the portal itself (the top bar's link), typed or bookmarked
//! (`Sec-Fetch-Site: same-origin` or `none`), or from a client that sends no
//! fetch metadata, signs out at once and goes on to the identity provider's
//! end-session endpoint, as it always has. A GET that another site started
//! (`cross-site` or `same-site`: a link, an image, a redirect) only asks for
//! confirmation, so no other site can sign anyone out. The confirmation is a
//! POST form, which the gate accepts only from the portal's own origin.
//!
//! After that POST the browser moves on to the identity provider through a
//! page that refreshes by itself rather than an HTTP redirect: the page allows
//! forms to submit only to the portal (`form-action 'self'`), and browsers
//! apply that to a form's redirects too.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::PrivateCookieJar;
use leptos::prelude::*;
use std::sync::Arc;

use super::AuthState;
use super::error::{PageTone, standalone_html, standalone_html_moving_on, standalone_page};
use super::session::{SessionStatus, now};

/// Whether a GET was started by another site, as the browser's fetch
/// metadata says.
fn started_elsewhere(headers: &HeaderMap) -> bool {
    matches!(
        headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()),
        Some("cross-site") | Some("same-site")
    )
}

/// `GET /auth/logout`: signs out, unless another site sent the browser here.
pub async fn sign_out_link(
    State(auth): State<Arc<AuthState>>,
    headers: HeaderMap,
    jar: PrivateCookieJar,
) -> Response {
    if started_elsewhere(&headers) {
        return confirm();
    }
    let (jar, end_session) = end_session(&auth, jar).await;
    match end_session {
        Some(url) => (jar, Redirect::to(url.as_str())).into_response(),
        None => (jar, Redirect::to("/auth/logged-out")).into_response(),
    }
}

/// `POST /auth/logout`, from the confirmation: signs out.
pub async fn sign_out_form(State(auth): State<Arc<AuthState>>, jar: PrivateCookieJar) -> Response {
    let (jar, end_session) = end_session(&auth, jar).await;
    match end_session {
        Some(url) => (jar, onward_page(&url)).into_response(),
        None => (jar, Redirect::to("/auth/logged-out")).into_response(),
    }
}

/// The page that asks before signing out.
fn confirm() -> Response {
    standalone_page(&standalone_html(
        "Sign out?",
        PageTone::Info,
        view! { <p>"Another site sent you here. Sign out of aigov on this browser?"</p> },
        view! {
            <form method="post" action="/auth/logout">
                <button type="submit" class="button" autofocus=true>"Sign out"</button>
            </form>
            <a href="/">"Stay signed in"</a>
        },
    ))
}

/// Removes the session cookie; the provider's end-session URL, if it has one.
async fn end_session(
    auth: &AuthState,
    jar: PrivateCookieJar,
) -> (PrivateCookieJar, Option<url::Url>) {
    if let SessionStatus::Active { session, .. } = auth.policy.status(&jar, now()) {
        tracing::info!(
            target: "aigov::audit",
            action = "sign-out",
            user = %session.user.username,
            kube_user = %session.kube.username,
            session = %session.id,
            "signed out"
        );
    }
    let jar = jar.remove(auth.policy.removal());
    let after = auth
        .public_url
        .join("/auth/logged-out")
        .expect("a valid path");
    (jar, auth.provider.end_session_url(&after).await)
}

/// The page that moves on to the identity provider at once.
fn onward_page(end_session: &url::Url) -> Response {
    let target = end_session.to_string();
    standalone_page(&standalone_html_moving_on(
        "Signing out",
        view! {
            <p>"You are signed out of aigov. Ending your session at the identity provider…"</p>
        },
        view! {
            <a href=target data-testid="end-session">
                "Continue to the identity provider"
            </a>
        },
        end_session,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    async fn body(response: Response) -> String {
        let bytes = to_bytes(response.into_body(), 1 << 20).await.unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[test]
    fn only_a_get_another_site_started_counts_as_started_elsewhere() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert("sec-fetch-site", value.parse().unwrap());
            headers
        };
        assert!(started_elsewhere(&with("cross-site")));
        assert!(started_elsewhere(&with("same-site")));
        assert!(!started_elsewhere(&with("same-origin")));
        assert!(!started_elsewhere(&with("none")));
        assert!(!started_elsewhere(&HeaderMap::new()));
    }

    #[tokio::test]
    async fn the_confirmation_posts_to_sign_out_and_offers_a_way_back() {
        let html = body(confirm()).await;
        assert!(html.contains("<form method=\"post\" action=\"/auth/logout\">"));
        assert!(html.contains("<a href=\"/\">Stay signed in</a>"));
    }

    #[tokio::test]
    async fn the_onward_page_refreshes_to_the_escaped_end_session_url() {
        let url: url::Url =
            "https://idp.example/session/end?client_id=aigov&post_logout_redirect_uri=x\"y"
                .parse()
                .unwrap();
        let html = body(onward_page(&url)).await;
        let escaped =
            "https://idp.example/session/end?client_id=aigov&amp;post_logout_redirect_uri=x%22y";
        assert!(
            html.contains(&format!(
                "<meta http-equiv=\"refresh\" content=\"0;url={escaped}\">"
            )),
            "{html}"
        );
        assert!(html.contains(&format!("<a href=\"{escaped}\"")));
        assert!(!html.contains("x\"y"));
    }
}
