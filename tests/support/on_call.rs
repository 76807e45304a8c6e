//! The `on-call` model of the emergency-access tests, and an emergency
//! activation of it.

use aigov::crd::Model;
use aigov::server::access::service::NewRequest;
use kube::api::PostParams;
use serde_json::json;

use super::TestNamespace;

/// `on-call` in `ns`: the llm team (and frank by name) may activate viewer
/// access for at most 1h; the fraud leads approve and review.
pub async fn create_on_call_model(ns: &TestNamespace) {
    let model: Model = serde_json::from_value(json!({
        "apiVersion": "aigov.dev/v1alpha1",
        "kind": "Model",
        "metadata": {"name": "on-call"},
        "spec": {
            "displayName": "On call",
            "ownerTeam": "fraud",
            "dataClassification": "Confidential",
            "accessLevels": [
                {"name": "viewer", "roleRef": {"kind": "ClusterRole", "name": "aigov-model-viewer"}},
                {"name": "invoker", "roleRef": {"kind": "ClusterRole", "name": "aigov-model-invoker"}}
            ],
            "approvers": {"groups": ["fraud-leads"]},
            "maxDuration": "8h",
            "breakGlass": {"groups": ["llm-team"], "users": ["frank"], "levels": ["viewer"]}
        }
    }))
    .unwrap();
    ns.api::<Model>()
        .create(&PostParams::default(), &model)
        .await
        .expect("creating the model (are the CRDs applied?)");
}

pub fn emergency(ns: &TestNamespace, level: &str, justification: &str) -> NewRequest {
    NewRequest {
        namespace: ns.name.clone(),
        model: "on-call".into(),
        level: level.into(),
        duration: "30m".into(),
        justification: justification.into(),
        extends: None,
        emergency: true,
        starts_at: None,
    }
}
