//! Network guardrails against the seeded devcluster: the network-policy
//! API's CRDs are served, the seeded AdminNetworkPolicies,
//! ClusterNetworkPolicy and BaselineAdminNetworkPolicy are read by the
//! portal's store, people who may list them see them on the network view
//! and people who may not see only how many; and the mirror pods of a
//! control-plane Node are each a workload of their own.
#![cfg(feature = "ssr")]

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use aigov::server::auth::claims::KubeIdentity;
use aigov::server::cluster_cache::ClusterCache;
use aigov::server::cluster_cache::snapshot::{Reader, View};
use aigov::server::guardrails::store::KindStatus;
use aigov::wire::namespace::{NamespaceRead, NetworkView, ReachAnswer, ReachQuestion};
use k8s_openapi::api::core::v1::{Node, Pod};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use kube::api::{DeleteParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Api, Config};
use support::running_portal::RunningPortal;

/// The seeded guardrails, as `Kind/name`.
const SEEDED: [&str; 4] = [
    "AdminNetworkPolicy/model-egress",
    "AdminNetworkPolicy/monitoring-scrapes-models",
    "ClusterNetworkPolicy/sandbox-never-reaches-production",
    "BaselineAdminNetworkPolicy/default",
];

fn person(name: &str, groups: &[&str]) -> KubeIdentity {
    KubeIdentity {
        username: format!("oidc:{name}"),
        groups: groups.iter().map(|g| format!("oidc:{g}")).collect(),
    }
}

fn object<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).unwrap()
}

#[tokio::test]
async fn the_seeded_guardrails_of_both_generations_are_read_by_the_store() {
    let portal = support::portal::portal_access().await;
    let cache = ClusterCache::new(portal.portal().clone());
    let store = cache.guardrails();
    assert!(
        store.settled(Duration::from_secs(30)).await,
        "{:?}",
        store.statuses()
    );
    let statuses: Vec<KindStatus> = store.statuses().into_iter().map(|(_, s)| s).collect();
    assert_eq!(
        statuses,
        [
            KindStatus::Ready {
                version: "v1alpha1"
            },
            KindStatus::Ready {
                version: "v1alpha1"
            },
            KindStatus::Ready { version: "v1beta1" },
        ],
        "every kind is served and followed with the portal's own identity"
    );
    let snapshot = store.snapshot();
    let names: BTreeSet<String> = snapshot.guardrails.iter().map(|g| g.full_name()).collect();
    for seeded in SEEDED {
        assert!(names.contains(seeded), "{seeded} missing from {names:?}");
    }
    assert_eq!(snapshot.dropped, 0);
    let model_egress = snapshot
        .guardrails
        .iter()
        .find(|g| g.full_name() == SEEDED[0])
        .unwrap();
    assert_eq!(model_egress.priority, 10);
    let rules: Vec<_> = model_egress
        .egress
        .iter()
        .map(|r| r.name.clone().unwrap_or_default())
        .collect();
    assert_eq!(rules, ["in-cluster", "no-internet"]);
}

#[tokio::test]
async fn every_reader_gets_every_guardrail_and_only_readers_may_read_them() {
    let portal = support::portal::portal_access().await;
    let cache = ClusterCache::new(portal.portal().clone());
    for (who, groups, namespace, readable) in [
        ("alice", &["fraud-team"][..], "fraud-detection", true),
        ("carol", &["governance"][..], "fraud-detection", true),
        ("dave", &["llm-team"][..], "llm", false),
    ] {
        let identity = person(who, groups);
        let user = portal.as_user(&identity).unwrap();
        let reader = Reader {
            cache: &cache,
            user: &user,
            identity: &identity,
        };
        let objects = reader
            .read(namespace, View::Network)
            .await
            .unwrap_or_else(|e| panic!("{who} may see {namespace}: {e}"));
        let names: BTreeSet<String> = objects.guardrails.iter().map(|g| g.full_name()).collect();
        for seeded in SEEDED {
            assert!(names.contains(seeded), "{who}: {seeded} missing");
        }
        assert_eq!(objects.guardrails_readable, readable, "{who}");
        // Not read for the compliance view.
        let compliance = reader.read(namespace, View::Compliance).await.unwrap();
        assert!(compliance.guardrails.is_empty());
    }
}

#[tokio::test]
async fn the_portal_reads_guardrails_and_nodes_but_cannot_write_them() {
    let portal = support::portal::portal_access().await;
    let client = portal.portal().clone();
    Api::<Node>::all(client.clone())
        .list(&Default::default())
        .await
        .expect("the portal lists nodes");
    let resource = kube::api::ApiResource::from_gvk_with_plural(
        &kube::api::GroupVersionKind::gvk(
            "policy.networking.k8s.io",
            "v1alpha1",
            "AdminNetworkPolicy",
        ),
        "adminnetworkpolicies",
    );
    let anps: Api<kube::api::DynamicObject> = Api::all_with(client, &resource);
    anps.list(&Default::default())
        .await
        .expect("the portal lists AdminNetworkPolicies");
    let mut mine = kube::api::DynamicObject::new(&support::unique_name("portal-anp"), &resource);
    mine.data = serde_json::json!({"spec": {"priority": 999, "subject": {"namespaces": {}}}});
    match anps.create(&PostParams::default(), &mine).await {
        Err(kube::Error::Api(status)) => assert_eq!(status.code, 403, "{status:?}"),
        other => panic!("the portal must not write guardrails: {other:?}"),
    }
}

#[tokio::test]
async fn the_cluster_wide_view_gives_the_guardrails_the_namespaces_and_who_may_read_them() {
    let state = support::portal::app_state().await;
    for (who, groups, readable) in [
        ("carol", &["governance"][..], true),
        ("dave", &["llm-team"][..], false),
    ] {
        let identity = person(who, groups);
        let user = state.kube.as_user(&identity).unwrap();
        let view = support::wait_until(Duration::from_secs(15), "the namespaces", || async {
            let view = aigov::server::guardrails::cluster_view(&state, &user, &identity)
                .await
                .unwrap();
            (!view.namespaces.is_empty()).then_some(view)
        })
        .await;
        assert_eq!(view.readable, readable, "{who}");
        let names: BTreeSet<String> = view.guardrails.iter().map(|g| g.full_name()).collect();
        for seeded in SEEDED {
            assert!(names.contains(seeded), "{who}: {seeded}");
        }
        let labels = view
            .namespaces
            .iter()
            .find(|(name, _)| name == "fraud-detection")
            .map(|(_, labels)| labels.clone())
            .expect("fraud-detection is known");
        assert_eq!(
            labels.get("aigov.dev/environment").map(String::as_str),
            Some("production")
        );
    }
}

/// A server function call as the browser bundle makes it.
async fn network(
    portal: &RunningPortal,
    browser: &reqwest::Client,
    namespace: &str,
    question: &ReachQuestion,
) -> NetworkView {
    let response = browser
        .post(format!("{}/api/namespace-network", portal.url))
        .header("origin", &portal.url)
        .header("accept", "application/json")
        .form(&[
            ("namespace", namespace),
            ("from", question.from.as_str()),
            ("to", question.to.as_str()),
            ("port", question.port.as_str()),
            ("protocol", question.protocol.as_str()),
        ])
        .send()
        .await
        .expect("the portal answers");
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, 200, "{text}");
    match serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")) {
        NamespaceRead::Shown(view) => view,
        NamespaceRead::NoAccess { message } => panic!("no access to {namespace}: {message}"),
    }
}

#[tokio::test]
async fn the_network_view_lists_the_guardrails_that_apply_and_the_one_that_denies() {
    let portal = RunningPortal::start().await;
    let no_question = ReachQuestion::default();
    for who in ["alice", "carol"] {
        let browser = portal.signed_in(who).await;
        let view = network(&portal, &browser, "fraud-detection", &no_question).await;
        let guardrails = &view.guardrails;
        assert!(guardrails.readable, "{who} may read guardrails");
        assert!(guardrails.count >= 3, "{who}: {guardrails:?}");
        let names: BTreeSet<&str> = guardrails.items.iter().map(|g| g.name.as_str()).collect();
        for applies in [SEEDED[0], SEEDED[1], SEEDED[3]] {
            assert!(names.contains(applies), "{who}: {applies} in {names:?}");
        }
        assert!(
            !names.contains(SEEDED[2]),
            "selects only the sandbox: {names:?}"
        );

        let internet = ReachQuestion {
            from: "Deployment/fraud-scorer".into(),
            to: "8.8.8.8/32".into(),
            port: "443".into(),
            protocol: "TCP".into(),
        };
        let view = network(&portal, &browser, "fraud-detection", &internet).await;
        let Some(ReachAnswer::Verdict {
            allowed, egress, ..
        }) = view.answer
        else {
            panic!("{who}: no verdict: {:?}", view.answer);
        };
        assert!(!allowed, "{who}: the internet is denied");
        assert_eq!(egress.layer, "admin", "{who}: {egress:?}");
        let deciding = egress.guardrail.unwrap_or_default();
        assert!(
            deciding.contains("AdminNetworkPolicy/model-egress")
                && deciding.contains("no-internet"),
            "{who}: {deciding}"
        );
    }

    let dave = portal.signed_in("dave").await;
    let view = network(&portal, &dave, "llm", &no_question).await;
    let guardrails = &view.guardrails;
    assert!(!guardrails.readable, "dave may not read guardrails");
    assert!(guardrails.count >= 3, "dave sees how many: {guardrails:?}");
    assert!(guardrails.items.is_empty(), "and nothing else");
    assert!(guardrails.access_hint.is_some());
    let text = serde_json::to_string(&view).unwrap();
    for secret in ["no-internet", "model-egress", "monitoring-scrapes-models"] {
        assert!(!text.contains(secret), "dave's view leaks {secret}");
    }
}

/// A Node of the test's own, deleted when dropped (from a thread, as the
/// test namespaces are).
struct TestNode {
    name: String,
    kubeconfig: std::path::PathBuf,
}

impl Drop for TestNode {
    fn drop(&mut self) {
        let (name, kubeconfig) = (self.name.clone(), self.kubeconfig.clone());
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let kc = Kubeconfig::read_from(&kubeconfig).unwrap();
                let config = Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
                    .await
                    .unwrap();
                let client = kube::Client::try_from(config).unwrap();
                let _ = Api::<Node>::all(client)
                    .delete(&name, &DeleteParams::default())
                    .await;
            });
        })
        .join();
    }
}

#[tokio::test]
async fn mirror_pods_of_a_control_plane_node_are_each_their_own_workload() {
    let cluster = support::devcluster();
    let admin = cluster.client().await;
    let namespace = cluster.namespace("mirror-pods").await;
    // No kwok annotation: nothing runs this Node, as no kubelet runs it.
    let node_name = support::unique_name("control-plane");
    let node: Node = Api::<Node>::all(admin.clone())
        .create(
            &PostParams::default(),
            &object(serde_json::json!({"metadata": {"name": node_name,
                "labels": {"node-role.kubernetes.io/control-plane": ""}}})),
        )
        .await
        .expect("the admin creates a Node");
    let _node = TestNode {
        name: node_name.clone(),
        kubeconfig: cluster.kubeconfig.clone(),
    };
    let uid = node.metadata.uid.clone().unwrap();
    for component in ["etcd", "kube-apiserver", "kube-scheduler"] {
        let pod: Pod = object(serde_json::json!({"metadata": {
                "name": format!("{component}-{node_name}"),
                "labels": {"component": component, "tier": "control-plane"},
                "annotations": {"kubernetes.io/config.mirror": "a", "kubernetes.io/config.source": "file"},
                "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": node_name,
                                     "uid": uid, "controller": true}]},
            "spec": {"nodeName": node_name,
                "containers": [{"name": component, "image": format!("registry.k8s.io/{component}:3.6")}]}}));
        namespace
            .api::<Pod>()
            .create(&PostParams::default(), &pod)
            .await
            .unwrap_or_else(|e| panic!("{component}: {e}"));
    }
    // etcd takes clients from the apiserver only.
    let policy: NetworkPolicy = object(serde_json::json!({"metadata": {"name": "etcd-clients"},
        "spec": {"podSelector": {"matchLabels": {"component": "etcd"}},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"podSelector": {"matchLabels": {"component": "kube-apiserver"}}}],
                "ports": [{"protocol": "TCP", "port": 2379}]}]}}));
    namespace
        .api::<NetworkPolicy>()
        .create(&PostParams::default(), &policy)
        .await
        .unwrap();

    // Carol (governance) views every namespace; read as the pages read.
    let portal = support::portal::portal_access().await;
    let cache = ClusterCache::new(portal.portal().clone());
    let identity = person("carol", &["governance"]);
    let user = portal.as_user(&identity).unwrap();
    let reader = Reader {
        cache: &cache,
        user: &user,
        identity: &identity,
    };
    let objects = support::wait_until(Duration::from_secs(20), "the three pods", || async {
        let objects = reader.read(&namespace.name, View::Model).await.ok()?;
        (objects.pods.as_ref()?.len() == 3 && objects.network_policies.as_ref()?.len() == 1)
            .then_some(objects)
    })
    .await;

    let expected: Vec<String> = ["etcd", "kube-apiserver", "kube-scheduler"]
        .iter()
        .map(|c| format!("Pod/{c}-{node_name}"))
        .collect();
    let view = aigov::present::network::network_view(
        &namespace.name,
        &objects,
        &ReachQuestion::default(),
        vec![],
    );
    let keys: Vec<&str> = view.workloads.iter().map(|w| w.key.as_str()).collect();
    assert_eq!(keys, expected, "one workload per mirror pod");
    let connections: Vec<(String, String, String)> = view
        .connections
        .iter()
        .map(|c| (c.from.clone(), c.to.clone(), c.ports.clone()))
        .collect();
    let etcd = format!("etcd-{node_name} (Pod)");
    let apiserver = format!("kube-apiserver-{node_name} (Pod)");
    assert!(
        connections
            .iter()
            .any(|(from, to, ports)| *from == apiserver && *to == etcd && ports.contains("2379")),
        "the apiserver reaches etcd: {connections:?}"
    );
    assert!(
        !connections
            .iter()
            .any(|(from, to, _)| *to == etcd && from.starts_with("kube-scheduler-")),
        "the scheduler does not: {connections:?}"
    );

    let policy = aigov::server::policy::store::PolicyStore::start(portal.portal());
    let judged = policy.for_namespace(&namespace.name).await.unwrap();
    let compliance =
        aigov::present::compliance::compliance_view(&judged, &objects.compliance_inputs(), vec![]);
    let rows: Vec<String> = compliance
        .workloads
        .iter()
        .map(|w| format!("{}/{}", w.kind, w.name))
        .collect();
    assert_eq!(rows, expected, "one compliance row per mirror pod");
}
