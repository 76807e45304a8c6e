//! Real `aigov serve` processes for the fault suite, each reconciling only
//! its test's namespace (`AIGOV_RECONCILE_NAMESPACE`), so the suite's
//! faults never reach other tests' requests and theirs never reach the
//! suite's; each writes its own audit log. Also: models, people's calls to
//! the server functions, and a kubeconfig that reaches the apiserver
//! through a relay a test can cut.

use std::path::{Path, PathBuf};

use aigov::crd::Model;
use kube::api::PostParams;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::outage::Relay;
use crate::support::portal::portal_access;
use crate::support::running_portal::RunningPortal;
use crate::support::{TestNamespace, devcluster, unique_name};

/// Files that live as long as a test: audit logs, a relayed kubeconfig.
pub struct Scratch {
    pub dir: PathBuf,
}

impl Scratch {
    pub fn new() -> Self {
        let dir = std::env::temp_dir().join(unique_name("aigov-faults"));
        std::fs::create_dir_all(&dir).unwrap();
        Self { dir }
    }

    pub fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// How a portal of the suite is started.
pub struct Launch<'a> {
    pub ns: &'a TestNamespace,
    /// The reconciler Lease (replicas of one portal share it).
    pub lease: &'a str,
    pub audit_log: &'a Path,
    /// Another kubeconfig for the portal (e.g. through a relay).
    pub kubeconfig: Option<&'a Path>,
    /// One session key for replicas, so a cookie works on each.
    pub session_key: Option<&'a str>,
}

impl Launch<'_> {
    /// Starts the portal with its reconciler, acting in the test's
    /// namespace only.
    pub async fn start(&self) -> RunningPortal {
        let audit = self.audit_log.display().to_string();
        let kubeconfig = self.kubeconfig.map(|path| path.display().to_string());
        let mut env = vec![
            ("AIGOV_RECONCILE_NAMESPACE", self.ns.name.as_str()),
            ("AIGOV_RECONCILER_LEASE", self.lease),
            ("AIGOV_AUDIT_LOG", audit.as_str()),
        ];
        if let Some(kubeconfig) = &kubeconfig {
            env.push(("AIGOV_KUBECONFIG", kubeconfig.as_str()));
        }
        if let Some(key) = self.session_key {
            env.push(("AIGOV_SESSION_KEY", key));
        }
        RunningPortal::start_reconciling(&env).await
    }
}

/// A random session key (64 bytes, base64), as replicas share.
pub fn session_key() -> String {
    use base64::Engine;
    use std::io::Read;
    let mut key = [0u8; 64];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut random| random.read_exact(&mut key))
        .unwrap();
    base64::engine::general_purpose::STANDARD.encode(key)
}

/// `count` models `m-0`… in `ns`, each with one level (viewer), reviewed by
/// `approvers` (groups), needing `required` approvals.
pub async fn create_models(ns: &TestNamespace, count: usize, approvers: &[&str], required: u32) {
    for index in 0..count {
        create_model(ns, &format!("m-{index}"), approvers, required).await;
    }
}

/// One model `name` in `ns`, as [`create_models`] makes them.
pub async fn create_model(ns: &TestNamespace, name: &str, approvers: &[&str], required: u32) {
    let model: Model = serde_json::from_value(json!({
        "apiVersion": "aigov.dev/v1alpha1",
        "kind": "Model",
        "metadata": {"name": name},
        "spec": {
            "displayName": format!("Model {name}"),
            "ownerTeam": "fraud",
            "dataClassification": "Internal",
            "accessLevels": [{"name": "viewer", "roleRef": {"kind": "ClusterRole", "name": "aigov-model-viewer"}}],
            "approvers": {"groups": approvers},
            "requiredApprovals": required,
            "maxDuration": "1h",
            "justificationRequired": false
        }
    }))
    .unwrap();
    ns.api::<Model>()
        .create(&PostParams::default(), &model)
        .await
        .expect("creating a model");
}

/// A server function's answer.
pub struct Answer {
    pub status: StatusCode,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|error| panic!("{error}: {} {}", self.status, self.body))
    }
}

/// Calls the server function `endpoint` as the browser bundle or a script
/// would (JSON answers, errors with their status). `None` when the portal
/// did not answer at all (its process is gone).
pub async fn try_post(
    browser: &reqwest::Client,
    portal: &RunningPortal,
    endpoint: &str,
    form: &[(&str, &str)],
) -> Option<Answer> {
    let response = browser
        .post(format!("{}/api/{endpoint}", portal.url))
        .header("origin", &portal.url)
        .form(form)
        .send()
        .await
        .ok()?;
    let status = response.status();
    let body = response.text().await.ok()?;
    Some(Answer { status, body })
}

/// [`try_post`] to a portal that is running.
pub async fn post(
    browser: &reqwest::Client,
    portal: &RunningPortal,
    endpoint: &str,
    form: &[(&str, &str)],
) -> Answer {
    try_post(browser, portal, endpoint, form)
        .await
        .unwrap_or_else(|| panic!("{endpoint} on {}: no answer", portal.url))
}

/// The requester files a request for the viewer level of `model` for
/// `duration`; its name.
pub async fn file(
    requester: &reqwest::Client,
    portal: &RunningPortal,
    ns: &TestNamespace,
    model: &str,
    duration: &str,
) -> String {
    let form = [
        ("namespace", ns.name.as_str()),
        ("model", model),
        ("level", "viewer"),
        ("duration", duration),
    ];
    let filed = post(requester, portal, "request-access", &form).await;
    assert_eq!(filed.status, 200, "filing: {}", filed.body);
    filed.json()["name"].as_str().unwrap().to_owned()
}

/// An approval of `name` by the person signed in on `approver`.
pub async fn try_approve(
    approver: &reqwest::Client,
    portal: &RunningPortal,
    ns: &TestNamespace,
    name: &str,
) -> Option<Answer> {
    let form = [
        ("namespace", ns.name.as_str()),
        ("name", name),
        ("decision", "approve"),
    ];
    try_post(approver, portal, "review", &form).await
}

/// A kubeconfig of the portal's identity that reaches the apiserver through
/// a relay, and the relay.
pub struct Relayed {
    pub relay: Relay,
    pub kubeconfig: PathBuf,
}

impl Relayed {
    pub async fn start(scratch: &Scratch) -> Self {
        portal_access().await;
        let original = devcluster().dir.join("portal-kubeconfig");
        let config = kube::Config::from_custom_kubeconfig(
            kube::config::Kubeconfig::read_from(&original).unwrap(),
            &Default::default(),
        )
        .await
        .unwrap();
        let upstream = format!(
            "{}:{}",
            config.cluster_url.host().unwrap(),
            config.cluster_url.port_u16().unwrap()
        );
        let relay = Relay::start(upstream.parse().unwrap()).await;
        let text = std::fs::read_to_string(&original).unwrap();
        assert!(
            text.contains(&upstream),
            "{upstream} in {}",
            original.display()
        );
        let kubeconfig = scratch.path("relayed-kubeconfig");
        std::fs::write(
            &kubeconfig,
            text.replace(&upstream, &relay.address.to_string()),
        )
        .unwrap();
        Self { relay, kubeconfig }
    }
}
