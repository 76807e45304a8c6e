//! Grants scoped to one model: a model's `modelRole` levels bind Roles the
//! portal generates for that model alone, owned by the Model. Against the
//! devcluster's apiserver, its RBAC and its admission policies: alice,
//! granted `invoker` of one model, may call that model's Service through
//! the proxy and no other model's beside it; the portal writes no Role but
//! those; the Roles go with their level and their Model.
#![cfg(feature = "ssr")]

mod support;

use std::time::Duration;

use aigov::crd::{Decision, Model, Phase};
use aigov::engine::access::model_roles::MODEL_ROLE_LABEL;
use aigov::server::access::service::{self, NewRequest};
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SubjectAccessReview, SubjectAccessReviewSpec,
};
use k8s_openapi::api::rbac::v1::Role;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::{Client, ResourceExt};
use serde_json::json;
use support::models::create_served_model;
use support::portal::{app_state, session};

/// Whether `user` may `verb` `resource` (`/subresource`) named `name` in
/// `namespace`, as the apiserver's authorizer answers.
async fn may(
    admin: &Client,
    user: &str,
    verb: &str,
    resource: &str,
    subresource: Option<&str>,
    namespace: &str,
    name: &str,
) -> bool {
    let (group, resource) = match resource {
        "models" => ("aigov.dev", resource),
        _ => ("", resource),
    };
    let review = SubjectAccessReview {
        spec: SubjectAccessReviewSpec {
            user: Some(user.into()),
            resource_attributes: Some(ResourceAttributes {
                group: Some(group.into()),
                resource: Some(resource.into()),
                subresource: subresource.map(Into::into),
                verb: Some(verb.into()),
                namespace: Some(namespace.into()),
                name: Some(name.into()),
                ..Default::default()
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    Api::<SubjectAccessReview>::all(admin.clone())
        .create(&PostParams::default(), &review)
        .await
        .unwrap()
        .status
        .unwrap()
        .allowed
}

/// `kubectl auth can-i --as USER create services/NAME --subresource=proxy`,
/// with the devcluster's kubectl and admin kubeconfig: `true` for "yes".
fn kubectl_can_i_proxy(user: &str, namespace: &str, service: &str) -> bool {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/devcluster.sh");
    let out = std::process::Command::new(script)
        .args([
            "kubectl",
            "auth",
            "can-i",
            "--as",
            user,
            "create",
            &format!("services/{service}"),
            "--subresource=proxy",
            "-n",
            namespace,
        ])
        .output()
        .expect("running kubectl");
    let said = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(said == "yes" || said == "no", "kubectl said {said:?}");
    said == "yes"
}

async fn generated_roles(admin: &Client, namespace: &str, model: &str) -> Vec<String> {
    let mut names: Vec<String> = Api::<Role>::namespaced(admin.clone(), namespace)
        .list(&ListParams::default().labels(&format!("{MODEL_ROLE_LABEL}={model}")))
        .await
        .unwrap()
        .items
        .iter()
        .map(|role| role.name_any())
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invoker_grant_opens_its_model_and_no_other_model_beside_it() {
    let cluster = support::devcluster();
    let ns = cluster.namespace("model-grants").await;
    let admin = cluster.client().await;
    let state = app_state().await;
    create_served_model(&ns, "fraud-scorer", "Confidential").await;
    create_served_model(&ns, "fraud-other", "Confidential").await;
    let alice = session("alice", &["fraud-team"], false);
    let bob = session("bob", &["fraud-team", "fraud-leads"], false);

    assert!(
        !may(
            &admin,
            "oidc:alice",
            "create",
            "services",
            Some("proxy"),
            &ns.name,
            "fraud-scorer"
        )
        .await
    );
    let request = service::submit(
        &state.access,
        &alice,
        NewRequest {
            namespace: ns.name.clone(),
            model: "fraud-scorer".into(),
            level: "invoker".into(),
            duration: "1h".into(),
            justification: String::new(),
            extends: None,
            emergency: false,
            starts_at: None,
        },
    )
    .await
    .expect("a request for a generated level is filed");
    let approved = service::review(
        &state.access,
        &bob,
        &ns.name,
        &request.name_any(),
        Decision::Approve,
        String::new(),
    )
    .await
    .unwrap();
    assert_eq!(approved.phase(), Phase::Active);
    let role = approved.status.unwrap().granted_role_ref.unwrap();
    assert_eq!(role.name, "aigov-model-fraud-scorer-invoker");

    // Her own model, by every name the proxy path gives it.
    support::wait_until(
        Duration::from_secs(10),
        "alice may call fraud-scorer",
        || {
            let admin = admin.clone();
            let ns = ns.name.clone();
            async move {
                may(
                    &admin,
                    "oidc:alice",
                    "create",
                    "services",
                    Some("proxy"),
                    &ns,
                    "fraud-scorer",
                )
                .await
                .then_some(())
            }
        },
    )
    .await;
    for name in ["fraud-scorer:8080", "http:fraud-scorer:8080"] {
        assert!(
            may(
                &admin,
                "oidc:alice",
                "get",
                "services",
                Some("proxy"),
                &ns.name,
                name
            )
            .await,
            "{name}"
        );
    }
    assert!(
        may(
            &admin,
            "oidc:alice",
            "get",
            "models",
            None,
            &ns.name,
            "fraud-scorer"
        )
        .await
    );
    // Not the model beside it, nor the namespace's pods and logs.
    assert!(
        !may(
            &admin,
            "oidc:alice",
            "create",
            "services",
            Some("proxy"),
            &ns.name,
            "fraud-other"
        )
        .await
    );
    assert!(
        !may(
            &admin,
            "oidc:alice",
            "get",
            "models",
            None,
            &ns.name,
            "fraud-other"
        )
        .await
    );
    assert!(!may(&admin, "oidc:alice", "list", "pods", None, &ns.name, "").await);
    assert!(
        !may(
            &admin,
            "oidc:alice",
            "get",
            "pods",
            Some("log"),
            &ns.name,
            "any"
        )
        .await
    );
    // As a person at a terminal would ask.
    assert!(kubectl_can_i_proxy("oidc:alice", &ns.name, "fraud-scorer"));
    assert!(!kubectl_can_i_proxy("oidc:alice", &ns.name, "fraud-other"));
}

#[tokio::test(flavor = "multi_thread")]
async fn generated_roles_follow_their_levels_and_go_with_their_model() {
    let cluster = support::devcluster();
    let ns = cluster.namespace("model-roles").await;
    let admin = cluster.client().await;
    let state = app_state().await;
    let model = create_served_model(&ns, "chargeback-risk", "Internal").await;
    aigov::server::access::model_roles::apply(&state.access.client, &model)
        .await
        .expect("the portal applies the roles of a model");
    assert_eq!(
        generated_roles(&admin, &ns.name, "chargeback-risk").await,
        [
            "aigov-model-chargeback-risk-invoker",
            "aigov-model-chargeback-risk-viewer"
        ]
    );
    let invoker = Api::<Role>::namespaced(admin.clone(), &ns.name)
        .get("aigov-model-chargeback-risk-invoker")
        .await
        .unwrap();
    assert_eq!(invoker.owner_references()[0].uid, model.uid().unwrap());
    assert_eq!(invoker.labels()["aigov.dev/bindable"], "true");

    // The invoker level dropped: its role goes.
    let models = ns.api::<Model>();
    let patch = json!({"spec": {"accessLevels": [{"name": "viewer", "modelRole": "Viewer"}]}});
    let changed = models
        .patch(
            "chargeback-risk",
            &PatchParams::default(),
            &Patch::Merge(&patch),
        )
        .await
        .unwrap();
    aigov::server::access::model_roles::apply(&state.access.client, &changed)
        .await
        .unwrap();
    assert_eq!(
        generated_roles(&admin, &ns.name, "chargeback-risk").await,
        ["aigov-model-chargeback-risk-viewer"]
    );

    // The model deleted: the garbage collector removes what it owned.
    models
        .delete("chargeback-risk", &DeleteParams::default())
        .await
        .unwrap();
    support::wait_until(
        Duration::from_secs(60),
        "the roles go with the model",
        || {
            let admin = admin.clone();
            let ns = ns.name.clone();
            async move {
                generated_roles(&admin, &ns, "chargeback-risk")
                    .await
                    .is_empty()
                    .then_some(())
            }
        },
    )
    .await;
}

/// The portal's refusal to write a Role, from the apiserver's admission.
async fn refused_role(portal: &Api<Role>, role: serde_json::Value) -> String {
    let role: Role = serde_json::from_value(role).unwrap();
    support::wait_until(
        Duration::from_secs(15),
        "admission refuses the role",
        || {
            let portal = portal.clone();
            let role = role.clone();
            async move {
                match portal.create(&PostParams::default(), &role).await {
                    Err(kube::Error::Api(status))
                        if status.code == 403 && status.message.contains("aigov") =>
                    {
                        Some(status.message)
                    }
                    Err(other) => panic!("expected admission's refusal, got {other}"),
                    Ok(_) => {
                        portal
                            .delete(&role.name_any(), &DeleteParams::default())
                            .await
                            .ok();
                        None
                    }
                }
            }
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_portal_writes_no_role_but_the_ones_it_generates_for_a_model() {
    let cluster = support::devcluster();
    let ns = cluster.namespace("model-roles-guard").await;
    let state = app_state().await;
    let portal = Api::<Role>::namespaced(state.access.client.clone(), &ns.name);

    // Labelled as generated, but reaching pods: refused.
    let wide = refused_role(
        &portal,
        json!({
            "metadata": {"name": "sneaky", "labels": {MODEL_ROLE_LABEL: "x"}},
            "rules": [{"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get"], "resourceNames": ["p"]}],
        }),
    )
    .await;
    assert!(wide.contains("names only a model's own objects"), "{wide}");
    // Any name at all: refused.
    let unnamed = refused_role(
        &portal,
        json!({
            "metadata": {"name": "sneaky", "labels": {MODEL_ROLE_LABEL: "x"}},
            "rules": [{"apiGroups": [""], "resources": ["services/proxy"], "verbs": ["create"]}],
        }),
    )
    .await;
    assert!(
        unnamed.contains("names only a model's own objects"),
        "{unnamed}"
    );
    // Not labelled as generated: refused.
    let unlabelled = refused_role(
        &portal,
        json!({
            "metadata": {"name": "sneaky"},
            "rules": [{"apiGroups": [""], "resources": ["services/proxy"], "verbs": ["create"], "resourceNames": ["s"]}],
        }),
    )
    .await;
    assert!(
        unlabelled.contains("only the Roles it generates"),
        "{unlabelled}"
    );
    // Nor may it delete a Role it did not generate.
    let admin = Api::<Role>::namespaced(cluster.client().await, &ns.name);
    let theirs: Role = serde_json::from_value(json!({
        "metadata": {"name": "team-role"},
        "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}],
    }))
    .unwrap();
    admin.create(&PostParams::default(), &theirs).await.unwrap();
    let deleted = portal.delete("team-role", &DeleteParams::default()).await;
    assert!(
        matches!(&deleted, Err(kube::Error::Api(status)) if status.code == 403),
        "{deleted:?}"
    );
    assert!(admin.get_opt("team-role").await.unwrap().is_some());
}
