//! The status of a server function's refusal, whoever made it. The
//! server-function framework answers an argument it cannot decode (a
//! missing or malformed form field) with 500, although the error it
//! carries says what it is (`ApiError::invalid`, 422): a script would
//! retry a request that can never succeed. This middleware gives such an
//! answer the status its error names; every other answer passes untouched.

use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::wire::error::ApiError;

/// The largest error body read to find its kind.
const MAX_ERROR_BYTES: usize = 64 * 1024;

/// The middleware.
pub async fn status_of_api_errors(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !api || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BYTES).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Some(status) = serde_json::from_slice::<ApiError>(&bytes)
        .ok()
        .and_then(|error| StatusCode::from_u16(error.status()).ok())
    {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}
