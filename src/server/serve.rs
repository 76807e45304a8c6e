//! `aigov serve`: bind, serve, and shut down gracefully.

use anyhow::Context;
use leptos::config::{LeptosOptions, get_configuration};
use std::sync::Arc;
use tokio::net::TcpListener;

use super::access::context::AccessContext;
use super::access::reconciler;
use super::auth::AuthState;
use super::cluster_cache::ClusterCache;
use super::config::ServeArgs;
use super::health::Readiness;
use super::kube::KubeAccess;
use super::limits::Limits;
use super::reports::Reporter;
use super::router::{build_metrics_router, build_router};
use super::state::AppState;
use super::telemetry;

/// Runs the portal until SIGTERM or Ctrl-C, then lets requests in flight
/// finish for the configured grace period.
pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let telemetry = telemetry::init(args.log_format, args.otlp_endpoint.as_ref())?;

    let mut leptos_options = site_options()?;
    if let Some(listen) = args.listen {
        leptos_options.site_addr = listen;
    }
    if let Some(site_root) = &args.site_root {
        leptos_options.site_root = site_root.to_string_lossy().as_ref().into();
    }
    let addr = leptos_options.site_addr;

    super::kube::install_crypto_provider();
    let auth = Arc::new(AuthState::from_args(&args.auth, addr)?);
    tracing::info!(
        public_url = %auth.public_url,
        callback = %auth.public_url.join("/auth/callback")?,
        "sign-in configured"
    );
    let kube = KubeAccess::from_args(&args.kube).await?;
    let readiness = Arc::new(Readiness::default());
    let instance = instance_name();
    let policy = super::policy::store::PolicyStore::start(kube.portal());
    let access = AccessContext::start(
        kube.portal().clone(),
        &args.workflow,
        &args.audit,
        auth.public_url.clone(),
        &instance,
    )?
    .with_max_open_requests(args.limits.max_open_requests)
    .with_policy(policy.clone());
    if !args.workflow.no_reconciler {
        tokio::spawn(reconciler::run(
            access.clone(),
            args.workflow.lease_namespace.clone(),
            instance.clone(),
        ));
    }

    tokio::spawn(super::probes::probe_forever(
        readiness.clone(),
        kube.portal().clone(),
        auth.clone(),
        std::time::Duration::from_secs(args.probe_interval_seconds.max(1)),
    ));
    super::metrics::metrics().register_collector(Box::new(
        super::metrics::access_collector::AccessCollector {
            store: access.store.clone(),
        },
    ));
    if !args.workflow.no_reconciler {
        tokio::spawn(super::policy::exceptions::expiry::run(
            kube.portal().clone(),
            policy.clone(),
            args.workflow.reconcile_namespace.clone(),
        ));
    }
    // Compliance reports, on whichever replica holds their own Lease.
    tokio::spawn(
        Reporter::new(kube.portal().clone(), args.reports.settings())
            .with_policy(policy.clone())
            .run(args.workflow.lease_namespace.clone(), instance.clone()),
    );
    let cluster_cache = Arc::new(ClusterCache::new(kube.portal().clone()));
    // Held until `run` returns, so idle namespace caches are stopped for as
    // long as the portal serves, and no longer.
    let _sweeper = ClusterCache::start_sweeper(&cluster_cache);
    let usage = super::usage::recorder::Recorder::new(
        access.auditor.log().clone(),
        super::access::store::watch(kube::Api::all(kube.portal().clone()), || {}),
    );
    tokio::spawn(super::usage::flush::run(
        kube.portal().clone(),
        usage.clone(),
        std::time::Duration::from_secs(args.models.usage_flush_seconds),
    ));
    let (flush_client, flush_usage) = (kube.portal().clone(), usage.clone());
    let state = AppState {
        leptos_options,
        readiness: readiness.clone(),
        auth,
        kube,
        access,
        cluster_cache,
        limits: Arc::new(Limits::from_args(&args.limits)),
        usage,
        calls: super::models::ModelCalls::from_args(args.models.clone()),
        policy,
    };
    let audit_task = serve_apiserver_audit(&args, &state).await?;
    let app = build_router(state);
    let metrics_task = match args.metrics_listen {
        Some(metrics_addr) => Some(serve_metrics(metrics_addr).await?),
        None => {
            tracing::info!("no metrics listener (--metrics-listen): metrics are not served");
            None
        }
    };

    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}: is another process using the port?"))?;
    let local_addr = listener.local_addr()?;
    readiness.set_ready(true);
    tracing::info!(%local_addr, "aigov listening on http://{local_addr}");

    let grace = args.shutdown_grace();
    let shutdown = {
        let readiness = readiness.clone();
        async move {
            shutdown_signal().await;
            readiness.set_ready(false);
            tracing::info!(grace_seconds = grace.as_secs(), "shutting down");
            // A hard deadline, so a stuck connection cannot hold the process.
            tokio::spawn(async move {
                tokio::time::sleep(grace).await;
                tracing::warn!("grace period over, exiting");
                std::process::exit(0);
            });
        }
    };
    axum::serve(listener, app.into_make_service())
        .with_graceful_shutdown(shutdown)
        .await
        .context("serving HTTP")?;
    for task in [metrics_task, audit_task].into_iter().flatten() {
        task.abort();
    }
    // Uses recorded since the last write go to the cluster before the end.
    let written = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        super::usage::flush::flush_once(&flush_client, &flush_usage),
    )
    .await;
    tracing::info!(uses_written = ?written.ok(), "stopped");
    telemetry.shutdown();
    Ok(())
}

/// Serves `/metrics` on `addr`, a listener of its own that the Ingress
/// does not expose, until the returned task is aborted.
async fn serve_metrics(addr: std::net::SocketAddr) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let listener = TcpListener::bind(addr).await.with_context(|| {
        format!("cannot listen for metrics on {addr}: is another process using the port?")
    })?;
    let local_addr = listener.local_addr()?;
    tracing::info!(%local_addr, "metrics on http://{local_addr}/metrics");
    Ok(tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, build_metrics_router()).await {
            tracing::error!(%error, "the metrics listener stopped");
        }
    }))
}

/// Starts the listener for the kube-apiserver's audit events when
/// `--apiserver-audit-listen` is set (then `--apiserver-audit-token-file`
/// is too: clap requires it).
async fn serve_apiserver_audit(
    args: &ServeArgs,
    state: &AppState,
) -> anyhow::Result<Option<tokio::task::JoinHandle<()>>> {
    use super::usage::apiserver_audit::{self, AuditBounds, AuditReceiver, args::read_token};
    let audit = &args.apiserver_audit;
    let (Some(addr), Some(token_file)) = (
        audit.apiserver_audit_listen,
        &audit.apiserver_audit_token_file,
    ) else {
        tracing::info!(
            "no apiserver audit listener (--apiserver-audit-listen): use through the apiserver's service proxy and pod logs is not recorded"
        );
        return Ok(None);
    };
    let receiver = AuditReceiver::new(
        read_token(token_file)?,
        state.kube.portal().clone(),
        state.usage.clone(),
        AuditBounds::default(),
    );
    receiver.keep_denials(state.policy.denials().clone());
    let (_, task) = apiserver_audit::serve(addr, audit.tls().as_ref(), receiver).await?;
    Ok(Some(task))
}

/// This replica's name for leader election and Events: the pod name in a
/// cluster, else host and process id.
fn instance_name() -> String {
    std::env::var("POD_NAME")
        .or_else(|_| std::env::var("HOSTNAME"))
        .map(|host| format!("{host}-{}", std::process::id()))
        .unwrap_or_else(|_| format!("aigov-{}", std::process::id()))
}

/// The site settings: from the `LEPTOS_*` variables that cargo-leptos sets,
/// else Leptos' defaults (every build of this repository names the bundle,
/// `.cargo/config.toml`); the flags of `aigov serve` change them.
fn site_options() -> anyhow::Result<LeptosOptions> {
    let mut options = get_configuration(None)
        .context("reading the site configuration (LEPTOS_* variables)")?
        .leptos_options;
    // Decided by the file the build writes beside the binary (`make dist`
    // copies it), not by build-time settings, so one binary serves a hashed
    // or a plain site correctly.
    options.hash_files = super::static_files::hash_file_beside_binary(&options.hash_file).is_some();
    Ok(options)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
