//! Access rules by environment, against the devcluster: a GovernancePolicy
//! asks more of requests in production namespaces than their Model does,
//! and the portal holds requests to the stricter rules; in a sandbox the
//! self-service both the policy and the model allow works; in staging the
//! policy adds a stage of approval after the model's approvers.
#![cfg(feature = "ssr")]

mod support;

use std::time::Duration;

use aigov::crd::governance_policy::GovernancePolicy;
use aigov::crd::{Decision, Model, Phase};
use aigov::engine::access::refusal::Refusal;
use aigov::server::access::error::AccessError;
use aigov::server::access::service::{self, NewRequest};
use aigov::server::state::AppState;
use k8s_openapi::api::core::v1::Namespace;
use kube::ResourceExt;
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams};
use serde_json::json;
use support::portal::{app_state, session};
use support::{TestNamespace, devcluster, unique_name, wait_until};

/// A GovernancePolicy deleted when the guard is dropped.
struct TestPolicy {
    name: String,
}

impl Drop for TestPolicy {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop cannot await: delete from a thread with its own runtime.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let client = devcluster().client().await;
                let _ = Api::<GovernancePolicy>::all(client)
                    .delete(&name, &DeleteParams::default())
                    .await;
            });
        })
        .join();
    }
}

/// A policy with the access rules `access` (per environment).
async fn create_policy(access: serde_json::Value) -> TestPolicy {
    let name = unique_name("env-access");
    let policy: GovernancePolicy = serde_json::from_value(json!({
        "apiVersion": "aigov.dev/v1alpha1",
        "kind": "GovernancePolicy",
        "metadata": {"name": name},
        "spec": {
            "description": "access rules by environment (test)",
            "defaultEnvironment": "sandbox",
            "access": access
        }
    }))
    .unwrap();
    let client = devcluster().client().await;
    Api::<GovernancePolicy>::all(client)
        .create(&PostParams::default(), &policy)
        .await
        .expect("creating the GovernancePolicy (are the CRDs applied?)");
    TestPolicy { name }
}

async fn label_environment(ns: &TestNamespace, environment: &str) {
    let patch = json!({"metadata": {"labels": {"aigov.dev/environment": environment}}});
    Api::<Namespace>::all(ns.client.clone())
        .patch(&ns.name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .unwrap();
}

/// A model offering one approval, a week, no justification; approved by
/// the fraud leads, carol and `also_approver`.
async fn create_model(ns: &TestNamespace, self_approval: bool, also_approver: &str) {
    let model: Model = serde_json::from_value(json!({
        "apiVersion": "aigov.dev/v1alpha1",
        "kind": "Model",
        "metadata": {"name": "fraud-scorer"},
        "spec": {
            "displayName": "Fraud scorer",
            "ownerTeam": "fraud",
            "dataClassification": "Confidential",
            "accessLevels": [
                {"name": "viewer", "roleRef": {"kind": "ClusterRole", "name": "aigov-model-viewer"}}
            ],
            "approvers": {"groups": ["fraud-leads"], "users": ["carol", also_approver]},
            "requiredApprovals": 1,
            "maxDuration": "7d",
            "justificationRequired": false,
            "allowSelfApproval": self_approval
        }
    }))
    .unwrap();
    ns.api::<Model>()
        .create(&PostParams::default(), &model)
        .await
        .expect("creating the model");
}

fn form(ns: &str, duration: &str, justification: &str) -> NewRequest {
    NewRequest {
        namespace: ns.into(),
        model: "fraud-scorer".into(),
        level: "viewer".into(),
        duration: duration.into(),
        justification: justification.into(),
        extends: None,
        emergency: false,
        starts_at: None,
    }
}

/// The portal's state, holding requests to the policies' access rules.
async fn governed_state() -> AppState {
    let mut state = app_state().await;
    state.access = state.access.clone().with_policy(state.policy.clone());
    state
}

/// Waits until the portal's caches see `policy` and the namespace's label.
async fn wait_for_rules(state: &AppState, ns: &str, policy: &str, approvals: u32) {
    wait_until(Duration::from_secs(30), "the policy's access rules", || {
        let (state, ns) = (state.clone(), ns.to_owned());
        async move {
            let access = service::environment_access(&state.access, &ns).await.ok()?;
            access
                .policies
                .iter()
                .any(|(name, rules)| {
                    name == policy && rules.min_approvals.unwrap_or(1) == approvals
                })
                .then_some(())
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_production_namespace_holds_requests_to_the_policys_stricter_rules() {
    let cluster = devcluster();
    // Production: 2 approvals, 8h at most, a justification.
    let policy = create_policy(json!({
        "production": {"minApprovals": 2, "maxDuration": "8h", "justificationRequired": true}
    }))
    .await;
    let ns = cluster.namespace("env-prod").await;
    label_environment(&ns, "production").await;
    create_model(&ns, false, "dave").await;
    let state = governed_state().await;
    wait_for_rules(&state, &ns.name, &policy.name, 2).await;

    let alice = session("alice", &["fraud-team"], false);
    let refused = service::submit(&state.access, &alice, form(&ns.name, "7d", "audit"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            AccessError::Refused(Refusal::DurationTooLong { .. })
        ),
        "{refused:?}"
    );
    assert_eq!(
        refused.to_string(),
        format!(
            "7d is longer than governance policy {} (production environment) allows; choose at most 8h.",
            policy.name
        )
    );
    let refused = service::submit(&state.access, &alice, form(&ns.name, "8h", ""))
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains(&format!(
            "A justification is required by governance policy {}",
            policy.name
        )),
        "{refused}"
    );

    let request = service::submit(
        &state.access,
        &alice,
        form(&ns.name, "8h", "quarterly fraud review"),
    )
    .await
    .unwrap();
    let name = request.name_any();
    let bob = session("bob", &["fraud-team", "fraud-leads"], false);
    let once = service::review(
        &state.access,
        &bob,
        &ns.name,
        &name,
        Decision::Approve,
        String::new(),
    )
    .await
    .unwrap();
    assert_eq!(
        once.phase(),
        Phase::Pending,
        "one approval is not enough here"
    );

    let carol = session("carol", &["fraud-team"], false);
    let twice = service::review(
        &state.access,
        &carol,
        &ns.name,
        &name,
        Decision::Approve,
        String::new(),
    )
    .await
    .unwrap();
    assert_eq!(twice.phase(), Phase::Active);
    let status = twice.status.unwrap();
    let length =
        status.expires_at.unwrap().0.as_second() - status.granted_at.unwrap().0.as_second();
    assert!((8 * 3600 - 1..=8 * 3600).contains(&length), "{length}s");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sandbox_namespace_allows_the_self_service_policy_and_model_both_allow() {
    let cluster = devcluster();
    // Sandbox: self-service up to 7 days.
    let policy = create_policy(json!({
        "sandbox": {"maxDuration": "7d", "allowSelfApproval": true}
    }))
    .await;
    let ns = cluster.namespace("env-sandbox").await;
    label_environment(&ns, "sandbox").await;
    create_model(&ns, true, "alice").await;
    let state = governed_state().await;
    wait_for_rules(&state, &ns.name, &policy.name, 1).await;

    let alice = session("alice", &["fraud-team"], false);
    let request = service::submit(&state.access, &alice, form(&ns.name, "7d", ""))
        .await
        .unwrap();
    let approved = service::review(
        &state.access,
        &alice,
        &ns.name,
        &request.name_any(),
        Decision::Approve,
        String::new(),
    )
    .await
    .unwrap();
    assert_eq!(approved.phase(), Phase::Active);
    assert!(approved.status.unwrap().reviews[0].self_approval);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_staging_policy_adds_the_data_owners_stage_a_ticket_id_and_approvers_comments() {
    let cluster = devcluster();
    // Staging: erin, the data owner, decides after the model's approvers;
    // every justification starts with a ticket id; approvers say why.
    let policy = create_policy(json!({
        "staging": {
            "approvalStages": [{"name": "data-owner", "approvers": {"users": ["erin"]}}],
            "justificationPattern": "^[A-Z]+-[0-9]+",
            "justificationHint": "Start with the ticket id, e.g. OPS-123.",
            "approverCommentRequired": true
        }
    }))
    .await;
    let ns = cluster.namespace("env-staging").await;
    label_environment(&ns, "staging").await;
    create_model(&ns, false, "dave").await;
    let state = governed_state().await;
    wait_for_rules(&state, &ns.name, &policy.name, 1).await;

    // Pages show the model's terms with the policy's stage.
    let model: Model = ns.api().get("fraud-scorer").await.unwrap();
    let (shown, rules) = service::governed(&state.access, vec![model])
        .await
        .pop()
        .unwrap();
    let stages: Vec<String> = shown
        .spec
        .approval_stages
        .iter()
        .map(|s| s.name.clone())
        .collect();
    assert_eq!(stages, ["approvers", "data-owner"]);
    assert_eq!(rules.min_approvals.value, 2);

    let alice = session("alice", &["fraud-team"], false);
    let refused = service::submit(&state.access, &alice, form(&ns.name, "1h", "the audit"))
        .await
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        format!(
            "Governance policy {} (staging environment) asks for a justification in a set form: Start with the ticket id, e.g. OPS-123.",
            policy.name
        )
    );
    let request = service::submit(
        &state.access,
        &alice,
        form(&ns.name, "1h", "OPS-42 the audit"),
    )
    .await
    .unwrap();
    let name = request.name_any();
    let decide_with = |who: &'static str, groups: &'static [&'static str], comment: &str| {
        let (state, ns, name) = (state.clone(), ns.name.clone(), name.clone());
        let comment = comment.to_owned();
        async move {
            service::review(
                &state.access,
                &session(who, groups, false),
                &ns,
                &name,
                Decision::Approve,
                comment,
            )
            .await
        }
    };
    let decide = |who, groups| decide_with(who, groups, "fine for the audit");
    let silent = decide_with("bob", &["fraud-team", "fraud-leads"], "")
        .await
        .unwrap_err();
    assert!(
        silent
            .to_string()
            .contains("(staging environment) asks approvers to say why they decide"),
        "{silent}"
    );
    let early = decide("erin", &["ml-platform"]).await.unwrap_err();
    assert!(
        matches!(early, AccessError::Refused(Refusal::NotYourStage { .. })),
        "{early:?}"
    );
    assert!(
        early
            .to_string()
            .contains("waits for its approvers stage (stage 1 of 2)"),
        "{early}"
    );
    let after_bob = decide("bob", &["fraud-team", "fraud-leads"]).await.unwrap();
    assert_eq!(
        after_bob.phase(),
        Phase::Pending,
        "the data owner decides next"
    );
    let granted = decide("erin", &["ml-platform"]).await.unwrap();
    assert_eq!(granted.phase(), Phase::Active);
    let recorded: Vec<Option<String>> = granted
        .status
        .unwrap()
        .reviews
        .into_iter()
        .map(|review| review.stage)
        .collect();
    assert_eq!(
        recorded,
        [Some("approvers".to_owned()), Some("data-owner".to_owned())]
    );
}
