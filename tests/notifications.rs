//! Webhook notifications against a real HTTP receiver on 127.0.0.1: the
//! JSON that arrives, retries after failures, and that `notify` never waits
//! for a slow or stuck receiver.

#![cfg(feature = "ssr")]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aigov::server::access::notify::{Notification, Notifier, RequestRef, Settings};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use url::Url;

/// How the receiver answers the n-th POST (counting from 0).
#[derive(Clone, Copy)]
enum Behaviour {
    /// 500 for the first `n` posts, then 200.
    FailFirst(usize),
    /// 429 with `Retry-After: 1` for the first post, then 200.
    TooManyOnce,
    /// 400 always.
    Reject,
    /// Never answers.
    Hang,
}

struct Receiver {
    behaviour: Behaviour,
    hits: AtomicUsize,
    delivered: Mutex<Vec<(Instant, HeaderMap, Value)>>,
}

async fn hook(
    State(receiver): State<Arc<Receiver>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let n = receiver.hits.fetch_add(1, Ordering::SeqCst);
    let answer = match receiver.behaviour {
        Behaviour::FailFirst(failures) if n < failures => {
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Behaviour::TooManyOnce if n == 0 => {
            (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "1")]).into_response()
        }
        Behaviour::Reject => StatusCode::BAD_REQUEST.into_response(),
        Behaviour::Hang => std::future::pending().await,
        _ => StatusCode::OK.into_response(),
    };
    if answer.status().is_success() {
        receiver
            .delivered
            .lock()
            .unwrap()
            .push((Instant::now(), headers, body));
    }
    answer
}

/// Starts a receiver; returns it and its webhook URL.
async fn receiver(behaviour: Behaviour) -> (Arc<Receiver>, Url) {
    let receiver = Arc::new(Receiver {
        behaviour,
        hits: AtomicUsize::new(0),
        delivered: Mutex::new(Vec::new()),
    });
    let app = axum::Router::new()
        .route("/hooks/T000/B000", axum::routing::post(hook))
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let url = Url::parse(&format!("http://{address}/hooks/T000/B000?token=secret")).unwrap();
    (receiver, url)
}

fn portal() -> Option<Url> {
    Some(Url::parse("https://aigov.example.com/").unwrap())
}

fn new_request() -> Notification {
    Notification::NewRequest {
        request: RequestRef {
            namespace: "fraud-detection".into(),
            name: "alice-viewer-x7k2p".into(),
            requester: "alice".into(),
            model: "Fraud scorer".into(),
            level: "viewer".into(),
        },
        duration: Some("8h".into()),
        justification: "quarterly <review> & audit".into(),
        extension: false,
    }
}

/// Waits (generously: the machine is busy) until `done` holds.
async fn eventually(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn delivered(receiver: &Receiver) -> usize {
    receiver.delivered.lock().unwrap().len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_request_arrives_as_slack_json() {
    let (receiver, url) = receiver(Behaviour::FailFirst(0)).await;
    let notifier = Notifier::start(Some(url), portal());
    assert!(notifier.is_enabled());
    notifier.notify(new_request());
    eventually("the message", || delivered(&receiver) == 1).await;

    let (_, headers, body) = receiver.delivered.lock().unwrap()[0].clone();
    assert_eq!(headers["content-type"], "application/json");
    let text = ":key: alice requests viewer access to Fraud scorer (fraud-detection) for 8h — \
                <https://aigov.example.com/requests/fraud-detection/alice-viewer-x7k2p|Review>\n\
                >quarterly &lt;review&gt; &amp; audit";
    assert_eq!(
        body,
        serde_json::json!({
            "text": text,
            "blocks": [{ "type": "section", "text": { "type": "mrkdwn", "text": text } }],
        })
    );
    assert_eq!(receiver.hits.load(Ordering::SeqCst), 1);
    assert_eq!(notifier.dropped(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_server_errors_then_success_deliver_exactly_once() {
    let (receiver, url) = receiver(Behaviour::FailFirst(2)).await;
    let notifier = Notifier::start(Some(url), portal());
    let sent = Instant::now();
    notifier.notify(new_request());
    eventually("the retried message", || delivered(&receiver) == 1).await;
    // Backoff of 0.5 s, then 1 s, before the third try.
    let (arrived, _, _) = receiver.delivered.lock().unwrap()[0].clone();
    assert!(
        arrived - sent >= Duration::from_millis(1_400),
        "{:?}",
        arrived - sent
    );
    // Nothing more arrives afterwards.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(receiver.hits.load(Ordering::SeqCst), 3);
    assert_eq!(delivered(&receiver), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_requests_waits_as_long_as_retry_after_says() {
    let (receiver, url) = receiver(Behaviour::TooManyOnce).await;
    let notifier = Notifier::start_with(
        Some(url),
        portal(),
        Settings {
            first_backoff: Duration::from_millis(10),
            ..Settings::default()
        },
    );
    let sent = Instant::now();
    notifier.notify(new_request());
    eventually("the message after 429", || delivered(&receiver) == 1).await;
    let (arrived, _, _) = receiver.delivered.lock().unwrap()[0].clone();
    assert!(
        arrived - sent >= Duration::from_millis(950),
        "{:?}",
        arrived - sent
    );
    assert_eq!(receiver.hits.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_message_is_not_retried() {
    let (receiver, url) = receiver(Behaviour::Reject).await;
    let notifier = Notifier::start_with(
        Some(url),
        portal(),
        Settings {
            first_backoff: Duration::from_millis(10),
            ..Settings::default()
        },
    );
    notifier.notify(new_request());
    eventually("the rejected post", || {
        receiver.hits.load(Ordering::SeqCst) >= 1
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(receiver.hits.load(Ordering::SeqCst), 1);
    assert_eq!(delivered(&receiver), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_tried_at_most_max_attempts_times() {
    let (receiver, url) = receiver(Behaviour::FailFirst(usize::MAX)).await;
    let notifier = Notifier::start_with(
        Some(url),
        portal(),
        Settings {
            first_backoff: Duration::from_millis(10),
            max_attempts: 3,
            ..Settings::default()
        },
    );
    notifier.notify(new_request());
    eventually("three tries", || receiver.hits.load(Ordering::SeqCst) >= 3).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(receiver.hits.load(Ordering::SeqCst), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_that_never_answers_does_not_hold_up_notify() {
    let (receiver, url) = receiver(Behaviour::Hang).await;
    let notifier = Notifier::start(Some(url), portal());
    notifier.notify(new_request());
    eventually("the receiver to be stuck", || {
        receiver.hits.load(Ordering::SeqCst) == 1
    })
    .await;
    // The delivery task now waits on the stuck receiver; notify does not.
    for _ in 0..3 {
        let started = Instant::now();
        notifier.notify(new_request());
        let took = started.elapsed();
        assert!(took < Duration::from_millis(50), "notify took {took:?}");
    }
    assert_eq!(notifier.dropped(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_queue_drops_without_blocking() {
    let (receiver, url) = receiver(Behaviour::Hang).await;
    let notifier = Notifier::start_with(
        Some(url),
        portal(),
        Settings {
            queue: 4,
            ..Settings::default()
        },
    );
    notifier.notify(new_request());
    eventually("the receiver to be stuck", || {
        receiver.hits.load(Ordering::SeqCst) == 1
    })
    .await;
    // One message is in flight; four fit in the queue; the rest are dropped.
    let started = Instant::now();
    for _ in 0..100 {
        notifier.clone().notify(new_request());
    }
    let took = started.elapsed();
    assert!(
        took < Duration::from_millis(500),
        "100 notify calls took {took:?}"
    );
    assert_eq!(notifier.dropped(), 96);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_webhook_nothing_is_sent() {
    let notifier = Notifier::start(None, portal());
    assert!(!notifier.is_enabled());
    let started = Instant::now();
    notifier.notify(new_request());
    assert!(started.elapsed() < Duration::from_millis(50));
    assert_eq!(notifier.dropped(), 0);
}

/// The n-th new request of a burst, by `requester`.
fn request_of(requester: &str, n: usize) -> Notification {
    Notification::NewRequest {
        request: RequestRef {
            namespace: "fraud-detection".into(),
            name: format!("{requester}-viewer-{n}"),
            requester: requester.into(),
            model: "Fraud scorer".into(),
            level: "viewer".into(),
        },
        duration: Some("8h".into()),
        justification: format!("burst {n}"),
        extension: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_requests_arrives_as_the_first_and_one_digest_of_the_rest() {
    let (receiver, url) = receiver(Behaviour::FailFirst(0)).await;
    let notifier = Notifier::start_with(
        Some(url),
        portal(),
        Settings {
            digest_window: Duration::from_millis(1500),
            ..Settings::default()
        },
    );
    for n in 0..13 {
        notifier.notify(request_of(&format!("person{n}"), n));
    }
    // Something else during the window goes out at once, on its own.
    notifier.notify(Notification::Expired {
        request: RequestRef {
            namespace: "fraud-detection".into(),
            name: "old-grant".into(),
            requester: "alice".into(),
            model: "Fraud scorer".into(),
            level: "viewer".into(),
        },
    });
    eventually("the first, the expiry and the digest", || {
        delivered(&receiver) == 3
    })
    .await;
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert_eq!(delivered(&receiver), 3, "nothing more");
    let texts: Vec<String> = receiver
        .delivered
        .lock()
        .unwrap()
        .iter()
        .map(|(_, _, body)| body["text"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        texts[0].starts_with(":key: person0 requests"),
        "{}",
        texts[0]
    );
    assert!(texts[1].starts_with(":alarm_clock:"), "{}", texts[1]);
    let digest = &texts[2];
    assert!(
        digest.starts_with(":inbox_tray: 12 more requests wait for review — <https://aigov.example.com/reviews|Review them>"),
        "{digest}"
    );
    for n in 1..=10 {
        assert!(
            digest.contains(&format!(
                "\n• person{n} requests viewer access to Fraud scorer (fraud-detection) for 8h"
            )),
            "{digest}"
        );
    }
    assert!(!digest.contains("person11 requests"), "{digest}");
    assert!(digest.ends_with("\n… and 2 more"), "{digest}");

    // A request after the window is sent on its own again, at once.
    let before = Instant::now();
    notifier.notify(request_of("late", 99));
    eventually("the late request", || delivered(&receiver) == 4).await;
    assert!(before.elapsed() < Duration::from_millis(1000));
}
