//! Reading the cluster as the signed-in person.
//!
//! The portal holds one Kubernetes client, authenticated as its own
//! ServiceAccount. Every read on a person's behalf goes through that client
//! with `Impersonate-User` / `Impersonate-Group` headers added, so the
//! apiserver applies the person's RBAC, and the portal can never show more
//! than `kubectl --as` would. TLS and the connection pool are built once and
//! shared by every person's requests.

pub mod deadline;
pub mod error;
pub mod impersonation;
pub mod namespaces;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;

use self::error::KubeError;
use self::impersonation::Impersonating;
use super::auth::claims::KubeIdentity;

/// Settings of the Kubernetes connection.
#[derive(clap::Args, Clone, Debug)]
pub struct KubeArgs {
    /// Kubeconfig of the portal's own identity. Without it, the standard
    /// places are tried: KUBECONFIG, ~/.kube/config, then the in-cluster
    /// ServiceAccount.
    #[arg(long = "kubeconfig", env = "AIGOV_KUBECONFIG", value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,

    /// How long any one call to the Kubernetes API may take (connecting,
    /// then the whole answer; watches and followed logs only until their
    /// answer starts), e.g. `4s` or `1500ms`. Past it the call fails: a page
    /// says the cluster is not answering (503), an action that it was not
    /// carried out.
    #[arg(
        long,
        env = "AIGOV_CLUSTER_TIMEOUT",
        default_value = "4s",
        value_parser = parse_timeout,
        value_name = "DURATION"
    )]
    pub cluster_timeout: Duration,
}

/// The default of `--cluster-timeout`.
pub const DEFAULT_CLUSTER_TIMEOUT: Duration = Duration::from_secs(4);

/// `4s`, `1m`, or milliseconds: `1500ms`. Zero is refused.
fn parse_timeout(text: &str) -> Result<Duration, String> {
    let timeout = match text.trim().strip_suffix("ms") {
        Some(millis) => millis
            .parse::<u64>()
            .map(Duration::from_millis)
            .map_err(|_| format!("`{text}` is not a duration: write e.g. 4s or 1500ms"))?,
        None => crate::crd::duration::parse(text).map_err(|error| error.to_string())?,
    };
    if timeout.is_zero() {
        return Err("the cluster timeout must be longer than zero".into());
    }
    Ok(timeout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_timeouts_are_read_in_seconds_or_milliseconds() {
        assert_eq!(parse_timeout("4s"), Ok(Duration::from_secs(4)));
        assert_eq!(parse_timeout("1500ms"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_timeout("1m"), Ok(Duration::from_secs(60)));
        for bad in ["0ms", "soon", "ms", "-1s", ""] {
            assert!(parse_timeout(bad).is_err(), "{bad:?}");
        }
    }
}

/// The portal's access to the cluster.
#[derive(Clone)]
pub struct KubeAccess {
    portal: kube::Client,
}

impl KubeAccess {
    /// Reads the configuration; connects lazily, so a cluster that is down at
    /// start-up does not stop the portal.
    pub async fn from_args(args: &KubeArgs) -> anyhow::Result<Self> {
        let config = match &args.kubeconfig {
            Some(path) => {
                let kubeconfig = kube::config::Kubeconfig::read_from(path)
                    .with_context(|| format!("reading kubeconfig {}", path.display()))?;
                kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default())
                    .await
                    .with_context(|| format!("using kubeconfig {}", path.display()))?
            }
            None => kube::Config::infer()
                .await
                .context("no Kubernetes configuration found (kubeconfig or in-cluster)")?,
        };
        Self::from_config_with_timeout(config, args.cluster_timeout)
    }

    /// A client from an explicit configuration, with the default deadline.
    pub fn from_config(config: kube::Config) -> anyhow::Result<Self> {
        Self::from_config_with_timeout(config, DEFAULT_CLUSTER_TIMEOUT)
    }

    /// A client from an explicit configuration whose every call ends within
    /// `timeout` ([`deadline`]).
    pub fn from_config_with_timeout(
        mut config: kube::Config,
        timeout: Duration,
    ) -> anyhow::Result<Self> {
        install_crypto_provider();
        config.connect_timeout = Some(timeout);
        let portal = kube::client::ClientBuilder::try_from(config)
            .context("building the Kubernetes client")?
            .with_layer(&deadline::Deadline::new(timeout))
            .with_layer(&super::metrics::kube_layer::CountKubeErrors)
            .build();
        Ok(Self { portal })
    }

    /// The portal's own identity: only for what the portal itself must do
    /// (granting, reconciling, enumerating candidates), never to show data.
    pub fn portal(&self) -> &kube::Client {
        &self.portal
    }

    /// A client whose every request is made as `identity`.
    pub fn as_user(&self, identity: &KubeIdentity) -> Result<kube::Client, KubeError> {
        impersonating(&self.portal, identity)
    }
}

/// A client whose every request goes through `portal` (its connections,
/// its deadlines) made as `identity`.
pub fn impersonating(
    portal: &kube::Client,
    identity: &KubeIdentity,
) -> Result<kube::Client, KubeError> {
    let service = Impersonating::new(portal.clone(), identity)?;
    Ok(kube::Client::new(
        service,
        portal.default_namespace().to_owned(),
    ))
}

/// TLS needs one process-wide crypto provider; several crates enable
/// different ones, so the choice is made here, once.
pub fn install_crypto_provider() {
    // An error only means a provider is already installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
