//! Prometheus metrics at `/metrics` (OpenMetrics text).
//!
//! - `aigov_http_request_duration_seconds{route,method,status}`: a latency
//!   histogram per route *template* (`/namespaces/{ns}/logs`, never the
//!   filled-in path, so a scan of random URLs cannot grow the label set).
//! - `aigov_kubernetes_api_errors_total{code}`: failed calls to the
//!   apiserver made by the portal, for itself or as a person: the HTTP
//!   status (`403`, `409`, `500`, …) or `unreachable` for a transport
//!   failure. Denials (`403`) are part of normal RBAC reads; a rise in
//!   `5xx` or `unreachable` is the one to alert on.
//! - `aigov_access_requests{phase}`, `aigov_active_grants` and
//!   `aigov_reconciler_lag_seconds` (how long past its expiry the most
//!   overdue grant still stands; 0 when none is): read at scrape time from
//!   the portal's watch cache of AccessRequests.
//! - `aigov_log_streams_open`: log follows and downloads in progress.
//! - `aigov_model_calls_total{namespace,model,channel,outcome}` and
//!   `aigov_model_uses_dropped_total`: uses of models (`server::usage`).
//!
//! The registry is process-wide: instrumentation points anywhere in the
//! server record into [`metrics()`] without threading a handle through.

pub mod access_collector;
pub mod http;
pub mod kube_layer;

use std::sync::{Mutex, OnceLock};

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// Labels of an HTTP request.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabels {
    pub route: String,
    pub method: String,
    pub status: u16,
}

/// Labels of a failed apiserver call.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct KubeErrorLabels {
    pub code: String,
}

type HistogramFamily = Family<HttpLabels, Histogram, fn() -> Histogram>;

/// Every metric of the process.
pub struct Metrics {
    registry: Mutex<Registry>,
    pub http: HistogramFamily,
    pub kube_errors: Family<KubeErrorLabels, Counter>,
    pub log_streams: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

fn latency_histogram() -> Histogram {
    // 1 ms … ~16 s, doubling.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

static METRICS: OnceLock<Metrics> = OnceLock::new();

/// The process's metrics, registered on first use.
pub fn metrics() -> &'static Metrics {
    METRICS.get_or_init(Metrics::new)
}

impl Metrics {
    fn new() -> Metrics {
        let http: HistogramFamily = Family::new_with_constructor(latency_histogram);
        let kube_errors = Family::<KubeErrorLabels, Counter>::default();
        let log_streams = Gauge::default();
        let mut registry = Registry::with_prefix("aigov");
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route template, method and status",
            http.clone(),
        );
        registry.register(
            "kubernetes_api_errors",
            "Failed calls to the Kubernetes API, by HTTP status or `unreachable`",
            kube_errors.clone(),
        );
        registry.register(
            "log_streams_open",
            "Log follows and downloads in progress",
            log_streams.clone(),
        );
        Metrics {
            registry: Mutex::new(registry),
            http,
            kube_errors,
            log_streams,
        }
    }

    /// Adds a collector read at every scrape (e.g. the access workflow's).
    pub fn register_collector(&self, collector: Box<dyn prometheus_client::collector::Collector>) {
        self.registry
            .lock()
            .expect("metrics registry")
            .register_collector(collector);
    }

    /// Registers a metric defined elsewhere (e.g. the model use counters).
    pub fn register(
        &self,
        name: &str,
        help: &str,
        metric: impl prometheus_client::registry::Metric,
    ) {
        self.registry
            .lock()
            .expect("metrics registry")
            .register(name, help, metric);
    }

    /// Counts a failed apiserver call.
    pub fn kube_error(&self, code: impl Into<String>) {
        self.kube_errors
            .get_or_create(&KubeErrorLabels { code: code.into() })
            .inc();
    }

    /// The OpenMetrics text of every metric.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        let registry = self.registry.lock().expect("metrics registry");
        prometheus_client::encoding::text::encode(&mut text, &registry)
            .expect("writing to a String cannot fail");
        text
    }
}

/// A log stream being served; counted in `aigov_log_streams_open` until
/// dropped.
#[derive(Debug)]
pub struct OpenLogStream(());

impl OpenLogStream {
    pub fn start() -> OpenLogStream {
        metrics().log_streams.inc();
        OpenLogStream(())
    }
}

impl Drop for OpenLogStream {
    fn drop(&mut self) {
        metrics().log_streams.dec();
    }
}

/// `GET /metrics`.
pub async fn serve_metrics() -> Response {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        metrics().encode(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_names_every_family_and_ends_as_openmetrics_requires() {
        let metrics = Metrics::new();
        metrics
            .http
            .get_or_create(&HttpLabels {
                route: "/models".into(),
                method: "GET".into(),
                status: 200,
            })
            .observe(0.012);
        metrics
            .kube_errors
            .get_or_create(&KubeErrorLabels { code: "503".into() })
            .inc();
        let text = metrics.encode();
        assert!(text.contains(
            "aigov_http_request_duration_seconds_count{route=\"/models\",method=\"GET\",status=\"200\"} 1"
        ), "{text}");
        assert!(
            text.contains("aigov_kubernetes_api_errors_total{code=\"503\"} 1"),
            "{text}"
        );
        assert!(text.contains("aigov_log_streams_open 0"), "{text}");
        assert!(text.ends_with("# EOF\n"));
    }

    #[test]
    fn an_open_log_stream_counts_until_dropped() {
        let before = metrics().log_streams.get();
        let stream = OpenLogStream::start();
        assert_eq!(metrics().log_streams.get(), before + 1);
        drop(stream);
        assert_eq!(metrics().log_streams.get(), before);
    }
}
