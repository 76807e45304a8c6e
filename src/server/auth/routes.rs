//! `/auth/login`, `/auth/callback`, `/auth/logout` and `/auth/logged-out`.

use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::cookie::{Cookie, PrivateCookieJar, SameSite};
use jiff::{SignedDuration, Timestamp};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

use super::AuthState;
use super::error::{AuthError, PageTone, standalone_html, standalone_page};
use super::next_path::safe_next_path;
use super::provider::PendingLogin;
use super::session::{new_session, now};

/// Cookie holding a sign-in in progress (state, nonce, PKCE verifier).
pub const LOGIN_COOKIE: &str = "aigov_login";
/// How long a person has to complete the provider's sign-in.
const LOGIN_TTL: SignedDuration = SignedDuration::from_secs(600);

#[derive(Debug, Serialize, Deserialize)]
struct LoginInProgress {
    pending: PendingLogin,
    next: String,
    /// In the cookie: unix seconds.
    #[serde(with = "jiff::fmt::serde::timestamp::second::required")]
    started_at: Timestamp,
}

/// The routes under `/auth`.
pub fn auth_routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<AuthState>: axum::extract::FromRef<S>,
    axum_extra::extract::cookie::Key: axum::extract::FromRef<S>,
{
    Router::new()
        .route("/auth/login", get(login))
        .route("/auth/callback", get(callback))
        .route(
            "/auth/logout",
            get(super::logout::sign_out_link).post(super::logout::sign_out_form),
        )
        .route("/auth/logged-out", get(logged_out))
}

#[derive(Deserialize)]
struct LoginQuery {
    next: Option<String>,
}

async fn login(
    State(auth): State<Arc<AuthState>>,
    jar: PrivateCookieJar,
    Query(query): Query<LoginQuery>,
) -> Result<Response, AuthError> {
    let (url, pending) = auth.provider.begin().await?;
    let login = LoginInProgress {
        pending,
        next: safe_next_path(query.next.as_deref()),
        started_at: now(),
    };
    let cookie = Cookie::build((
        LOGIN_COOKIE,
        serde_json::to_string(&login).expect("serialises"),
    ))
    .path("/auth")
    .http_only(true)
    .secure(auth.policy.secure)
    .same_site(SameSite::Lax)
    .max_age(cookie::time::Duration::seconds(LOGIN_TTL.as_secs()))
    .build();
    Ok((jar.add(cookie), Redirect::to(url.as_str())).into_response())
}

#[derive(Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

async fn callback(
    State(auth): State<Arc<AuthState>>,
    jar: PrivateCookieJar,
    Query(query): Query<CallbackQuery>,
) -> Response {
    // The sign-in in progress is used once, whatever happens next.
    let login = jar
        .get(LOGIN_COOKIE)
        .and_then(|cookie| serde_json::from_str::<LoginInProgress>(cookie.value()).ok());
    let jar = jar.remove(Cookie::build(LOGIN_COOKIE).path("/auth").build());
    match finish_sign_in(&auth, login, query).await {
        Ok((cookie, next)) => (jar.add(cookie), Redirect::to(&next)).into_response(),
        Err(error) => (jar, error).into_response(),
    }
}

async fn finish_sign_in(
    auth: &AuthState,
    login: Option<LoginInProgress>,
    query: CallbackQuery,
) -> Result<(Cookie<'static>, String), AuthError> {
    let login = login.ok_or(AuthError::StateMismatch)?;
    if login.started_at.duration_until(now()) > LOGIN_TTL {
        return Err(AuthError::StateMismatch);
    }
    if let Some(error) = query.error {
        let detail = query.error_description.unwrap_or_default();
        return Err(AuthError::ProviderDenied(
            format!("{error} {detail}").trim().to_owned(),
        ));
    }
    let state = query.state.ok_or(AuthError::StateMismatch)?;
    if !constant_time_eq(state.as_bytes(), login.pending.state.as_bytes()) {
        return Err(AuthError::StateMismatch);
    }
    let code = query
        .code
        .ok_or_else(|| AuthError::ProviderDenied("no authorization code".into()))?;
    let claims = auth.provider.complete(code, &login.pending).await?;
    let user = auth.mapping.user_from_claims(&claims)?;
    let kube = auth.mapping.kube_identity(&user);
    let session = new_session(user, kube, now());
    tracing::info!(
        target: "aigov::audit",
        action = "sign-in",
        user = %session.user.username,
        kube_user = %session.kube.username,
        session = %session.id,
        "signed in"
    );
    Ok((auth.policy.cookie(&session), login.next))
}

async fn logged_out() -> Response {
    standalone_page(&standalone_html(
        "Signed out",
        PageTone::Info,
        view! { <p>"You are signed out of aigov."</p> },
        view! { <a href="/auth/login">"Sign in again"</a> },
    ))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
