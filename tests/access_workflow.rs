//! The access workflow against the devcluster, as the portal runs it: its
//! own ServiceAccount grants, people act through their sessions, and
//! Kubernetes RBAC (read by impersonation) shows the effect of each grant.
#![cfg(feature = "ssr")]

mod support;

use std::time::{Duration, Instant};

use aigov::crd::{AccessRequest, Decision, Model, Phase};
use aigov::server::access::error::AccessError;
use aigov::server::access::grant::binding_name;
use aigov::server::access::reconciler;
use aigov::server::access::service::{self, NewRequest};
use aigov::server::state::AppState;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::ResourceExt;
use kube::api::{Api, ListParams, LogParams, PostParams};
use serde_json::json;
use support::portal::{app_state, session};
use support::{TestNamespace, devcluster, wait_until};

/// A model in `ns` reviewed by the fraud leads (bob) and carol.
async fn create_model(
    ns: &TestNamespace,
    name: &str,
    approvals: u32,
    self_approval: bool,
) -> Model {
    let model: Model = serde_json::from_value(json!({
        "apiVersion": "aigov.dev/v1alpha1",
        "kind": "Model",
        "metadata": {"name": name},
        "spec": {
            "displayName": "Fraud scorer",
            "ownerTeam": "fraud",
            "dataClassification": "Confidential",
            "accessLevels": [
                {"name": "viewer", "roleRef": {"kind": "ClusterRole", "name": "aigov-model-viewer"}},
                {"name": "invoker", "roleRef": {"kind": "ClusterRole", "name": "aigov-model-invoker"}}
            ],
            "approvers": {"groups": ["fraud-leads"], "users": ["carol"]},
            "requiredApprovals": approvals,
            "maxDuration": "8h",
            "justificationRequired": true,
            "allowSelfApproval": self_approval
        }
    }))
    .unwrap();
    ns.api::<Model>()
        .create(&PostParams::default(), &model)
        .await
        .expect("creating the model (are the CRDs applied?)")
}

fn form(ns: &str, model: &str, level: &str, duration: &str, justification: &str) -> NewRequest {
    NewRequest {
        namespace: ns.into(),
        model: model.into(),
        level: level.into(),
        duration: duration.into(),
        justification: justification.into(),
        extends: None,
        emergency: false,
        starts_at: None,
    }
}

async fn binding(ns: &TestNamespace, request: &str) -> Option<RoleBinding> {
    ns.api::<RoleBinding>()
        .get_opt(&binding_name(request))
        .await
        .unwrap()
}

async fn fresh(ns: &TestNamespace, name: &str) -> AccessRequest {
    ns.api::<AccessRequest>().get(name).await.unwrap()
}

/// Whether alice, impersonated, may read pod logs in `ns` right now.
async fn alice_reads_logs(state: &AppState, ns: &str) -> bool {
    let alice = state
        .kube
        .as_user(&session("alice", &["fraud-team"], false).kube)
        .unwrap();
    let pods = Api::<Pod>::namespaced(alice, ns);
    match pods.logs("model-server", &LogParams::default()).await {
        Ok(_) => true,
        Err(kube::Error::Api(status)) if status.code == 403 => false,
        Err(error) => panic!("unexpected error reading logs: {error}"),
    }
}

async fn running_pod(ns: &TestNamespace) {
    let pod: Pod = serde_json::from_value(json!({
        "metadata": {"name": "model-server", "labels": {"app": "fraud-scorer"}},
        "spec": {"containers": [{"name": "server", "image": "registry.example/fraud-scorer:1.0"}]}
    }))
    .unwrap();
    ns.api::<Pod>()
        .create(&PostParams::default(), &pod)
        .await
        .unwrap();
    let pods = ns.api::<Pod>();
    wait_until(Duration::from_secs(60), "the model server running", || {
        let pods = pods.clone();
        async move {
            let pod = pods.get("model-server").await.ok()?;
            (pod.status?.phase.as_deref() == Some("Running")).then_some(())
        }
    })
    .await;
    devcluster().append_log(
        &ns.name,
        "model-server",
        "server",
        &["{\"msg\":\"scoring\"}"],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn approval_grants_access_and_expiry_takes_it_away_again() {
    let cluster = devcluster();
    let ns = cluster.namespace("journey").await;
    let state = app_state().await;
    create_model(&ns, "fraud-scorer", 1, false).await;
    running_pod(&ns).await;
    assert!(
        !alice_reads_logs(&state, &ns.name).await,
        "no access before the request"
    );

    let alice = session("alice", &["fraud-team"], false);
    let bob = session("bob", &["fraud-team", "fraud-leads"], false);
    let request = service::submit(
        &state.access,
        &alice,
        form(
            &ns.name,
            "fraud-scorer",
            "viewer",
            "20s",
            "investigating case 4711",
        ),
    )
    .await
    .expect("alice's request");
    let name = request.name_any();
    assert_eq!(request.spec.requester, "alice");
    assert_eq!(request.spec.subject, "oidc:alice");
    assert_eq!(fresh(&ns, &name).await.phase(), Phase::Pending);

    let reconciling = tokio::spawn(reconciler::run_with_lease(
        state.access.clone(),
        "aigov-system".into(),
        support::unique_name("lease-journey"),
        "test-journey".into(),
    ));

    let approved_at = Instant::now();
    let approved = service::review(
        &state.access,
        &bob,
        &ns.name,
        &name,
        Decision::Approve,
        "ok for the case".into(),
    )
    .await
    .expect("bob approves");
    assert_eq!(approved.phase(), Phase::Active);
    let granted = binding(&ns, &name)
        .await
        .expect("the RoleBinding exists at once");
    assert_eq!(granted.role_ref.name, "aigov-model-viewer");
    let subjects = granted.subjects.clone().unwrap();
    assert_eq!(
        (subjects[0].kind.as_str(), subjects[0].name.as_str()),
        ("User", "oidc:alice")
    );
    assert_eq!(granted.owner_references()[0].name, name);
    assert_eq!(granted.labels()["aigov.dev/request"], name);
    wait_until(Duration::from_secs(10), "alice's read allowed", || {
        let state = state.clone();
        let ns = ns.name.clone();
        async move { alice_reads_logs(&state, &ns).await.then_some(()) }
    })
    .await;
    let allowed_after = approved_at.elapsed();

    let expires_at = fresh(&ns, &name)
        .await
        .status
        .unwrap()
        .expires_at
        .unwrap()
        .0;
    wait_until(
        Duration::from_secs(60),
        "alice's read denied after expiry",
        || {
            let state = state.clone();
            let ns = ns.name.clone();
            async move { (!alice_reads_logs(&state, &ns).await).then_some(()) }
        },
    )
    .await;
    let late = jiff::Timestamp::now().as_millisecond() - expires_at.as_millisecond();
    assert!(late < 5_000, "access ended {late} ms after expiry");
    assert!(binding(&ns, &name).await.is_none());
    let expired = fresh(&ns, &name).await;
    assert_eq!(expired.phase(), Phase::Expired);
    let actions: Vec<_> = expired
        .status
        .unwrap()
        .history
        .into_iter()
        .map(|h| h.action)
        .collect();
    assert_eq!(actions, ["requested", "approved", "granted", "expired"]);
    eprintln!("approval to first allowed read: {allowed_after:?}; expiry to denial: {late} ms");
    reconciling.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_actions_change_nothing() {
    let cluster = devcluster();
    let ns = cluster.namespace("refusals").await;
    let state = app_state().await;
    create_model(&ns, "fraud-scorer", 1, false).await;
    let alice = session("alice", &["fraud-team"], false);
    let bob = session("bob", &["fraud-team", "fraud-leads"], false);
    let dave = session("dave", &["llm-team"], false);

    // Forged forms: a level the model does not offer, a duration over the
    // maximum, a model that is not in that namespace.
    for (level, duration, model, namespace) in [
        ("admin", "1h", "fraud-scorer", ns.name.as_str()),
        ("viewer", "9h", "fraud-scorer", ns.name.as_str()),
        ("viewer", "1h", "fraud-scorer", "vision"),
    ] {
        let refused = service::submit(
            &state.access,
            &alice,
            form(namespace, model, level, duration, "x"),
        )
        .await;
        assert!(
            refused.is_err(),
            "{level} {duration} {namespace} must be refused"
        );
    }
    assert!(
        ns.api::<AccessRequest>()
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );

    let own = service::submit(
        &state.access,
        &bob,
        form(&ns.name, "fraud-scorer", "viewer", "1h", "my own"),
    )
    .await
    .unwrap();
    let self_approval = service::review(
        &state.access,
        &bob,
        &ns.name,
        &own.name_any(),
        Decision::Approve,
        String::new(),
    )
    .await;
    assert!(
        matches!(&self_approval, Err(AccessError::Refused(_)))
            && self_approval
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains("own request"),
        "{self_approval:?}"
    );
    let request = service::submit(
        &state.access,
        &alice,
        form(&ns.name, "fraud-scorer", "viewer", "1h", "case 1"),
    )
    .await
    .unwrap();
    let outsider = service::review(
        &state.access,
        &dave,
        &ns.name,
        &request.name_any(),
        Decision::Approve,
        String::new(),
    )
    .await;
    // Dave may not see alice's request: to him it does not exist.
    assert_eq!(
        outsider.unwrap_err().to_string(),
        aigov::wire::access::REQUEST_NOT_FOUND
    );
    let before = fresh(&ns, &request.name_any()).await;
    assert_eq!(before.phase(), Phase::Pending);
    assert!(before.status.unwrap().reviews.is_empty());
    assert!(binding(&ns, &request.name_any()).await.is_none());
    assert!(binding(&ns, &own.name_any()).await.is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn two_approvers_at_the_same_moment_both_count_and_the_grant_is_made_once() {
    let cluster = devcluster();
    let ns = cluster.namespace("concurrent").await;
    let state = app_state().await;
    create_model(&ns, "fraud-scorer", 2, false).await;
    let alice = session("alice", &["fraud-team"], false);
    let bob = session("bob", &["fraud-team", "fraud-leads"], false);
    let carol = session("carol", &["governance"], true);
    let request = service::submit(
        &state.access,
        &alice,
        form(&ns.name, "fraud-scorer", "viewer", "1h", "case 2"),
    )
    .await
    .unwrap();
    let name = request.name_any();

    // The same approver twice at once: one counts, the other is refused.
    let (first, second) = tokio::join!(
        service::review(
            &state.access,
            &bob,
            &ns.name,
            &name,
            Decision::Approve,
            "one".into()
        ),
        service::review(
            &state.access,
            &bob,
            &ns.name,
            &name,
            Decision::Approve,
            "two".into()
        ),
    );
    assert!(
        first.is_ok() != second.is_ok(),
        "exactly one of bob's approvals counts"
    );
    assert_eq!(fresh(&ns, &name).await.phase(), Phase::Pending);

    let other = service::submit(
        &state.access,
        &alice,
        form(&ns.name, "fraud-scorer", "invoker", "1h", "case 3"),
    )
    .await
    .unwrap();
    let other_name = other.name_any();
    let (by_bob, by_carol) = tokio::join!(
        service::review(
            &state.access,
            &bob,
            &ns.name,
            &other_name,
            Decision::Approve,
            String::new()
        ),
        service::review(
            &state.access,
            &carol,
            &ns.name,
            &other_name,
            Decision::Approve,
            String::new()
        ),
    );
    by_bob.expect("bob's approval");
    by_carol.expect("carol's approval");
    let granted = fresh(&ns, &other_name).await;
    assert_eq!(granted.phase(), Phase::Active);
    let status = granted.status.unwrap();
    assert_eq!(status.reviews.len(), 2);
    assert_eq!(
        status
            .history
            .iter()
            .filter(|h| h.action == "granted")
            .count(),
        1
    );
    let bindings = ns
        .api::<RoleBinding>()
        .list(&ListParams::default().labels("app.kubernetes.io/managed-by=aigov"))
        .await
        .unwrap();
    assert_eq!(bindings.items.len(), 1, "one binding for one grant");
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_text_is_stored_exactly_as_written() {
    let cluster = devcluster();
    let ns = cluster.namespace("hostile").await;
    let state = app_state().await;
    create_model(&ns, "fraud-scorer", 1, false).await;
    let alice = session("alice", &["fraud-team"], false);
    let bob = session("bob", &["fraud-team", "fraud-leads"], false);
    let justification = format!(
        "<script>alert('x')</script>\u{1b}[31m red\r\n\t{}",
        "é".repeat(1500)
    );
    let comment = "<img src=x onerror=alert(1)> \" ' & \u{7}";
    let request = service::submit(
        &state.access,
        &alice,
        form(&ns.name, "fraud-scorer", "viewer", "1h", &justification),
    )
    .await
    .unwrap();
    service::review(
        &state.access,
        &bob,
        &ns.name,
        &request.name_any(),
        Decision::Deny,
        comment.into(),
    )
    .await
    .unwrap();
    let stored = fresh(&ns, &request.name_any()).await;
    assert_eq!(stored.spec.justification, justification);
    let status = stored.status.unwrap();
    assert_eq!(status.phase, Phase::Denied);
    assert_eq!(status.reviews[0].comment, comment);
    let too_long = "x".repeat(2001);
    let refused = service::submit(
        &state.access,
        &alice,
        form(&ns.name, "fraud-scorer", "viewer", "1h", &too_long),
    )
    .await;
    assert!(refused.unwrap_err().to_string().contains("too long"));
}
