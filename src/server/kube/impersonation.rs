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
/// not valid header values are refused rather than altered, and so are
/// names with leading or trailing blanks, which the apiserver's HTTP
/// server would strip (` admins` would arrive as `admins`).
pub fn impersonation_headers(
    identity: &KubeIdentity,
) -> Result<Vec<(HeaderName, HeaderValue)>, KubeError> {
    let value = |name: &str| {
        let blank_at_an_end = name.starts_with([' ', '\t']) || name.ends_with([' ', '\t']);
        HeaderValue::from_str(name)
            .ok()
            .filter(|_| !name.is_empty() && !blank_at_an_end)
            .ok_or_else(|| KubeError::UnusableIdentity(name.to_owned()))
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

    #[test]
    fn a_name_the_apiserver_would_trim_is_refused() {
        for (username, group) in [
            (" alice", "g"),
            ("alice", " admins"),
            ("alice", "admins\t"),
            ("", "g"),
        ] {
            let identity = KubeIdentity {
                username: username.into(),
                groups: vec![group.into()],
            };
            assert!(
                matches!(
                    impersonation_headers(&identity),
                    Err(KubeError::UnusableIdentity(_))
                ),
                "{username:?} {group:?}"
            );
        }
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::hostile::{config, mixed};
    use proptest::prelude::*;

    fn name() -> impl Strategy<Value = String> + Clone {
        mixed(
            prop::sample::select(vec!["oidc:alice", "oidc:fraud-team", "bob"])
                .prop_map(str::to_owned),
        )
    }

    /// A header value as an HTTP server reads it: without the optional
    /// whitespace around it (RFC 9110, section 5.5).
    fn as_received(value: &HeaderValue) -> &[u8] {
        value.as_bytes().trim_ascii_start().trim_ascii_end()
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn the_apiserver_receives_exactly_the_names_or_nothing_is_sent(
            username in name(),
            groups in prop::collection::vec(name(), 0..4),
        ) {
            let identity = KubeIdentity { username, groups };
            match impersonation_headers(&identity) {
                Ok(headers) => {
                    let names: Vec<&String> = std::iter::once(&identity.username)
                        .chain(&identity.groups)
                        .collect();
                    prop_assert_eq!(headers.len(), names.len());
                    for ((_, value), name) in headers.iter().zip(names) {
                        prop_assert_eq!(as_received(value), name.as_bytes());
                        prop_assert!(!name.is_empty());
                    }
                }
                Err(KubeError::UnusableIdentity(name)) => {
                    prop_assert!(
                        name == identity.username || identity.groups.contains(&name)
                    );
                }
                Err(other) => prop_assert!(false, "unexpected {:?}", other),
            }
        }
    }
}
