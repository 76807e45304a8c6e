//! The one error every server function answers with: what went wrong in the
//! words the person reads, and what kind of failure it is, which decides
//! the HTTP status of the answer (401, 403, 404, 409, 413, 422, 429, 503 or
//! 500).
//!
//! A plain form post (no browser bundle) is still redirected back to its
//! page with the message, as Leptos does, so the form shows it; a call from
//! the bundle, a script or the command line gets the status and the error
//! as JSON (`{"kind": "forbidden", "message": "…"}`).

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What kind of failure an [`ApiError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Nobody is signed in, or the session ended: 401.
    NotSignedIn,
    /// The person may not do or see this: 403.
    Forbidden,
    /// What was asked for does not exist (or its existence stays hidden): 404.
    NotFound,
    /// The state changed under the request, or it would duplicate one: 409.
    Conflict,
    /// The request's body is larger than the portal accepts: 413.
    TooLarge,
    /// The input is not valid; the message says which field and why: 422.
    Invalid,
    /// The person changed too much too quickly, or holds too many streams
    /// open; the message says when to try again: 429.
    TooMany,
    /// The cluster or the identity provider did not answer: 503.
    Unavailable,
    /// Anything else, including a request the browser could not send: 500.
    Failed,
    /// A model called through the portal failed or could not be reached: 502.
    BadGateway,
    /// A model called through the portal did not answer in time: 504.
    GatewayTimeout,
}

impl ErrorKind {
    /// The HTTP status that answers this kind of failure.
    pub fn status(self) -> u16 {
        match self {
            ErrorKind::NotSignedIn => 401,
            ErrorKind::Forbidden => 403,
            ErrorKind::NotFound => 404,
            ErrorKind::Conflict => 409,
            ErrorKind::TooLarge => 413,
            ErrorKind::Invalid => 422,
            ErrorKind::TooMany => 429,
            ErrorKind::Unavailable => 503,
            ErrorKind::Failed => 500,
            ErrorKind::BadGateway => 502,
            ErrorKind::GatewayTimeout => 504,
        }
    }
}

/// A failed server function, as the person sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[error("{message}")]
pub struct ApiError {
    pub kind: ErrorKind,
    pub message: String,
}

impl ApiError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ApiError {
            kind,
            message: message.into(),
        }
    }

    pub fn not_signed_in() -> Self {
        Self::new(
            ErrorKind::NotSignedIn,
            "You are not signed in. Sign in again.",
        )
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, message)
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Invalid, message)
    }

    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::TooLarge, message)
    }

    pub fn too_many(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::TooMany, message)
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unavailable, message)
    }

    pub fn failed(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Failed, message)
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        self.kind.status()
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(detail) | ServerFnErrorErr::MissingArg(detail) => {
                ApiError::invalid(format!(
                    "The form was not filled in as expected ({detail}). Reload the page and try again."
                ))
            }
            ServerFnErrorErr::Request(_) => ApiError::failed(
                "The portal could not be reached. Check your connection and reload the page.",
            ),
            ServerFnErrorErr::Response(_) | ServerFnErrorErr::Deserialization(_) => {
                ApiError::failed(
                    "The portal's answer could not be read. Reload the page; if it keeps failing, tell your platform team.",
                )
            }
            other => ApiError::failed(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_answers_with_its_status() {
        let cases = [
            (ApiError::not_signed_in(), 401),
            (ApiError::forbidden("no"), 403),
            (ApiError::not_found("gone"), 404),
            (ApiError::conflict("twice"), 409),
            (ApiError::too_large("big"), 413),
            (ApiError::invalid("bad"), 422),
            (ApiError::too_many("slow down"), 429),
            (ApiError::unavailable("down"), 503),
            (ApiError::failed("oops"), 500),
        ];
        for (error, status) in cases {
            assert_eq!(error.status(), status, "{error:?}");
        }
    }

    #[test]
    fn the_error_crosses_the_wire_with_its_kind_and_message() {
        let error = ApiError::forbidden("You may not review this request.");
        let bytes = error.ser();
        let text = std::str::from_utf8(&bytes).unwrap();
        assert!(text.contains("\"kind\":\"forbidden\""), "{text}");
        assert_eq!(ApiError::de(bytes), error);
        assert_eq!(error.to_string(), "You may not review this request.");
    }

    #[test]
    fn a_malformed_argument_is_invalid_input() {
        let error = ApiError::from_server_fn_error(ServerFnErrorErr::Args("duration".into()));
        assert_eq!(error.kind, ErrorKind::Invalid);
        assert!(error.message.contains("duration"), "{}", error.message);
    }
}
