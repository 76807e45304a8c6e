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

    /// Name of the Lease that elects the replica that reconciles access
    /// requests. Replicas of one portal share it; a second portal on the
    /// same cluster (or a test) uses its own.
    #[arg(
        long,
        env = "AIGOV_RECONCILER_LEASE",
        default_value = super::reconciler::LEASE_NAME,
        value_parser = parse_lease_name,
        value_name = "NAME"
    )]
    pub reconciler_lease: String,

    /// Run without the reconciler (another process reconciles).
    #[arg(long, env = "AIGOV_NO_RECONCILER")]
    pub no_reconciler: bool,
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
    pub store: AccessStore,
    pub auditor: Auditor,
    pub pending_timeout: Duration,
    pub expiry_warning: Duration,
    /// The Lease that elects the reconciling replica.
    pub reconciler_lease: String,
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
            reconciler_lease: workflow.reconciler_lease.clone(),
        })
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
