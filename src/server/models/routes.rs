//! `POST /models/{namespace}/{name}/invoke`: a call of a model, for the
//! signed-in person (behind the sign-in gate, which refuses cross-site
//! posts). A JSON body is the model's input, and the answer is the
//! model's, as it came (`X-Aigov-Grant` and `X-Aigov-Latency-Ms` say which
//! grant allowed it and how long it took); a refusal is the portal's error
//! as JSON (`{"kind", "message"}`) with its status. A plain form (the "Try
//! it" panel without JavaScript) sends its `input` field; the browser goes
//! back to the model's page, which shows the answer.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;

use super::invoke;
use crate::server::auth::gate::CurrentSession;
use crate::server::limits::refusal::{refuse, refuse_for};
use crate::server::state::AppState;
use crate::wire::error::ApiError;
use crate::wire::model_calls::CallAnswer;

/// The routes of model calls.
pub fn model_call_routes() -> Router<AppState> {
    Router::new().route("/models/{namespace}/{name}/invoke", post(invoke_model))
}

async fn invoke_model(
    State(state): State<AppState>,
    Path((namespace, name)): Path<(String, String)>,
    request: Request,
) -> Response {
    let form = is_form(request.headers());
    let Some(CurrentSession(session)) = request.extensions().get::<CurrentSession>().cloned()
    else {
        return refuse(ApiError::not_signed_in(), !form);
    };
    let limit = state.limits.body_bytes;
    let body = match axum::body::to_bytes(request.into_body(), limit).await {
        Ok(body) => body,
        Err(_) => {
            return refuse(
                ApiError::too_large(format!(
                    "A call's body may be at most {}.",
                    crate::server::limits::refusal::size_in_words(limit)
                )),
                !form,
            );
        }
    };
    if let Err(throttled) = invoke::within_rate(&state, &session) {
        tracing::info!(person = %session.user.username, "refused a model call over the rate limit");
        return refuse_for(
            ApiError::too_many(throttled.to_string()),
            !form,
            throttled.wait,
        );
    }
    if form {
        let input = url::form_urlencoded::parse(&body)
            .find(|(field, _)| field == "input")
            .map(|(_, value)| Bytes::from(value.into_owned()))
            .unwrap_or_default();
        let answer = match invoke::call(&state, &session, &namespace, &name, input).await {
            Ok(answered) => answered.for_page(),
            Err(error) => refused_for_page(&error),
        };
        let id = state.calls.answers.keep(&session.user.username, answer);
        let back = format!(
            "/models/{}/{}?call={id}#try-it",
            crate::wire::url_words::encode(&namespace),
            crate::wire::url_words::encode(&name)
        );
        return Redirect::to(&back).into_response();
    }
    match invoke::call(&state, &session, &namespace, &name, body).await {
        Ok(answered) => {
            let status = StatusCode::from_u16(answered.status).unwrap_or(StatusCode::OK);
            let mut response = (
                status,
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                answered.body,
            )
                .into_response();
            let headers = response.headers_mut();
            headers.insert("x-aigov-latency-ms", HeaderValue::from(answered.latency_ms));
            if let Some(grant) = answered.grant.and_then(|g| HeaderValue::from_str(&g).ok()) {
                headers.insert("x-aigov-grant", grant);
            }
            response
        }
        Err(error) => refuse(error, true),
    }
}

/// A refusal as the "Try it" panel shows it.
pub fn refused_for_page(error: &ApiError) -> CallAnswer {
    CallAnswer {
        status: error.status(),
        answered: false,
        body: error.message.clone(),
        latency_ms: 0,
        grant: None,
    }
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"))
}
