//! The network and compliance views of a namespace against the seeded
//! devcluster: read through the shared watch caches, each kind gated by an
//! access review made as the person, and rendered by a real `aigov serve`
//! for people signed in through the identity provider.
#![cfg(feature = "ssr")]

mod support;

use std::time::Duration;

use aigov::server::auth::claims::KubeIdentity;
use aigov::server::cluster_cache::ClusterCache;
use aigov::server::cluster_cache::snapshot::{Reader, View};
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::api::rbac::v1::{Role, RoleBinding};
use kube::api::PostParams;
use support::running_portal::RunningPortal;

fn alice() -> KubeIdentity {
    KubeIdentity {
        username: "oidc:alice".into(),
        groups: vec!["oidc:fraud-team".into()],
    }
}

async fn page(client: &reqwest::Client, url: String) -> (u16, String) {
    let response = client.get(url).send().await.expect("the portal answers");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

fn object<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).unwrap()
}

#[tokio::test]
async fn a_person_reads_a_namespace_through_the_shared_cache() {
    let portal = support::portal::portal_access().await;
    let cache = ClusterCache::new(portal.portal().clone());
    let identity = alice();
    let user = portal.as_user(&identity).unwrap();
    let reader = Reader {
        cache: &cache,
        user: &user,
        identity: &identity,
    };
    let objects = reader
        .read("fraud-detection", View::Network)
        .await
        .expect("alice may see fraud-detection");
    assert!(!objects.pods.as_ref().unwrap().is_empty());
    let policies: Vec<String> = objects
        .network_policies
        .as_ref()
        .unwrap()
        .iter()
        .filter_map(|p| p.metadata.name.clone())
        .collect();
    assert!(
        policies.contains(&"default-deny-all".to_owned()),
        "{policies:?}"
    );
    assert!(objects.namespace.is_some(), "namespace labels are known");
    assert_eq!(cache.cached_namespaces(), ["fraud-detection"]);

    let refused = reader
        .read("llm", View::Compliance)
        .await
        .expect_err("alice may not see llm");
    assert!(refused.is_forbidden(), "{refused}");
    assert_eq!(
        cache.cached_namespaces(),
        ["fraud-detection"],
        "no cache is started for a namespace the person may not see"
    );
}

#[tokio::test]
async fn kinds_the_person_may_not_list_are_left_out_and_changes_arrive_by_watch() {
    let cluster = support::devcluster();
    let namespace = cluster.namespace("nsviews-partial").await;
    let name = namespace.name.as_str();
    // Alice may list pods here, nothing else.
    namespace
        .api::<Role>()
        .create(
            &PostParams::default(),
            &object(serde_json::json!({"metadata": {"name": "pods-only"},
                "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]}]})),
        )
        .await
        .unwrap();
    namespace
        .api::<RoleBinding>()
        .create(
            &PostParams::default(),
            &object(serde_json::json!({"metadata": {"name": "alice-pods-only"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pods-only"},
                "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "oidc:alice"}]})),
        )
        .await
        .unwrap();
    let policy: NetworkPolicy = object(serde_json::json!({"metadata": {"name": "hidden-policy"},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}));
    namespace
        .api::<NetworkPolicy>()
        .create(&PostParams::default(), &policy)
        .await
        .unwrap();

    let portal = support::portal::portal_access().await;
    let cache = ClusterCache::new(portal.portal().clone());
    let identity = alice();
    let user = portal.as_user(&identity).unwrap();
    let reader = Reader {
        cache: &cache,
        user: &user,
        identity: &identity,
    };
    let objects = support::wait_until(Duration::from_secs(15), "alice's RoleBinding", || async {
        reader.read(name, View::Network).await.ok()
    })
    .await;
    assert!(objects.network_policies.is_none(), "policies are left out");
    assert!(objects.deployments.is_none());
    assert_eq!(
        objects.left_out(View::Network),
        [
            "replicasets",
            "deployments",
            "statefulsets",
            "daemonsets",
            "jobs",
            "cronjobs",
            "networkpolicies"
        ]
    );
    assert_eq!(objects.pods.as_ref().unwrap().len(), 0);

    // A pod created now reaches the cache through its watch.
    let pod: Pod = object(
        serde_json::json!({"metadata": {"name": "late", "labels": {"app": "late"}},
        "spec": {"containers": [{"name": "c", "image": "busybox:1"}]}}),
    );
    namespace
        .api::<Pod>()
        .create(&PostParams::default(), &pod)
        .await
        .unwrap();
    support::wait_until(
        Duration::from_secs(10),
        "the new pod in the cache",
        || async {
            let objects = reader.read(name, View::Network).await.ok()?;
            (objects.pods?.len() == 1).then_some(())
        },
    )
    .await;
}

#[tokio::test]
async fn the_pages_show_policies_a_picture_an_explanation_and_compliance_to_alice() {
    let portal = RunningPortal::start().await;
    let alice = portal.signed_in("alice").await;
    let base = format!("{}/namespaces/fraud-detection", portal.url);

    let (status, html) = page(&alice, format!("{base}/network")).await;
    assert_eq!(status, 200, "{html}");
    for expected in [
        "default-deny-all",
        "scorer-from-llm-gateway",
        "Denies all incoming traffic to them (no ingress rule).",
        "<svg",
        "netpol-node",
        "netpol-edge",
        "kind: NetworkPolicy",
    ] {
        assert!(html.contains(expected), "network page lacks {expected}");
    }

    let (_, html) = page(
        &alice,
        format!("{base}/network?from=Deployment%2Ffraud-scorer&to=Deployment%2Ffraud-feature-api&port=8080&protocol=TCP"),
    )
    .await;
    assert!(html.contains("netpol-answer-allowed"), "allowed: {html}");
    assert!(html.contains("feature-api-from-scorer"));
    let (_, html) = page(
        &alice,
        format!("{base}/network?from=Deployment%2Ffraud-scorer&to=Deployment%2Ffraud-feature-api&port=9090&protocol=TCP"),
    )
    .await;
    assert!(html.contains("netpol-answer-denied"), "denied");
    // The seeded guardrail keeps scrapes (TCP 9090) to monitoring.
    assert!(
        html.contains("monitoring-scrapes-models") && html.contains("no-other-scrapers"),
        "the deciding guardrail rule is named: {html}"
    );
    let (_, html) = page(
        &alice,
        format!("{base}/network?from=Deployment%2Ffraud-scorer&to=Deployment%2Ffraud-feature-api&port=5432&protocol=TCP"),
    )
    .await;
    assert!(html.contains("netpol-answer-denied"), "denied");
    assert!(
        html.contains("denied because"),
        "a NetworkPolicy decides: {html}"
    );

    let (status, html) = page(&alice, format!("{base}/compliance")).await;
    assert_eq!(status, 200);
    assert!(html.contains("data-testid=\"namespace-score\""));
    assert!(html.matches("data-testid=\"compliance-row\"").count() >= 2);
    assert!(html.contains("fraud-scorer"));
    assert!(html.contains("How to fix"));
}

#[tokio::test]
async fn a_namespace_alice_may_not_see_answers_403_with_the_way_to_request_access() {
    let portal = RunningPortal::start().await;
    let alice = portal.signed_in("alice").await;
    for view in ["network", "compliance"] {
        let (status, html) = page(&alice, format!("{}/namespaces/llm/{view}", portal.url)).await;
        assert_eq!(status, 403, "{view}");
        assert!(
            html.contains("You don&#x27;t have access to namespace llm")
                || html.contains("You don't have access to namespace llm"),
            "{html}"
        );
        assert!(html.contains("href=\"/models\""));
        for secret in ["inference-from-gateway", "llm-inference"] {
            assert!(!html.contains(secret), "{view} leaks {secret}");
        }
    }
}
