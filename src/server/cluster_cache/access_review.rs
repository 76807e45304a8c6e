//! Whether a person may list (or get) a kind in a namespace, asked as them
//! and remembered briefly.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use kube::Api;
use kube::api::PostParams;

use super::kept::Kept;
use crate::server::auth::claims::KubeIdentity;
use crate::server::kube::error::KubeError;

/// A kind as RBAC names it: API group and plural resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ResourceName {
    pub group: &'static str,
    pub resource: &'static str,
}

impl std::fmt::Display for ResourceName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.group.is_empty() {
            f.write_str(self.resource)
        } else {
            write!(f, "{}.{}", self.resource, self.group)
        }
    }
}

/// Who asks: the impersonated user name and groups, as one key.
pub(super) fn identity_key(identity: &KubeIdentity) -> String {
    let mut groups = identity.groups.clone();
    groups.sort();
    format!("{}\u{0}{}", identity.username, groups.join("\u{0}"))
}

/// Who, where, which verb, which kind.
type Key = (String, String, &'static str, ResourceName);

/// Answers of SelfSubjectAccessReviews, each trusted for a while. While
/// the apiserver answers one, the same person's requests that need the same
/// answer wait for it instead of asking again.
pub struct AccessReviews {
    answers: Kept<Key, bool>,
    asked: AtomicU64,
}

impl AccessReviews {
    pub fn new(ttl: Duration) -> AccessReviews {
        AccessReviews {
            answers: Kept::new(ttl),
            asked: AtomicU64::new(0),
        }
    }

    /// How many reviews were asked of the apiserver (not answered from
    /// memory) since this was made.
    pub fn asked(&self) -> u64 {
        self.asked.load(Ordering::Relaxed)
    }

    /// The remembered answer about `list`, if still fresh.
    pub fn remembered(
        &self,
        identity: &KubeIdentity,
        namespace: &str,
        resource: ResourceName,
    ) -> Option<bool> {
        self.remembered_verb(identity, "list", namespace, resource)
    }

    /// The remembered answer about `verb`, if still fresh.
    pub fn remembered_verb(
        &self,
        identity: &KubeIdentity,
        verb: &'static str,
        namespace: &str,
        resource: ResourceName,
    ) -> Option<bool> {
        let key = (identity_key(identity), namespace.to_owned(), verb, resource);
        self.answers.peek(&key)
    }

    /// Remembers an answer about `list`.
    pub fn remember(
        &self,
        identity: &KubeIdentity,
        namespace: &str,
        resource: ResourceName,
        allowed: bool,
    ) {
        self.remember_verb(identity, "list", namespace, resource, allowed);
    }

    /// Remembers an answer about `verb`.
    fn remember_verb(
        &self,
        identity: &KubeIdentity,
        verb: &'static str,
        namespace: &str,
        resource: ResourceName,
        allowed: bool,
    ) {
        let key = (identity_key(identity), namespace.to_owned(), verb, resource);
        self.answers.insert(key, allowed);
    }

    /// Whether `identity` may `list` `resource` in `namespace`: remembered,
    /// or asked with `user` (a client impersonating that identity).
    pub async fn may_list(
        &self,
        user: &kube::Client,
        identity: &KubeIdentity,
        namespace: &str,
        resource: ResourceName,
    ) -> Result<bool, KubeError> {
        self.may(user, identity, "list", namespace, resource).await
    }

    /// Whether `identity` may `verb` `resource` in `namespace` (every
    /// namespace when it is empty): remembered, or asked with `user`. While
    /// the apiserver answers, the same person's other requests for the same
    /// answer wait for it; when asking fails, the next one asks again.
    pub async fn may(
        &self,
        user: &kube::Client,
        identity: &KubeIdentity,
        verb: &'static str,
        namespace: &str,
        resource: ResourceName,
    ) -> Result<bool, KubeError> {
        let key = (identity_key(identity), namespace.to_owned(), verb, resource);
        let (allowed, _) = self
            .answers
            .get_or_ask(key, || {
                self.asked.fetch_add(1, Ordering::Relaxed);
                review(user, verb, namespace, resource)
            })
            .await?;
        Ok(allowed)
    }

    /// Asks about `list` of every one of `resources` in `namespace` at
    /// once, so that the reads that follow find the answers remembered.
    pub async fn ask_list_all(
        &self,
        user: &kube::Client,
        identity: &KubeIdentity,
        namespace: &str,
        resources: &[ResourceName],
    ) -> Result<(), KubeError> {
        futures::future::try_join_all(
            resources
                .iter()
                .map(|resource| self.may_list(user, identity, namespace, *resource)),
        )
        .await?;
        Ok(())
    }

    /// Drops answers past their time.
    pub fn forget_expired(&self) {
        self.answers.forget_expired();
    }
}

/// One SelfSubjectAccessReview, made by `user` about itself.
async fn review(
    user: &kube::Client,
    verb: &str,
    namespace: &str,
    resource: ResourceName,
) -> Result<bool, KubeError> {
    let review = SelfSubjectAccessReview {
        spec: SelfSubjectAccessReviewSpec {
            resource_attributes: Some(ResourceAttributes {
                namespace: Some(namespace.to_owned()),
                verb: Some(verb.into()),
                group: Some(resource.group.into()),
                resource: Some(resource.resource.into()),
                ..Default::default()
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    let answer = Api::<SelfSubjectAccessReview>::all(user.clone())
        .create(&PostParams::default(), &review)
        .await
        .map_err(|error| KubeError::from_kube(error, "access reviews"))?;
    Ok(answer.status.is_some_and(|status| status.allowed))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    const PODS: ResourceName = ResourceName {
        group: "",
        resource: "pods",
    };

    fn person(name: &str, groups: &[&str]) -> KubeIdentity {
        KubeIdentity {
            username: name.into(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
        }
    }

    #[test]
    fn an_answer_is_remembered_per_person_namespace_and_kind() {
        let reviews = AccessReviews::new(Duration::from_secs(30));
        let alice = person("oidc:alice", &["oidc:fraud-team"]);
        reviews.remember(&alice, "fraud-detection", PODS, true);
        assert_eq!(
            reviews.remembered(&alice, "fraud-detection", PODS),
            Some(true)
        );
        assert_eq!(reviews.remembered(&alice, "llm", PODS), None);
        let policies = ResourceName {
            group: "networking.k8s.io",
            resource: "networkpolicies",
        };
        assert_eq!(
            reviews.remembered(&alice, "fraud-detection", policies),
            None
        );
        let other_groups = person("oidc:alice", &["oidc:llm-team"]);
        assert_eq!(
            reviews.remembered(&other_groups, "fraud-detection", PODS),
            None
        );
    }

    #[test]
    fn an_answer_about_one_verb_says_nothing_about_another() {
        let reviews = AccessReviews::new(Duration::from_secs(30));
        let mona = person("oidc:mona", &["oidc:llm-managers"]);
        reviews.remember_verb(&mona, "get", "llm", PODS, true);
        assert_eq!(
            reviews.remembered_verb(&mona, "get", "llm", PODS),
            Some(true)
        );
        assert_eq!(reviews.remembered(&mona, "llm", PODS), None);
    }

    #[test]
    fn group_order_does_not_matter() {
        let reviews = AccessReviews::new(Duration::from_secs(30));
        reviews.remember(&person("u", &["a", "b"]), "ns", PODS, false);
        assert_eq!(
            reviews.remembered(&person("u", &["b", "a"]), "ns", PODS),
            Some(false)
        );
    }

    #[test]
    fn an_expired_answer_is_asked_again() {
        let reviews = AccessReviews::new(Duration::ZERO);
        let bob = person("oidc:bob", &[]);
        reviews.remember(&bob, "ns", PODS, true);
        assert_eq!(reviews.remembered(&bob, "ns", PODS), None);
        reviews.forget_expired();
        assert!(reviews.answers.is_empty());
    }

    /// A client whose apiserver allows everything after `delay`, counting
    /// the reviews it was asked.
    fn allowing_apiserver(delay: Duration) -> (kube::Client, Arc<AtomicU64>) {
        let asked = Arc::new(AtomicU64::new(0));
        let counter = asked.clone();
        let service = tower::service_fn(move |_: http::Request<kube::client::Body>| {
            counter.fetch_add(1, Ordering::Relaxed);
            async move {
                tokio::time::sleep(delay).await;
                let answer = br#"{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{},"status":{"allowed":true}}"#;
                Ok::<_, std::convert::Infallible>(http::Response::new(kube::client::Body::from(
                    answer.to_vec(),
                )))
            }
        });
        (kube::Client::new(service, "default"), asked)
    }

    #[tokio::test]
    async fn one_persons_concurrent_requests_ask_the_apiserver_once() {
        let (client, asked) = allowing_apiserver(Duration::from_millis(50));
        let reviews = AccessReviews::new(Duration::from_secs(30));
        let carol = person("oidc:carol", &["oidc:governance"]);
        let answers = futures::future::join_all(
            (0..8).map(|_| reviews.may_list(&client, &carol, "ns", PODS)),
        )
        .await;
        assert!(answers.into_iter().all(|answer| answer.unwrap()));
        assert_eq!(asked.load(Ordering::Relaxed), 1);
        assert_eq!(reviews.asked(), 1);
    }

    #[tokio::test]
    async fn another_person_asks_for_themselves() {
        let (client, asked) = allowing_apiserver(Duration::ZERO);
        let reviews = AccessReviews::new(Duration::from_secs(30));
        let carol = person("oidc:carol", &["oidc:governance"]);
        let dave = person("oidc:dave", &["oidc:llm-team"]);
        reviews.may_list(&client, &carol, "ns", PODS).await.unwrap();
        reviews.may_list(&client, &dave, "ns", PODS).await.unwrap();
        reviews.may_list(&client, &carol, "ns", PODS).await.unwrap();
        assert_eq!(asked.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn resources_are_named_as_rbac_names_them() {
        assert_eq!(PODS.to_string(), "pods");
        let deployments = ResourceName {
            group: "apps",
            resource: "deployments",
        };
        assert_eq!(deployments.to_string(), "deployments.apps");
    }
}
