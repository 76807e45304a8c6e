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
