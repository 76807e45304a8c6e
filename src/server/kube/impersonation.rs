//! A tower service that adds impersonation headers to every request and
//! sends it through the portal's shared client.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::{HeaderName, HeaderValue, Request, Response};
use kube::client::Body;

use super::error::KubeError;
use crate::server::auth::claims::KubeIdentity;

const IMPERSONATE_USER: HeaderName = HeaderName::from_static("impersonate-user");
const IMPERSONATE_GROUP: HeaderName = HeaderName::from_static("impersonate-group");

/// Sends requests through `base` as the impersonated identity.
#[derive(Clone)]
pub struct Impersonating {
    base: kube::Client,
    headers: Arc<Vec<(HeaderName, HeaderValue)>>,
}

impl Impersonating {
    pub fn new(base: kube::Client, identity: &KubeIdentity) -> Result<Self, KubeError> {
        Ok(Self {
            base,
            headers: Arc::new(impersonation_headers(identity)?),
        })
    }
}

/// The headers that make the apiserver act as `identity`. Names that are
/// not valid header values are refused rather than altered.
pub fn impersonation_headers(
    identity: &KubeIdentity,
) -> Result<Vec<(HeaderName, HeaderValue)>, KubeError> {
    let value = |name: &str| {
        HeaderValue::from_str(name).map_err(|_| KubeError::UnusableIdentity(name.to_owned()))
    };
    let mut headers = vec![(IMPERSONATE_USER, value(&identity.username)?)];
    for group in &identity.groups {
        headers.push((IMPERSONATE_GROUP, value(group)?));
    }
    Ok(headers)
}

impl tower::Service<Request<Body>> for Impersonating {
    type Response = Response<Body>;
    type Error = kube::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, kube::Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut request: Request<Body>) -> Self::Future {
        let headers = request.headers_mut();
        // Whatever asked for this request cannot choose another identity.
        headers.remove(IMPERSONATE_USER);
        headers.remove(IMPERSONATE_GROUP);
        for (name, value) in self.headers.iter() {
            headers.append(name.clone(), value.clone());
        }
        let base = self.base.clone();
        Box::pin(async move { base.send(request).await })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_user_header_and_one_header_per_group() {
        let identity = KubeIdentity {
            username: "oidc:alice".into(),
            groups: vec!["oidc:fraud-team".into(), "oidc:ml".into()],
        };
        let headers = impersonation_headers(&identity).unwrap();
        assert_eq!(headers.len(), 3);
        assert_eq!(
            headers[0],
            (IMPERSONATE_USER, HeaderValue::from_static("oidc:alice"))
        );
        assert_eq!(
            headers[2],
            (IMPERSONATE_GROUP, HeaderValue::from_static("oidc:ml"))
        );
    }

    #[test]
    fn a_name_that_cannot_be_a_header_is_refused() {
        let identity = KubeIdentity {
            username: "bad\nname".into(),
            groups: vec![],
        };
        assert!(matches!(
            impersonation_headers(&identity),
            Err(KubeError::UnusableIdentity(_))
        ));
    }
}
