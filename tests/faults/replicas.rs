//! Two replicas (two reconciling portals on one Lease and one session key):
//! requests filed through one and approved through the other, some through
//! both at the same moment, grants revoked and given up through the replica
//! that did not grant them, and grants coming due while both replicas race
//! to end them. Every grant in force has its one binding, every ended one
//! none, and each transition is in the history and the two audit logs
//! exactly once.

use std::time::Duration;

use aigov::crd::{AccessRequest, Phase};
use reqwest::StatusCode;

use super::invariants::{audit_lines, converged};
use super::portals::{Launch, Scratch, create_models, file, post, session_key, try_approve};
use crate::support::running_portal::RunningPortal;
use crate::support::{devcluster, unique_name, wait_until};

/// Grants that run out while both replicas run (seconds).
const SHORT: [u64; 6] = [4, 5, 6, 7, 8, 9];

#[tokio::test(flavor = "multi_thread")]
async fn two_replicas_approve_revoke_and_expire_each_grant_once() {
    let ns = devcluster().namespace("fault-replicas").await;
    let models = SHORT.len() + 3;
    create_models(&ns, models, &["fraud-leads"], 1).await;
    let scratch = Scratch::new();
    let key = session_key();
    let lease = unique_name("fault-replicas");
    let audit = [scratch.path("one.jsonl"), scratch.path("two.jsonl")];
    let launch = |index: usize| Launch {
        ns: &ns,
        lease: &lease,
        audit_log: &audit[index],
        kubeconfig: None,
        session_key: Some(&key),
    };
    let (first, second) = (launch(0), launch(1));
    let (one, two) = tokio::join!(first.start(), second.start());
    let replicas: [&RunningPortal; 2] = [&one, &two];
    let alice = one.signed_in("alice").await;
    let bob = two.signed_in("bob").await;

    // Filed through one replica, approved through the other; every other
    // short grant approved through both at once.
    let mut names = Vec::new();
    let mut doubles = 0;
    for index in 0..models {
        let duration = SHORT
            .get(index)
            .map_or("1h".to_owned(), |s| format!("{s}s"));
        let filed_on = replicas[index % 2];
        let name = file(&alice, filed_on, &ns, &format!("m-{index}"), &duration).await;
        let other = replicas[(index + 1) % 2];
        if index < SHORT.len() && index % 2 == 0 {
            let (a, b) = tokio::join!(
                try_approve(&bob, filed_on, &ns, &name),
                try_approve(&bob, other, &ns, &name)
            );
            let mut statuses = [a.unwrap(), b.unwrap()].map(|answer| {
                if answer.status != 200 {
                    assert!(answer.body.contains("already"), "{}", answer.body);
                }
                answer.status
            });
            statuses.sort();
            assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{name}");
            doubles += 1;
        } else {
            let answer = try_approve(&bob, other, &ns, &name).await.unwrap();
            assert_eq!(answer.status, 200, "{}", answer.body);
        }
        names.push(name);
    }

    // The two long grants end through the replica that did not grant them:
    // bob revokes one, alice gives up the other.
    let revoked = &names[SHORT.len()];
    let form = [("namespace", ns.name.as_str()), ("name", revoked.as_str())];
    let answer = post(&bob, replicas[SHORT.len() % 2], "revoke", &form).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let relinquished = &names[SHORT.len() + 1];
    let form = [
        ("namespace", ns.name.as_str()),
        ("name", relinquished.as_str()),
    ];
    let answer = post(&alice, replicas[SHORT.len() % 2], "relinquish", &form).await;
    assert_eq!(answer.status, 200, "{}", answer.body);

    let requests = ns.api::<AccessRequest>();
    wait_until(
        Duration::from_secs(30),
        "the short grants expired",
        || async {
            for name in &names[..SHORT.len()] {
                if requests.get(name).await.ok()?.phase() != Phase::Expired {
                    return None;
                }
            }
            Some(())
        },
    )
    .await;
    let (checked, _) = converged(&ns, Duration::from_secs(20)).await;
    assert_eq!(checked.active, 1, "{checked:?}");
    assert_eq!(checked.ended_grants, SHORT.len() + 2, "{checked:?}");

    let mut lines = 0;
    for (index, name) in names.iter().enumerate() {
        let key = format!("{}/{name}", ns.name);
        let ending = match index {
            i if i < SHORT.len() => Some("expired"),
            i if i == SHORT.len() => Some("revoked"),
            i if i == SHORT.len() + 1 => Some("relinquished"),
            _ => None,
        };
        for action in ["requested", "approved"].into_iter().chain(ending) {
            assert_eq!(audit_lines(&audit, &key, action), 1, "{key} {action}");
            lines += 1;
        }
    }
    println!(
        "two replicas: {} requests ({doubles} approved through both at once), {lines} audit \
         lines each once over both logs; checked {checked:?}",
        names.len()
    );
}
