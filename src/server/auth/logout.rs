//! Signing out: `POST /auth/logout` ends the portal session; `GET` only
//! asks for confirmation, so a link or an image on another site cannot sign
//! anyone out. The gate refuses a cross-site POST.
//!
//! After the portal cookie is removed, the browser is sent on to the
//! identity provider's end-session endpoint (which brings it back to
//! `/auth/logged-out`). That hop is a page that moves on by itself, not an
//! HTTP redirect: pages allow forms to submit only to the portal
//! (`form-action 'self'`), and browsers apply that to a form's redirects.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::PrivateCookieJar;
use std::sync::Arc;

use super::AuthState;
use super::error::{PageTone, escape_html, standalone_html, standalone_page};

/// The form that signs out, as the confirmation page shows it.
const SIGN_OUT_FORM: &str = "<form method=\"post\" action=\"/auth/logout\">\
     <button type=\"submit\" class=\"button\" autofocus>Sign out</button></form>";

/// `GET /auth/logout`: asks before signing out.
pub async fn confirm() -> Response {
    standalone_page(&standalone_html(
        "Sign out?",
        PageTone::Info,
        "Sign out of aigov on this browser.",
        &format!("{SIGN_OUT_FORM}<a href=\"/\">Stay signed in</a>"),
    ))
}

/// `POST /auth/logout`: removes the session cookie, then ends the session
/// at the identity provider when it offers an end-session endpoint.
pub async fn sign_out(State(auth): State<Arc<AuthState>>, jar: PrivateCookieJar) -> Response {
    let jar = jar.remove(auth.policy.removal());
    let after = auth
        .public_url
        .join("/auth/logged-out")
        .expect("a valid path");
    tracing::info!(target: "aigov::audit", action = "sign-out", "signed out");
    match auth.provider.end_session_url(&after).await {
        Some(url) => (jar, onward_page(&url)).into_response(),
        None => (jar, Redirect::to("/auth/logged-out")).into_response(),
    }
}

/// The page that moves on to the identity provider at once, with a link
/// for browsers that do not follow a refresh.
fn onward_page(end_session: &url::Url) -> Response {
    let target = escape_html(end_session.as_str());
    let html = standalone_html(
        "Signing out",
        PageTone::Info,
        "You are signed out of aigov. Ending your session at the identity provider…",
        &format!(
            "<a href=\"{target}\" data-testid=\"end-session\">Continue to the identity provider</a>"
        ),
    )
    .replacen(
        "<head>",
        &format!("<head><meta http-equiv=\"refresh\" content=\"0;url={target}\">"),
        1,
    );
    standalone_page(&html)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    async fn body(response: Response) -> String {
        let bytes = to_bytes(response.into_body(), 1 << 20).await.unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn the_confirmation_posts_to_sign_out_and_offers_a_way_back() {
        let html = body(confirm().await).await;
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
