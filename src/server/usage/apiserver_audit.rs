//! The kube-apiserver's audit webhook: `POST /apiserver/audit` on a
//! listener of its own (`--apiserver-audit-listen`). Each batch of audit
//! events (`audit.k8s.io/v1` `EventList`) is read as uses of models
//! (`engine::usage::apiserver_audit`) and every use is handed to the
//! recorder.
//!
//! Only the apiserver may post: its bearer token, compared in constant
//! time; anyone else gets 401 before anything else is looked at. Bounded
//! ([`AuditBounds`]): the body (413), the events read per batch, the
//! batches per second (429; the apiserver retries), and the audit IDs
//! remembered so that a batch sent twice counts once. The Models of the
//! events' namespaces and the labels of the pods whose logs were read are
//! read with the portal's own identity (`list` on models and pods, which
//! its ClusterRole holds); when the cluster cannot be read the batch is
//! answered 503 and the apiserver sends it again.

pub mod args;
pub mod tls;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::header::{AUTHORIZATION, CONTENT_LENGTH, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::ListParams;
use tokio::net::TcpListener;

pub use self::args::{ApiserverAuditArgs, AuditBounds, TlsFiles};
use super::recorder::Recorder;
use crate::crd::Model;
use crate::engine::usage::apiserver_audit::{EventList, PodLabels, RecentIds, lookups, uses};
use crate::server::policy::denials::RecentDenials;

/// The path the apiserver posts to (its webhook kubeconfig's server URL).
pub const PATH: &str = "/apiserver/audit";
/// How long reading the cluster for one batch may take.
const CLUSTER_DEADLINE: Duration = Duration::from_secs(10);

/// Receives the apiserver's audit events.
pub struct AuditReceiver {
    token: Vec<u8>,
    client: kube::Client,
    recorder: Recorder,
    bounds: AuditBounds,
    rate: DefaultDirectRateLimiter,
    recent: Mutex<RecentIds>,
    /// Where refusals by the portal's admission policies are kept.
    denials: std::sync::OnceLock<RecentDenials>,
}

impl AuditReceiver {
    /// A receiver that accepts `token`, reads the cluster with `client` (the
    /// portal's own identity) and records through `recorder`.
    pub fn new(
        token: String,
        client: kube::Client,
        recorder: Recorder,
        bounds: AuditBounds,
    ) -> Arc<Self> {
        let quota = Quota::per_second(bounds.batches_per_second).allow_burst(bounds.batch_burst);
        Arc::new(AuditReceiver {
            token: token.into_bytes(),
            client,
            recorder,
            rate: RateLimiter::direct(quota),
            recent: Mutex::new(RecentIds::new(bounds.recent_ids)),
            denials: std::sync::OnceLock::new(),
            bounds,
        })
    }

    /// Also keeps the refusals by the portal's admission policies that the
    /// events report, in `denials`.
    pub fn keep_denials(&self, denials: RecentDenials) {
        let _ = self.denials.set(denials);
    }

    /// Whether `headers` carry the expected bearer token.
    fn authorised(&self, headers: &HeaderMap) -> bool {
        let presented = headers
            .get(AUTHORIZATION)
            .and_then(|value| value.as_bytes().strip_prefix(b"Bearer "))
            .unwrap_or_default();
        constant_time_eq(presented, &self.token)
    }
}

/// Equality that takes as long whatever the bytes, so timing tells an
/// outsider nothing about the token.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let longest = a.len().max(b.len());
    let mut difference = u8::from(a.len() != b.len());
    for i in 0..longest {
        difference |= a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0);
    }
    difference == 0
}

/// The listener's only route.
pub fn router(receiver: Arc<AuditReceiver>) -> Router {
    Router::new()
        .route(PATH, post(receive))
        .with_state(receiver)
}

/// Serves [`router`] on `addr` (HTTPS when `tls` is given) until the
/// returned task is aborted.
pub async fn serve(
    addr: SocketAddr,
    tls: Option<&TlsFiles>,
    receiver: Arc<AuditReceiver>,
) -> anyhow::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = TcpListener::bind(addr).await.with_context(|| {
        format!("cannot listen for the apiserver's audit events on {addr}: is another process using the port?")
    })?;
    let local_addr = listener.local_addr()?;
    let app = router(receiver);
    let task = match tls {
        Some(files) => {
            let listener = tls::TlsListener::new(listener, tls::server_config(files)?)?;
            tracing::info!(%local_addr, "apiserver audit events on https://{local_addr}{PATH}");
            tokio::spawn(async move {
                if let Err(error) = axum::serve(listener, app).await {
                    tracing::error!(%error, "the apiserver audit listener stopped");
                }
            })
        }
        None => {
            tracing::warn!(
                %local_addr,
                "apiserver audit events on plain http://{local_addr}{PATH}: the kube-apiserver sends its token only over HTTPS, so put a TLS-terminating proxy in front or give --apiserver-audit-tls-cert-file"
            );
            tokio::spawn(async move {
                if let Err(error) = axum::serve(listener, app).await {
                    tracing::error!(%error, "the apiserver audit listener stopped");
                }
            })
        }
    };
    Ok((local_addr, task))
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (status, text).into_response()
}

async fn receive(
    State(receiver): State<Arc<AuditReceiver>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if !receiver.authorised(&headers) {
        return plain(StatusCode::UNAUTHORIZED, "unauthorized");
    }
    if let Err(not_until) = receiver.rate.check() {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        tracing::info!("refused an audit batch over the rate limit");
        let mut response = plain(
            StatusCode::TOO_MANY_REQUESTS,
            "too many audit batches; retry later",
        );
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(seconds.max(1)));
        return response;
    }
    let limit = receiver.bounds.body_bytes;
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return too_large();
    }
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return too_large();
    };
    let Ok(mut list) = serde_json::from_slice::<EventList>(&bytes) else {
        return plain(
            StatusCode::BAD_REQUEST,
            "the body is not an audit.k8s.io/v1 EventList",
        );
    };
    let received = list.items.len();
    if received > receiver.bounds.events_per_batch {
        tracing::warn!(
            received,
            read = receiver.bounds.events_per_batch,
            "an audit batch held more events than are read; the rest were dropped"
        );
        list.items.truncate(receiver.bounds.events_per_batch);
    }
    {
        let recent = receiver.recent.lock().expect("recent audit ids");
        list.items.retain(|event| !recent.contains(&event.audit_id));
    }
    if let Some(kept) = receiver.denials.get() {
        kept.record(crate::engine::policy::denials::denials(&list.items));
    }
    match record(&receiver, &list).await {
        Ok(recorded) => {
            if recorded > 0 {
                tracing::info!(received, recorded, "recorded uses from audit events");
            }
            plain(StatusCode::OK, "ok")
        }
        Err(error) => {
            tracing::warn!(error = %format!("{error:#}"), "cannot read the cluster for an audit batch; the apiserver will send it again");
            plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "cannot read the cluster now; send the batch again",
            )
        }
    }
}

fn too_large() -> Response {
    plain(
        StatusCode::PAYLOAD_TOO_LARGE,
        "the audit batch is larger than accepted",
    )
}

/// Reads what the events need, maps them to uses, and records each use
/// whose audit ID was not seen before. Returns how many were recorded.
async fn record(receiver: &AuditReceiver, list: &EventList) -> anyhow::Result<usize> {
    let (namespaces, pods) = lookups(&list.items);
    if namespaces.is_empty() {
        return Ok(0);
    }
    let (models, labels) = tokio::time::timeout(
        CLUSTER_DEADLINE,
        read_cluster(&receiver.client, &namespaces, &pods),
    )
    .await
    .context("reading Models and pods took too long")??;
    let found = uses(&list.items, &models, &labels);
    let mut recorded = 0;
    let mut recent = receiver.recent.lock().expect("recent audit ids");
    let mut admitted: Vec<String> = Vec::new();
    for used in found {
        let id = used.id.clone().unwrap_or_default();
        // Several uses may share an ID (a pod of several models): all of
        // them belong to the first time the ID is seen.
        if !admitted.contains(&id) {
            if recent.seen(&id) {
                continue;
            }
            admitted.push(id);
        }
        if receiver.recorder.record(used) {
            recorded += 1;
        } else {
            tracing::warn!("a use from an audit event was dropped: the recorder's queue is full");
        }
    }
    Ok(recorded)
}

/// The Models of `namespaces` and the labels of `pods`.
async fn read_cluster(
    client: &kube::Client,
    namespaces: &[String],
    pods: &[(String, String)],
) -> anyhow::Result<(Vec<Model>, PodLabels)> {
    let mut models = Vec::new();
    for namespace in namespaces {
        let listed = Api::<Model>::namespaced(client.clone(), namespace)
            .list(&ListParams::default())
            .await
            .with_context(|| format!("listing Models in {namespace}"))?;
        models.extend(listed.items);
    }
    let mut labels = PodLabels::new();
    for (namespace, pod) in pods {
        // `list` with a field selector: the portal may list pods, not get them.
        let listed = Api::<Pod>::namespaced(client.clone(), namespace)
            .list(&ListParams::default().fields(&format!("metadata.name={pod}")))
            .await
            .with_context(|| format!("reading pod {namespace}/{pod}"))?;
        if let Some(found) = listed.items.into_iter().next() {
            labels.insert(
                (namespace.clone(), pod.clone()),
                found.metadata.labels.unwrap_or_default(),
            );
        }
    }
    Ok((models, labels))
}
