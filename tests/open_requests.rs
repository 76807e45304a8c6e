//! The cap on open requests per person (`--max-open-requests`, default 10),
//! against the devcluster: the eleventh open request is refused with 409
//! and writes nothing; cancelling one frees a place. A person's requests are
//! found by their requester label, and requests filed before requests were
//! labelled still count.
#![cfg(feature = "ssr")]

mod support;

use aigov::crd::{AccessRequest, AccessRequestSpec, AccessRequestStatus, Model, Phase, labels};
use aigov::engine::access::open_requests::DEFAULT_MAX_OPEN_REQUESTS;
use aigov::server::access::error::AccessError;
use aigov::server::access::reconciler;
use aigov::server::access::service::{self, NewRequest};
use aigov::server::state::AppState;
use aigov::wire::error::ApiError;
use kube::ResourceExt;
use kube::api::{ListParams, PostParams};
use serde_json::json;
use std::time::Duration;
use support::portal::{app_state, app_state_with, portal_access, session, workflow};
use support::{TestNamespace, devcluster, unique_name, wait_until};

/// Model `name` in `ns` with one level, viewer, reviewed by the fraud leads.
async fn create_model(ns: &TestNamespace, name: &str) {
    let model: Model = serde_json::from_value(json!({
        "apiVersion": "aigov.dev/v1alpha1",
        "kind": "Model",
        "metadata": {"name": name},
        "spec": {
            "displayName": name,
            "ownerTeam": "fraud",
            "dataClassification": "Internal",
            "accessLevels": [{"name": "viewer", "roleRef": {"kind": "ClusterRole", "name": "aigov-model-viewer"}}],
            "approvers": {"groups": ["fraud-leads"]},
            "maxDuration": "1h",
            "justificationRequired": false
        }
    }))
    .unwrap();
    ns.api::<Model>()
        .create(&PostParams::default(), &model)
        .await
        .unwrap();
}

fn form(ns: &TestNamespace, model: &str) -> NewRequest {
    NewRequest {
        namespace: ns.name.clone(),
        model: model.into(),
        level: "viewer".into(),
        duration: "30m".into(),
        justification: String::new(),
        extends: None,
        emergency: false,
        starts_at: None,
    }
}

/// The portal's state with the default cap (tests elsewhere raise it).
async fn capped_state() -> AppState {
    let mut state = app_state().await;
    state.access = state
        .access
        .with_max_open_requests(DEFAULT_MAX_OPEN_REQUESTS);
    state
}

async fn count(ns: &TestNamespace) -> usize {
    ns.api::<AccessRequest>()
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .len()
}

#[tokio::test]
async fn the_eleventh_open_request_is_refused_with_409_until_one_is_cancelled() {
    let ns = devcluster().namespace("open-requests").await;
    let state = capped_state().await;
    // A person of this test alone: nobody else's requests count.
    let person = unique_name("cap");
    let me = session(&person, &["fraud-team"], false);
    for i in 0..=DEFAULT_MAX_OPEN_REQUESTS {
        create_model(&ns, &format!("model-{i}")).await;
    }

    let mut filed = Vec::new();
    for i in 0..DEFAULT_MAX_OPEN_REQUESTS {
        let request = service::submit(&state.access, &me, form(&ns, &format!("model-{i}")))
            .await
            .unwrap_or_else(|e| panic!("open request {} is within the cap: {e}", i + 1));
        assert_eq!(
            request.labels().get(labels::REQUESTER),
            Some(&person),
            "a request carries its requester's label"
        );
        filed.push(request.name_any());
    }
    let last = format!("model-{DEFAULT_MAX_OPEN_REQUESTS}");
    let error = service::submit(&state.access, &me, form(&ns, &last))
        .await
        .expect_err("the eleventh open request is refused");
    assert!(matches!(error, AccessError::Refused(_)), "{error:?}");
    let answer = ApiError::from(error);
    assert_eq!(answer.status(), 409, "{answer:?}");
    assert_eq!(
        answer.message,
        "You have 10 open requests, the most one person may have; cancel one or wait for a decision."
    );
    assert_eq!(
        count(&ns).await,
        DEFAULT_MAX_OPEN_REQUESTS,
        "nothing was written"
    );

    // Someone else is not held back by this person's requests.
    let other = session(&unique_name("other"), &["fraud-team"], false);
    service::submit(&state.access, &other, form(&ns, &last))
        .await
        .expect("another person's request");

    // Cancelling one frees a place.
    service::cancel(&state.access, &me, &ns.name, &filed[0], String::new())
        .await
        .unwrap();
    service::submit(&state.access, &me, form(&ns, &last))
        .await
        .expect("with one cancelled, the cap has room again");
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_filed_before_requests_were_labelled_still_count() {
    let ns = devcluster().namespace("open-unlabelled").await;
    let state = capped_state().await;
    let person = unique_name("legacy");
    let me = session(&person, &["fraud-team"], false);
    for i in 0..=DEFAULT_MAX_OPEN_REQUESTS {
        create_model(&ns, &format!("model-{i}")).await;
    }
    // Ten pending requests as an older portal filed them: no label.
    let requests = ns.api::<AccessRequest>();
    for i in 0..DEFAULT_MAX_OPEN_REQUESTS {
        let request = AccessRequest::new(
            &format!("legacy-{i}"),
            AccessRequestSpec {
                requester: person.clone(),
                subject: format!("oidc:{person}"),
                model: format!("model-{i}"),
                level: "viewer".into(),
                duration: "30m".into(),
                justification: String::new(),
                extends: None,
                emergency: false,
                starts_at: None,
            },
        );
        let created = requests
            .create(&PostParams::default(), &request)
            .await
            .unwrap();
        assert!(!created.labels().contains_key(labels::REQUESTER));
        let pending = AccessRequestStatus {
            phase: Phase::Pending,
            ..Default::default()
        };
        support::write_request_status(&requests, &created.name_any(), pending)
            .await
            .unwrap();
    }
    let error = service::submit(
        &state.access,
        &me,
        form(&ns, &format!("model-{DEFAULT_MAX_OPEN_REQUESTS}")),
    )
    .await
    .expect_err("unlabelled open requests count against the cap");
    assert_eq!(ApiError::from(error).status(), 409);

    // The reconciler labels them, so the label selector alone finds them.
    let mut args = workflow(Duration::from_secs(3600));
    args.reconcile_namespace = Some(ns.name.clone());
    let reconciling_state = app_state_with(portal_access().await, &args);
    let reconciling = tokio::spawn(reconciler::run_with_lease(
        reconciling_state.access.clone(),
        "aigov-system".into(),
        unique_name("lease-labels"),
        "open-unlabelled".into(),
    ));
    let selector = format!("{}={}", labels::REQUESTER, labels::requester_value(&person));
    wait_until(
        Duration::from_secs(30),
        "the reconciler labelled the older requests",
        || {
            let requests = requests.clone();
            let selector = selector.clone();
            async move {
                let labelled = requests
                    .list(&ListParams::default().labels(&selector))
                    .await
                    .ok()?;
                (labelled.items.len() == DEFAULT_MAX_OPEN_REQUESTS).then_some(())
            }
        },
    )
    .await;
    reconciling.abort();
}
