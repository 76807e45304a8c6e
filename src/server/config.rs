//! Configuration of `aigov serve`, read once from flags and the environment.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::access::audit_args::AuditArgs;
use super::access::context::WorkflowArgs;
use super::auth::config::AuthArgs;
use super::kube::KubeArgs;
use super::limits::LimitArgs;
use super::reports::args::ReportArgs;
use super::usage::apiserver_audit::ApiserverAuditArgs;

/// How log lines are written.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines, for a terminal.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Options of `aigov serve`. Every flag can also be set through the
/// environment variable named in `--help`.
#[derive(clap::Args, Clone, Debug)]
pub struct ServeArgs {
    /// Address and port the portal listens on. Defaults to LEPTOS_SITE_ADDR,
    /// then 127.0.0.1:3000.
    #[arg(long, env = "AIGOV_LISTEN", value_name = "ADDR:PORT")]
    pub listen: Option<SocketAddr>,

    /// Address and port of a second listener serving only `/metrics`, for
    /// Prometheus; keep it off the Ingress. Without it no metrics are
    /// served (the public listener never serves them).
    #[arg(long, env = "AIGOV_METRICS_LISTEN", value_name = "ADDR:PORT")]
    pub metrics_listen: Option<SocketAddr>,

    /// Folder holding the built site (`pkg/` with the browser bundle and
    /// stylesheet, plus public assets). Defaults to LEPTOS_SITE_ROOT, then
    /// `target/site`.
    #[arg(long, env = "AIGOV_SITE_ROOT", value_name = "DIR")]
    pub site_root: Option<PathBuf>,

    /// Format of log lines. The level is set with RUST_LOG (default `info`).
    #[arg(long, env = "AIGOV_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// Seconds to let requests in flight finish after SIGTERM or Ctrl-C.
    #[arg(
        long,
        env = "AIGOV_SHUTDOWN_GRACE_SECONDS",
        default_value_t = 10,
        value_name = "SECONDS"
    )]
    pub shutdown_grace_seconds: u64,

    /// OpenTelemetry collector to send traces to (OTLP over HTTP), as its
    /// base URL, e.g. `http://otel-collector:4318`; spans go to
    /// `<URL>/v1/traces`. No traces without it.
    #[arg(long, env = "AIGOV_OTLP_ENDPOINT", value_name = "URL")]
    pub otlp_endpoint: Option<url::Url>,

    /// Seconds between checks of the Kubernetes API and the identity
    /// provider; three failed checks in a row make `/readyz` fail.
    #[arg(
        long,
        env = "AIGOV_PROBE_INTERVAL_SECONDS",
        default_value_t = 10,
        value_name = "SECONDS"
    )]
    pub probe_interval_seconds: u64,

    #[command(flatten)]
    pub auth: AuthArgs,

    #[command(flatten)]
    pub kube: KubeArgs,

    #[command(flatten)]
    pub workflow: WorkflowArgs,

    #[command(flatten)]
    pub audit: AuditArgs,

    #[command(flatten)]
    pub reports: ReportArgs,

    #[command(flatten)]
    pub limits: LimitArgs,

    #[command(flatten)]
    pub models: crate::server::models::settings::ModelCallArgs,

    #[command(flatten)]
    pub apiserver_audit: ApiserverAuditArgs,
}

impl ServeArgs {
    /// The grace period for in-flight requests at shutdown.
    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_seconds)
    }
}
