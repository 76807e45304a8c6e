//! Reading the cluster as the signed-in person, through the portal's own
//! ServiceAccount identity and impersonation, against the devcluster.
#![cfg(feature = "ssr")]

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use aigov::server::auth::claims::KubeIdentity;
use aigov::server::cluster_cache::access_review::AccessReviews;
use aigov::server::kube::KubeAccess;
use aigov::server::kube::error::KubeError;
use aigov::server::kube::namespaces::{PODS, visible_namespaces};
use k8s_openapi::api::core::v1::{Namespace, Pod};
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::Api;
use kube::api::{ListParams, PostParams};

/// The portal as it runs in development (see `support::portal`).
async fn portal() -> KubeAccess {
    support::portal::portal_access().await
}

fn identity(user: &str, groups: &[&str]) -> KubeIdentity {
    KubeIdentity {
        username: format!("oidc:{user}"),
        groups: groups.iter().map(|group| format!("oidc:{group}")).collect(),
    }
}

#[tokio::test]
async fn a_read_the_users_rbac_allows_succeeds_and_one_it_denies_is_refused() {
    let portal = portal().await;
    let alice = portal.as_user(&identity("alice", &["fraud-team"])).unwrap();

    let pods = Api::<Pod>::namespaced(alice.clone(), "fraud-detection")
        .list(&ListParams::default())
        .await
        .expect("alice may list pods in her team's namespace");
    assert!(!pods.items.is_empty());

    let denied = Api::<Pod>::namespaced(alice, "vision")
        .list(&ListParams::default())
        .await;
    let error = KubeError::from_kube(
        denied.expect_err("vision is not alice's"),
        "namespace vision",
    );
    assert!(error.is_forbidden(), "{error}");
    assert!(
        error
            .to_string()
            .starts_with("You don't have access to namespace vision. Request access"),
        "{error}"
    );
}

#[tokio::test]
async fn namespaces_are_exactly_those_the_user_may_see() {
    let portal = portal().await;
    let names = |list: Vec<aigov::server::kube::namespaces::VisibleNamespace>| {
        list.into_iter()
            .map(|namespace| namespace.name)
            .collect::<Vec<_>>()
    };
    let reviews = AccessReviews::new(Duration::from_secs(30));
    let (alice_is, dave_is) = (
        identity("alice", &["fraud-team"]),
        identity("dave", &["llm-team"]),
    );
    let alice = portal.as_user(&alice_is).unwrap();
    let dave = portal.as_user(&dave_is).unwrap();
    let alices = names(
        visible_namespaces(portal.portal(), &alice, &alice_is, &reviews)
            .await
            .unwrap(),
    );
    let daves = names(
        visible_namespaces(portal.portal(), &dave, &dave_is, &reviews)
            .await
            .unwrap(),
    );
    assert!(alices.contains(&"fraud-detection".to_owned()), "{alices:?}");
    assert!(!alices.contains(&"vision".to_owned()), "{alices:?}");
    assert!(!alices.contains(&"kube-system".to_owned()), "{alices:?}");
    assert!(daves.contains(&"llm".to_owned()), "{daves:?}");
    assert!(!daves.contains(&"fraud-detection".to_owned()), "{daves:?}");
}

#[tokio::test]
async fn a_second_look_at_the_namespaces_asks_no_access_review_again() {
    let portal = portal().await;
    // Other tests create namespaces meanwhile; only those may be asked about.
    let all_namespaces = async || {
        let admin = support::devcluster().client().await;
        Api::<Namespace>::all(admin)
            .list_metadata(&ListParams::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .filter_map(|namespace| namespace.metadata.name)
            .collect::<BTreeSet<String>>()
    };
    let reviews = AccessReviews::new(Duration::from_secs(30));
    let alice_is = identity("alice", &["fraud-team"]);
    let alice = portal.as_user(&alice_is).unwrap();
    let before = all_namespaces().await;
    let first = visible_namespaces(portal.portal(), &alice, &alice_is, &reviews)
        .await
        .unwrap();
    let asked = reviews.asked();
    assert!(
        asked > first.len() as u64,
        "one review per namespace of the cluster, {asked} asked"
    );
    visible_namespaces(portal.portal(), &alice, &alice_is, &reviews)
        .await
        .unwrap();
    let created_meanwhile = all_namespaces().await.difference(&before).count() as u64;
    assert!(
        reviews.asked() - asked <= created_meanwhile,
        "the second look is answered from the remembered reviews: {} more asked, {created_meanwhile} namespaces new",
        reviews.asked() - asked
    );
}

#[tokio::test]
async fn a_new_rolebinding_opens_a_namespace_to_the_user() {
    let cluster = support::devcluster();
    let namespace = cluster.namespace("impersonation").await;
    let portal = portal().await;
    let erin_is = identity("erin-test", &["nobody"]);
    let erin = portal.as_user(&erin_is).unwrap();
    // Asked afresh each time: nothing is remembered.
    let reviews = AccessReviews::new(Duration::ZERO);
    let may_list_pods = async |namespace: &str| {
        reviews
            .may_list(&erin, &erin_is, namespace, PODS)
            .await
            .unwrap()
    };
    assert!(!may_list_pods(&namespace.name).await);

    let binding: RoleBinding = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "erin-view"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "oidc:erin-test"}]
    }))
    .unwrap();
    Api::<RoleBinding>::namespaced(cluster.client().await, &namespace.name)
        .create(&PostParams::default(), &binding)
        .await
        .unwrap();

    let allowed = support::wait_until(
        std::time::Duration::from_secs(10),
        "RBAC to allow erin",
        || async { Some(may_list_pods(&namespace.name).await).filter(|allowed| *allowed) },
    )
    .await;
    assert!(allowed);
    let visible = visible_namespaces(portal.portal(), &erin, &erin_is, &reviews)
        .await
        .unwrap();
    assert!(visible.iter().any(|ns| ns.name == namespace.name));
}

#[tokio::test]
async fn the_portal_itself_cannot_read_a_pod_its_logs_or_secrets() {
    // Least privilege: the portal may list and watch workloads for the
    // shared caches (served only after an access review as the person), but
    // cannot read one pod, a log or a secret as itself.
    let portal = portal().await;
    let pods = Api::<Pod>::namespaced(portal.portal().clone(), "fraud-detection");
    let any = pods.list(&ListParams::default().limit(1)).await.unwrap();
    let name = any.items[0].metadata.name.clone().unwrap();
    let denied = pods.get(&name).await;
    assert!(KubeError::from_kube(denied.unwrap_err(), "pod").is_forbidden());
    let logs = pods.logs(&name, &Default::default()).await;
    assert!(KubeError::from_kube(logs.unwrap_err(), "pod logs").is_forbidden());
    let secrets = Api::<k8s_openapi::api::core::v1::Secret>::namespaced(
        portal.portal().clone(),
        "fraud-detection",
    )
    .list(&ListParams::default())
    .await;
    assert!(KubeError::from_kube(secrets.unwrap_err(), "secrets").is_forbidden());
}
