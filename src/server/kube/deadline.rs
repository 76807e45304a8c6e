//! A deadline on every call to the apiserver (`--cluster-timeout`), so a
//! cluster that accepts connections but answers nothing (a frozen
//! apiserver, a black-holed network) cannot hang a page or an action: the
//! call fails, and the person is told the cluster is not answering.
//!
//! The answer's headers must arrive within the deadline, for every call.
//! A call that streams by design (a watch, a followed log, an upgraded
//! connection) may then stream for as long as it likes; for every other
//! call the whole body must arrive within the same deadline. Connecting
//! (TCP and TLS) has the same limit, set on the client's connector.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Bytes, HttpBody};
use futures::StreamExt;
use http::{Request, Response};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, BodyStream, StreamBody};
use tower::{BoxError, Layer, Service};

/// The call did not answer in time.
#[derive(Debug, thiserror::Error)]
#[error("the Kubernetes API did not answer within {} ms", .0.as_millis())]
pub struct NoAnswer(pub Duration);

/// Puts a deadline of `limit` on each call through the client.
#[derive(Clone, Copy, Debug)]
pub struct Deadline {
    limit: Duration,
}

impl Deadline {
    pub fn new(limit: Duration) -> Self {
        Deadline { limit }
    }
}

impl<S> Layer<S> for Deadline {
    type Service = DeadlineService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        DeadlineService {
            inner,
            limit: self.limit,
        }
    }
}

#[derive(Clone, Debug)]
pub struct DeadlineService<S> {
    inner: S,
    limit: Duration,
}

/// Whether a call's answer streams by design: a watch, a followed log, or
/// an upgraded connection (exec, attach, port-forward).
pub fn streams<B>(request: &Request<B>) -> bool {
    if request.headers().contains_key(http::header::UPGRADE) {
        return true;
    }
    request.uri().query().is_some_and(|query| {
        query
            .split('&')
            .any(|pair| matches!(pair, "watch=true" | "watch=1" | "follow=true" | "follow=1"))
    })
}

type Answer = Response<UnsyncBoxBody<Bytes, BoxError>>;

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for DeadlineService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    ResBody: HttpBody<Data = Bytes> + Send + Unpin + 'static,
    ResBody::Error: Into<BoxError>,
{
    type Response = Answer;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Answer, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let limit = self.limit;
        let streaming = streams(&request);
        let deadline = tokio::time::Instant::now() + limit;
        let call = self.inner.call(request);
        Box::pin(async move {
            let response = match tokio::time::timeout_at(deadline, call).await {
                Ok(result) => result.map_err(Into::into)?,
                Err(_) => return Err(Box::new(NoAnswer(limit)) as BoxError),
            };
            let (parts, body) = response.into_parts();
            let body = body.map_err(Into::into);
            if streaming {
                return Ok(Response::from_parts(parts, UnsyncBoxBody::new(body)));
            }
            Ok(Response::from_parts(parts, within(body, deadline, limit)))
        })
    }
}

/// `body`, failing with [`NoAnswer`] if it has not ended by `deadline`.
fn within<B>(
    body: B,
    deadline: tokio::time::Instant,
    limit: Duration,
) -> UnsyncBoxBody<Bytes, BoxError>
where
    B: HttpBody<Data = Bytes, Error = BoxError> + Send + Unpin + 'static,
{
    let mut frames = BodyStream::new(body);
    let mut timer = Box::pin(tokio::time::sleep_until(deadline));
    let mut over = false;
    let stream = futures::stream::poll_fn(move |cx| {
        if over {
            return Poll::Ready(None);
        }
        if let Poll::Ready(frame) = frames.poll_next_unpin(cx) {
            return Poll::Ready(frame);
        }
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => {
                over = true;
                Poll::Ready(Some(Err(Box::new(NoAnswer(limit)) as BoxError)))
            }
            Poll::Pending => Poll::Pending,
        }
    });
    UnsyncBoxBody::new(StreamBody::new(stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(uri: &str) -> Request<()> {
        Request::get(uri).body(()).unwrap()
    }

    #[test]
    fn watches_followed_logs_and_upgrades_stream() {
        assert!(streams(&get(
            "/apis/aigov.dev/v1alpha1/accessrequests?watch=true&resourceVersion=1"
        )));
        assert!(streams(&get(
            "/api/v1/namespaces/llm/pods/p/log?container=c&follow=true"
        )));
        let exec = Request::get("/api/v1/namespaces/llm/pods/p/exec")
            .header(http::header::UPGRADE, "websocket")
            .body(())
            .unwrap();
        assert!(streams(&exec));
        assert!(!streams(&get(
            "/api/v1/namespaces/llm/pods/p/log?follow=false"
        )));
        assert!(!streams(&get(
            "/apis/aigov.dev/v1alpha1/accessrequests?limit=500"
        )));
        assert!(!streams(&get(
            "/api/v1/namespaces?labelSelector=watch%3Dtrue"
        )));
    }
}
