//! Everything the access workflow needs, built once at start-up and shared
//! by the server functions and the reconciler.

use std::sync::Arc;
use std::time::Duration;

use kube::Client;

use super::archive::Archive;
use super::audit::Auditor;
use super::audit_args::AuditArgs;
use super::audit_log::AuditLog;
use super::notify::Notifier;
use super::store::AccessStore;
use crate::server::cluster_cache::REVIEW_TTL;
use crate::server::cluster_cache::access_review::AccessReviews;
use crate::server::policy::store::PolicyStore;

/// Default name of the Lease that elects the reconciling replica. Here,
/// beside the setting it is the default of, rather than in the reconciler:
/// the reconciler builds on this module, not the other way round.
pub const DEFAULT_RECONCILER_LEASE: &str = "aigov-reconciler";

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

    /// Name of the Lease that elects the replica that reconciles access
    /// requests. Replicas of one portal share it; a second portal on the
    /// same cluster (or a test) uses its own.
    #[arg(
        long,
        env = "AIGOV_RECONCILER_LEASE",
        default_value = DEFAULT_RECONCILER_LEASE,
        value_parser = parse_lease_name,
        value_name = "NAME"
    )]
    pub reconciler_lease: String,

    /// Run without the reconciler (another process reconciles).
    #[arg(long, env = "AIGOV_NO_RECONCILER")]
    pub no_reconciler: bool,

    /// Reconcile only the requests of this namespace (grants, expiry, the
    /// finalizer that keeps the record, retention). Unset: every namespace,
    /// as a portal governing the cluster does; set for a second portal
    /// beside it, or a test, that must not act on the others' requests.
    #[arg(long, env = "AIGOV_RECONCILE_NAMESPACE", value_name = "NAMESPACE")]
    pub reconcile_namespace: Option<String>,

    /// How long a settled request (denied, cancelled, expired, revoked or
    /// relinquished) stays in the cluster after it settled; then the
    /// reconciler removes it, and its access records keep its history.
    #[arg(long, env = "AIGOV_SETTLED_RETENTION", default_value = "400d", value_parser = parse_duration, value_name = "DURATION")]
    pub settled_retention: Duration,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    crate::crd::duration::parse(text).map_err(|error| error.to_string())
}

/// A Lease name: a DNS subdomain (lower-case letters, digits, `-` and `.`,
/// starting and ending with a letter or digit, at most 253 characters).
fn parse_lease_name(text: &str) -> Result<String, String> {
    let alphanumeric = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let valid = !text.is_empty()
        && text.len() <= 253
        && text.starts_with(alphanumeric)
        && text.ends_with(alphanumeric)
        && text
            .chars()
            .all(|c| alphanumeric(c) || c == '-' || c == '.');
    if valid {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "{text:?} is not a Lease name: use lower-case letters, digits, '-' and '.', \
             starting and ending with a letter or digit (at most 253 characters)"
        ))
    }
}

/// The workflow's shared parts.
#[derive(Clone)]
pub struct AccessContext {
    /// The portal's own identity: grants, status writes, caches.
    pub client: Client,
    /// Caches of models and requests, and the signal to open pages.
    pub store: AccessStore,
    /// Remembered access reviews of managers: where they may get
    /// AccessRequests ([`super::oversight`]).
    pub reviews: Arc<AccessReviews>,
    /// The audit trail (with the access records) and the webhook
    /// notifications.
    pub auditor: Auditor,
    /// How long a request may wait for reviews (`--pending-timeout`).
    pub pending_timeout: Duration,
    /// How long before expiry requesters are warned (`--expiry-warning`).
    pub expiry_warning: Duration,
    /// The Lease that elects the reconciling replica.
    pub reconciler_lease: String,
    /// How long settled requests stay (`--settled-retention`).
    pub settled_retention: Duration,
    /// The one namespace the reconciler acts in, if not every one
    /// (`--reconcile-namespace`).
    pub reconcile_namespace: Option<String>,
    /// How many open (pending or in force) requests one person may have in
    /// the cluster (`--max-open-requests`).
    pub max_open_requests: usize,
    /// The governance policies whose access rules requests are held to,
    /// by the environment of the model's namespace. Without it, only each
    /// model's own settings apply.
    pub policy: Option<PolicyStore>,
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
        let archive = Archive::start(&client, &audit.record_namespace);
        Ok(Self {
            store: AccessStore::start(&client),
            reviews: Arc::new(AccessReviews::new(REVIEW_TTL)),
            auditor: Auditor::new(client.clone(), log, notifier, instance.to_owned(), archive),
            client,
            pending_timeout: workflow.pending_timeout,
            expiry_warning: workflow.expiry_warning,
            reconciler_lease: workflow.reconciler_lease.clone(),
            settled_retention: workflow.settled_retention,
            reconcile_namespace: workflow.reconcile_namespace.clone(),
            max_open_requests: crate::engine::access::open_requests::DEFAULT_MAX_OPEN_REQUESTS,
            policy: None,
        })
    }

    /// The same context, holding requests to the access rules of the
    /// governance policies `policy` keeps.
    pub fn with_policy(mut self, policy: PolicyStore) -> Self {
        self.policy = Some(policy);
        self
    }

    /// The same context with a cap of `max` open requests per person.
    pub fn with_max_open_requests(mut self, max: usize) -> Self {
        self.max_open_requests = max;
        self
    }

    /// The API of `K` in the namespace the reconciler acts in, or in all.
    pub fn scoped_api<K>(&self) -> kube::Api<K>
    where
        K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>,
        K::DynamicType: Default,
    {
        match &self.reconcile_namespace {
            Some(namespace) => kube::Api::namespaced(self.client.clone(), namespace),
            None => kube::Api::all(self.client.clone()),
        }
    }

    /// Whether `request` lies in the namespace the reconciler acts in.
    pub fn in_scope(&self, request: &crate::crd::AccessRequest) -> bool {
        use kube::ResourceExt;
        self.reconcile_namespace
            .as_ref()
            .is_none_or(|only| request.namespace().as_ref() == Some(only))
    }
}

#[cfg(test)]
mod tests {
    use super::parse_lease_name;

    #[test]
    fn lease_names_are_dns_subdomains() {
        assert_eq!(
            parse_lease_name("aigov-reconciler").unwrap(),
            "aigov-reconciler"
        );
        assert!(parse_lease_name("ha.test-01").is_ok());
        for bad in [
            "",
            "Aigov",
            "-lease",
            "lease-",
            "lease_1",
            "a b",
            &"a".repeat(254),
        ] {
            let error = parse_lease_name(bad).unwrap_err();
            assert!(error.contains("is not a Lease name"), "{bad:?}: {error}");
        }
    }
}
