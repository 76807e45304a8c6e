//! Reading the cluster as the signed-in person.
//!
//! The portal holds one Kubernetes client, authenticated as its own
//! ServiceAccount. Every read on a person's behalf goes through that client
//! with `Impersonate-User` / `Impersonate-Group` headers added, so the
//! apiserver applies the person's RBAC, and the portal can never show more
//! than `kubectl --as` would. TLS and the connection pool are built once and
//! shared by every person's requests.

pub mod error;
pub mod impersonation;
pub mod namespaces;

use std::path::PathBuf;

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
        Self::from_config(config)
    }

    /// A client from an explicit configuration.
    pub fn from_config(config: kube::Config) -> anyhow::Result<Self> {
        install_crypto_provider();
        let portal = kube::client::ClientBuilder::try_from(config)
            .context("building the Kubernetes client")?
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
        let service = Impersonating::new(self.portal.clone(), identity)?;
        Ok(kube::Client::new(
            service,
            self.portal.default_namespace().to_owned(),
        ))
    }
}

/// TLS needs one process-wide crypto provider; several crates enable
/// different ones, so the choice is made here, once.
pub fn install_crypto_provider() {
    // An error only means a provider is already installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
