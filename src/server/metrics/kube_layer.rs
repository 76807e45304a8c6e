//! Counts failed apiserver calls at the transport, so every call is seen
//! (the portal's own and those made as a person), whichever module made it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::{Request, Response};
use tower::{Layer, Service};

use super::metrics;

/// Wraps the Kubernetes client's HTTP service.
#[derive(Clone, Copy, Debug, Default)]
pub struct CountKubeErrors;

impl<S> Layer<S> for CountKubeErrors {
    type Service = CountingService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        CountingService { inner }
    }
}

#[derive(Clone, Debug)]
pub struct CountingService<S> {
    inner: S,
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for CountingService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let call = self.inner.call(request);
        Box::pin(async move {
            let result = call.await;
            match &result {
                Ok(response) if response.status().as_u16() >= 400 => {
                    metrics().kube_error(response.status().as_str());
                }
                Ok(_) => {}
                Err(_) => metrics().kube_error("unreachable"),
            }
            result
        })
    }
}
