//! A change the portal has begun is finished, even when the browser that
//! asked goes away: a person who submits a form and at once follows a link
//! aborts the submission's fetch, and the HTTP server then drops the
//! request's handler wherever it was waiting (between creating a request
//! and writing its first status, or before creating it at all). The
//! person saw "submitted" and would find nothing, or half a change.
//!
//! [`complete_changes`] runs the handling of every request that may change
//! state (any method but GET, HEAD and OPTIONS) as a task of its own, which
//! runs to its end whether or not anyone still waits for the answer. Reads
//! are left as they are: nobody misses an answer nobody waits for.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

/// The middleware: a change's handler runs to its end in its own task.
pub async fn complete_changes(request: Request, next: Next) -> Response {
    if request.method().is_safe() {
        return next.run(request).await;
    }
    let handling = tokio::spawn(next.run(request).in_current_span());
    match handling.await {
        Ok(response) => response,
        Err(error) => {
            tracing::error!(%error, "a change's handler failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The portal failed while making this change. Reload the page to see what was saved, then try again.",
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use axum::Router;
    use axum::body::Body;
    use axum::routing::post;
    use tokio::sync::{Notify, oneshot};
    use tower::ServiceExt;

    use super::*;

    /// A router whose one change waits for `go`, then reports it was made.
    fn router(
        go: Arc<Notify>,
        made: Arc<tokio::sync::Mutex<Option<oneshot::Sender<()>>>>,
    ) -> Router {
        let change = move || {
            let (go, made) = (go.clone(), made.clone());
            async move {
                go.notified().await;
                if let Some(made) = made.lock().await.take() {
                    let _ = made.send(());
                }
                "made"
            }
        };
        Router::new()
            .route("/change", post(change.clone()).get(change))
            .layer(axum::middleware::from_fn(complete_changes))
    }

    fn call(method: &str) -> Request {
        Request::builder()
            .method(method)
            .uri("/change")
            .body(Body::empty())
            .unwrap()
    }

    /// Starts `method`, gives up waiting for its answer (as an aborted fetch
    /// does), then lets the handler go on; true when the change was made.
    async fn made_after_the_caller_left(method: &str) -> bool {
        let go = Arc::new(Notify::new());
        let (made_tx, made_rx) = oneshot::channel();
        let made = Arc::new(tokio::sync::Mutex::new(Some(made_tx)));
        let answer = router(go.clone(), made).oneshot(call(method));
        let waited = tokio::time::timeout(Duration::from_millis(50), answer).await;
        assert!(waited.is_err(), "the handler answered before it was let go");
        go.notify_one();
        tokio::time::timeout(Duration::from_secs(5), made_rx)
            .await
            .is_ok_and(|made| made.is_ok())
    }

    #[tokio::test]
    async fn a_change_whose_caller_left_is_still_made() {
        assert!(made_after_the_caller_left("POST").await);
    }

    #[tokio::test]
    async fn a_read_whose_caller_left_is_dropped() {
        assert!(!made_after_the_caller_left("GET").await);
    }

    #[tokio::test]
    async fn a_change_answers_as_its_handler_does() {
        let go = Arc::new(Notify::new());
        go.notify_one();
        let made = Arc::new(tokio::sync::Mutex::new(None));
        let response = router(go, made).oneshot(call("POST")).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body = axum::body::to_bytes(response.into_body(), 64)
            .await
            .unwrap();
        assert_eq!(&body[..], b"made");
    }
}
