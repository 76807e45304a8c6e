//! Metrics and readiness of a real `aigov serve` process, against the
//! devcluster and the development identity provider.
#![cfg(feature = "ssr")]

mod support;

use std::time::Duration;

use support::running_portal::RunningPortal;
use support::wait_until;

async fn text(client: &reqwest::Client, url: String) -> (u16, String) {
    let response = client.get(url).send().await.expect("the portal answers");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

/// The value of the sample `name` (with its labels, exactly) in `metrics`.
fn sample(metrics: &str, name: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|value| value.trim().parse().ok())
}

#[tokio::test]
async fn readiness_names_both_dependencies_once_they_answer() {
    let portal = RunningPortal::start_with_env(&[("AIGOV_PROBE_INTERVAL_SECONDS", "1")]).await;
    let client = reqwest::Client::new();
    let body = wait_until(Duration::from_secs(20), "both dependencies checked", || {
        let (client, url) = (client.clone(), format!("{}/readyz", portal.url));
        async move {
            let (status, body) = text(&client, url).await;
            (status == 200 && body.contains("identity provider: ok")).then_some(body)
        }
    })
    .await;
    assert!(body.starts_with("ready\n"), "{body}");
    assert!(body.contains("kubernetes: ok"), "{body}");
}

#[tokio::test]
async fn an_unreachable_identity_provider_makes_the_portal_unready_and_says_so() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("https://127.0.0.1:{}", closed.local_addr().unwrap().port());
    drop(closed);
    let portal = RunningPortal::start_with_env(&[
        ("AIGOV_PROBE_INTERVAL_SECONDS", "1"),
        ("AIGOV_OIDC_ISSUER", &issuer),
    ])
    .await;
    let client = reqwest::Client::new();
    let body = wait_until(Duration::from_secs(30), "readiness failing", || {
        let (client, url) = (client.clone(), format!("{}/readyz", portal.url));
        async move {
            let (status, body) = text(&client, url).await;
            (status == 503).then_some(body)
        }
    })
    .await;
    assert!(body.starts_with("not ready\n"), "{body}");
    assert!(body.contains("identity provider: unreachable"), "{body}");
    assert!(body.contains("kubernetes: ok"), "{body}");
    let (status, _) = text(&client, format!("{}/healthz", portal.url)).await;
    assert_eq!(status, 200, "liveness does not depend on the provider");
}

/// A port nothing listens on now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn metrics_are_served_on_their_own_listener_and_not_on_the_public_one() {
    let metrics_listen = format!("127.0.0.1:{}", free_port());
    let portal = RunningPortal::start_with_env(&[("AIGOV_METRICS_LISTEN", &metrics_listen)]).await;
    let anonymous = reqwest::Client::new();
    let (status, body) = text(&anonymous, format!("{}/metrics", portal.url)).await;
    assert_eq!(
        status, 404,
        "the public listener (behind the Ingress) serves no metrics"
    );
    assert!(body.contains("--metrics-listen"), "{body}");
    let (status, body) = text(&anonymous, format!("http://{metrics_listen}/metrics")).await;
    assert_eq!(status, 200);
    assert!(body.contains("aigov_log_streams_open"), "{body}");
    let (status, _) = text(&anonymous, format!("http://{metrics_listen}/models")).await;
    assert_eq!(status, 404, "the metrics listener serves nothing else");
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_and_kubernetes_denials() {
    let metrics_listen = format!("127.0.0.1:{}", free_port());
    let portal = RunningPortal::start_with_env(&[("AIGOV_METRICS_LISTEN", &metrics_listen)]).await;
    let dave = portal.signed_in("dave").await;
    let anonymous = reqwest::Client::new();
    let metrics_url = format!("http://{metrics_listen}/metrics");
    let denials = r#"aigov_kubernetes_api_errors_total{code="403"}"#;
    let (_, before) = text(&anonymous, metrics_url.clone()).await;
    let denied_before = sample(&before, denials).unwrap_or(0.0);

    // dave (LLM team) may not read the fraud team's pods: the apiserver
    // refuses the read made as him.
    let (status, _) = text(
        &dave,
        format!("{}/api/logs/fraud-detection/any-pod/download", portal.url),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = text(&dave, format!("{}/namespaces/llm/network", portal.url)).await;
    assert_eq!(status, 200);

    let response = anonymous.get(&metrics_url).send().await.unwrap();
    assert_eq!(response.status(), 200, "metrics need no sign-in");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let after = response.text().await.unwrap();
    assert!(
        sample(&after, denials).unwrap_or(0.0) > denied_before,
        "the denial is counted:\n{after}"
    );
    let page = r#"aigov_http_request_duration_seconds_count{route="/namespaces/{ns}/network",method="GET",status="200"}"#;
    assert!(sample(&after, page).unwrap_or(0.0) >= 1.0, "{after}");
    let download = r#"aigov_http_request_duration_seconds_count{route="/api/logs/{namespace}/{pod}/download",method="GET",status="403"}"#;
    assert!(sample(&after, download).unwrap_or(0.0) >= 1.0, "{after}");
    assert!(
        !after.contains("fraud-detection"),
        "labels carry route templates, never the filled-in path"
    );
    assert!(sample(&after, "aigov_active_grants").is_some(), "{after}");
    assert!(
        sample(&after, r#"aigov_access_requests{phase="Pending"}"#).is_some(),
        "{after}"
    );
    assert_eq!(sample(&after, "aigov_log_streams_open"), Some(0.0));
    assert!(
        sample(&after, "aigov_reconciler_lag_seconds").is_some(),
        "{after}"
    );
}
