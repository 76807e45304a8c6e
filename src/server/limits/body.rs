//! The largest body any route accepts (64 KiB by default): no form or
//! server function call needs more than a few KiB, and nothing is uploaded.
//!
//! A body is refused with 413 and the limit in words, before it is read:
//! a declared `Content-Length` over the limit is refused at once; a body of
//! unknown length (chunked) is read up to the limit and refused at the
//! first byte past it. Either way the portal holds at most the limit in
//! memory for a request. Bodies within the limit are handed on whole, so
//! every handler behind this — the server functions' own reader included —
//! sees a body it can read without a limit of its own answering first (as
//! the framework's did, with a 500).
//!
//! After refusing, the rest of a body still arriving is read and dropped
//! for a few seconds ([`LINGER`]), so the client, still sending, gets to
//! read the 413 instead of a reset connection (a client that asked
//! `Expect: 100-continue` is never asked for the body).

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, EXPECT};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;

use super::refusal::{refuse, size_in_words, wants_json};
use crate::wire::error::ApiError;

/// How long the rest of a refused body is read and dropped.
pub const LINGER: Duration = Duration::from_secs(5);

/// The middleware; its state is the limit in bytes.
pub async fn limit_body(State(limit): State<usize>, request: Request, next: Next) -> Response {
    let json = wants_json(request.uri().path(), request.headers());
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    let (parts, body) = request.into_parts();
    if declared.is_some_and(|length| length > limit as u64) {
        tracing::info!(path = %parts.uri.path(), declared, limit, "refused a body over the limit");
        // A client that waits for `100 Continue` sends nothing more: reading
        // would ask it for the body.
        if !parts.headers.contains_key(EXPECT) {
            linger(body);
        }
        return too_large(limit, json);
    }
    let mut body = body;
    let mut collected = Vec::new();
    while let Some(frame) = body.frame().await {
        let data = match frame {
            Ok(frame) => frame.into_data().unwrap_or_default(),
            Err(error) => {
                tracing::info!(path = %parts.uri.path(), %error, "a request body broke off");
                return (
                    axum::http::StatusCode::BAD_REQUEST,
                    "The request's body could not be read: the connection broke off.",
                )
                    .into_response();
            }
        };
        if collected.len() + data.len() > limit {
            tracing::info!(path = %parts.uri.path(), limit, "refused a streamed body over the limit");
            linger(body);
            return too_large(limit, json);
        }
        collected.extend_from_slice(&data);
    }
    next.run(Request::from_parts(
        parts,
        Body::from(Bytes::from(collected)),
    ))
    .await
}

/// The 413, with the limit in words.
fn too_large(limit: usize, json: bool) -> Response {
    let error = ApiError::too_large(format!(
        "This request is larger than the portal accepts ({} at most). No form of the portal needs that much: shorten what you wrote, or reload the page and try again.",
        size_in_words(limit)
    ));
    refuse(error, json)
}

/// Reads and drops what is left of `body` for [`LINGER`], off the request.
fn linger(body: Body) {
    tokio::spawn(async move {
        let mut body = body;
        let _ = tokio::time::timeout(LINGER, async {
            while let Some(Ok(_)) = body.frame().await {}
        })
        .await;
    });
}
