//! The admission policies of deploy/portal-admission.yaml, checked by the
//! devcluster's apiserver on its own: a RoleBinding made by the portal's
//! ServiceAccount to a role not labelled `aigov.dev/bindable: "true"` is
//! refused, even to a role whose rules the portal holds (which RBAC's
//! escalation check lets through), and one to a bindable role is allowed.
#![cfg(feature = "ssr")]

mod support;

use std::time::Duration;

use k8s_openapi::api::rbac::v1::{Role, RoleBinding};
use kube::Api;
use kube::api::{DeleteParams, PostParams};
use serde_json::json;

/// The policies' refusal, as the apiserver words it.
const REFUSED: &str = "aigov may bind only roles labelled aigov.dev/bindable=true";

fn binding(name: &str, kind: &str, role: &str) -> RoleBinding {
    serde_json::from_value(json!({
        "metadata": {"name": name},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": role},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "oidc:mallory"}],
    }))
    .unwrap()
}

/// Creating `binding` as the portal fails with the policies' refusal;
/// waits a little for a policy just applied to reach the apiserver's
/// admission (anything created meanwhile is deleted).
async fn refused(bindings: &Api<RoleBinding>, binding: &RoleBinding) -> String {
    let name = binding.metadata.name.clone().unwrap();
    support::wait_until(Duration::from_secs(15), "the policy refuses", || {
        let bindings = bindings.clone();
        let name = name.clone();
        async move {
            match bindings.create(&PostParams::default(), binding).await {
                Err(kube::Error::Api(status)) if status.message.contains(REFUSED) => {
                    assert_eq!(status.code, 403, "{}", status.message);
                    Some(status.message)
                }
                Err(other) => panic!("expected the admission policy's refusal, got {other}"),
                Ok(_) => {
                    bindings.delete(&name, &DeleteParams::default()).await.ok();
                    None
                }
            }
        }
    })
    .await
}

#[tokio::test]
async fn the_apiserver_refuses_the_portal_a_binding_to_its_own_clusterrole() {
    let cluster = support::devcluster();
    let namespace = cluster.namespace("admission-clusterrole").await;
    let portal = support::portal::portal_access().await.portal().clone();
    let bindings = Api::<RoleBinding>::namespaced(portal, &namespace.name);

    // The portal holds every rule of aigov-portal, so RBAC alone lets it
    // bind it; the policy does not.
    let message = refused(
        &bindings,
        &binding("try-aigov-portal", "ClusterRole", "aigov-portal"),
    )
    .await;
    assert!(
        message.contains("ClusterRole aigov-portal is not"),
        "{message}"
    );

    // A bindable role is bound as before.
    bindings
        .create(
            &PostParams::default(),
            &binding("viewer", "ClusterRole", "aigov-model-viewer"),
        )
        .await
        .expect("aigov-model-viewer is bindable");
    bindings
        .delete("viewer", &DeleteParams::default())
        .await
        .unwrap();

    // Nothing refused exists; the administrator is not held by the policy.
    let admin = Api::<RoleBinding>::namespaced(cluster.client().await, &namespace.name);
    assert!(admin.get_opt("try-aigov-portal").await.unwrap().is_none());
    admin
        .create(
            &PostParams::default(),
            &binding("by-admin", "ClusterRole", "aigov-portal"),
        )
        .await
        .expect("the policies only hold the portal's ServiceAccount");
}

#[tokio::test]
async fn the_apiserver_refuses_the_portal_a_binding_to_a_role_not_labelled_bindable() {
    let cluster = support::devcluster();
    let namespace = cluster.namespace("admission-role").await;
    let admin = cluster.client().await;
    // A Role in the namespace, and the portal's permission to bind it (so
    // RBAC lets the portal through, and only the policy decides).
    let roles = Api::<Role>::namespaced(admin.clone(), &namespace.name);
    for (name, labels) in [
        ("plain-operator", json!({})),
        ("bindable-operator", json!({"aigov.dev/bindable": "true"})),
    ] {
        let role: Role = serde_json::from_value(json!({
            "metadata": {"name": name, "labels": labels},
            "rules": [{"apiGroups": ["apps"], "resources": ["deployments/scale"], "verbs": ["update"]}],
        }))
        .unwrap();
        roles.create(&PostParams::default(), &role).await.unwrap();
    }
    let may_bind: Role = serde_json::from_value(json!({
        "metadata": {"name": "aigov-may-bind"},
        "rules": [{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles"],
                   "verbs": ["bind"], "resourceNames": ["plain-operator", "bindable-operator"]}],
    }))
    .unwrap();
    roles
        .create(&PostParams::default(), &may_bind)
        .await
        .unwrap();
    let grant: RoleBinding = serde_json::from_value(json!({
        "metadata": {"name": "aigov-may-bind"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "aigov-may-bind"},
        "subjects": [{"kind": "ServiceAccount", "name": "aigov", "namespace": "aigov-system"}],
    }))
    .unwrap();
    Api::<RoleBinding>::namespaced(admin, &namespace.name)
        .create(&PostParams::default(), &grant)
        .await
        .unwrap();

    let portal = support::portal::portal_access().await.portal().clone();
    let bindings = Api::<RoleBinding>::namespaced(portal, &namespace.name);
    // The bindable one is allowed (RBAC changes reach the authorizer
    // within moments).
    support::wait_until(
        Duration::from_secs(10),
        "the portal binds bindable-operator",
        || {
            let bindings = bindings.clone();
            async move {
                bindings
                    .create(
                        &PostParams::default(),
                        &binding("bindable", "Role", "bindable-operator"),
                    )
                    .await
                    .ok()
            }
        },
    )
    .await;
    let message = refused(&bindings, &binding("plain", "Role", "plain-operator")).await;
    assert!(
        message.contains(&format!(
            "Role plain-operator in namespace {} is not",
            namespace.name
        )),
        "{message}"
    );
}
