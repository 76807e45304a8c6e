//! Two real `aigov serve` processes sharing a session key and a reconciler
//! Lease, against the devcluster: the leader is killed with SIGKILL while
//! grants are due to expire, and the other process takes over. Every
//! binding still ends within its expiry plus the Lease duration (and a
//! small margin), every request expires exactly once, and a person signed
//! in through the dead process keeps working against the survivor.
//!
//! Run with `-- --nocapture` to see the takeover time and the overshoot of
//! each expiry (recorded in BENCHMARKS.md, "Failover").
#![cfg(feature = "ssr")]

#[path = "high_availability/replicas.rs"]
mod replicas;
mod support;

use std::time::Duration;

use aigov::crd::{AccessRequest, Phase};
use aigov::server::access::grant::binding_name;
use aigov::server::access::leader::{LEASE_DURATION, RETRY_PERIOD};
use k8s_openapi::api::rbac::v1::RoleBinding;
use k8s_openapi::jiff::Timestamp;
use replicas::{Replicas, call};
use support::devcluster;
use support::models::create_viewer_model;

/// Durations of the grants: the leader is killed once the first has ended,
/// so the others fall before, around and after the takeover.
const DURATIONS: [u64; 5] = [5, 10, 15, 20, 25];
/// Beyond the Lease duration: the survivor tries again just after the dead
/// leader's claim lapses, then its controller lists every request and
/// expires what is due (under half a second on the devcluster), and this
/// test polls every 200 ms; the rest is room for a busy machine.
const MARGIN: Duration = Duration::from_secs(3);

fn seconds(later: Timestamp, earlier: Timestamp) -> f64 {
    later.duration_since(earlier).as_secs_f64()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_survivor_takes_over_expiries_and_sessions_when_the_leader_is_killed() {
    let ns = devcluster().namespace("ha").await;
    create_viewer_model(&ns).await;
    let mut replicas = Replicas::start(&ns).await;
    let (leader, follower) = replicas.elect().await;
    println!(
        "leader {}, follower {}",
        replicas.identity(leader),
        replicas.identity(follower)
    );

    // Alice's cookie comes from the process that will die; she files her
    // requests through the other one, and bob approves through the leader.
    let alice = replicas.portal(leader).signed_in("alice").await;
    let bob = replicas.portal(follower).signed_in("bob").await;
    let mut names = Vec::new();
    for duration in DURATIONS {
        let duration = format!("{duration}s");
        let form = [
            ("namespace", ns.name.as_str()),
            ("model", "fraud-scorer"),
            ("level", "viewer"),
            ("duration", duration.as_str()),
        ];
        let filed = call(&alice, replicas.portal(follower), "request-access", &form).await;
        let name = filed["name"].as_str().unwrap().to_owned();
        let decision = [
            ("namespace", ns.name.as_str()),
            ("name", name.as_str()),
            ("decision", "approve"),
        ];
        call(&bob, replicas.portal(leader), "review", &decision).await;
        names.push(name);
    }
    let requests = ns.api::<AccessRequest>();
    let mut expires = Vec::new();
    for name in &names {
        let request = requests.get(name).await.unwrap();
        assert_eq!(request.phase(), Phase::Active, "{name}");
        expires.push(request.status.unwrap().expires_at.unwrap().0);
    }

    // Watch the bindings; kill the leader once the first grant has ended.
    let bindings = ns.api::<RoleBinding>();
    let mut gone: Vec<Option<Timestamp>> = vec![None; names.len()];
    let mut killed_at = None;
    let mut last_renewal = None;
    let last = *expires.iter().max().unwrap();
    let give_up = last + LEASE_DURATION + MARGIN + Duration::from_secs(5);
    while gone.iter().any(Option::is_none) {
        let now = Timestamp::now();
        assert!(now < give_up, "bindings left at {now}: {names:?} {gone:?}");
        let present: Vec<String> = bindings
            .list(&Default::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .filter_map(|binding| binding.metadata.name)
            .collect();
        for (index, name) in names.iter().enumerate() {
            if gone[index].is_none() && !present.contains(&binding_name(name)) {
                gone[index] = Some(now);
            }
        }
        if killed_at.is_none() && gone[0].is_some() {
            replicas.kill(leader);
            killed_at = Some(Timestamp::now());
            // The dead leader's last renewal (after any write in flight).
            tokio::time::sleep(Duration::from_millis(300)).await;
            let (holder, _, renewed) = replicas.holder().await;
            assert_eq!(
                holder,
                replicas.identity(leader),
                "the dead leader still holds the Lease"
            );
            last_renewal = Some(renewed);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let killed_at = killed_at.unwrap();

    // The follower took the Lease just after the dead leader's claim lapsed
    // (its Lease duration after the last renewal, which came at most one
    // RETRY_PERIOD before the kill), not up to a retry period later.
    let (holder, acquired, _) = replicas.holder().await;
    assert_eq!(holder, replicas.identity(follower), "the survivor leads");
    let takeover = seconds(acquired, killed_at);
    let lapsed = last_renewal.unwrap() + LEASE_DURATION;
    let after_lapse = seconds(acquired, lapsed);
    println!("takeover {takeover:.1} s after the kill, {after_lapse:.2} s after the claim lapsed");
    assert!(
        takeover >= (LEASE_DURATION - RETRY_PERIOD).as_secs_f64() - 1.0
            && takeover <= LEASE_DURATION.as_secs_f64() + 1.0,
        "takeover took {takeover:.1} s"
    );
    assert!(
        (0.0..=1.0).contains(&after_lapse),
        "taken {after_lapse:.2} s after the claim lapsed"
    );

    // Every binding ended at or after its expiry, and no later than the
    // Lease duration and the margin after it.
    let bound = (LEASE_DURATION + MARGIN).as_secs_f64();
    let mut worst: f64 = 0.0;
    for (index, name) in names.iter().enumerate() {
        let overshoot = seconds(gone[index].unwrap(), expires[index]);
        let when = seconds(expires[index], killed_at);
        println!(
            "{name}: expiry {when:+.1} s from the kill, binding gone {overshoot:.1} s after it"
        );
        assert!(overshoot >= 0.0, "{name}: removed {overshoot:.1} s early");
        assert!(overshoot <= bound, "{name}: removed {overshoot:.1} s late");
        worst = worst.max(overshoot);
    }
    println!("worst overshoot {worst:.1} s (bound {bound:.0} s)");

    // Each request expired exactly once: one history entry, at most one
    // audit line over the two processes' logs, and none lost; those due
    // after the kill were expired by the survivor. Any reconciler watches
    // every namespace: one run by another portal against the devcluster
    // would void the test, and is named (from its Event) when it acts.
    for (index, name) in names.iter().enumerate() {
        let request = requests.get(name).await.unwrap();
        assert_eq!(request.phase(), Phase::Expired, "{name}");
        let history = &request.status.unwrap().history;
        let expiries = history.iter().filter(|entry| entry.action == "expired");
        assert_eq!(expiries.count(), 1, "{name}: {history:?}");
        let key = format!("{}/{name}", ns.name);
        let lines = replicas.audit_lines(&key, "expired");
        assert!(lines.len() <= 1, "{name} expired twice: {lines:?}");
        match lines.first() {
            Some((by, _)) if expires[index] > killed_at => {
                assert_eq!(*by, follower, "{name} expired by the survivor")
            }
            Some(_) => {}
            None => {
                let by = replicas.expired_by(&ns, name).await;
                match by {
                    Some(by) if !replicas.is_one_of_them(&by) => panic!(
                        "{name} was expired by {by}, a reconciler outside this test: \
                         stop other portals that reconcile against the devcluster \
                         (or start them with --no-reconciler) and run again"
                    ),
                    by => panic!("{name}: its expiry has no audit line (Event by {by:?})"),
                }
            }
        }
        for action in ["requested", "approved"] {
            let lines = replicas.audit_lines(&key, action);
            assert_eq!(lines.len(), 1, "{name} {action}");
        }
    }

    // Alice's session, issued by the dead process, works on the survivor.
    let me = call(&alice, replicas.portal(follower), "whoami", &[]).await;
    assert_eq!(me["username"], "alice", "{me}");
    let mine = call(&alice, replicas.portal(follower), "my-access", &[]).await;
    for name in &names {
        assert!(mine.to_string().contains(name.as_str()), "{name} in {mine}");
    }
}
