//! The limits of a real `aigov serve` process, against the devcluster and
//! the development identity provider: bodies over the limit, a person
//! changing things too quickly, and too many live streams.
#![cfg(feature = "ssr")]

mod support;

use std::time::Duration;

use axum::body::Bytes;
use futures::StreamExt;
use reqwest::header::{ACCEPT, CONTENT_LENGTH, ORIGIN, REFERER, RETRY_AFTER};
use serde_json::Value;
use support::running_portal::RunningPortal;

const MIB: usize = 1024 * 1024;

/// The resident memory of process `pid`, in bytes.
fn resident_bytes(pid: u32) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: usize = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/<pid>/status");
    kib * 1024
}

/// `size` bytes of form data, sent as it is made, never held whole.
fn streamed_body(size: usize) -> reqwest::Body {
    let chunk = Bytes::from(vec![b'a'; 64 * 1024]);
    let chunks = size / chunk.len();
    reqwest::Body::wrap_stream(
        futures::stream::repeat(chunk)
            .take(chunks)
            .map(Ok::<_, std::io::Error>),
    )
}

/// A server function call as the browser bundle makes it.
fn call(
    portal: &RunningPortal,
    client: &reqwest::Client,
    endpoint: &str,
) -> reqwest::RequestBuilder {
    client
        .post(format!("{}/api/{endpoint}", portal.url))
        .header(ORIGIN, &portal.url)
        .header(ACCEPT, "application/json")
}

async fn error_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let error = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    (status, error)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_over_the_limit_is_refused_with_413_before_it_is_read() {
    let portal = RunningPortal::start().await;
    let alice = portal.signed_in("alice").await;
    let before = resident_bytes(portal.pid());

    // 100 MiB announced up front.
    let response = call(&portal, &alice, "cancel")
        .header(CONTENT_LENGTH, (100 * MIB).to_string())
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(streamed_body(100 * MIB))
        .send()
        .await
        .expect("the portal answers before taking the body");
    let (status, error) = error_of(response).await;
    assert_eq!(status, 413, "{error}");
    assert_eq!(error["kind"], "too_large");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("64 KiB at most"), "{message}");

    // 100 MiB of unknown length (chunked), into a server function.
    for _ in 0..3 {
        let response = call(&portal, &alice, "cancel")
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(streamed_body(100 * MIB))
            .send()
            .await
            .expect("the portal answers while the body is still coming");
        let (status, error) = error_of(response).await;
        assert_eq!(status, 413, "{error}");
    }

    // Under the framework's own 2 MiB limit, over the portal's.
    let form = format!("namespace=x&name=y&comment={}", "a".repeat(MIB));
    let response = call(&portal, &alice, "cancel")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);

    // A plain form post is answered in words.
    let response = alice
        .post(format!("{}/api/cancel", portal.url))
        .header(ORIGIN, &portal.url)
        .header(ACCEPT, "text/html")
        .header(REFERER, format!("{}/access", portal.url))
        .form(&[
            ("namespace", "x"),
            ("name", "y"),
            ("comment", &"a".repeat(MIB)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let text = response.text().await.unwrap();
    assert!(
        text.starts_with("This request is larger than the portal accepts (64 KiB at most)."),
        "{text}"
    );

    let after = resident_bytes(portal.pid());
    eprintln!(
        "resident memory around 402 MiB of refused bodies: {} KiB before, {} KiB after",
        before / 1024,
        after / 1024
    );
    assert!(
        after < before + 16 * MIB,
        "memory stays flat: {} MiB before, {} MiB after",
        before / MIB,
        after / MIB
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_flood_of_changes_from_one_person_gets_429_while_another_is_served() {
    let portal = RunningPortal::start().await;
    let alice = portal.signed_in("alice").await;
    let bob = portal.signed_in("bob").await;
    let cancel = [("namespace", "nowhere"), ("name", "nothing")];

    let mut statuses = Vec::new();
    let mut refused = None;
    for _ in 0..40 {
        let response = call(&portal, &alice, "cancel")
            .form(&cancel)
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
        if response.status() == 429 {
            refused = Some(response);
            break;
        }
    }
    let refused = refused.unwrap_or_else(|| panic!("never refused: {statuses:?}"));
    assert!(
        statuses.len() > 20,
        "the default burst of 20 passes first: {statuses:?}"
    );
    assert!(
        statuses[..20].iter().all(|status| *status == 404),
        "{statuses:?}"
    );
    let retry_after: u64 = refused.headers()[RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "Retry-After: {retry_after}");
    let (_, error) = error_of(refused).await;
    assert_eq!(error["kind"], "too_many");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("faster than the portal allows"),
        "{message}"
    );
    assert!(message.contains("try again in"), "{message}");

    // The page shows the message: a plain form goes back with it.
    let response = alice
        .post(format!("{}/api/cancel", portal.url))
        .header(ORIGIN, &portal.url)
        .header(ACCEPT, "text/html")
        .header(REFERER, format!("{}/access", portal.url))
        .form(&cancel)
        .send()
        .await
        .unwrap();
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("__err="), "{location}");

    // Other state changes count too: the command line's sign-in hand-over.
    let response = alice
        .post(format!("{}/cli/login", portal.url))
        .header(ORIGIN, &portal.url)
        .form(&[("port", "45678"), ("state", "abcdefghijklmnop")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);

    // Reads are not limited, and bob is served.
    let response = call(&portal, &alice, "my-access").send().await.unwrap();
    assert_eq!(response.status(), 200);
    let response = call(&portal, &bob, "cancel")
        .form(&cancel)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404, "bob has his own allowance");
}

/// Opens `url` as `client` and returns the response once its head arrived.
async fn open(client: &reqwest::Client, url: &str) -> reqwest::Response {
    tokio::time::timeout(Duration::from_secs(20), client.get(url).send())
        .await
        .expect("the stream's head within 20 s")
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sixth_live_stream_is_refused_and_a_closed_one_frees_its_slot() {
    let portal = RunningPortal::start().await;
    let alice = portal.signed_in("alice").await;
    let bob = portal.signed_in("bob").await;
    let live = format!("{}/api/live", portal.url);
    let follow = format!(
        "{}/api/logs/sandbox/log-generator?container=generator&tailLines=1",
        portal.url
    );

    for url in [&live, &follow] {
        let mut streams = Vec::new();
        for _ in 0..5 {
            let response = open(&alice, url).await;
            assert_eq!(response.status(), 200, "{url}");
            streams.push(response);
        }
        let refused = open(&alice, url).await;
        assert_eq!(refused.status(), 429, "{url}");
        let text = refused.text().await.unwrap();
        assert!(text.contains("You already have 5"), "{text}");
        assert!(text.contains("Close one"), "{text}");
        let bobs = open(&bob, url).await;
        assert_eq!(bobs.status(), 200, "bob has his own slots: {url}");

        drop(streams.pop());
        let reopened = support::wait_until(Duration::from_secs(20), "a freed slot", || async {
            let response = open(&alice, url).await;
            (response.status() == 200).then_some(response)
        })
        .await;
        streams.push(reopened);
    }
}
