//! Models that tests create in their own namespaces.

use aigov::crd::Model;
use kube::api::PostParams;
use serde_json::json;

use super::TestNamespace;

/// `fraud-scorer` in `ns`: one access level (viewer), reviewed by the fraud
/// leads, grants of at most an hour, no justification needed.
pub async fn create_viewer_model(ns: &TestNamespace) -> Model {
    let model: Model = serde_json::from_value(json!({
        "apiVersion": "aigov.dev/v1alpha1",
        "kind": "Model",
        "metadata": {"name": "fraud-scorer"},
        "spec": {
            "displayName": "Fraud scorer",
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
        .expect("creating the model (are the CRDs applied?)")
}

/// A model called `name` in `ns` whose levels are generated roles of its
/// own (viewer, invoker) and the namespace-wide observer level, served by
/// the Service of the same name on port 8080 (KServe V1); reviewed by the
/// fraud leads, grants of at most an hour, no justification needed.
pub async fn create_served_model(ns: &TestNamespace, name: &str, classification: &str) -> Model {
    let model: Model = serde_json::from_value(json!({
        "apiVersion": "aigov.dev/v1alpha1",
        "kind": "Model",
        "metadata": {"name": name},
        "spec": {
            "displayName": name,
            "ownerTeam": "fraud",
            "dataClassification": classification,
            "accessLevels": [
                {"name": "viewer", "modelRole": "Viewer"},
                {"name": "invoker", "modelRole": "Invoker"},
                {"name": "namespace-observer", "roleRef": {"kind": "ClusterRole", "name": "aigov-namespace-observer"}}
            ],
            "serving": {"service": name, "port": 8080, "pathPrefix": format!("/v1/models/{name}")},
            "approvers": {"groups": ["fraud-leads"]},
            "maxDuration": "1h",
            "justificationRequired": false
        }
    }))
    .unwrap();
    ns.api::<Model>()
        .create(&PostParams::default(), &model)
        .await
        .expect("creating the model (are the CRDs applied?)")
}

/// Changes `fraud-scorer` in `ns` as `change` says (an administrator's
/// `kubectl edit`).
pub async fn change_viewer_model(ns: &TestNamespace, change: impl FnOnce(&mut Model)) {
    let api = ns.api::<Model>();
    let mut model = api.get("fraud-scorer").await.unwrap();
    change(&mut model);
    model.metadata.managed_fields = None;
    api.replace("fraud-scorer", &PostParams::default(), &model)
        .await
        .unwrap();
}
