//! Behaviour of the development cluster the portal is tested against: a real
//! kube-apiserver (RBAC, garbage collection, validation), controllers and
//! scheduler, and kwok serving pod logs through pods/log.
#![cfg(feature = "ssr")]

mod support;

use std::time::Duration;

use futures::{AsyncBufReadExt, StreamExt};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::authorization::v1::SubjectAccessReview;
use k8s_openapi::api::core::v1::{ConfigMap, Node, Pod};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::api::{Api, DeleteParams, ListParams, LogParams, PostParams};
use kube::{Error, ResourceExt};
use serde_json::json;
use support::{devcluster, unique_name, wait_until};

fn from_json<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).expect("valid object")
}

async fn access_review(client: &kube::Client, user: &str, groups: &[&str], ns: &str) -> bool {
    let review: SubjectAccessReview = from_json(json!({
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SubjectAccessReview",
        "spec": {
            "user": user,
            "groups": groups,
            "resourceAttributes": {"namespace": ns, "verb": "list", "resource": "pods"},
        },
    }));
    let answer = Api::<SubjectAccessReview>::all(client.clone())
        .create(&PostParams::default(), &review)
        .await
        .expect("SubjectAccessReview");
    answer.status.expect("SubjectAccessReview status").allowed
}

#[tokio::test(flavor = "multi_thread")]
async fn rbac_denies_a_user_without_binding_and_allows_after_a_rolebinding() {
    let cluster = devcluster();
    let ns = cluster.namespace("rbac").await;
    let admin = cluster.client().await;
    let user = format!("oidc:{}", unique_name("user"));
    let group = format!("oidc:{}", unique_name("group"));

    // No binding: denied, both as a review and as a real impersonated request.
    assert!(
        !access_review(&admin, &user, &[&group], &ns.name).await,
        "{user} must not list pods yet"
    );
    let as_user = cluster.client_as(&user, &[&group]).await;
    let pods_as_user: Api<Pod> = Api::namespaced(as_user, &ns.name);
    match pods_as_user.list(&ListParams::default()).await {
        Err(Error::Api(status)) => {
            assert_eq!(status.code, 403, "expected Forbidden, got {status:?}")
        }
        other => panic!("expected Forbidden for {user}, got {other:?}"),
    }

    // Bind the group to the built-in view role in the namespace.
    let binding: RoleBinding = from_json(json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": {"name": "test-view"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": group}],
    }));
    ns.api::<RoleBinding>()
        .create(&PostParams::default(), &binding)
        .await
        .expect("RoleBinding");

    wait_until(Duration::from_secs(30), "the review to allow", || {
        let (admin, user, group, ns) =
            (admin.clone(), user.clone(), group.clone(), ns.name.clone());
        async move {
            access_review(&admin, &user, &[&group], &ns)
                .await
                .then_some(())
        }
    })
    .await;
    wait_until(
        Duration::from_secs(30),
        "the impersonated list to succeed",
        || {
            let pods = pods_as_user.clone();
            async move { pods.list(&ListParams::default()).await.ok() }
        },
    )
    .await;

    // The binding is namespaced: another namespace stays forbidden.
    assert!(!access_review(&admin, &user, &[&group], "kube-system").await);
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_an_owner_garbage_collects_what_it_owns() {
    let cluster = devcluster();
    let ns = cluster.namespace("gc").await;
    let configmaps = ns.api::<ConfigMap>();
    let owner = configmaps
        .create(
            &PostParams::default(),
            &from_json(json!({"metadata": {"name": "owner"}, "data": {"k": "v"}})),
        )
        .await
        .expect("owner");
    let owned: ConfigMap = from_json(json!({
        "metadata": {
            "name": "owned",
            "ownerReferences": [{
                "apiVersion": "v1", "kind": "ConfigMap", "name": "owner",
                "uid": owner.uid().expect("uid"),
            }],
        },
        "data": {"k": "v"},
    }));
    configmaps
        .create(&PostParams::default(), &owned)
        .await
        .expect("owned");

    configmaps
        .delete("owner", &DeleteParams::background())
        .await
        .expect("delete owner");
    wait_until(
        Duration::from_secs(60),
        "the garbage collector to delete the owned ConfigMap",
        || {
            let configmaps = configmaps.clone();
            async move { matches!(configmaps.get_opt("owned").await, Ok(None)).then_some(()) }
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deployment_gets_running_pods() {
    let cluster = devcluster();
    let ns = cluster.namespace("deploy").await;
    let deployment: Deployment = from_json(json!({
        "metadata": {"name": "model-server"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "model-server"}},
            "template": {
                "metadata": {"labels": {"app": "model-server"}},
                "spec": {"containers": [{
                    "name": "server",
                    "image": "registry.example.com/model-server:1.0.0",
                    "resources": {"limits": {"cpu": "500m", "memory": "512Mi"}},
                }]},
            },
        },
    }));
    ns.api::<Deployment>()
        .create(&PostParams::default(), &deployment)
        .await
        .expect("Deployment");

    let pods = ns.api::<Pod>();
    let running = wait_until(Duration::from_secs(90), "2 running pods", || {
        let pods = pods.clone();
        async move {
            let list = pods
                .list(&ListParams::default().labels("app=model-server"))
                .await
                .ok()?;
            let running: Vec<Pod> = list
                .items
                .into_iter()
                .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
                .collect();
            (running.len() == 2).then_some(running)
        }
    })
    .await;
    for pod in &running {
        let spec = pod.spec.as_ref().unwrap();
        // Any node kwok runs: other tests running beside this one add
        // fake nodes of their own.
        let node = Api::<Node>::all(ns.client.clone())
            .get(spec.node_name.as_deref().expect("scheduled onto a node"))
            .await
            .expect("the pod's node");
        assert_eq!(
            node.annotations()
                .get("kwok.x-k8s.io/node")
                .map(String::as_str),
            Some("fake"),
            "scheduled onto a fake node"
        );
        assert!(
            pod.status.as_ref().unwrap().pod_ip.is_some(),
            "kwok assigns a pod IP"
        );
        assert!(
            !pod.owner_references().is_empty(),
            "owned by its ReplicaSet"
        );
    }
    let deployments = ns.api::<Deployment>();
    wait_until(
        Duration::from_secs(60),
        "the Deployment to report 2 available replicas",
        || {
            let deployments = deployments.clone();
            async move {
                let d = deployments.get("model-server").await.ok()?;
                (d.status?.available_replicas == Some(2)).then_some(())
            }
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn log_stream_returns_a_seeded_pods_lines_and_follows_appended_lines() {
    let cluster = devcluster();
    let pods: Api<Pod> = Api::namespaced(cluster.client().await, "sandbox");
    let app = LogParams {
        container: Some("generator".into()),
        ..LogParams::default()
    };

    // The seeded log (JSON lines) comes back through pods/log.
    let lines: Vec<String> = pods
        .log_stream("log-generator", &app)
        .await
        .expect("log_stream")
        .lines()
        .map(|l| l.expect("log line"))
        .collect()
        .await;
    assert!(
        lines
            .iter()
            .any(|l| l.contains("\"msg\":\"log-generator started\"")),
        "seeded lines: {lines:?}"
    );

    // tail_lines and previous are honoured too.
    let tail = pods
        .logs(
            "log-generator",
            &LogParams {
                tail_lines: Some(1),
                ..app.clone()
            },
        )
        .await
        .expect("tail");
    assert_eq!(tail.lines().count(), 1, "tail 1: {tail:?}");
    let previous = pods
        .logs(
            "log-generator",
            &LogParams {
                previous: true,
                ..app.clone()
            },
        )
        .await
        .expect("previous");
    assert!(
        previous.contains("out of memory"),
        "previous container log: {previous:?}"
    );

    // Following: lines appended after the stream opened arrive on it.
    let marker = unique_name("follow-marker");
    let mut follow = pods
        .log_stream(
            "log-generator",
            &LogParams {
                follow: true,
                tail_lines: Some(1),
                ..app.clone()
            },
        )
        .await
        .expect("follow log_stream")
        .lines();
    // Let the apiserver -> kwok stream settle before appending.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let line1 = format!("{{\"msg\":\"{marker} one\"}}");
    let line2 = format!("{marker} two");
    cluster.append_log("sandbox", "log-generator", "generator", &[&line1, &line2]);
    let seen = tokio::time::timeout(Duration::from_secs(30), async {
        let mut seen = Vec::new();
        while let Some(line) = follow.next().await {
            let line = line.expect("followed line");
            if line.contains(&marker) {
                seen.push(line);
                if seen.len() == 2 {
                    break;
                }
            }
        }
        seen
    })
    .await
    .expect("appended lines arrive on the followed stream");
    assert_eq!(seen, vec![line1, line2]);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invalid_network_policy_is_rejected_with_its_validation_message() {
    let cluster = devcluster();
    let ns = cluster.namespace("netpol").await;
    let policy: NetworkPolicy = from_json(json!({
        "metadata": {"name": "bad-cidr"},
        "spec": {
            "podSelector": {},
            "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/40"}}]}],
        },
    }));
    match ns
        .api::<NetworkPolicy>()
        .create(&PostParams::default(), &policy)
        .await
    {
        Err(Error::Api(status)) => {
            assert_eq!(status.code, 422, "{status:?}");
            assert_eq!(status.reason, "Invalid", "{status:?}");
            assert!(
                status
                    .message
                    .contains("spec.ingress[0].from[0].ipBlock.cidr"),
                "message names the field: {}",
                status.message
            );
        }
        other => panic!("expected the apiserver to reject the policy, got {other:?}"),
    }
    // A valid policy in the same namespace is accepted.
    let good: NetworkPolicy = from_json(json!({
        "metadata": {"name": "default-deny"},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
    }));
    ns.api::<NetworkPolicy>()
        .create(&PostParams::default(), &good)
        .await
        .expect("valid policy");
}
