//! The answer to a request a limit refuses: its status, what was exceeded
//! in words, and when to try again. A call to `/api/` from the browser
//! bundle, a script or the command line gets the error as JSON, like every
//! server function's error (`{"kind": "too_many", "message": "…"}`); a
//! browser navigating or posting a plain form gets the sentence as text.

use std::time::Duration;

use axum::http::header::{ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::wire::error::ApiError;

/// Whether the caller reads errors as JSON: a call to `/api/` that does
/// not ask for a page.
pub fn wants_json(path: &str, headers: &HeaderMap) -> bool {
    let accepts_html = headers
        .get(ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains("text/html"));
    path.starts_with("/api/") && !accepts_html
}

/// The answer carrying `error` with its status, as JSON or text.
pub fn refuse(error: ApiError, json: bool) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if json {
        let body = serde_json::to_string(&error).unwrap_or_else(|_| error.message.clone());
        (
            status,
            [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            body,
        )
            .into_response()
    } else {
        (status, error.message).into_response()
    }
}

/// [`refuse`], with `Retry-After` in whole seconds (at least one).
pub fn refuse_for(error: ApiError, json: bool, retry_after: Duration) -> Response {
    let mut response = refuse(error, json);
    response.headers_mut().insert(
        RETRY_AFTER,
        HeaderValue::from(retry_after_seconds(retry_after)),
    );
    response
}

/// `wait` as whole seconds for `Retry-After`, rounded up, at least one.
pub fn retry_after_seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// A size in words: `64 KiB`, `2 MiB`, `512 bytes`.
pub fn size_in_words(bytes: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * KIB;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_is_rounded_up_to_whole_seconds_and_never_zero() {
        assert_eq!(retry_after_seconds(Duration::ZERO), 1);
        assert_eq!(retry_after_seconds(Duration::from_millis(10)), 1);
        assert_eq!(retry_after_seconds(Duration::from_secs(1)), 1);
        assert_eq!(retry_after_seconds(Duration::from_millis(1500)), 2);
        assert_eq!(retry_after_seconds(Duration::from_secs(3)), 3);
    }

    #[test]
    fn sizes_are_said_in_the_largest_whole_unit() {
        assert_eq!(size_in_words(64 * 1024), "64 KiB");
        assert_eq!(size_in_words(2 * 1024 * 1024), "2 MiB");
        assert_eq!(size_in_words(1500), "1500 bytes");
    }

    #[test]
    fn api_calls_get_json_and_browsers_get_text() {
        let mut headers = HeaderMap::new();
        assert!(wants_json("/api/cancel", &headers));
        assert!(!wants_json("/cli/login", &headers));
        headers.insert(ACCEPT, HeaderValue::from_static("text/html,*/*"));
        assert!(!wants_json("/api/cancel", &headers));
    }
}
