//! Structured logs with `tracing`, one span per HTTP request carrying its
//! id, and, when an OTLP endpoint is configured, the same spans exported as
//! OpenTelemetry traces (OTLP over HTTP, protobuf).

use axum::http::Request;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::Span;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use super::config::LogFormat;

/// What must be flushed before the process exits.
pub struct Telemetry {
    traces: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Sends the spans still buffered.
    pub fn shutdown(self) {
        if let Some(traces) = self.traces
            && let Err(error) = traces.shutdown()
        {
            tracing::warn!(%error, "flushing traces failed");
        }
    }
}

/// Installs the global subscriber: log lines (level from `RUST_LOG`,
/// default `info`) and, with `otlp_endpoint` (the collector's base URL, e.g.
/// `http://otel-collector:4318`), traces sent to `<endpoint>/v1/traces`.
pub fn init(format: LogFormat, otlp_endpoint: Option<&url::Url>) -> anyhow::Result<Telemetry> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let lines = match format {
        LogFormat::Text => tracing_subscriber::fmt::layer().boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .boxed(),
    };
    let traces = otlp_endpoint.map(tracer_provider).transpose()?;
    let spans = traces
        .as_ref()
        .map(|provider| tracing_opentelemetry::layer().with_tracer(provider.tracer("aigov")));
    tracing_subscriber::registry()
        .with(filter)
        .with(lines)
        .with(spans)
        .init();
    if let Some(endpoint) = otlp_endpoint {
        tracing::info!(%endpoint, "exporting traces over OTLP");
    }
    Ok(Telemetry { traces })
}

fn tracer_provider(endpoint: &url::Url) -> anyhow::Result<SdkTracerProvider> {
    let url = format!("{}/v1/traces", endpoint.as_str().trim_end_matches('/'));
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_endpoint(url)
        .build()?;
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(Resource::builder().with_service_name("aigov").build())
        .build())
}

/// The span of one HTTP request: method, path and the `x-request-id` that
/// the request-id layer set (or that a proxy in front of us sent).
pub fn request_span<B>(request: &Request<B>) -> Span {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "http",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %request_id,
    )
}
