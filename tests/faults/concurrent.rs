//! Ten approvers approving the same request at the same moment: as many
//! approvals are recorded as the model requires, one binding is made, and
//! every other approver is told, with a 409, that the request was already
//! decided (or that they already reviewed it). Through the workflow with ten
//! sessions, and over HTTP with the demo people signed in through the
//! identity provider, each approving from two tabs at once.

use std::sync::Arc;
use std::time::Duration;

use aigov::crd::{AccessRequest, Decision, Phase};
use aigov::engine::access::refusal::Refusal;
use aigov::server::access::error::AccessError;
use aigov::server::access::service::{self, NewRequest};
use aigov::server::state::AppState;
use kube::ResourceExt;
use tokio::sync::Barrier;

use super::invariants::{audit_lines, converged};
use super::portals::{Launch, Scratch, create_model, create_models, file, try_approve};
use crate::support::portal::{app_state, session};
use crate::support::{TestNamespace, devcluster, unique_name};

const APPROVERS: usize = 10;

async fn filed(state: &AppState, ns: &TestNamespace, model: &str) -> String {
    let alice = session("alice", &["fraud-team"], false);
    let form = NewRequest {
        namespace: ns.name.clone(),
        model: model.into(),
        level: "viewer".into(),
        duration: "1h".into(),
        justification: String::new(),
        extends: None,
        emergency: false,
        starts_at: None,
    };
    service::submit(&state.access, &alice, form)
        .await
        .unwrap()
        .name_any()
}

/// Ten fraud leads approve `name` at once; how many were accepted, and the
/// refusals.
async fn ten_at_once(
    state: &AppState,
    ns: &TestNamespace,
    name: &str,
) -> (usize, Vec<AccessError>) {
    let barrier = Arc::new(Barrier::new(APPROVERS));
    let reviews = (0..APPROVERS).map(|index| {
        let (state, barrier) = (state.clone(), barrier.clone());
        let (namespace, name) = (ns.name.clone(), name.to_owned());
        tokio::spawn(async move {
            let lead = session(&format!("lead-{index}"), &["fraud-leads"], false);
            barrier.wait().await;
            service::review(
                &state.access,
                &lead,
                &namespace,
                &name,
                Decision::Approve,
                String::new(),
            )
            .await
        })
    });
    let mut accepted = 0;
    let mut refused = Vec::new();
    for outcome in futures::future::join_all(reviews).await {
        match outcome.unwrap() {
            Ok(_) => accepted += 1,
            Err(error) => refused.push(error),
        }
    }
    (accepted, refused)
}

#[tokio::test(flavor = "multi_thread")]
async fn ten_approvers_at_once_make_as_many_approvals_as_required_and_one_binding() {
    let ns = devcluster().namespace("fault-ten").await;
    create_model(&ns, "m-0", &["fraud-leads"], 1).await;
    create_model(&ns, "m-1", &["fraud-leads"], 2).await;
    create_model(&ns, "m-10", &["fraud-leads"], APPROVERS as u32).await;
    let state = app_state().await;

    for (model, required) in [("m-0", 1), ("m-1", 2), ("m-10", APPROVERS)] {
        let name = filed(&state, &ns, model).await;
        let (accepted, refused) = ten_at_once(&state, &ns, &name).await;
        assert_eq!(accepted, required, "{model}: refusals {refused:?}");
        for error in refused {
            assert!(
                matches!(
                    error,
                    AccessError::Refused(Refusal::Settled("active") | Refusal::AlreadyReviewed)
                ),
                "{model}: {error:?}"
            );
            let message = error.to_string();
            assert!(message.contains("already"), "{message}");
            let answer: aigov::api::ApiError = error.into();
            assert_eq!(answer.status(), 409, "{message}");
        }
        let request = ns.api::<AccessRequest>().get(&name).await.unwrap();
        assert_eq!(request.phase(), Phase::Active);
        assert_eq!(request.status.unwrap().reviews.len(), required);
    }
    let (checked, _) = converged(&ns, Duration::from_secs(10)).await;
    assert_eq!(checked.active, 3, "{checked:?}");
    println!(
        "ten approvers at once: as many approvals as required, one binding each; checked {checked:?}"
    );
}

/// The demo people who review the model of the HTTP test: one group each.
const PEOPLE: [&str; 5] = ["bob", "carol", "dave", "erin", "frank"];

#[tokio::test(flavor = "multi_thread")]
async fn five_people_approving_from_two_tabs_each_at_once_over_http() {
    let ns = devcluster().namespace("fault-tabs").await;
    create_models(
        &ns,
        1,
        &["fraud-leads", "governance", "llm-team", "vision-leads"],
        2,
    )
    .await;
    let scratch = Scratch::new();
    let audit = scratch.path("audit.jsonl");
    let lease = unique_name("fault-tabs");
    let portal = Launch {
        ns: &ns,
        lease: &lease,
        audit_log: &audit,
        kubeconfig: None,
        session_key: None,
    }
    .start()
    .await;
    let alice = portal.signed_in("alice").await;
    let mut people = Vec::new();
    for person in PEOPLE {
        people.push(portal.signed_in(person).await);
    }
    let name = file(&alice, &portal, &ns, "m-0", "1h").await;

    let barrier = Barrier::new(PEOPLE.len() * 2);
    let tabs = people
        .iter()
        .flat_map(|browser| [browser, browser])
        .map(|browser| {
            let (barrier, portal, ns, name) = (&barrier, &portal, &ns, &name);
            async move {
                barrier.wait().await;
                try_approve(browser, portal, ns, name).await.unwrap()
            }
        });
    let answers = futures::future::join_all(tabs).await;
    let accepted = answers.iter().filter(|a| a.status == 200).count();
    assert_eq!(accepted, 2, "two approvals needed");
    for answer in answers.iter().filter(|a| a.status != 200) {
        assert_eq!(answer.status, 409, "{}", answer.body);
        assert!(answer.body.contains("already"), "{}", answer.body);
    }
    let (checked, _) = converged(&ns, Duration::from_secs(10)).await;
    assert_eq!(checked.active, 1);
    let key = format!("{}/{name}", ns.name);
    assert_eq!(
        audit_lines(std::slice::from_ref(&audit), &key, "approved"),
        2
    );
    println!(
        "ten tabs approving at once over HTTP: 2 accepted, 8 told 409 'already'; checked {checked:?}"
    );
}
