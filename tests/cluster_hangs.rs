//! A cluster that hangs: the apiserver accepts connections and answers
//! nothing (as when it is stopped with SIGSTOP). Every call to it has a
//! deadline (`--cluster-timeout`), so pages answer within 5 s with 503 and
//! "The Kubernetes cluster is not answering; try again in a minute",
//! actions say they were not carried out, and `/readyz` turns 503. A real
//! `aigov serve` reaches the devcluster through a relay the test freezes.
#![cfg(feature = "ssr")]

mod support;

use std::time::{Duration, Instant};

use support::outage::Relay;
use support::portal::portal_access;
use support::running_portal::RunningPortal;
use support::{devcluster, unique_name, wait_until};

const NOT_ANSWERING: &str = "The Kubernetes cluster is not answering; try again in a minute";

/// How long a page may take while the cluster hangs.
const WITHIN: Duration = Duration::from_secs(5);

/// The portal's kubeconfig, pointed at a relay to the devcluster instead;
/// removed when dropped.
struct RelayedKubeconfig {
    path: std::path::PathBuf,
}

impl RelayedKubeconfig {
    async fn write(relay: &Relay, upstream: &str) -> Self {
        let original = devcluster().dir.join("portal-kubeconfig");
        let text = std::fs::read_to_string(&original).unwrap();
        assert!(text.contains(upstream), "{upstream} not in the kubeconfig");
        let path = std::env::temp_dir().join(unique_name("aigov-hang-kubeconfig"));
        {
            use std::io::Write;
            use std::os::unix::fs::OpenOptionsExt;
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&path)
                .unwrap();
            let relayed = text.replace(upstream, &relay.address.to_string());
            file.write_all(relayed.as_bytes()).unwrap();
        }
        Self { path }
    }
}

impl Drop for RelayedKubeconfig {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// `host:port` of the apiserver in the portal's kubeconfig.
async fn apiserver() -> String {
    portal_access().await;
    let config = kube::Config::from_custom_kubeconfig(
        kube::config::Kubeconfig::read_from(devcluster().dir.join("portal-kubeconfig")).unwrap(),
        &Default::default(),
    )
    .await
    .unwrap();
    format!(
        "{}:{}",
        config.cluster_url.host().unwrap(),
        config.cluster_url.port_u16().unwrap()
    )
}

/// Status and body of `request`, which must come within [`WITHIN`].
async fn timed(what: &str, request: reqwest::RequestBuilder) -> (u16, String) {
    let started = Instant::now();
    let response = tokio::time::timeout(WITHIN + Duration::from_secs(10), request.send())
        .await
        .unwrap_or_else(|_| panic!("{what}: no answer at all"))
        .unwrap();
    let status = response.status().as_u16();
    let body = response.text().await.unwrap();
    let took = started.elapsed();
    assert!(took < WITHIN, "{what} took {took:?}");
    (status, body)
}

#[tokio::test(flavor = "multi_thread")]
async fn with_the_apiserver_frozen_pages_and_actions_answer_503_within_five_seconds() {
    let upstream = apiserver().await;
    let relay = Relay::start(upstream.parse().unwrap()).await;
    let kubeconfig = RelayedKubeconfig::write(&relay, &upstream).await;
    let portal = RunningPortal::start_with_env(&[
        ("AIGOV_KUBECONFIG", kubeconfig.path.to_str().unwrap()),
        ("AIGOV_CLUSTER_TIMEOUT", "4s"),
        ("AIGOV_PROBE_INTERVAL_SECONDS", "1"),
    ])
    .await;
    let alice = portal.signed_in("alice").await;
    // While the cluster answers, the catalogue is shown and the portal is ready.
    let models = format!("{}/models", portal.url);
    let shown = alice.get(&models).send().await.unwrap();
    assert_eq!(shown.status(), 200, "{}", shown.text().await.unwrap());
    let readyz = format!("{}/readyz", portal.url);
    wait_until(Duration::from_secs(20), "the portal ready", || {
        let readyz = readyz.clone();
        async move {
            let response = reqwest::get(&readyz).await.ok()?;
            (response.status() == 200).then_some(())
        }
    })
    .await;

    relay.freeze();

    let compliance = format!("{}/namespaces/fraud-detection/compliance", portal.url);
    let (status, body) = timed("the compliance page", alice.get(&compliance)).await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains(NOT_ANSWERING), "{body}");

    let (status, body) = timed("the models page", alice.get(&models)).await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains(NOT_ANSWERING), "{body}");

    let cancel = alice
        .post(format!("{}/api/cancel", portal.url))
        .header("Origin", &portal.url)
        .form(&[
            ("namespace", "fraud-detection"),
            ("name", "fraud-scorer-alice-hang"),
        ]);
    let (status, body) = timed("cancelling a request", cancel).await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains(NOT_ANSWERING), "{body}");
    assert!(body.contains("not carried out"), "{body}");

    // Readiness answers at once, and turns 503 after three failed checks.
    wait_until(Duration::from_secs(30), "/readyz saying 503", || {
        let readyz = readyz.clone();
        async move {
            let started = Instant::now();
            let response = reqwest::get(&readyz).await.ok()?;
            assert!(started.elapsed() < Duration::from_secs(1), "/readyz hung");
            (response.status() == 503).then_some(())
        }
    })
    .await;
    drop(portal);
}
