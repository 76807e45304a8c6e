//! Everything the access workflow needs, built once at start-up and shared
//! by the server functions and the reconciler.

use std::time::Duration;

use kube::Client;

use super::audit::Auditor;
use super::audit_args::AuditArgs;
use super::audit_log::AuditLog;
use super::notify::Notifier;
use super::store::AccessStore;

/// Settings of the workflow.
#[derive(clap::Args, Clone, Debug)]
pub struct WorkflowArgs {
    /// How long a request may wait for reviews before it expires, e.g. `72h`.
    #[arg(long, env = "AIGOV_PENDING_TIMEOUT", default_value = "7d", value_parser = parse_duration, value_name = "DURATION")]
    pub pending_timeout: Duration,

    /// Warn requesters (by the webhook) this long before a grant expires.
    #[arg(long, env = "AIGOV_EXPIRY_WARNING", default_value = "1h", value_parser = parse_duration, value_name = "DURATION")]
    pub expiry_warning: Duration,

    /// Namespace of the Lease that elects the one replica that reconciles.
    #[arg(
        long,
        env = "AIGOV_LEASE_NAMESPACE",
        default_value = "aigov-system",
        value_name = "NAMESPACE"
    )]
    pub lease_namespace: String,

    /// Run without the reconciler (another process reconciles).
    #[arg(long, env = "AIGOV_NO_RECONCILER")]
    pub no_reconciler: bool,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    crate::crd::duration::parse(text).map_err(|error| error.to_string())
}

/// The workflow's shared parts.
#[derive(Clone)]
pub struct AccessContext {
    /// The portal's own identity: grants, status writes, caches.
    pub client: Client,
    pub store: AccessStore,
    pub auditor: Auditor,
    pub pending_timeout: Duration,
    pub expiry_warning: Duration,
}

impl AccessContext {
    /// Starts the caches and the audit and notification writers. Needs a
    /// tokio runtime.
    pub fn start(
        client: Client,
        workflow: &WorkflowArgs,
        audit: &AuditArgs,
        public_url: url::Url,
        instance: &str,
    ) -> anyhow::Result<Self> {
        let log = AuditLog::from_args(audit)?;
        let notifier = Notifier::start(audit.notify_webhook_url.clone(), Some(public_url));
        Ok(Self {
            store: AccessStore::start(&client),
            auditor: Auditor::new(client.clone(), log, notifier, instance.to_owned()),
            client,
            pending_timeout: workflow.pending_timeout,
            expiry_warning: workflow.expiry_warning,
        })
    }
}
