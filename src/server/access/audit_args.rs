//! Settings of the audit trail, its durable records and of outgoing
//! notifications.

use std::path::PathBuf;

/// Where the audit trail goes, and where notifications are sent.
#[derive(clap::Args, Clone, Debug)]
pub struct AuditArgs {
    /// File the audit trail is appended to: one JSON object per line for
    /// every change to an access request (who, what, when, why). The file
    /// is created if missing and never truncated. Without it, audit lines
    /// go to standard output next to the logs (target `aigov::audit`).
    #[arg(long, env = "AIGOV_AUDIT_LOG", value_name = "FILE")]
    pub audit_log: Option<PathBuf>,

    /// Incoming-webhook URL that is told about new requests, decisions,
    /// grants about to expire, revocations and expiries, as Slack-compatible
    /// JSON (`text` and `blocks`). Messages link to the request on the
    /// portal (`--public-url`). Unset: no notifications.
    #[arg(
        long,
        env = "AIGOV_NOTIFY_WEBHOOK_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub notify_webhook_url: Option<url::Url>,

    /// Namespace of the access records: one AccessRecord per entry of every
    /// request's history, kept when the request or its namespace is
    /// deleted (see docs/audit.md). The portal creates and reads them
    /// there, and never changes or deletes one.
    #[arg(
        long,
        env = "AIGOV_RECORD_NAMESPACE",
        default_value = "aigov-system",
        value_name = "NAMESPACE"
    )]
    pub record_namespace: String,
}
