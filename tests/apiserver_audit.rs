//! Use that bypasses the portal is evidence too: the devcluster's
//! kube-apiserver posts its audit events of `services/proxy` and `pods/log`
//! to the portal's audit webhook, which records them as uses of the model
//! the Service or pod belongs to. And the webhook takes posts from the
//! apiserver only, within its bounds.
//!
//! The end-to-end test listens where the devcluster's apiserver posts
//! (`AIGOV_APISERVER_AUDIT_LISTEN`, from `.dev/env`), so no portal of the
//! local stack may listen there while it runs.
#![cfg(feature = "ssr")]

mod support;

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use aigov::crd::Model;
use aigov::engine::usage::{Channel, Outcome, Use};
use aigov::server::usage::apiserver_audit::args::read_token;
use aigov::server::usage::apiserver_audit::{self, AuditBounds, AuditReceiver, PATH, TlsFiles};
use aigov::server::usage::recorder::Recorder;
use k8s_openapi::api::core::v1::{Pod, Service};
use k8s_openapi::api::rbac::v1::{Role, RoleBinding};
use kube::api::{LogParams, PostParams};
use serde_json::json;
use tokio::sync::mpsc;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: source the devcluster's env (set -a; . .dev/env; set +a) after scripts/devcluster.sh up")
    })
}

/// A receiver with the portal's own identity, and the recorder's receiving end.
async fn receiver(token: &str, bounds: AuditBounds) -> (Arc<AuditReceiver>, mpsc::Receiver<Use>) {
    let kube = support::portal::portal_access().await;
    let (recorder, uses) = Recorder::channel();
    let receiver = AuditReceiver::new(token.to_owned(), kube.portal().clone(), recorder, bounds);
    (receiver, uses)
}

/// A receiver on a free loopback port over plain HTTP, for the refusals.
async fn local(token: &str, bounds: AuditBounds) -> (String, mpsc::Receiver<Use>) {
    let (receiver, uses) = receiver(token, bounds).await;
    let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let (addr, task) = apiserver_audit::serve(any, None, receiver).await.unwrap();
    // The listener lives as long as the test's runtime.
    std::mem::forget(task);
    (format!("http://{addr}{PATH}"), uses)
}

const TOKEN: &str = "0123456789abcdef0123456789abcdef-the-apiserver";

/// The next use within `timeout`, if any.
async fn next_use(uses: &mut mpsc::Receiver<Use>, timeout: Duration) -> Option<Use> {
    tokio::time::timeout(timeout, uses.recv())
        .await
        .ok()
        .flatten()
}

/// A model named `name` in the namespace (its Service has the same name),
/// whose workloads are the pods labelled `app: name`.
fn model(name: &str) -> Model {
    serde_json::from_value(json!({
        "apiVersion": "aigov.dev/v1alpha1",
        "kind": "Model",
        "metadata": {"name": name},
        "spec": {
            "displayName": "Scorer",
            "ownerTeam": "fraud",
            "dataClassification": "Internal",
            "workloadSelector": {"matchLabels": {"app": name}},
            "serving": {"service": name, "port": 8080, "pathPrefix": format!("/v1/models/{name}")},
            "accessLevels": [{"name": "viewer", "roleRef": {"kind": "ClusterRole", "name": "aigov-model-viewer"}}],
            "approvers": {"groups": ["fraud-leads"]},
            "maxDuration": "1h",
            "justificationRequired": false
        }
    }))
    .unwrap()
}

#[tokio::test]
async fn calls_through_the_apiserver_and_its_pod_logs_are_recorded_as_use() {
    let cluster = support::devcluster();
    let listen: SocketAddr = env("AIGOV_APISERVER_AUDIT_LISTEN").parse().unwrap();
    let token = read_token(&PathBuf::from(env("AIGOV_APISERVER_AUDIT_TOKEN_FILE"))).unwrap();
    let tls = TlsFiles {
        cert: env("AIGOV_APISERVER_AUDIT_TLS_CERT_FILE").into(),
        key: env("AIGOV_APISERVER_AUDIT_TLS_KEY_FILE").into(),
    };
    let (receiver, mut uses) = receiver(&token, AuditBounds::default()).await;
    let (_, _task) = apiserver_audit::serve(listen, Some(&tls), receiver)
        .await
        .expect("listening where the devcluster's apiserver posts its audit events (is a portal of the local stack running with AIGOV_APISERVER_AUDIT_LISTEN?)");

    let namespace = cluster.namespace("audit-use").await;
    let name = "scorer";
    namespace
        .api::<Model>()
        .create(&PostParams::default(), &model(name))
        .await
        .expect("creating the model (are the CRDs applied?)");
    let service: Service = serde_json::from_value(json!({
        "metadata": {"name": name},
        // No selector, so no endpoints: nothing answers behind the proxy.
        "spec": {"ports": [{"name": "http", "port": 8080}]}
    }))
    .unwrap();
    namespace
        .api::<Service>()
        .create(&PostParams::default(), &service)
        .await
        .unwrap();
    let pod: Pod = serde_json::from_value(json!({
        "metadata": {"name": format!("{name}-0"), "labels": {"app": name}},
        "spec": {"containers": [{"name": "server", "image": "registry.example.com/scorer:1"}]}
    }))
    .unwrap();
    namespace
        .api::<Pod>()
        .create(&PostParams::default(), &pod)
        .await
        .unwrap();
    // alice may call the Service through the proxy and read its pods'
    // logs. RBAC compares the proxy path's segment as written, so a
    // `scheme:name:port` form needs a resource name of its own.
    let role: Role = serde_json::from_value(json!({
        "metadata": {"name": "model-user"},
        "rules": [
            {"apiGroups": [""], "resources": ["services/proxy"],
             "resourceNames": [name, format!("http:{name}:8080")], "verbs": ["get", "create"]},
            {"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]}
        ]
    }))
    .unwrap();
    namespace
        .api::<Role>()
        .create(&PostParams::default(), &role)
        .await
        .unwrap();
    let binding: RoleBinding = serde_json::from_value(json!({
        "metadata": {"name": "alice-model-user"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "model-user"},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "oidc:alice"}]
    }))
    .unwrap();
    namespace
        .api::<RoleBinding>()
        .create(&PostParams::default(), &binding)
        .await
        .unwrap();

    // The call through the apiserver's service proxy, as alice. There are
    // no endpoints behind the Service, so it fails; it is still use.
    let alice = cluster.client_as("oidc:alice", &["oidc:fraud-team"]).await;
    let uri = format!(
        "/api/v1/namespaces/{}/services/http:{name}:8080/proxy/score",
        namespace.name
    );
    let status = support::wait_until(Duration::from_secs(15), "RBAC to let alice call", || {
        let alice = alice.clone();
        let uri = uri.clone();
        async move {
            let request = http::Request::get(&uri).body(Vec::new()).unwrap();
            let status = alice.send(request.map(Into::into)).await.ok()?.status();
            (status != http::StatusCode::FORBIDDEN).then_some(status.as_u16())
        }
    })
    .await;
    let used = wait_for_use(&mut uses, &namespace.name, Channel::ServiceProxy).await;
    assert_eq!(used.model, name);
    assert_eq!(used.subject, "oidc:alice");
    assert_eq!(used.status, status);
    assert_eq!(used.outcome, Outcome::of_status(status));
    assert!(used.id.is_some());

    // Reading the model's pod's logs, as alice.
    let pods = kube::Api::<Pod>::namespaced(alice.clone(), &namespace.name);
    let pod_name = format!("{name}-0");
    support::wait_until(
        Duration::from_secs(60),
        "the pod's log to be readable",
        || {
            let pods = pods.clone();
            let pod_name = pod_name.clone();
            async move { pods.logs(&pod_name, &LogParams::default()).await.ok() }
        },
    )
    .await;
    let read = wait_for_use(&mut uses, &namespace.name, Channel::PodLogs).await;
    assert_eq!(read.model, name);
    assert_eq!(read.subject, "oidc:alice");
    assert_eq!(read.outcome, Outcome::Answered);
}

/// The first use of `channel` in `namespace` within 60 s (earlier failed
/// attempts, e.g. refused while RBAC settled, may come first).
async fn wait_for_use(uses: &mut mpsc::Receiver<Use>, namespace: &str, channel: Channel) -> Use {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let Some(used) = next_use(uses, left).await else {
            panic!("no use of {channel:?} in {namespace} recorded within 60 s");
        };
        if used.namespace == namespace
            && used.channel == channel
            && used.outcome != Outcome::Refused
        {
            return used;
        }
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

fn empty_batch() -> String {
    json!({"kind": "EventList", "apiVersion": "audit.k8s.io/v1", "items": []}).to_string()
}

#[tokio::test]
async fn outsiders_are_refused_without_being_told_why() {
    let (url, _uses) = local(TOKEN, AuditBounds::default()).await;
    let http = client();
    let attempts = [
        None,
        Some("Bearer wrong".to_owned()),
        Some(format!("Bearer {}", &TOKEN[..TOKEN.len() - 1])),
        Some(format!("Bearer {TOKEN}x")),
        Some(format!("Basic {TOKEN}")),
        Some(TOKEN.to_owned()),
        Some("Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0".to_owned()),
    ];
    for authorization in attempts {
        let mut request = http.post(&url).body(empty_batch());
        if let Some(value) = &authorization {
            request = request.header("authorization", value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{authorization:?}");
        assert_eq!(response.text().await.unwrap(), "unauthorized");
    }
    let response = http
        .post(&url)
        .bearer_auth(TOKEN)
        .body(empty_batch())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let other_path = url.replace(PATH, "/metrics");
    let response = http
        .get(&other_path)
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused() {
    let bounds = AuditBounds::default();
    let limit = bounds.body_bytes;
    let (url, _uses) = local(TOKEN, bounds).await;
    let http = client();
    let declared = http
        .post(&url)
        .bearer_auth(TOKEN)
        .body(vec![b' '; limit + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(declared.status(), 413);
    // Sent in chunks, without a declared length.
    let chunks = futures::stream::iter(
        (0..=limit / 65_536).map(|_| Ok::<_, std::io::Error>(vec![b' '; 65_536])),
    );
    let streamed = http
        .post(&url)
        .bearer_auth(TOKEN)
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(streamed.status(), 413);
    let garbage = http
        .post(&url)
        .bearer_auth(TOKEN)
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), 400);
}

#[tokio::test]
async fn a_flood_of_batches_is_slowed_down() {
    let bounds = AuditBounds {
        batch_burst: NonZeroU32::new(5).unwrap(),
        batches_per_second: NonZeroU32::new(1).unwrap(),
        ..AuditBounds::default()
    };
    let (url, _uses) = local(TOKEN, bounds).await;
    let http = client();
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..20 {
        let response = http
            .post(&url)
            .bearer_auth(TOKEN)
            .body(empty_batch())
            .send()
            .await
            .unwrap();
        if response.status() == 429 {
            retry_after = response.headers().get("retry-after").cloned();
        }
        statuses.push(response.status().as_u16());
    }
    assert_eq!(&statuses[..5], &[200; 5], "{statuses:?}");
    assert!(
        statuses.iter().filter(|s| **s == 429).count() >= 10,
        "{statuses:?}"
    );
    assert_eq!(retry_after.unwrap(), "1");
}

#[tokio::test]
async fn a_batch_sent_twice_counts_once() {
    let cluster = support::devcluster();
    let namespace = cluster.namespace("audit-twice").await;
    namespace
        .api::<Model>()
        .create(&PostParams::default(), &model("scorer"))
        .await
        .expect("creating the model (are the CRDs applied?)");
    let (url, mut uses) = local(TOKEN, AuditBounds::default()).await;
    let event = |id: &str, stage: &str| {
        json!({
            "level": "Metadata", "auditID": id, "stage": stage,
            "requestURI": format!("/api/v1/namespaces/{}/services/scorer:8080/proxy/", namespace.name),
            "verb": "get",
            "user": {"username": "devcluster-admin"},
            "impersonatedUser": {"username": "oidc:bob"},
            "objectRef": {"resource": "services", "namespace": namespace.name, "name": "scorer:8080",
                          "apiVersion": "v1", "subresource": "proxy"},
            "responseStatus": {"code": 200},
            "requestReceivedTimestamp": "2026-12-06T00:32:16.737913Z",
            "stageTimestamp": "2026-12-06T00:32:16.747913Z"
        })
    };
    let batch = json!({
        "kind": "EventList", "apiVersion": "audit.k8s.io/v1",
        "items": [event("twice-1", "ResponseStarted"), event("twice-1", "ResponseComplete")]
    })
    .to_string();
    let http = client();
    for _ in 0..2 {
        let response = http
            .post(&url)
            .bearer_auth(TOKEN)
            .body(batch.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    let used = next_use(&mut uses, Duration::from_secs(5))
        .await
        .expect("the use recorded");
    assert_eq!(used.subject, "oidc:bob");
    assert_eq!(used.model, "scorer");
    assert_eq!(used.id.as_deref(), Some("twice-1"));
    assert_eq!(used.latency_ms, 10);
    assert!(
        next_use(&mut uses, Duration::from_secs(2)).await.is_none(),
        "the same event counted twice"
    );
}
