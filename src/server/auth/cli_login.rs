//! `/cli/login`: hands a session to the `aigov` command line. `aigov login`
//! listens on a loopback port and opens this page; the signed-in person
//! confirms, and the portal sends their browser to that loopback port with a
//! new session token and the command's state. Only loopback addresses are
//! ever a target, and the confirmation is a same-site POST, so another site
//! cannot have a session sent anywhere.

use std::sync::Arc;

use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
use serde::Deserialize;

use super::AuthState;
use super::error::{PageTone, escape_html, standalone_html, standalone_page};
use super::gate::CurrentSession;
use super::session::{SESSION_COOKIE, new_session, session_cookie_header, unix_now};

/// The route, for the router.
pub fn cli_login_routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<AuthState>: axum::extract::FromRef<S>,
{
    Router::new().route("/cli/login", get(confirm).post(hand_over))
}

#[derive(Deserialize)]
struct Handoff {
    port: u16,
    state: String,
}

impl Handoff {
    fn is_valid(&self) -> bool {
        self.port >= 1024
            && (16..=64).contains(&self.state.len())
            && self.state.chars().all(|c| c.is_ascii_alphanumeric())
    }
}

fn invalid() -> Response {
    let html = standalone_html(
        "Command-line sign-in refused",
        PageTone::Error,
        "This address was not made by <code>aigov login</code>. Run <code>aigov login</code> again.",
        "<a href=\"/\">Back to the portal</a>",
    );
    (axum::http::StatusCode::BAD_REQUEST, standalone_page(&html)).into_response()
}

async fn confirm(
    Extension(current): Extension<CurrentSession>,
    Query(handoff): Query<Handoff>,
) -> Response {
    if !handoff.is_valid() {
        return invalid();
    }
    let user = &current.0.user;
    let form = format!(
        "Allow the <code>aigov</code> command line on this computer to act as <strong>{}</strong>? \
         It will be able to request, approve, deny and revoke access as you.</p>\
         <form method=\"post\" action=\"/cli/login\"><input type=\"hidden\" name=\"port\" value=\"{}\">\
         <input type=\"hidden\" name=\"state\" value=\"{}\"><button type=\"submit\" class=\"button button-primary\">Allow</button></form><p>",
        escape_html(&user.display_name),
        handoff.port,
        escape_html(&handoff.state),
    );
    let mut page = standalone_page(&standalone_html(
        "Sign in the command line",
        PageTone::Info,
        &form,
        "<a href=\"/\">Cancel</a>",
    ));
    // The form's answer redirects to the command's loopback port, which
    // `form-action` must allow.
    page.headers_mut().insert(
        axum::http::header::CONTENT_SECURITY_POLICY,
        axum::http::HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self' http://127.0.0.1:*; frame-ancestors 'none'",
        ),
    );
    page
}

async fn hand_over(
    State(auth): State<Arc<AuthState>>,
    Extension(current): Extension<CurrentSession>,
    Form(handoff): Form<Handoff>,
) -> Response {
    if !handoff.is_valid() {
        return invalid();
    }
    let session = new_session(current.0.user.clone(), current.0.kube.clone(), unix_now());
    let header = session_cookie_header(&auth.key, &auth.policy, &session);
    let Some(token) = header.strip_prefix(&format!("{SESSION_COOKIE}=")) else {
        return invalid();
    };
    let mut target = url::Url::parse(&format!("http://127.0.0.1:{}/callback", handoff.port))
        .expect("a loopback URL");
    target
        .query_pairs_mut()
        .append_pair("state", &handoff.state)
        .append_pair("token", token);
    tracing::info!(user = %current.0.user.username, "session handed to the command line");
    Redirect::to(target.as_str()).into_response()
}
