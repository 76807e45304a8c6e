//! A model's stronger request rules against the devcluster: a justification
//! in a set form (a pattern explained in the owners' words) and a comment
//! from every approver. A refused request or decision writes nothing.
#![cfg(feature = "ssr")]

mod support;

use aigov::crd::{AccessRequest, Decision, Model, Phase};
use aigov::engine::access::refusal::Refusal;
use aigov::server::access::error::AccessError;
use aigov::server::access::service::{self, NewRequest};
use aigov::server::state::AppState;
use kube::ResourceExt;
use kube::api::PostParams;
use serde_json::json;
use support::portal::{app_state, session};
use support::{TestNamespace, devcluster};

/// `ticketed` in `ns`: justifications start with a ticket id, approvers
/// must comment; reviewed by the fraud leads.
async fn create_ticketed_model(ns: &TestNamespace, pattern: &str) {
    let model: Model = serde_json::from_value(json!({
        "apiVersion": "aigov.dev/v1alpha1",
        "kind": "Model",
        "metadata": {"name": "ticketed"},
        "spec": {
            "displayName": "Ticketed",
            "ownerTeam": "fraud",
            "dataClassification": "Internal",
            "accessLevels": [{"name": "viewer", "roleRef": {"kind": "ClusterRole", "name": "aigov-model-viewer"}}],
            "approvers": {"groups": ["fraud-leads"]},
            "maxDuration": "1h",
            "justificationPattern": pattern,
            "justificationHint": "Start with the ticket id, e.g. OPS-123.",
            "approverCommentRequired": true
        }
    }))
    .unwrap();
    ns.api::<Model>()
        .create(&PostParams::default(), &model)
        .await
        .expect("creating the model (are the CRDs applied?)");
}

async fn file(
    state: &AppState,
    ns: &TestNamespace,
    justification: &str,
) -> Result<AccessRequest, AccessError> {
    let alice = session("alice", &["fraud-team"], false);
    let form = NewRequest {
        namespace: ns.name.clone(),
        model: "ticketed".into(),
        level: "viewer".into(),
        duration: "30m".into(),
        justification: justification.into(),
        extends: None,
        emergency: false,
        starts_at: None,
    };
    service::submit(&state.access, &alice, form).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_justification_in_the_models_form_is_filed_and_a_decision_needs_a_comment() {
    let ns = devcluster().namespace("rules").await;
    let state = app_state().await;
    create_ticketed_model(&ns, "^[A-Z]+-[0-9]+").await;

    // Not in the form: refused in the owners' words, nothing written.
    let refused = file(&state, &ns, "the nightly job fails")
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, AccessError::Refused(Refusal::JustificationPattern { hint, .. }) if hint == "Start with the ticket id, e.g. OPS-123."),
        "{refused:?}"
    );
    assert_eq!(ns.request_count().await, 0);

    let filed = file(&state, &ns, "OPS-4711 the nightly job fails")
        .await
        .unwrap();
    let name = filed.name_any();

    // Bob decides; without a comment nothing is recorded.
    let bob = session("bob", &["fraud-team", "fraud-leads"], false);
    for decision in [Decision::Approve, Decision::Deny] {
        let refused = service::review(&state.access, &bob, &ns.name, &name, decision, "  ".into())
            .await
            .unwrap_err();
        assert!(
            matches!(refused, AccessError::Refused(Refusal::CommentRequired(_))),
            "{refused:?}"
        );
    }
    let untouched = ns.api::<AccessRequest>().get(&name).await.unwrap();
    assert_eq!(untouched.phase(), Phase::Pending);
    assert!(untouched.status.unwrap().reviews.is_empty());

    let approved = service::review(
        &state.access,
        &bob,
        &ns.name,
        &name,
        Decision::Approve,
        "ticket OPS-4711 checked".into(),
    )
    .await
    .unwrap();
    assert_eq!(approved.phase(), Phase::Active);
    assert_eq!(
        approved.status.unwrap().reviews[0].comment,
        "ticket OPS-4711 checked"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pattern_the_portal_cannot_use_refuses_every_request_and_writes_nothing() {
    let ns = devcluster().namespace("rules-broken").await;
    let state = app_state().await;
    create_ticketed_model(&ns, "^[A-Z+").await;
    let refused = file(&state, &ns, "OPS-1 anything").await.unwrap_err();
    assert!(
        matches!(
            refused,
            AccessError::Refused(Refusal::PatternUnusable { .. })
        ),
        "{refused:?}"
    );
    assert!(
        refused.to_string().contains("Tell the model's owners"),
        "{refused}"
    );
    assert_eq!(ns.request_count().await, 0);
}
