//! Server functions called through the portal's whole router, as a script,
//! the browser bundle or a plain HTML form would.

use aigov::server::auth::session::{Session, session_cookie_header};
use aigov::server::router::build_router;
use aigov::server::state::AppState;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub struct Answer {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
}

impl Answer {
    /// The body as JSON; panics, showing it, when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// `who` requests the viewer level of `fraud-scorer` in `namespace` for
/// `duration`; the answer.
pub async fn request_viewer(
    state: &AppState,
    who: &Session,
    namespace: &str,
    duration: &str,
) -> Answer {
    call(
        state,
        "request-access",
        Some(who),
        &[
            ("namespace", namespace),
            ("model", "fraud-scorer"),
            ("level", "viewer"),
            ("duration", duration),
        ],
        false,
    )
    .await
}

/// Posts `form` to the server function at `endpoint` as `who`; `as_form`
/// makes it a plain HTML form post from the page `/somewhere`.
pub async fn call(
    state: &AppState,
    endpoint: &str,
    who: Option<&Session>,
    form: &[(&str, &str)],
    as_form: bool,
) -> Answer {
    let mut request = form_post(endpoint).header(header::ORIGIN, "http://portal.test");
    if let Some(who) = who {
        request = request.header(
            header::COOKIE,
            session_cookie_header(&state.auth.key, &state.auth.policy, who),
        );
    }
    if as_form {
        request = request
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .header(header::REFERER, "http://portal.test/somewhere");
    }
    send(state, request, form).await
}

/// Posts `form` to `endpoint` as a pipeline would: no cookie, no
/// `Origin`, and `Authorization: Bearer <token>` when a token is given.
pub async fn call_with_token(
    state: &AppState,
    endpoint: &str,
    token: Option<&str>,
    form: &[(&str, &str)],
) -> Answer {
    let mut request = form_post(endpoint).header(header::ACCEPT, "application/json");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    send(state, request, form).await
}

fn form_post(endpoint: &str) -> axum::http::request::Builder {
    Request::post(format!("/api/{endpoint}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
}

async fn send(
    state: &AppState,
    request: axum::http::request::Builder,
    form: &[(&str, &str)],
) -> Answer {
    let body = form
        .iter()
        .map(|(key, value)| format!("{key}={}", value.replace(' ', "+")))
        .collect::<Vec<_>>()
        .join("&");
    let response = build_router(state.clone())
        .oneshot(request.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|value| value.to_str().unwrap().to_owned());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        location,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Posts the same call `times` times in a row as `who`; the statuses.
pub async fn flood(
    state: &AppState,
    endpoint: &str,
    who: &Session,
    form: &[(&str, &str)],
    times: usize,
) -> Vec<StatusCode> {
    let mut statuses = Vec::with_capacity(times);
    for _ in 0..times {
        statuses.push(call(state, endpoint, Some(who), form, false).await.status);
    }
    statuses
}

/// How many of `statuses` the rate limit refused.
pub fn throttled(statuses: &[StatusCode]) -> usize {
    statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count()
}
