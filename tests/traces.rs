//! OpenTelemetry traces of a real `aigov serve` process, received over OTLP
//! (HTTP, protobuf) by a collector endpoint the test runs.
#![cfg(feature = "ssr")]

mod support;

use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use support::running_portal::RunningPortal;
use tokio::sync::mpsc;

/// What the collector endpoint received: content type and body.
type Export = (String, Vec<u8>);

async fn collector() -> (String, mpsc::UnboundedReceiver<Export>) {
    let (sender, received) = mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/v1/traces",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let sender = sender.clone();
            async move {
                let kind = headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let _ = sender.send((kind, body.to_vec()));
                StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, received)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[tokio::test]
async fn the_span_of_each_request_reaches_the_collector_when_an_endpoint_is_set() {
    let (endpoint, mut received) = collector().await;
    let portal = RunningPortal::start_with_env(&[
        ("AIGOV_OTLP_ENDPOINT", &endpoint),
        ("OTEL_BSP_SCHEDULE_DELAY", "200"),
    ])
    .await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let marker = "trace-me-4711";
    let response = client
        .get(format!("{}/models", portal.url))
        .header("x-request-id", marker)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        303,
        "a page sends the anonymous to sign in"
    );

    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let (kind, body) = loop {
        let export = tokio::time::timeout_at(deadline, received.recv())
            .await
            .expect("no trace with the request's span reached the collector in 30 s")
            .expect("the collector stopped");
        if contains(&export.1, marker.as_bytes()) {
            break export;
        }
    };
    assert_eq!(kind, "application/x-protobuf");
    assert!(contains(&body, b"service.name") && contains(&body, b"aigov"));
    assert!(contains(&body, b"/models"), "the span names the path");
}
