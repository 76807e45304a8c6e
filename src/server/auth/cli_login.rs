//! `/cli/login`: hands a session to the `aigov` command line. `aigov login`
//! listens on a loopback port and opens this page; the signed-in person
//! confirms, and the portal sends their browser to that loopback port with a
//! new session token and the command's state. Only loopback addresses are
//! ever a target, and the confirmation is a same-site POST, so another site
//! cannot have a session sent anywhere.
//!
//! The command line's session is a new one (its own id) that keeps the
//! browser session's sign-in time, so it ends when that sign-in would:
//! handing over again and again never stretches a sign-in past its
//! absolute deadline, nor past a removal from a group at the provider.

use std::sync::Arc;

use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
use leptos::prelude::*;
use serde::Deserialize;

use super::AuthState;
use super::error::{PageTone, standalone_html, standalone_page};
use super::gate::CurrentSession;
use super::session::{SESSION_COOKIE, new_session, now, session_cookie_header};

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
        view! {
            <p>
                "This address was not made by " <code>"aigov login"</code> ". Run "
                <code>"aigov login"</code> " again."
            </p>
        },
        view! { <a href="/">"Back to the portal"</a> },
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
    let user = current.0.user.display_name.clone();
    let port = handoff.port.to_string();
    let state = handoff.state;
    let mut page = standalone_page(&standalone_html(
        "Sign in the command line",
        PageTone::Info,
        view! {
            <p>
                "Allow the " <code>"aigov"</code> " command line on this computer to act as "
                <strong>{user}</strong>
                "? It will be able to request, approve, deny and revoke access as you."
            </p>
            <form method="post" action="/cli/login">
                <input type="hidden" name="port" value=port/>
                <input type="hidden" name="state" value=state/>
                <button type="submit" class="button button-primary">"Allow"</button>
            </form>
        },
        view! { <a href="/">"Cancel"</a> },
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
    let mut session = new_session(current.0.user.clone(), current.0.kube.clone(), now());
    session.signed_in_at = current.0.signed_in_at;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::auth::config::AuthArgs;
    use crate::server::auth::session::{Session, SessionStatus};
    use axum::body::Body;
    use axum::http::{Request, header};
    use axum_extra::extract::cookie::PrivateCookieJar;
    use clap::Parser;
    use jiff::{SignedDuration, Timestamp};
    use tower::ServiceExt;

    #[derive(Parser)]
    struct Args {
        #[command(flatten)]
        auth: AuthArgs,
    }

    fn auth() -> Arc<AuthState> {
        let args = Args::parse_from([
            "aigov",
            "--oidc-issuer",
            "https://idp.invalid",
            "--public-url",
            "http://portal.test",
            "--dev",
        ]);
        Arc::new(AuthState::from_args(&args.auth, "127.0.0.1:3000".parse().unwrap()).unwrap())
    }

    fn alice(signed_in_at: Timestamp) -> Session {
        let user = crate::identity::SignedInUser {
            username: "alice".into(),
            display_name: "Alice".into(),
            email: None,
            groups: vec!["fraud-team".into()],
            is_manager: false,
        };
        let kube = crate::server::auth::claims::KubeIdentity {
            username: "oidc:alice".into(),
            groups: vec!["oidc:fraud-team".into()],
        };
        let mut session = new_session(user, kube, signed_in_at);
        session.last_seen = now();
        session
    }

    /// Hands `session` over to the command line; returns the session the
    /// command line received.
    async fn hand_over_from(auth: &Arc<AuthState>, session: Session) -> Session {
        let app = cli_login_routes::<Arc<AuthState>>()
            .with_state(auth.clone())
            .layer(Extension(CurrentSession(session)));
        let response = app
            .oneshot(
                Request::post("/cli/login")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from("port=40000&state=abcdefghijklmnop0123"))
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        let target: url::Url = response.headers()[header::LOCATION]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        let token = target
            .query_pairs()
            .find(|(key, _)| key == "token")
            .map(|(_, value)| value.into_owned())
            .expect("a token");
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(
            header::COOKIE,
            format!("{SESSION_COOKIE}={token}").parse().unwrap(),
        );
        let jar = PrivateCookieJar::from_headers(&headers, auth.key.clone());
        match auth.policy.status(&jar, now()) {
            SessionStatus::Active { session, .. } => *session,
            other => panic!("the handed-over session is not active: {other:?}"),
        }
    }

    #[tokio::test]
    async fn repeated_hand_overs_end_when_the_browser_sign_in_would() {
        let auth = auth();
        let signed_in_at = now() - SignedDuration::from_mins(11 * 60 + 30);
        let deadline = signed_in_at + SignedDuration::from_hours(12);
        let browser = alice(signed_in_at);
        let first = hand_over_from(&auth, browser.clone()).await;
        // The command line hands its own session over again, as a script
        // that signs in every hour would.
        let second = hand_over_from(&auth, first.clone()).await;
        for handed in [&first, &second] {
            assert_ne!(handed.id, browser.id, "a session of its own");
            assert_eq!(handed.signed_in_at, signed_in_at);
        }
        let cookie = auth.policy.cookie(&second);
        let jar = PrivateCookieJar::new(auth.key.clone()).add(cookie);
        assert!(matches!(
            auth.policy
                .status(&jar, deadline - SignedDuration::from_secs(1)),
            SessionStatus::Active { .. }
        ));
        assert_eq!(auth.policy.status(&jar, deadline), SessionStatus::Expired);
    }
}
