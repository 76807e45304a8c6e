//! Two real `aigov serve` processes sharing a session key and a reconciler
//! Lease, against the devcluster. Every replica ends due grants itself, so
//! while either is alive no grant outlives its expiry by more than 2 s:
//! while a replica that died holds the Lease (nobody leads), and when the
//! leader is killed with SIGKILL while grants come due (the other takes the
//! Lease over once it lapses, but the grants due meanwhile do not wait for
//! that). Each expiry is recorded exactly once, though both replicas race
//! for it, and a person signed in through the dead process keeps working
//! against the survivor.
//!
//! Run with `-- --nocapture` to see the takeover time and the overshoot of
//! each expiry (recorded in BENCHMARKS.md, "Failover" and "Expiry without a
//! leader").
#![cfg(feature = "ssr")]

#[path = "high_availability/grants.rs"]
mod grants;
#[path = "high_availability/replicas.rs"]
mod replicas;
mod support;

use std::time::Duration;

use aigov::server::leader::{LEASE_DURATION, RETRY_PERIOD};
use grants::{Bindings, EXPIRY_BOUND, approve, assert_ended_on_time, assert_expired_once, seconds};
use jiff::Timestamp;
use replicas::{DEAD_HOLDER, ONE_PAIR_AT_A_TIME, Replicas, call};
use support::devcluster;
use support::models::create_viewer_model;

/// Durations of the grants while nobody leads: each comes due with both
/// replicas alive and racing to end it.
const WITHOUT_A_LEADER: [u64; 5] = [4, 5, 6, 7, 8];
/// Durations of the grants of the failover: the leader is killed once the
/// first has ended, so the others fall before, around and after the
/// takeover.
const ACROSS_A_FAILOVER: [u64; 5] = [5, 10, 15, 20, 25];

#[tokio::test(flavor = "multi_thread")]
async fn grants_end_on_time_and_once_while_a_dead_replica_holds_the_lease() {
    let _pair = ONE_PAIR_AT_A_TIME.lock().await;
    let ns = devcluster().namespace("ha-leaderless").await;
    create_viewer_model(&ns).await;
    let replicas = Replicas::start_with_dead_holder(&ns).await;
    let alice = replicas.portal(0).signed_in("alice").await;
    let bob = replicas.portal(1).signed_in("bob").await;
    let grants = approve(&replicas, &ns, [&alice, &bob], &WITHOUT_A_LEADER, [0, 1]).await;

    let mut bindings = Bindings::of(&ns, &grants);
    let last = *grants.expires.iter().max().unwrap();
    bindings
        .until_all_gone(last + EXPIRY_BOUND + Duration::from_secs(5))
        .await;
    assert_ended_on_time(&grants, &bindings, |_| "nobody leading".to_owned());
    let (holder, _, _) = replicas.holder().await;
    assert_eq!(holder, DEAD_HOLDER, "neither replica led");
    let by = assert_expired_once(&replicas, &ns, &grants, None).await;
    println!("expiries recorded by replicas {by:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_survivor_ends_grants_on_time_and_keeps_sessions_when_the_leader_is_killed() {
    let _pair = ONE_PAIR_AT_A_TIME.lock().await;
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
    let grants = approve(
        &replicas,
        &ns,
        [&alice, &bob],
        &ACROSS_A_FAILOVER,
        [follower, leader],
    )
    .await;

    // Watch the bindings; kill the leader once the first grant has ended.
    let mut bindings = Bindings::of(&ns, &grants);
    let mut killed_at = None;
    let mut last_renewal = None;
    let last = *grants.expires.iter().max().unwrap();
    let give_up = last + EXPIRY_BOUND + Duration::from_secs(5);
    while !bindings.look().await {
        let now = Timestamp::now();
        assert!(now < give_up, "bindings left at {now}: {:?}", bindings.gone);
        if killed_at.is_none() && bindings.gone[0].is_some() {
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
    let acquired = replicas.wait_for_holder(follower).await;
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

    // Every binding ended within the bound of its expiry, those due between
    // the kill and the takeover included.
    let expires = &grants.expires;
    assert_ended_on_time(&grants, &bindings, |index| {
        format!(
            "expiry {:+.1} s from the kill",
            seconds(expires[index], killed_at)
        )
    });
    let leaderless: Vec<usize> = (0..expires.len())
        .filter(|&index| expires[index] > killed_at && expires[index] < acquired)
        .collect();
    assert!(
        !leaderless.is_empty(),
        "no grant came due while nobody led: {expires:?}, killed {killed_at}, taken over {acquired}"
    );

    // Each request expired exactly once; those due after the kill were
    // expired by the survivor, the ones before the takeover while it did
    // not lead.
    let by = assert_expired_once(&replicas, &ns, &grants, Some(leader)).await;
    for (index, name) in grants.names.iter().enumerate() {
        if expires[index] > killed_at {
            assert_eq!(by[index], follower, "{name} expired by the survivor");
        }
    }

    // Alice's session, issued by the dead process, works on the survivor.
    let me = call(&alice, replicas.portal(follower), "whoami", &[]).await;
    assert_eq!(me["username"], "alice", "{me}");
    let mine = call(&alice, replicas.portal(follower), "my-access", &[]).await;
    for name in &grants.names {
        assert!(mine.to_string().contains(name.as_str()), "{name} in {mine}");
    }
}
