//! The portal's own RBAC (deploy/portal-rbac.yaml), checked against the
//! devcluster's real authorizer as ServiceAccount aigov-system/aigov: it may
//! bind exactly the default access levels, never more, only lists and
//! watches workloads (for the namespace views' caches; it cannot get a pod,
//! read logs or secrets), and keeps requests and its Lease.
#![cfg(feature = "ssr")]

mod support;

use aigov::crd::{AccessRequest, AccessRequestSpec, AccessRequestStatus, Model, Phase};
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::{Api, Client};

/// The portal's client as it runs in development: ServiceAccount
/// aigov-system/aigov, never the admin (see `support::portal`).
async fn portal() -> Client {
    support::portal::portal_access().await.portal().clone()
}

/// A RoleBinding like the ones grants create, to ClusterRole `role`.
fn binding(name: &str, role: &str) -> RoleBinding {
    serde_json::from_value(serde_json::json!({
        "metadata": {
            "name": name,
            "labels": {"app.kubernetes.io/managed-by": "aigov"},
        },
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "oidc:someone"}],
    }))
    .unwrap()
}

/// The apiserver's refusal: status code and message.
fn refusal(error: kube::Error) -> (u16, String) {
    match error {
        kube::Error::Api(status) => (status.code, status.message),
        other => panic!("expected a refusal by the apiserver, got {other}"),
    }
}

#[tokio::test]
async fn the_portal_binds_the_default_access_levels_and_removes_the_bindings() {
    let cluster = support::devcluster();
    let namespace = cluster.namespace("portal-rbac-bind").await;
    let bindings = Api::<RoleBinding>::namespaced(portal().await, &namespace.name);

    for role in ["aigov-model-viewer", "aigov-model-invoker"] {
        let name = format!("aigov-{role}");
        let created = bindings
            .create(&PostParams::default(), &binding(&name, role))
            .await
            .unwrap_or_else(|e| panic!("the portal may bind {role}: {e}"));
        assert_eq!(created.role_ref.name, role);
        let listed = bindings
            .list(&ListParams::default().labels("app.kubernetes.io/managed-by=aigov"))
            .await
            .expect("the portal lists its bindings");
        assert!(
            listed
                .items
                .iter()
                .any(|b| b.metadata.name == Some(name.clone()))
        );
        bindings
            .delete(&name, &DeleteParams::default())
            .await
            .unwrap_or_else(|e| panic!("the portal may delete its binding to {role}: {e}"));
    }
}

#[tokio::test]
async fn the_portal_cannot_bind_roles_beyond_the_access_levels() {
    let cluster = support::devcluster();
    let namespace = cluster.namespace("portal-rbac-escalate").await;
    let bindings = Api::<RoleBinding>::namespaced(portal().await, &namespace.name);

    for role in ["edit", "admin", "cluster-admin", "view"] {
        let error = bindings
            .create(
                &PostParams::default(),
                &binding(&format!("try-{role}"), role),
            )
            .await
            .expect_err(&format!("binding {role} must be refused"));
        let (code, message) = refusal(error);
        assert_eq!(code, 403, "{role}: {message}");
        // The apiserver's escalation check: neither held nor `bind`able.
        assert!(
            message.contains("is attempting to grant RBAC permissions not currently held"),
            "{role}: the refusal is the escalation check's: {message}"
        );
    }
    let left = Api::<RoleBinding>::namespaced(cluster.client().await, &namespace.name)
        .list(&ListParams::default())
        .await
        .unwrap();
    assert!(
        left.items
            .iter()
            .all(|b| !b.metadata.name.as_deref().unwrap_or("").starts_with("try-")),
        "no refused binding exists"
    );
}

#[tokio::test]
async fn a_namespaced_role_is_bindable_once_the_admin_labels_it_bindable() {
    let cluster = support::devcluster();
    let namespace = cluster.namespace("portal-rbac-role").await;
    let roles = Api::<k8s_openapi::api::rbac::v1::Role>::namespaced(
        cluster.client().await,
        &namespace.name,
    );
    // A level of a model in this namespace binds the Role model-operator,
    // not (yet) labelled as a role grants may bind.
    let role = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "model-operator"},
        "rules": [{"apiGroups": ["apps"], "resources": ["deployments/scale"], "verbs": ["update", "patch"]}],
    }))
    .unwrap();
    roles.create(&PostParams::default(), &role).await.unwrap();
    let role_binding = |name: &str| -> RoleBinding {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": name},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "model-operator"},
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "oidc:someone"}],
        }))
        .unwrap()
    };
    let bindings = Api::<RoleBinding>::namespaced(portal().await, &namespace.name);
    let error = bindings
        .create(&PostParams::default(), &role_binding("before"))
        .await
        .expect_err("the Role is not bindable before the admin labels it");
    let (code, message) = refusal(error);
    assert_eq!(code, 403);
    assert!(message.contains("aigov.dev/bindable=true"), "{message}");

    // The namespace admin's label, as docs/access.md shows it.
    let label = serde_json::json!({"metadata": {"labels": {"aigov.dev/bindable": "true"}}});
    roles
        .patch(
            "model-operator",
            &kube::api::PatchParams::default(),
            &kube::api::Patch::Merge(&label),
        )
        .await
        .unwrap();
    support::wait_until(
        std::time::Duration::from_secs(10),
        "the portal may bind model-operator",
        || {
            let bindings = bindings.clone();
            async move {
                bindings
                    .create(&PostParams::default(), &role_binding("after"))
                    .await
                    .ok()
            }
        },
    )
    .await;
}

#[tokio::test]
async fn the_portal_lists_pods_for_its_caches_but_cannot_get_one_or_read_logs() {
    let cluster = support::devcluster();
    let namespace = cluster.namespace("portal-rbac-pods").await;
    let client = portal().await;

    // The namespace views' shared watch caches list and watch as the
    // portal; each person's access review decides what is shown.
    for namespace in [namespace.name.as_str(), "fraud-detection"] {
        Api::<Pod>::namespaced(client.clone(), namespace)
            .list(&ListParams::default())
            .await
            .unwrap_or_else(|e| panic!("the portal lists pods in {namespace}: {e}"));
    }
    let pods = Api::<Pod>::namespaced(client.clone(), "fraud-detection");
    let any_pod = pods
        .list(&ListParams::default().limit(1))
        .await
        .unwrap()
        .items
        .into_iter()
        .next()
        .and_then(|pod| pod.metadata.name)
        .expect("fraud-detection has pods");
    let error = pods
        .get(&any_pod)
        .await
        .expect_err("the portal may not get a single pod");
    assert_eq!(refusal(error).0, 403, "get pod");
    let error = pods
        .logs(&any_pod, &Default::default())
        .await
        .expect_err("the portal reads logs only as a signed-in person");
    assert_eq!(refusal(error).0, 403, "pod logs");
    let error = Api::<k8s_openapi::api::core::v1::Secret>::namespaced(client, "fraud-detection")
        .list(&ListParams::default())
        .await
        .expect_err("the portal never reads secrets");
    assert_eq!(refusal(error).0, 403, "secrets");
}

#[tokio::test]
async fn the_portal_reads_models_and_requests_in_every_namespace() {
    let client = portal().await;
    let models = Api::<Model>::all(client.clone())
        .list(&ListParams::default())
        .await
        .expect("the portal lists models cluster-wide");
    let names: Vec<(String, String)> = models
        .items
        .iter()
        .map(|m| {
            (
                m.metadata.namespace.clone().unwrap_or_default(),
                m.metadata.name.clone().unwrap_or_default(),
            )
        })
        .collect();
    for (namespace, name) in [
        ("fraud-detection", "fraud-scorer"),
        ("vision", "object-detector"),
        ("llm", "support-assistant"),
        ("sandbox", "playground-llm"),
    ] {
        assert!(
            names.contains(&(namespace.into(), name.into())),
            "demo model {namespace}/{name} in {names:?}"
        );
    }
    Api::<AccessRequest>::all(client)
        .list(&ListParams::default())
        .await
        .expect("the portal lists access requests cluster-wide");
}

#[tokio::test]
async fn the_portal_records_decisions_in_a_requests_status_only() {
    let cluster = support::devcluster();
    let namespace = cluster.namespace("portal-rbac-status").await;
    let requests = Api::<AccessRequest>::namespaced(portal().await, &namespace.name);

    let request = AccessRequest::new(
        "someone-viewer",
        AccessRequestSpec {
            requester: "someone".into(),
            subject: "oidc:someone".into(),
            model: "no-such-model".into(),
            level: "viewer".into(),
            duration: "1h".into(),
            justification: "checking the portal's RBAC".into(),
            extends: None,
            emergency: false,
            starts_at: None,
        },
    );
    requests
        .create(&PostParams::default(), &request)
        .await
        .expect("the portal creates requests");

    let denied = AccessRequestStatus {
        phase: Phase::Denied,
        ..AccessRequestStatus::default()
    };
    let updated = support::write_request_status(&requests, "someone-viewer", denied)
        .await
        .expect("the portal updates a request's status");
    assert_eq!(updated.status.unwrap().phase, Phase::Denied);
    requests
        .patch_status(
            "someone-viewer",
            &PatchParams::default(),
            &Patch::Merge(serde_json::json!({"status": {"phase": "Cancelled"}})),
        )
        .await
        .expect("the portal patches a request's status");

    // What was asked is the requester's: the portal may not rewrite it.
    let mut changed = requests.get("someone-viewer").await.unwrap();
    changed.spec.level = "invoker".into();
    let error = requests
        .replace("someone-viewer", &PostParams::default(), &changed)
        .await
        .expect_err("the portal cannot change a request's spec");
    assert_eq!(refusal(error).0, 403);
}

#[tokio::test]
async fn the_portal_keeps_its_lease_in_aigov_system_and_nowhere_else() {
    let cluster = support::devcluster();
    let namespace = cluster.namespace("portal-rbac-lease").await;
    let client = portal().await;
    let leases = Api::<Lease>::namespaced(client.clone(), "aigov-system");
    let name = support::unique_name("lease-rbac");

    // A Lease of its own (the reconciler's is aigov-reconciler; a test must
    // not disturb a running portal's election), without a holder.
    let lease: Lease = serde_json::from_value(serde_json::json!({
        "metadata": {"name": name},
        "spec": {"leaseDurationSeconds": 15},
    }))
    .unwrap();
    leases
        .create(&PostParams::default(), &lease)
        .await
        .expect("the portal creates its Lease in aigov-system");
    let mut held = leases.get(&name).await.expect("the portal reads its Lease");
    held.spec.get_or_insert_default().holder_identity = Some("portal-rbac-test".into());
    let renewed = leases
        .replace(&name, &PostParams::default(), &held)
        .await
        .expect("the portal renews its Lease");
    assert_eq!(
        renewed.spec.unwrap().holder_identity.as_deref(),
        Some("portal-rbac-test")
    );
    leases
        .get_opt("aigov-reconciler")
        .await
        .expect("the portal may read the reconciler's Lease");

    let elsewhere = Api::<Lease>::namespaced(client, &namespace.name)
        .create(&PostParams::default(), &lease)
        .await
        .expect_err("the portal has no Leases outside aigov-system");
    assert_eq!(refusal(elsewhere).0, 403);

    // Leases are not the portal's to delete; the admin cleans up.
    Api::<Lease>::namespaced(cluster.client().await, "aigov-system")
        .delete(&name, &DeleteParams::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn the_portal_writes_policy_reports_but_still_cannot_read_pods_or_logs() {
    use aigov::crd::policy_report::{AIGOV_REPORT, PolicyReport};
    let cluster = support::devcluster();
    let namespace = cluster.namespace("portal-rbac-reports").await;
    let client = portal().await;
    let reports = Api::<PolicyReport>::namespaced(client.clone(), &namespace.name);

    // Server-side apply creates the report, and patches it again.
    let mut report = PolicyReport::new(&namespace.name, AIGOV_REPORT);
    report.metadata.labels = Some(
        [(
            "app.kubernetes.io/managed-by".to_owned(),
            "aigov".to_owned(),
        )]
        .into(),
    );
    for fail in [1, 2] {
        report.summary = Some(aigov::crd::policy_report::ReportSummary {
            fail,
            ..Default::default()
        });
        reports
            .patch(
                AIGOV_REPORT,
                &PatchParams::apply("aigov").force(),
                &Patch::Apply(&report),
            )
            .await
            .unwrap_or_else(|e| panic!("the portal applies its report: {e}"));
    }
    let listed = Api::<PolicyReport>::all(client.clone())
        .list(&ListParams::default().labels("app.kubernetes.io/managed-by=aigov"))
        .await
        .expect("the portal lists its reports cluster-wide");
    let ours = listed
        .items
        .iter()
        .find(|r| r.metadata.namespace.as_deref() == Some(namespace.name.as_str()))
        .expect("the applied report is listed");
    assert_eq!(ours.summary.unwrap().fail, 2);

    // No `update`: only server-side apply writes reports.
    let error = reports
        .replace(AIGOV_REPORT, &PostParams::default(), ours)
        .await
        .expect_err("the portal does not replace reports");
    assert_eq!(refusal(error).0, 403, "update policyreports");
    reports
        .delete(AIGOV_REPORT, &DeleteParams::default())
        .await
        .expect("the portal deletes its stale report");

    // Writing reports grants nothing else.
    let pods = Api::<Pod>::namespaced(client.clone(), "fraud-detection");
    let any_pod = pods
        .list(&ListParams::default().limit(1))
        .await
        .unwrap()
        .items
        .into_iter()
        .next()
        .and_then(|pod| pod.metadata.name)
        .expect("fraud-detection has pods");
    assert_eq!(
        refusal(pods.get(&any_pod).await.unwrap_err()).0,
        403,
        "get pod"
    );
    let error = pods
        .logs(&any_pod, &Default::default())
        .await
        .expect_err("no pod logs");
    assert_eq!(refusal(error).0, 403, "pod logs");
    let error = Api::<k8s_openapi::api::core::v1::Secret>::namespaced(client, &namespace.name)
        .list(&ListParams::default())
        .await
        .expect_err("no secrets");
    assert_eq!(refusal(error).0, 403, "secrets");
}
