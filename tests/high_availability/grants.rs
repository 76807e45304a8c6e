//! Grants approved through the two replicas, their bindings watched until
//! they are gone, and their expiries counted wherever they are recorded.

use std::time::Duration;

use aigov::crd::{AccessRequest, Phase};
use aigov::server::access::grant::binding_name;
use jiff::Timestamp;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::Api;

use super::replicas::{Replicas, call};
use crate::support::TestNamespace;

/// The most a grant may outlive its expiry while any replica is alive.
pub const EXPIRY_BOUND: Duration = Duration::from_secs(2);

/// The grants of one scenario, in the order of their durations.
pub struct Grants {
    pub names: Vec<String>,
    pub expires: Vec<Timestamp>,
}

/// Alice files a request for each duration (in seconds) through replica
/// `file_on`, bob approves each through `approve_on` (each signed in
/// through whichever replica).
pub async fn approve(
    replicas: &Replicas,
    ns: &TestNamespace,
    people: [&reqwest::Client; 2],
    durations: &[u64],
    [file_on, approve_on]: [usize; 2],
) -> Grants {
    let [alice, bob] = people;
    let mut names = Vec::new();
    for duration in durations {
        let duration = format!("{duration}s");
        let form = [
            ("namespace", ns.name.as_str()),
            ("model", "fraud-scorer"),
            ("level", "viewer"),
            ("duration", duration.as_str()),
        ];
        let filed = call(alice, replicas.portal(file_on), "request-access", &form).await;
        let name = filed["name"].as_str().unwrap().to_owned();
        let decision = [
            ("namespace", ns.name.as_str()),
            ("name", name.as_str()),
            ("decision", "approve"),
        ];
        call(bob, replicas.portal(approve_on), "review", &decision).await;
        names.push(name);
    }
    let requests = ns.api::<AccessRequest>();
    let mut expires = Vec::new();
    for name in &names {
        let request = requests.get(name).await.unwrap();
        assert_eq!(request.phase(), Phase::Active, "{name}");
        expires.push(request.status.unwrap().expires_at.unwrap().0);
    }
    Grants { names, expires }
}

/// The grants' bindings, looked at again and again.
pub struct Bindings {
    api: Api<RoleBinding>,
    names: Vec<String>,
    /// When each binding was first seen gone.
    pub gone: Vec<Option<Timestamp>>,
}

impl Bindings {
    pub fn of(ns: &TestNamespace, grants: &Grants) -> Self {
        Self {
            api: ns.api(),
            names: grants.names.iter().map(|name| binding_name(name)).collect(),
            gone: vec![None; grants.names.len()],
        }
    }

    /// One look (stamped with the moment it was asked for): notes the
    /// bindings gone since the last; whether all are gone.
    pub async fn look(&mut self) -> bool {
        let now = Timestamp::now();
        let present: Vec<String> = self
            .api
            .list(&Default::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .filter_map(|binding| binding.metadata.name)
            .collect();
        for (index, name) in self.names.iter().enumerate() {
            if self.gone[index].is_none() && !present.contains(name) {
                self.gone[index] = Some(now);
            }
        }
        self.gone.iter().all(Option::is_some)
    }

    /// Looks every 200 ms until every binding is gone, failing at `give_up`.
    pub async fn until_all_gone(&mut self, give_up: Timestamp) {
        while !self.look().await {
            let now = Timestamp::now();
            assert!(now < give_up, "bindings left at {now}: {:?}", self.gone);
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

pub fn seconds(later: Timestamp, earlier: Timestamp) -> f64 {
    later.duration_since(earlier).as_secs_f64()
}

/// Asserts that every binding went at or after its expiry and at most
/// [`EXPIRY_BOUND`] after it (`label` says when each came due); the worst
/// overshoot.
pub fn assert_ended_on_time(
    grants: &Grants,
    bindings: &Bindings,
    label: impl Fn(usize) -> String,
) -> f64 {
    let bound = EXPIRY_BOUND.as_secs_f64();
    let mut worst: f64 = 0.0;
    for (index, name) in grants.names.iter().enumerate() {
        let overshoot = seconds(bindings.gone[index].unwrap(), grants.expires[index]);
        println!(
            "{name}: {}, binding gone {overshoot:.2} s after its expiry",
            label(index)
        );
        assert!(overshoot >= 0.0, "{name}: removed {overshoot:.2} s early");
        worst = worst.max(overshoot);
    }
    println!("worst overshoot {worst:.2} s (bound {bound:.0} s)");
    for (index, name) in grants.names.iter().enumerate() {
        let overshoot = seconds(bindings.gone[index].unwrap(), grants.expires[index]);
        assert!(
            overshoot <= bound,
            "{name}: removed {overshoot:.2} s after its expiry, more than {bound:.0} s"
        );
    }
    worst
}

/// Asserts that each grant expired exactly once: one history entry, one
/// audit line over the two processes' logs, one Event, by the same process
/// (at most one when that process is `killed`: it sends its Events in the
/// background, and a SIGKILL may come first); and was requested and
/// approved once. The index of the process that recorded each expiry.
pub async fn assert_expired_once(
    replicas: &Replicas,
    ns: &TestNamespace,
    grants: &Grants,
    killed: Option<usize>,
) -> Vec<usize> {
    let requests = ns.api::<AccessRequest>();
    let mut recorded_by = Vec::new();
    for name in &grants.names {
        let request = requests.get(name).await.unwrap();
        assert_eq!(request.phase(), Phase::Expired, "{name}");
        let history = &request.status.unwrap().history;
        let expiries = history.iter().filter(|entry| entry.action == "expired");
        assert_eq!(expiries.count(), 1, "{name}: {history:?}");
        let key = format!("{}/{name}", ns.name);
        let lines = replicas.audit_lines(&key, "expired");
        let events = replicas.expired_by(ns, name).await;
        // Any replica ends grants in every namespace: one run by another
        // portal against the devcluster would void the test, and is named
        // (from its Event) when it acts.
        if let Some(outsider) = events.iter().find(|by| !replicas.is_one_of_them(by)) {
            panic!(
                "{name} was expired by {outsider}, a portal outside this test: \
                 stop other portals that reconcile against the devcluster \
                 (or start them with --no-reconciler) and run again"
            );
        }
        assert_eq!(lines.len(), 1, "{name}: audit lines {lines:?}");
        let by = lines[0].0;
        if killed == Some(by) {
            assert!(events.len() <= 1, "{name}: Events by {events:?}");
        } else {
            assert_eq!(events.len(), 1, "{name}: Events by {events:?}");
        }
        for event in &events {
            assert_eq!(*event, replicas.identity(by), "{name}: Event and line");
        }
        recorded_by.push(by);
        for action in ["requested", "approved"] {
            let lines = replicas.audit_lines(&key, action);
            assert_eq!(lines.len(), 1, "{name} {action}");
        }
    }
    recorded_by
}
