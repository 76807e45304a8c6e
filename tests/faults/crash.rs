//! The portal dies (SIGKILL) between an approval's status write and the
//! grant's RoleBinding, with nothing in the portal's code to help the test:
//! the cluster is left as such a death leaves it (the approved status
//! written with the portal's identity, as the approval writes it; no
//! binding, or a binding whose name was never recorded), then a portal
//! starts and must finish the grant exactly once. And the real thing: a
//! reconciling portal killed again and again at moments spread over its
//! approvals, restarted each time.

use std::time::Duration;

use aigov::crd::{AccessRequest, Decision, Phase};
use aigov::engine::access::permissions::{Oversight, Person};
use aigov::engine::access::transitions;
use aigov::server::access::grant;
use aigov::server::access::requests;
use aigov::server::access::service::{self, NewRequest};
use aigov::server::state::AppState;
use kube::ResourceExt;

use super::invariants::converged;
use super::portals::{Launch, Scratch, create_models, file, session_key, try_approve};
use crate::support::portal::{app_state, session};
use crate::support::{TestNamespace, devcluster, unique_name, wait_until};

/// Alice's request for `model`, filed through the portal's own workflow.
async fn filed(state: &AppState, ns: &TestNamespace, model: &str, duration: &str) -> AccessRequest {
    let alice = session("alice", &["fraud-team"], false);
    let form = NewRequest {
        namespace: ns.name.clone(),
        model: model.into(),
        level: "viewer".into(),
        duration: duration.into(),
        justification: String::new(),
        extends: None,
        emergency: false,
        starts_at: None,
    };
    service::submit(&state.access, &alice, form).await.unwrap()
}

/// Writes bob's approval of `request` as the approval writes it (the
/// engine's decision, with the portal's identity and the resourceVersion
/// read), and nothing after it: the portal died right after this write.
async fn approved_then_died(state: &AppState, request: &AccessRequest) -> AccessRequest {
    let client = &state.access.client;
    let namespace = request.namespace().unwrap();
    let model = requests::read_model(client, &namespace, &request.spec.model)
        .await
        .unwrap()
        .unwrap();
    let groups = vec!["fraud-team".to_owned(), "fraud-leads".to_owned()];
    let bob = Person {
        username: "bob",
        groups: &groups,
        oversight: Oversight::None,
    };
    let latest = requests::read(client, &namespace, &request.name_any())
        .await
        .unwrap();
    let status = transitions::review(
        &latest.spec.model,
        &model.spec,
        &latest,
        &bob,
        Decision::Approve,
        "",
        jiff::Timestamp::now(),
    )
    .unwrap();
    let api = kube::Api::<AccessRequest>::namespaced(client.clone(), &namespace);
    crate::support::write_request_status(&api, &latest.name_any(), status)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_portal_that_died_between_the_approval_and_the_binding_is_finished_by_the_next() {
    let ns = devcluster().namespace("fault-died").await;
    create_models(&ns, 3, &["fraud-leads"], 1).await;
    let state = app_state().await;

    // Died after the status write: no binding.
    let bare = approved_then_died(&state, &filed(&state, &ns, "m-0", "1h").await).await;
    // Died after the binding's create, before its name was recorded.
    let unrecorded = approved_then_died(&state, &filed(&state, &ns, "m-1", "1h").await).await;
    grant::ensure(&state.access.client, &unrecorded)
        .await
        .unwrap();
    // Died after the status write, and stayed down past the grant's end.
    let lapsed = approved_then_died(&state, &filed(&state, &ns, "m-2", "2s").await).await;
    for request in [&bare, &unrecorded, &lapsed] {
        assert_eq!(request.phase(), Phase::Active);
        assert_eq!(request.status.as_ref().unwrap().role_binding, None);
    }
    drop(state);
    tokio::time::sleep(Duration::from_secs(3)).await;

    let scratch = Scratch::new();
    let audit = scratch.path("audit.jsonl");
    let lease = unique_name("fault-died");
    let started = std::time::Instant::now();
    let _portal = Launch {
        ns: &ns,
        lease: &lease,
        audit_log: &audit,
        kubeconfig: None,
        session_key: None,
    }
    .start()
    .await;
    let requests = ns.api::<AccessRequest>();
    wait_until(
        Duration::from_secs(20),
        "the lapsed grant expired",
        || async {
            (requests.get(&lapsed.name_any()).await.ok()?.phase() == Phase::Expired).then_some(())
        },
    )
    .await;
    let (checked, _) = converged(&ns, Duration::from_secs(20)).await;
    assert_eq!(checked.active, 2, "{checked:?}");
    assert_eq!(checked.ended_grants, 1, "{checked:?}");
    for request in [&bare, &unrecorded] {
        let history = requests
            .get(&request.name_any())
            .await
            .unwrap()
            .status
            .unwrap()
            .history;
        let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["requested", "approved", "granted"],
            "{}",
            request.name_any()
        );
    }
    println!(
        "grants left half-made by a dead portal finished {:.1?} after the next one started; checked {checked:?}",
        started.elapsed()
    );
}

/// Rounds of start, approve, SIGKILL: each round kills the portal a little
/// later after sending the approval, so the deaths fall before, during and
/// after its status write and its binding.
const ROUNDS: u64 = 8;
const KILL_STEP: Duration = Duration::from_millis(25);

#[tokio::test(flavor = "multi_thread")]
async fn a_reconciling_portal_killed_again_and_again_during_approvals_grants_each_once() {
    let ns = devcluster().namespace("fault-kill").await;
    create_models(&ns, ROUNDS as usize, &["fraud-leads"], 1).await;
    let scratch = Scratch::new();
    let key = session_key();
    let lease = unique_name("fault-kill");
    let audit: Vec<_> = (0..=ROUNDS)
        .map(|round| scratch.path(&format!("audit-{round}.jsonl")))
        .collect();
    let launch = |round: u64| Launch {
        ns: &ns,
        lease: &lease,
        audit_log: &audit[round as usize],
        kubeconfig: None,
        session_key: Some(&key),
    };

    let first = launch(0).start().await;
    let (alice, bob) = tokio::join!(first.signed_in("alice"), first.signed_in("bob"));
    let mut names = Vec::new();
    for model in 0..ROUNDS {
        names.push(file(&alice, &first, &ns, &format!("m-{model}"), "1h").await);
    }
    drop(first);

    let mut unanswered = 0;
    for round in 0..ROUNDS {
        let mut portal = launch(round).start().await;
        ready(&portal.url).await;
        let approving = {
            let (bob, url, namespace, name) = (
                bob.clone(),
                portal.url.clone(),
                ns.name.clone(),
                names[round as usize].clone(),
            );
            tokio::spawn(async move {
                let form = [
                    ("namespace", namespace.as_str()),
                    ("name", name.as_str()),
                    ("decision", "approve"),
                ];
                let answer = bob
                    .post(format!("{url}/api/review"))
                    .header("origin", &url)
                    .form(&form)
                    .send()
                    .await
                    .ok()?;
                Some(answer.status())
            })
        };
        tokio::time::sleep(KILL_STEP * round as u32).await;
        portal.kill();
        match approving.await.unwrap() {
            None => unanswered += 1,
            Some(status) => assert_eq!(status, 200, "round {round}"),
        }
    }

    // What the deaths left: requests never approved, approved without a
    // binding, with a binding not recorded, or finished.
    let requests = ns.api::<AccessRequest>();
    let bindings = ns.api::<k8s_openapi::api::rbac::v1::RoleBinding>();
    let mut left = [0usize; 4];
    for name in &names {
        let request = requests.get(name).await.unwrap();
        let has_binding = bindings
            .get_opt(&grant::binding_name(name))
            .await
            .unwrap()
            .is_some();
        let recorded = request
            .status
            .as_ref()
            .and_then(|s| s.role_binding.clone())
            .is_some();
        left[match (request.phase(), has_binding, recorded) {
            (Phase::Pending, ..) => 0,
            (Phase::Active, false, _) => 1,
            (Phase::Active, true, false) => 2,
            _ => 3,
        }] += 1;
    }

    // The last portal starts (it leads once the dead one's claim on the
    // Lease lapses) and bob approves what was never approved.
    let started = std::time::Instant::now();
    let last = launch(ROUNDS).start().await;
    for name in &names {
        if requests.get(name).await.unwrap().phase() == Phase::Pending {
            let answer = try_approve(&bob, &last, &ns, name).await.unwrap();
            assert_eq!(answer.status, 200, "{}", answer.body);
        }
    }
    let (checked, _) = converged(&ns, Duration::from_secs(40)).await;
    assert_eq!(checked.active, ROUNDS as usize, "{checked:?}");
    for name in &names {
        let history = requests.get(name).await.unwrap().status.unwrap().history;
        let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["requested", "approved", "granted"], "{name}");
        let key = format!("{}/{name}", ns.name);
        assert!(
            super::invariants::audit_lines(&audit, &key, "approved") <= 1,
            "{key}"
        );
    }
    println!(
        "{ROUNDS} portals killed during approvals ({unanswered} approvals unanswered); left: \
         {} never approved, {} approved without a binding, {} with a binding not recorded, \
         {} finished; all converged {:.1?} after the last portal started; checked {checked:?}",
        left[0],
        left[1],
        left[2],
        left[3],
        started.elapsed()
    );
}

/// Waits until the portal at `url` is ready for work.
async fn ready(url: &str) {
    let readyz = format!("{url}/readyz");
    wait_until(Duration::from_secs(20), "the portal ready", || {
        let readyz = readyz.clone();
        async move {
            reqwest::get(&readyz)
                .await
                .ok()
                .filter(|r| r.status().is_success())
        }
    })
    .await;
}
