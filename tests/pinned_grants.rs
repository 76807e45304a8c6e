//! A grant is what was approved, and nothing more, against the devcluster:
//! a request's spec cannot be changed once filed (the apiserver enforces
//! it, for everyone), the role a grant binds is the one recorded at
//! approval whatever the model says later, and the portal on its own never
//! binds a role that is not marked bindable.
#![cfg(feature = "ssr")]

mod support;

use std::time::Duration;

use aigov::crd::access_request::SPEC_IMMUTABLE;
use aigov::crd::{AccessRequest, Decision, Model, Phase, RoleKind, RoleRef};
use aigov::server::access::error::AccessError;
use aigov::server::access::grant::{self, binding_name};
use aigov::server::access::reconciler;
use aigov::server::access::service::{self, NewRequest};
use aigov::server::state::AppState;
use aigov::wire::error::ApiError;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::ResourceExt;
use kube::api::{Patch, PatchParams};
use serde_json::json;
use support::models::create_viewer_model;
use support::portal::{
    app_state, app_state_with, granted_to_alice, portal_access, session, workflow,
};
use support::{TestNamespace, devcluster, unique_name, wait_until};

/// Points the model's viewer level at ClusterRole `role`, as an
/// administrator's edit would.
async fn point_viewer_at(ns: &TestNamespace, role: &str) {
    ns.api::<Model>()
        .patch(
            "fraud-scorer",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"accessLevels": [
                {"name": "viewer", "roleRef": {"kind": "ClusterRole", "name": role}}
            ]}})),
        )
        .await
        .unwrap();
}

fn alice_asks(ns: &TestNamespace) -> NewRequest {
    NewRequest {
        namespace: ns.name.clone(),
        model: "fraud-scorer".into(),
        level: "viewer".into(),
        duration: "30m".into(),
        justification: String::new(),
        extends: None,
        emergency: false,
        starts_at: None,
    }
}

#[tokio::test]
async fn the_apiserver_refuses_any_change_to_a_requests_spec() {
    let ns = devcluster().namespace("pinned-spec").await;
    create_viewer_model(&ns).await;
    let state = app_state().await;
    let name = granted_to_alice(&state, &ns.name, "30m").await;
    // The cluster administrator's own identity: RBAC allows it everything.
    let requests = ns.api::<AccessRequest>();
    for patch in [
        json!({"spec": {"subject": "oidc:mallory"}}),
        json!({"spec": {"level": "invoker"}}),
        json!({"spec": {"duration": "30d"}}),
    ] {
        let error = requests
            .patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .expect_err("a request's spec is never changed");
        let kube::Error::Api(status) = error else {
            panic!("expected the apiserver's refusal, got {error}");
        };
        assert_eq!(status.code, 422, "{}", status.message);
        assert!(
            status.message.contains(SPEC_IMMUTABLE),
            "{}",
            status.message
        );
    }
    let stored = requests.get(&name).await.unwrap();
    assert_eq!(stored.spec.subject, "oidc:alice");
    // Metadata (labels, the finalizer) and the status may still change.
    requests
        .patch(
            &name,
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"example": "yes"}}})),
        )
        .await
        .expect("labels may change");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_changed_level_leaves_a_grant_in_force_binding_what_was_approved() {
    let ns = devcluster().namespace("pinned-role").await;
    create_viewer_model(&ns).await;
    let state = app_state().await;
    let name = granted_to_alice(&state, &ns.name, "30m").await;
    let approved = ns.api::<AccessRequest>().get(&name).await.unwrap();
    assert_eq!(
        approved.status.unwrap().granted_role_ref,
        Some(RoleRef {
            kind: RoleKind::ClusterRole,
            name: "aigov-model-viewer".into()
        }),
        "the role is recorded at approval"
    );

    // The level now names another role, and the binding is gone (drift):
    // the reconciler makes it again, from what was approved.
    point_viewer_at(&ns, "aigov-model-invoker").await;
    let bindings = ns.api::<RoleBinding>();
    bindings
        .delete(&binding_name(&name), &Default::default())
        .await
        .unwrap();
    let mut args = workflow(Duration::from_secs(3600));
    args.reconcile_namespace = Some(ns.name.clone());
    let reconciling_state: AppState = app_state_with(portal_access().await, &args);
    let reconciling = tokio::spawn(reconciler::run_with_lease(
        reconciling_state.access.clone(),
        "aigov-system".into(),
        unique_name("lease-pinned"),
        "pinned-role".into(),
    ));
    let rebuilt = wait_until(
        Duration::from_secs(20),
        "the reconciler made the binding again",
        || {
            let bindings = bindings.clone();
            let name = binding_name(&name);
            async move { bindings.get_opt(&name).await.ok().flatten() }
        },
    )
    .await;
    // A further pass finds the binding in order and leaves it.
    tokio::time::sleep(Duration::from_secs(2)).await;
    reconciling.abort();
    let binding = bindings.get(&binding_name(&name)).await.unwrap();
    assert_eq!(rebuilt.role_ref.name, "aigov-model-viewer");
    assert_eq!(
        binding.role_ref.name, "aigov-model-viewer",
        "the grant keeps the role approved, not the model's new one"
    );
}

#[tokio::test]
async fn the_portal_on_its_own_refuses_to_grant_a_role_not_marked_bindable() {
    let ns = devcluster().namespace("unbindable").await;
    create_viewer_model(&ns).await;
    let state = app_state().await;
    let alice = session("alice", &["fraud-team"], false);
    let bob = session("bob", &["fraud-team", "fraud-leads"], false);
    let pending = service::submit(&state.access, &alice, alice_asks(&ns))
        .await
        .unwrap();

    // The model's level is pointed at the portal's own ClusterRole.
    point_viewer_at(&ns, "aigov-portal").await;
    let error = service::review(
        &state.access,
        &bob,
        &ns.name,
        &pending.name_any(),
        Decision::Approve,
        String::new(),
    )
    .await
    .expect_err("approving a level naming aigov-portal is refused");
    assert!(matches!(error, AccessError::Refused(_)), "{error:?}");
    let answer = ApiError::from(error);
    assert_eq!(answer.status(), 409);
    assert!(
        answer
            .message
            .starts_with("Model fraud-scorer cannot grant level viewer: ClusterRole aigov-portal is not marked as a role grants may bind"),
        "{}",
        answer.message
    );
    let still = ns
        .api::<AccessRequest>()
        .get(&pending.name_any())
        .await
        .unwrap();
    assert_eq!(still.phase(), Phase::Pending, "nothing was decided");

    // Nor may the level be requested any more.
    let error = service::submit(
        &state.access,
        &session("carol", &[], false),
        alice_asks(&ns),
    )
    .await
    .expect_err("requesting a level naming aigov-portal is refused");
    assert_eq!(ApiError::from(error).status(), 409);

    // And a grant whose recorded role is aigov-portal is never bound: the
    // portal refuses before asking the apiserver (whose own policy would
    // refuse too; see tests/portal_admission.rs).
    let mut forged = still.clone();
    let status = forged.status.get_or_insert_default();
    status.phase = Phase::Active;
    status.granted_role_ref = Some(RoleRef {
        kind: RoleKind::ClusterRole,
        name: "aigov-portal".into(),
    });
    let error = grant::ensure(&state.access.client, &forged)
        .await
        .expect_err("the portal does not bind aigov-portal");
    assert!(
        error
            .to_string()
            .contains("ClusterRole aigov-portal is not marked as a role grants may bind"),
        "the refusal is the portal's own: {error}"
    );
    assert!(
        ns.api::<RoleBinding>()
            .get_opt(&binding_name(&pending.name_any()))
            .await
            .unwrap()
            .is_none()
    );
}
