//! A webhook receiver on 127.0.0.1 that keeps the body of every message
//! the portal sends it.

use std::sync::{Arc, Mutex};

use axum::extract::State;

/// The bodies of the messages the webhook received.
pub type Received = Arc<Mutex<Vec<String>>>;

async fn receive(State(received): State<Received>, body: String) {
    received.lock().unwrap().push(body);
}

/// A webhook receiver on a free port, and its URL.
pub async fn receiver() -> (Received, url::Url) {
    let received = Received::default();
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(receive))
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (received, format!("http://{address}/hook").parse().unwrap())
}
