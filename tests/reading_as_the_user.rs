//! Reading the cluster as the signed-in person, through the portal's own
//! ServiceAccount identity and impersonation, against the devcluster.
#![cfg(feature = "ssr")]

mod support;

use aigov::server::auth::claims::KubeIdentity;
use aigov::server::kube::KubeAccess;
use aigov::server::kube::error::KubeError;
use aigov::server::kube::namespaces::{may_list_pods, visible_namespaces};
use k8s_openapi::api::core::v1::Pod;
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
    let alice = portal.as_user(&identity("alice", &["fraud-team"])).unwrap();
    let dave = portal.as_user(&identity("dave", &["llm-team"])).unwrap();
    let alices = names(visible_namespaces(portal.portal(), &alice).await.unwrap());
    let daves = names(visible_namespaces(portal.portal(), &dave).await.unwrap());
    assert!(alices.contains(&"fraud-detection".to_owned()), "{alices:?}");
    assert!(!alices.contains(&"vision".to_owned()), "{alices:?}");
    assert!(!alices.contains(&"kube-system".to_owned()), "{alices:?}");
    assert!(daves.contains(&"llm".to_owned()), "{daves:?}");
    assert!(!daves.contains(&"fraud-detection".to_owned()), "{daves:?}");
}

#[tokio::test]
async fn a_new_rolebinding_opens_a_namespace_to_the_user() {
    let cluster = support::devcluster();
    let namespace = cluster.namespace("impersonation").await;
    let portal = portal().await;
    let erin = portal.as_user(&identity("erin-test", &["nobody"])).unwrap();
    assert!(!may_list_pods(&erin, &namespace.name).await.unwrap());

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
        || async {
            may_list_pods(&erin, &namespace.name)
                .await
                .ok()
                .filter(|allowed| *allowed)
        },
    )
    .await;
    assert!(allowed);
    let visible = visible_namespaces(portal.portal(), &erin).await.unwrap();
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
