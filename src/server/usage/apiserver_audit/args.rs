//! The flags of the apiserver's audit webhook listener, and its bounds.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;

use anyhow::Context;

/// Where the portal receives the apiserver's audit events
/// (`docs/model-use.md`). Off unless `--apiserver-audit-listen` is set.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct ApiserverAuditArgs {
    /// Address and port of a listener serving only `POST /apiserver/audit`,
    /// the kube-apiserver's audit webhook: its `services/proxy` and
    /// `pods/log` events count as use of the model they reach. Keep it off
    /// the Ingress. Needs --apiserver-audit-token-file.
    #[arg(
        long,
        env = "AIGOV_APISERVER_AUDIT_LISTEN",
        value_name = "ADDR:PORT",
        requires = "apiserver_audit_token_file"
    )]
    pub apiserver_audit_listen: Option<SocketAddr>,

    /// File holding the bearer token the kube-apiserver presents (the
    /// token of its audit webhook kubeconfig); any other caller is refused
    /// with 401. Read at start-up.
    #[arg(long, env = "AIGOV_APISERVER_AUDIT_TOKEN_FILE", value_name = "PATH")]
    pub apiserver_audit_token_file: Option<PathBuf>,

    /// Certificate (PEM, with its chain) the audit listener serves HTTPS
    /// with. The kube-apiserver sends its token only over HTTPS, so without
    /// a certificate here a TLS-terminating proxy must sit in front.
    #[arg(
        long,
        env = "AIGOV_APISERVER_AUDIT_TLS_CERT_FILE",
        value_name = "PATH",
        requires = "apiserver_audit_tls_key_file"
    )]
    pub apiserver_audit_tls_cert_file: Option<PathBuf>,

    /// The certificate's private key (PEM).
    #[arg(
        long,
        env = "AIGOV_APISERVER_AUDIT_TLS_KEY_FILE",
        value_name = "PATH",
        requires = "apiserver_audit_tls_cert_file"
    )]
    pub apiserver_audit_tls_key_file: Option<PathBuf>,
}

/// The TLS certificate and key of the listener.
#[derive(Clone, Debug)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl ApiserverAuditArgs {
    pub fn tls(&self) -> Option<TlsFiles> {
        match (
            &self.apiserver_audit_tls_cert_file,
            &self.apiserver_audit_tls_key_file,
        ) {
            (Some(cert), Some(key)) => Some(TlsFiles {
                cert: cert.clone(),
                key: key.clone(),
            }),
            _ => None,
        }
    }
}

/// The shortest token accepted: a guessable token would let anyone who
/// reaches the listener forge evidence of use.
pub const MIN_TOKEN_CHARS: usize = 32;

/// Reads the expected bearer token: the file's content without surrounding
/// whitespace, at least [`MIN_TOKEN_CHARS`] long.
pub fn read_token(path: &std::path::Path) -> anyhow::Result<String> {
    let token = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the apiserver audit token {}", path.display()))?;
    let token = token.trim().to_owned();
    anyhow::ensure!(
        token.chars().count() >= MIN_TOKEN_CHARS,
        "the apiserver audit token in {} is shorter than {MIN_TOKEN_CHARS} characters: write a random token there (e.g. `openssl rand -hex 32`) and give the kube-apiserver the same one",
        path.display()
    );
    Ok(token)
}

/// What one audit listener takes, at most.
#[derive(Clone, Debug)]
pub struct AuditBounds {
    /// The largest body, in bytes (413 over it).
    pub body_bytes: usize,
    /// Events read from one batch; the rest of a larger batch is dropped
    /// (and logged). The apiserver sends at most 400 by default.
    pub events_per_batch: usize,
    /// Batches accepted in a burst, then [`AuditBounds::batches_per_second`]
    /// (429 with Retry-After over it, which the apiserver retries).
    pub batch_burst: NonZeroU32,
    pub batches_per_second: NonZeroU32,
    /// Audit IDs remembered, so a batch sent again counts once.
    pub recent_ids: usize,
}

impl Default for AuditBounds {
    fn default() -> Self {
        AuditBounds {
            body_bytes: 4 * 1024 * 1024,
            events_per_batch: 2_000,
            batch_burst: NonZeroU32::new(100).expect("non-zero"),
            batches_per_second: NonZeroU32::new(50).expect("non-zero"),
            recent_ids: 100_000,
        }
    }
}
