//! Test support for integration tests that need a real Kubernetes API.
//!
//! `devcluster()` makes sure the local devcluster (kube-apiserver, etcd,
//! controller-manager, scheduler and kwok; see tools/devcluster) is running,
//! starting it with `scripts/devcluster.sh up` when it is not, and returns its
//! admin kubeconfig. `DevCluster::namespace` gives each test its own uniquely
//! named namespace that is deleted when the guard is dropped (also when the
//! test panics), so tests can run in parallel.
#![allow(dead_code)]

pub mod api_call;
pub mod kube_login;
pub mod models;
pub mod on_call;
pub mod outage;
pub mod portal;
pub mod running_portal;
pub mod service_accounts;
pub mod webhook;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use k8s_openapi::api::core::v1::{Namespace, ServiceAccount};
use kube::api::{Api, DeleteParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

/// The running devcluster.
pub struct DevCluster {
    pub repo: PathBuf,
    pub dir: PathBuf,
    pub kubeconfig: PathBuf,
}

static CLUSTER: OnceLock<Result<DevCluster, String>> = OnceLock::new();

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn script(repo: &Path) -> PathBuf {
    repo.join("scripts/devcluster.sh")
}

/// Returns the devcluster, starting it (build, up, seed) on first use in this
/// test binary. `scripts/devcluster.sh up` is idempotent and serialised by a
/// lock, so parallel test binaries share one cluster.
pub fn devcluster() -> &'static DevCluster {
    // kube's rustls needs a process-wide crypto provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let result = CLUSTER.get_or_init(|| {
        let repo = repo_root();
        let dir = std::env::var_os("DEVCLUSTER_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo.join(".dev"));
        // Test binaries running side by side each bring the cluster up:
        // one at a time, so that they seed and write its environment in
        // turn. The lock is held by this process alone (its file is closed
        // on exec), so the cluster's processes, when this starts them, do
        // not keep holding it.
        std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        let lock = start_lock(&dir)?;
        let status = Command::new(script(&repo))
            .arg("up")
            .env("DEVCLUSTER_DIR", &dir)
            .stdout(std::process::Stdio::null())
            .status()
            .map_err(|e| format!("running scripts/devcluster.sh up: {e}"))?;
        drop(lock);
        if !status.success() {
            return Err(format!(
                "scripts/devcluster.sh up failed ({status}); see its output above"
            ));
        }
        let kubeconfig = dir.join("kubeconfig");
        if !kubeconfig.is_file() {
            return Err(format!(
                "{} missing after devcluster up",
                kubeconfig.display()
            ));
        }
        Ok(DevCluster {
            repo,
            dir,
            kubeconfig,
        })
    });
    match result {
        Ok(c) => c,
        Err(e) => panic!("devcluster is not available: {e}"),
    }
}

/// The lock that serialises the cluster's start across test binaries,
/// taken (waiting for it) by this process.
fn start_lock(dir: &Path) -> Result<std::fs::File, String> {
    std::fs::File::create(dir.join("devcluster-up.lock"))
        .and_then(|file| file.lock().map(|()| file))
        .map_err(|e| format!("locking the devcluster's start: {e}"))
}

/// Holds back every other test binary's start of the devcluster (which
/// seeds the demo data again) while it lives. A test that makes the
/// apiserver refuse workloads across an environment (a governance policy
/// enforced with Deny in production) holds it, so that the seed, whose
/// production workloads break such rules on purpose, is never applied
/// meanwhile.
pub struct ClusterStartHold(std::fs::File);

impl DevCluster {
    /// See [`ClusterStartHold`]. Blocks while another binary is starting the
    /// cluster.
    pub fn hold_start(&self) -> ClusterStartHold {
        ClusterStartHold(start_lock(&self.dir).unwrap())
    }

    /// A client configuration for the admin (group system:masters).
    pub async fn config(&self) -> Config {
        let kubeconfig =
            Kubeconfig::read_from(&self.kubeconfig).expect("reading devcluster kubeconfig");
        Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
            .await
            .expect("devcluster kubeconfig")
    }

    /// An admin client. Create one per test: a client belongs to the tokio
    /// runtime it was created on.
    pub async fn client(&self) -> Client {
        Client::try_from(self.config().await).expect("kube client")
    }

    /// A client that makes every request as `user` in `groups` through
    /// Kubernetes impersonation (as the portal does for signed-in users).
    pub async fn client_as(&self, user: &str, groups: &[&str]) -> Client {
        let mut config = self.config().await;
        config.auth_info.impersonate = Some(user.to_string());
        config.auth_info.impersonate_groups = if groups.is_empty() {
            None
        } else {
            Some(groups.iter().map(|g| g.to_string()).collect())
        };
        Client::try_from(config).expect("impersonating kube client")
    }

    /// A fresh namespace named `<prefix>-<random>`, labelled
    /// `aigov.dev/test=true`, whose `default` ServiceAccount exists; it is
    /// deleted when the returned guard is dropped.
    pub async fn namespace(&self, prefix: &str) -> TestNamespace {
        let client = self.client().await;
        let name = unique_name(prefix);
        let ns: Namespace = serde_json::from_value(serde_json::json!({
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": name, "labels": {"aigov.dev/test": "true"}},
        }))
        .unwrap();
        Api::<Namespace>::all(client.clone())
            .create(&PostParams::default(), &ns)
            .await
            .unwrap_or_else(|e| panic!("creating namespace {name}: {e}"));
        let guard = TestNamespace {
            name: name.clone(),
            client: client.clone(),
            kubeconfig: self.kubeconfig.clone(),
        };
        // Pods are only admitted once the controller-manager has created the
        // namespace's default ServiceAccount.
        let sas: Api<ServiceAccount> = Api::namespaced(client, &name);
        wait_until(Duration::from_secs(60), "default ServiceAccount", || {
            let sas = sas.clone();
            async move { sas.get_opt("default").await.ok().flatten() }
        })
        .await;
        guard
    }

    /// Appends lines to a pod container's log (served through pods/log).
    pub fn append_log(&self, namespace: &str, pod: &str, container: &str, lines: &[&str]) {
        let output = Command::new(script(&self.repo))
            .args(["log-append", namespace, pod, container])
            .args(lines)
            .env("DEVCLUSTER_DIR", &self.dir)
            .output()
            .expect("running scripts/devcluster.sh log-append");
        assert!(
            output.status.success(),
            "log-append failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// A namespace that lives as long as the guard.
pub struct TestNamespace {
    pub name: String,
    pub client: Client,
    kubeconfig: PathBuf,
}

impl TestNamespace {
    /// How many AccessRequests the namespace holds.
    pub async fn request_count(&self) -> usize {
        self.api::<aigov::crd::AccessRequest>()
            .list(&Default::default())
            .await
            .unwrap()
            .items
            .len()
    }

    pub fn api<K>(&self) -> Api<K>
    where
        K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>,
        <K as kube::Resource>::DynamicType: Default,
    {
        Api::namespaced(self.client.clone(), &self.name)
    }
}

impl Drop for TestNamespace {
    fn drop(&mut self) {
        if std::env::var_os("DEVCLUSTER_KEEP_NAMESPACES").is_some() {
            return;
        }
        // Drop cannot await, and the test's runtime may be shutting down:
        // delete from a separate thread with its own runtime and client.
        let name = self.name.clone();
        let kubeconfig = self.kubeconfig.clone();
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let Ok(kc) = Kubeconfig::read_from(&kubeconfig) else {
                    return;
                };
                let Ok(config) =
                    Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default()).await
                else {
                    return;
                };
                let Ok(client) = Client::try_from(config) else {
                    return;
                };
                let _ = Api::<Namespace>::all(client.clone())
                    .delete(&name, &DeleteParams::background())
                    .await;
                release_requests(&client, &name).await;
            });
        })
        .join();
    }
}

/// Lets the AccessRequests of a namespace being deleted go without a
/// reconciler: a test's reconciler puts its finalizer on every request of
/// the cluster, and may have stopped before the namespace is deleted.
/// (Tests of the finalizer itself delete their namespace while their
/// reconciler runs.) Done once every request is being deleted without the
/// finalizer; gives up after ten seconds.
async fn release_requests(client: &Client, namespace: &str) {
    use aigov::crd::AccessRequest;
    use aigov::server::access::deletion::FINALIZER;
    use kube::ResourceExt;
    use kube::api::{ListParams, Patch, PatchParams};
    let api = Api::<AccessRequest>::namespaced(client.clone(), namespace);
    for _ in 0..40 {
        let Ok(list) = api.list(&ListParams::default()).await else {
            return;
        };
        let held = |r: &&AccessRequest| r.finalizers().iter().any(|f| f == FINALIZER);
        // A request being deleted can take no new finalizer.
        let settled = list
            .items
            .iter()
            .all(|r| r.metadata.deletion_timestamp.is_some() && !held(&r));
        if settled {
            return;
        }
        for request in list.items.iter().filter(held) {
            let others: Vec<&String> = request
                .finalizers()
                .iter()
                .filter(|f| *f != FINALIZER)
                .collect();
            let patch = serde_json::json!({"metadata": {"finalizers": others}});
            let _ = api
                .patch(
                    &request.name_any(),
                    &PatchParams::default(),
                    &Patch::Merge(&patch),
                )
                .await;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// `<prefix>-<12 random hex digits>`, a valid DNS label.
pub fn unique_name(prefix: &str) -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let prefix: String = prefix.chars().take(40).collect();
    format!("{prefix}-{}", &id[..12])
}

/// Polls `check` every 250 ms until it returns `Some`, panicking with `what`
/// after `timeout`.
pub async fn wait_until<T, F, Fut>(timeout: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        if tokio::time::Instant::now() >= deadline {
            panic!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Writes `status` on the AccessRequest `name`, reading it again when
/// another writer (a reconciler of another test, which watches every
/// namespace, adding its finalizer or label) changed it in between.
pub async fn write_request_status(
    api: &Api<aigov::crd::AccessRequest>,
    name: &str,
    status: aigov::crd::AccessRequestStatus,
) -> Result<aigov::crd::AccessRequest, kube::Error> {
    loop {
        let mut latest = api.get(name).await?;
        latest.status = Some(status.clone());
        match api
            .replace_status(name, &PostParams::default(), &latest)
            .await
        {
            Err(kube::Error::Api(answer)) if answer.code == 409 => continue,
            written => return written,
        }
    }
}
