//! The logs view of a namespace against the devcluster, read as the
//! signed-in person: the page's read, the live follow stream and the
//! download of a real `aigov serve`, with people signed in through the
//! identity provider.
#![cfg(feature = "ssr")]

mod support;

use std::time::Duration;

use aigov::server::auth::claims::KubeIdentity;
use aigov::server::logs::read::read_logs_view;
use aigov::wire::logs::{LogNotice, LogQuery, WorkloadKind, WorkloadRef};
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::api::{ListParams, PostParams};
use kube::{Api, Client};
use support::running_portal::RunningPortal;

fn alice() -> KubeIdentity {
    KubeIdentity {
        username: "oidc:alice".into(),
        groups: vec!["oidc:fraud-team".into()],
    }
}

async fn as_alice() -> Client {
    support::portal::portal_access()
        .await
        .as_user(&alice())
        .unwrap()
}

fn generator(query: LogQuery) -> LogQuery {
    LogQuery {
        pod: "log-generator".into(),
        container: "generator".into(),
        ..query
    }
}

#[tokio::test]
async fn alice_reads_a_sandbox_container_with_tail_and_marked_search() {
    let alice = as_alice().await;
    let query = generator(LogQuery {
        tail: Some(5_000),
        search: "STARTED".into(),
        ..LogQuery::default()
    });
    let view = read_logs_view(&alice, "sandbox", &query).await.unwrap();
    assert_eq!(view.notice, None);
    assert_eq!(view.pod.as_deref(), Some("log-generator"));
    assert_eq!(view.container.as_deref(), Some("generator"));
    let names: Vec<_> = view.pods.iter().map(|pod| pod.name.as_str()).collect();
    assert!(names.contains(&"log-generator"), "{names:?}");
    assert!(
        view.lines
            .iter()
            .any(|line| line.text.contains("\"msg\":\"log-generator started\"")),
        "{:?}",
        view.lines
    );
    assert!(view.matching >= 1 && view.matching <= view.read);

    let tail = read_logs_view(
        &alice,
        "sandbox",
        &generator(LogQuery {
            tail: Some(3),
            timestamps: true,
            ..LogQuery::default()
        }),
    )
    .await
    .unwrap();
    assert_eq!(tail.lines.len(), 3);
    assert!(
        tail.lines.iter().all(|line| line.text.starts_with("20")),
        "timestamped: {:?}",
        tail.lines
    );

    let matching = read_logs_view(
        &alice,
        "sandbox",
        &generator(LogQuery {
            tail: Some(5_000),
            search: "started".into(),
            matching_only: true,
            ..LogQuery::default()
        }),
    )
    .await
    .unwrap();
    assert_eq!(matching.lines.len(), view.matching);
}

#[tokio::test]
async fn a_workloads_pods_are_merged_by_time() {
    let alice = as_alice().await;
    let query = LogQuery {
        workload: "Deployment/fraud-scorer".into(),
        timestamps: true,
        tail: Some(50),
        ..LogQuery::default()
    };
    let view = read_logs_view(&alice, "fraud-detection", &query)
        .await
        .unwrap();
    assert_eq!(view.notice, None);
    assert_eq!(
        view.workload,
        Some(WorkloadRef {
            kind: WorkloadKind::Deployment,
            name: "fraud-scorer".into()
        })
    );
    assert!(
        view.workloads
            .iter()
            .any(|choice| choice.workload.kind == WorkloadKind::Job)
    );
    let pods: std::collections::BTreeSet<_> = view
        .lines
        .iter()
        .filter_map(|line| line.pod.clone())
        .collect();
    assert_eq!(pods.len(), 2, "lines of both replicas: {pods:?}");
    let times: Vec<_> = view
        .lines
        .iter()
        .filter_map(|line| aigov::engine::logs::split_timestamp(&line.text).0)
        .collect();
    assert!(!times.is_empty());
    assert!(times.windows(2).all(|pair| pair[0] <= pair[1]), "{times:?}");
}

#[tokio::test]
async fn another_teams_namespace_is_refused_in_words() {
    let alice = as_alice().await;
    let error = read_logs_view(&alice, "llm", &LogQuery::default())
        .await
        .expect_err("llm is not alice's");
    assert!(error.is_forbidden(), "{error}");
    assert!(
        error
            .to_string()
            .starts_with("You don't have access to namespace llm. Request access"),
        "{error}"
    );
}

#[tokio::test]
async fn the_previous_container_is_read_and_its_absence_explained() {
    let alice = as_alice().await;
    let previous = read_logs_view(
        &alice,
        "sandbox",
        &generator(LogQuery {
            previous: true,
            ..LogQuery::default()
        }),
    )
    .await
    .unwrap();
    assert!(
        previous
            .lines
            .iter()
            .any(|line| line.text.contains("out of memory")),
        "{:?}",
        previous.lines
    );
    let none = read_logs_view(
        &alice,
        "sandbox",
        &LogQuery {
            pod: "log-generator".into(),
            container: "shipper".into(),
            previous: true,
            ..LogQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        none.notice,
        Some(LogNotice::NoPrevious {
            container: "shipper".into()
        })
    );
}

#[tokio::test]
async fn a_container_that_has_not_started_says_so() {
    let cluster = support::devcluster();
    let namespace = cluster.namespace("logs-pending").await;
    let pod: Pod = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "waiting"},
        "spec": {
            "nodeSelector": {"aigov.dev/no-such-node": "true"},
            "containers": [{"name": "main", "image": "registry.example.com/app:1"}]
        }
    }))
    .unwrap();
    namespace
        .api::<Pod>()
        .create(&PostParams::default(), &pod)
        .await
        .unwrap();
    let binding: RoleBinding = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "alice-view"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "oidc:alice"}]
    }))
    .unwrap();
    namespace
        .api::<RoleBinding>()
        .create(&PostParams::default(), &binding)
        .await
        .unwrap();
    let alice = as_alice().await;
    let view = support::wait_until(Duration::from_secs(15), "RBAC to let alice in", || {
        let alice = alice.clone();
        let name = namespace.name.clone();
        async move {
            read_logs_view(&alice, &name, &LogQuery::default())
                .await
                .ok()
        }
    })
    .await;
    match view.notice {
        Some(LogNotice::NotStarted { container, reason }) => {
            assert_eq!(container, "main");
            assert!(reason.contains("Pending"), "{reason}");
        }
        other => panic!("expected a not-started notice, got {other:?}"),
    }
}

/// Reads Server-Sent Events from `response` until `found` says stop.
async fn read_events(
    response: &mut reqwest::Response,
    mut found: impl FnMut(&str, &str) -> bool,
) -> bool {
    let mut pending = String::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        pending.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = pending.find("\n\n") {
            let block: String = pending.drain(..end + 2).collect();
            let mut event = "message";
            let mut data = String::new();
            for line in block.lines() {
                if let Some(name) = line.strip_prefix("event: ") {
                    event = name;
                } else if let Some(text) = line.strip_prefix("data: ") {
                    data.push_str(text);
                }
            }
            if found(event, &data) {
                return true;
            }
        }
    }
    false
}

#[tokio::test(flavor = "multi_thread")]
async fn following_through_the_portal_streams_appended_lines() {
    let cluster = support::devcluster();
    let portal = RunningPortal::start().await;
    let alice = portal.signed_in("alice").await;
    let mut response = alice
        .get(format!(
            "{}/api/logs/sandbox/log-generator?container=generator&tailLines=1",
            portal.url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    // The tail line arrives first: the stream is open.
    assert!(
        tokio::time::timeout(
            Duration::from_secs(20),
            read_events(&mut response, |event, _| event == "lines")
        )
        .await
        .unwrap()
    );
    let marker = support::unique_name("portal-follow");
    let line = format!("{{\"msg\":\"{marker}\",\"html\":\"<b>x</b>\"}}");
    cluster.append_log("sandbox", "log-generator", "generator", &[&line]);
    let seen = tokio::time::timeout(
        Duration::from_secs(30),
        read_events(&mut response, |event, data| {
            event == "lines"
                && serde_json::from_str::<Vec<String>>(data)
                    .unwrap()
                    .contains(&line)
        }),
    )
    .await
    .expect("the appended line arrives through the portal");
    assert!(seen);
}

#[tokio::test(flavor = "multi_thread")]
async fn download_and_the_page_are_read_as_the_person() {
    let cluster = support::devcluster();
    let portal = RunningPortal::start().await;
    let alice = portal.signed_in("alice").await;

    let download = alice
        .get(format!(
            "{}/api/logs/sandbox/log-generator/download?container=generator&tailLines=5",
            portal.url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(
        download.headers()["content-disposition"].to_str().unwrap(),
        "attachment; filename=\"sandbox_log-generator_generator.log\""
    );
    assert!(
        download.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert_eq!(download.text().await.unwrap().lines().count(), 5);

    let llm_pod = Api::<Pod>::namespaced(cluster.client().await, "llm")
        .list(&ListParams::default())
        .await
        .unwrap()
        .items[0]
        .metadata
        .name
        .clone()
        .unwrap();
    for path in [
        format!("/api/logs/llm/{llm_pod}/download"),
        format!("/api/logs/llm/{llm_pod}?tailLines=1"),
    ] {
        let refused = alice
            .get(format!("{}{path}", portal.url))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 403, "{path}");
        let text = refused.text().await.unwrap();
        assert!(text.contains("You don't have access"), "{text}");
    }

    let marker = support::unique_name("page-search");
    cluster.append_log(
        "sandbox",
        "log-generator",
        "generator",
        &[&format!("<script>alert(1)</script> {marker} found")],
    );
    let page = alice
        .get(format!(
            "{}/namespaces/sandbox/logs?pod=log-generator&container=generator&tail=20&search={marker}",
            portal.url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("<mark>{marker}</mark>")), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(
        !html.contains("<script>alert(1)"),
        "log text must stay text"
    );

    let refused = alice
        .get(format!("{}/namespaces/llm/logs", portal.url))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let html = refused.text().await.unwrap();
    assert!(
        html.contains("You don&#x27;t have access to namespace llm")
            || html.contains("You don't have access to namespace llm"),
        "{html}"
    );
    assert!(html.contains("href=\"/models\""));
}
