//! Two reconciling portal processes, as two replicas of one deployment: one
//! session key, one leader Lease (named for the test, so they never compete
//! with other portals), each its own audit log file. Every replica ends due
//! grants in every namespace, so two pairs of them would end each other's:
//! a pair is started only while it holds [`ONE_PAIR_AT_A_TIME`].

use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use base64::Engine;
use jiff::Timestamp;
use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::api::events::v1::Event;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use kube::api::{Api, DeleteParams, PostParams};
use serde_json::Value;

use crate::support::running_portal::RunningPortal;
use crate::support::{TestNamespace, unique_name, wait_until};

const LEASE_NAMESPACE: &str = "aigov-system";
/// The holder of the Lease in [`Replicas::start_with_dead_holder`].
pub const DEAD_HOLDER: &str = "a-replica-that-died";

/// Held by the test that runs a pair of replicas, for as long as it does.
pub static ONE_PAIR_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub struct Replicas {
    portals: Vec<RunningPortal>,
    pods: Vec<String>,
    audit: Vec<PathBuf>,
    dir: PathBuf,
    lease: String,
    leases: Api<Lease>,
}

impl Replicas {
    /// Starts both processes (reconciler on) and waits until they answer.
    pub async fn start(ns: &TestNamespace) -> Self {
        Self::launch(ns, false).await
    }

    /// [`Replicas::start`], with the Lease held by a replica that died and
    /// whose claim lasts an hour: neither process leads.
    pub async fn start_with_dead_holder(ns: &TestNamespace) -> Self {
        Self::launch(ns, true).await
    }

    async fn launch(ns: &TestNamespace, dead_holder: bool) -> Self {
        let leases = Api::namespaced(ns.client.clone(), LEASE_NAMESPACE);
        no_other_reconciler(&leases).await;
        let mut key = [0u8; 64];
        std::fs::File::open("/dev/urandom")
            .and_then(|mut random| random.read_exact(&mut key))
            .expect("reading /dev/urandom");
        let key = base64::engine::general_purpose::STANDARD.encode(key);
        let lease = unique_name("ha-reconciler");
        if dead_holder {
            hold_for_the_dead(&leases, &lease).await;
        }
        let dir = std::env::temp_dir().join(unique_name("aigov-ha"));
        std::fs::create_dir_all(&dir).unwrap();
        let pods: Vec<String> = ["ha-one", "ha-two"]
            .iter()
            .map(|pod| unique_name(pod))
            .collect();
        let audit: Vec<PathBuf> = pods
            .iter()
            .map(|pod| dir.join(format!("{pod}.jsonl")))
            .collect();
        let envs: Vec<Vec<(&str, String)>> = (0..2)
            .map(|index| {
                vec![
                    ("POD_NAME", pods[index].clone()),
                    ("AIGOV_SESSION_KEY", key.clone()),
                    ("AIGOV_RECONCILER_LEASE", lease.clone()),
                    ("AIGOV_AUDIT_LOG", audit[index].display().to_string()),
                    // No compliance reports from these two.
                    ("AIGOV_REPORT_INTERVAL", "0".to_owned()),
                ]
            })
            .collect();
        let env = |index: usize| -> Vec<(&str, &str)> {
            envs[index].iter().map(|(k, v)| (*k, v.as_str())).collect()
        };
        let (one, two) = (env(0), env(1));
        let (first, second) = tokio::join!(
            RunningPortal::start_reconciling(&one),
            RunningPortal::start_reconciling(&two)
        );
        Self {
            portals: vec![first, second],
            pods,
            audit,
            dir,
            lease,
            leases,
        }
    }

    /// The instance name process `index` elects itself with.
    pub fn identity(&self, index: usize) -> String {
        format!("{}-{}", self.pods[index], self.portals[index].pid())
    }

    pub fn portal(&self, index: usize) -> &RunningPortal {
        &self.portals[index]
    }

    /// SIGKILL: the Lease is not released, it has to lapse.
    pub fn kill(&mut self, index: usize) {
        self.portals[index].kill();
    }

    /// The Lease's holder, when it acquired the Lease and last renewed it.
    pub async fn holder(&self) -> (String, Timestamp, Timestamp) {
        let spec = self.leases.get(&self.lease).await.unwrap().spec.unwrap();
        (
            spec.holder_identity.unwrap_or_default(),
            spec.acquire_time.unwrap().0,
            spec.renew_time.unwrap().0,
        )
    }

    /// Waits (up to a Lease duration and a little) until process `index`
    /// holds the Lease; when it acquired it.
    pub async fn wait_for_holder(&self, index: usize) -> Timestamp {
        let identity = self.identity(index);
        let within = aigov::server::leader::LEASE_DURATION + Duration::from_secs(5);
        wait_until(within, "the survivor to lead", || async {
            let (holder, acquired, _) = self.holder().await;
            (holder == identity).then_some(acquired)
        })
        .await
    }

    /// Waits for one process to lead; returns (leader, follower).
    pub async fn elect(&self) -> (usize, usize) {
        let identities = [self.identity(0), self.identity(1)];
        wait_until(Duration::from_secs(15), "a replica to lead", || async {
            let lease = self.leases.get_opt(&self.lease).await.ok()??;
            let holder = lease.spec?.holder_identity?;
            let leader = identities.iter().position(|id| *id == holder)?;
            Some((leader, 1 - leader))
        })
        .await
    }

    /// The audit records of `request` (`<namespace>/<name>`) with `action`,
    /// with the index of the process that wrote each.
    pub fn audit_lines(&self, request: &str, action: &str) -> Vec<(usize, Value)> {
        let mut found = Vec::new();
        for (index, path) in self.audit.iter().enumerate() {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            for line in text.lines() {
                let record: Value = serde_json::from_str(line)
                    .unwrap_or_else(|error| panic!("{}: {error}: {line}", path.display()));
                if record["request"] == request && record["action"] == action {
                    found.push((index, record));
                }
            }
        }
        found
    }

    /// Whether `instance` is one of the two processes.
    pub fn is_one_of_them(&self, instance: &str) -> bool {
        (0..self.portals.len()).any(|index| self.identity(index) == instance)
    }

    /// The instances that reported the expiry of `request` in an Event, one
    /// per Event (a repeat reported as a series counts each time), once the
    /// first has come and a further second has passed (Events are sent in
    /// the background); empty after ten seconds without one.
    pub async fn expired_by(&self, ns: &TestNamespace, request: &str) -> Vec<String> {
        let events = ns.api::<Event>();
        let mut found = Vec::new();
        for round in 0..20 {
            let list = events.list(&Default::default()).await.unwrap();
            found = list
                .items
                .into_iter()
                .filter(|event| {
                    event.reason.as_deref() == Some("Expired")
                        && event.regarding.as_ref().and_then(|r| r.name.as_deref()) == Some(request)
                })
                .flat_map(|event| {
                    let times = event.series.map_or(1, |series| series.count.max(1));
                    let by = event.reporting_instance.unwrap_or_default();
                    std::iter::repeat_n(by, times as usize)
                })
                .collect();
            if !found.is_empty() && round > 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        found
    }
}

impl Drop for Replicas {
    /// Removes the audit logs and the Lease (also when the test failed),
    /// from a thread with its own runtime: Drop cannot await.
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        let lease = self.lease.clone();
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let client = crate::support::devcluster().client().await;
                let _ = Api::<Lease>::namespaced(client, LEASE_NAMESPACE)
                    .delete(&lease, &DeleteParams::default())
                    .await;
            });
        })
        .join();
    }
}

/// Writes the Lease `name` as held, just renewed, for an hour, by a replica
/// that is not there.
async fn hold_for_the_dead(leases: &Api<Lease>, name: &str) {
    let now = MicroTime(Timestamp::now());
    let lease = Lease {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            ..Default::default()
        },
        spec: Some(LeaseSpec {
            holder_identity: Some(DEAD_HOLDER.to_owned()),
            lease_duration_seconds: Some(3600),
            acquire_time: Some(now.clone()),
            renew_time: Some(now),
            ..Default::default()
        }),
    };
    leases.create(&PostParams::default(), &lease).await.unwrap();
}

/// Waits (up to 30 s) until no portal reconciles on the default Lease: any
/// reconciler acts in every namespace, so one started by hand against the
/// devcluster would expire this test's grants in place of its replicas.
async fn no_other_reconciler(leases: &Api<Lease>) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let holder = leases
            .get_opt(aigov::server::access::context::DEFAULT_RECONCILER_LEASE)
            .await
            .unwrap()
            .and_then(|lease| lease.spec)
            .filter(|spec| {
                let renewed = spec.renew_time.as_ref().map(|t| t.0);
                let duration = spec.lease_duration_seconds.unwrap_or(15) as u64;
                renewed.is_some_and(|renewed| {
                    renewed + Duration::from_secs(duration + 1) > Timestamp::now()
                })
            })
            .and_then(|spec| spec.holder_identity);
        let Some(holder) = holder else { return };
        assert!(
            tokio::time::Instant::now() < deadline,
            "another portal ({holder}) reconciles against the devcluster and would \
             expire this test's grants: stop it, or start it with --no-reconciler"
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Calls the server function `endpoint` on `portal` as the person signed in
/// on `browser` (from whichever process signed them in); its JSON answer.
pub async fn call(
    browser: &reqwest::Client,
    portal: &RunningPortal,
    endpoint: &str,
    form: &[(&str, &str)],
) -> Value {
    let response = browser
        .post(format!("{}/api/{endpoint}", portal.url))
        .header("origin", &portal.url)
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body = response.text().await.unwrap();
    assert_eq!(status, 200, "{endpoint} on {}: {body}", portal.url);
    serde_json::from_str(&body).unwrap_or_else(|error| panic!("{endpoint}: {error}: {body}"))
}
