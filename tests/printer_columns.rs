//! What `kubectl get` prints for each of the portal's custom resources:
//! every printer column of every CRD, read from the real apiserver as the
//! Table kubectl receives, against a live object with every column's field
//! set. A cell must say what the field says, never `<invalid>` (how a
//! `date` column renders a time in the future) and never nothing.

mod support;

use aigov::crd::definitions;
use http::header::ACCEPT;
use jiff::{Timestamp, ToSpan};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{
    Api, ApiResource, DynamicObject, GroupVersionKind, Patch, PatchParams, PostParams,
};
use serde_json::{Value, json};

use support::{TestNamespace, devcluster};

const TABLE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io";

/// An object of each kind with every printed field set, times in the past
/// and in the future among them.
fn sample(kind: &str) -> (Value, Option<Value>) {
    let past = (Timestamp::now() - 2.hours()).to_string();
    let future = (Timestamp::now() + 6.hours()).to_string();
    let model = json!({
        "displayName": "Fraud scorer",
        "ownerTeam": "fraud",
        "dataClassification": "Internal",
        "accessLevels": [{"name": "viewer", "roleRef": {"kind": "ClusterRole", "name": "aigov-model-viewer"}}],
        "approvers": {"groups": ["fraud-leads"]},
        "maxDuration": "1h",
        "requiredApprovals": 1,
        "justificationRequired": false
    });
    let asked = json!({
        "requester": "alice", "subject": "oidc:alice", "model": "fraud-scorer",
        "level": "viewer", "duration": "1h", "justification": "printer columns"
    });
    let entry =
        json!({"at": past, "actor": "bob", "action": "approved", "phase": "Active", "comment": ""});
    match kind {
        "Model" => (model, None),
        "AccessRequest" => (
            asked.clone(),
            Some(json!({
                "phase": "Active",
                "grantedAt": past,
                "expiresAt": future,
                "roleBinding": "aigov-fraud-scorer-alice",
                "grantedRoleRef": {"kind": "ClusterRole", "name": "aigov-model-viewer"},
                "history": [entry]
            })),
        ),
        "AccessRecord" => (
            json!({
                "request": {"namespace": "fraud-detection", "name": "fraud-scorer-alice-x", "uid": "u-1"},
                "asked": asked,
                "index": 0,
                "entry": entry
            }),
            None,
        ),
        "ModelUsage" => (
            json!({"model": "fraud-scorer", "day": past[..10], "calls": 3, "lastUsed": past}),
            None,
        ),
        "GovernancePolicy" => (
            json!({"description": "printer columns", "defaultEnvironment": "sandbox"}),
            None,
        ),
        "PolicyException" => (
            json!({
                "requester": "alice", "workloads": {"names": ["fraud-scorer"]},
                "rules": ["resources.requests", "images.latest-tag"],
                "reason": "printer columns", "duration": "7d"
            }),
            Some(json!({"phase": "Active", "approvedAt": past, "expiresAt": future})),
        ),
        "Recertification" => (
            json!({
                "startedBy": "carol", "namespaces": [], "deadline": future,
                "onDeadline": "Revoke"
            }),
            Some(json!({"phase": "Open", "items": []})),
        ),
        other => panic!("no sample for {other}: add one so its columns are checked"),
    }
}

/// The value at a printer column's JSON path (`.a.b.c`).
fn at_path<'v>(object: &'v Value, path: &str) -> &'v Value {
    path.trim_start_matches('.')
        .split('.')
        .fold(object, |value, key| &value[key])
}

async fn create(
    ns: &TestNamespace,
    crd: &CustomResourceDefinition,
) -> (Api<DynamicObject>, DynamicObject) {
    let client = devcluster().client().await;
    let version = &crd.spec.versions[0].name;
    let gvk = GroupVersionKind::gvk(&crd.spec.group, version, &crd.spec.names.kind);
    let resource = ApiResource::from_gvk_with_plural(&gvk, &crd.spec.names.plural);
    let api: Api<DynamicObject> = if crd.spec.scope == "Namespaced" {
        Api::namespaced_with(client, &ns.name, &resource)
    } else {
        Api::all_with(client, &resource)
    };
    let (spec, status) = sample(&crd.spec.names.kind);
    let name = support::unique_name("columns");
    let object: DynamicObject = serde_json::from_value(json!({
        "apiVersion": resource.api_version, "kind": resource.kind,
        "metadata": {"name": name}, "spec": spec
    }))
    .unwrap();
    let created = api
        .create(&PostParams::default(), &object)
        .await
        .unwrap_or_else(|e| panic!("creating a {}: {e}", resource.kind));
    let live = match status {
        None => created,
        Some(status) => api
            .patch_status(
                &name,
                &PatchParams::default(),
                &Patch::Merge(json!({"status": status})),
            )
            .await
            .unwrap_or_else(|e| panic!("setting the status of a {}: {e}", resource.kind)),
    };
    (api, live)
}

#[tokio::test]
async fn every_printer_column_prints_its_field() {
    let ns = devcluster().namespace("columns").await;
    let client = devcluster().client().await;
    let mut problems = Vec::new();
    for crd in definitions() {
        let kind = crd.spec.names.kind.clone();
        let (api, live) = create(&ns, &crd).await;
        let name = live.metadata.name.clone().unwrap();
        let object = serde_json::to_value(&live).unwrap();
        let url = format!("{}/{name}", api.resource_url());
        let request = http::Request::get(url)
            .header(ACCEPT, TABLE)
            .body(Vec::new())
            .unwrap();
        let table: Value = client
            .request(request)
            .await
            .expect("the Table of the object");
        let columns = table["columnDefinitions"].as_array().expect("columns");
        let cells = table["rows"][0]["cells"].as_array().expect("one row");
        let printed = crd.spec.versions[0]
            .additional_printer_columns
            .clone()
            .unwrap_or_default();
        assert!(!printed.is_empty(), "{kind} prints no column of its own");
        for column in printed {
            let index = columns
                .iter()
                .position(|c| c["name"] == column.name)
                .unwrap_or_else(|| panic!("{kind}: column {} not in the Table", column.name));
            let cell = &cells[index];
            let field = at_path(&object, &column.json_path);
            let shown = cell.as_str().map(str::to_owned).unwrap_or(cell.to_string());
            let wrong = match column.type_.as_str() {
                _ if shown.is_empty() || shown == "<none>" => Some("is empty"),
                _ if shown == "<invalid>" => Some("prints <invalid>"),
                "date"
                    if field.as_str().and_then(|t| t.parse::<Timestamp>().ok())
                        > Some(Timestamp::now()) =>
                {
                    Some("is a date column holding a future time")
                }
                "string" if field.is_string() && Some(shown.as_str()) != field.as_str() => {
                    Some("does not print the field as it is")
                }
                "string"
                    if field.is_array()
                        && !field
                            .as_array()
                            .unwrap()
                            .iter()
                            .all(|v| shown.contains(v.as_str().unwrap_or("?"))) =>
                {
                    Some("does not print every item of the list")
                }
                "integer"
                    if Some(shown.as_str()) != field.as_i64().map(|n| n.to_string()).as_deref() =>
                {
                    Some("does not print the number")
                }
                _ => None,
            };
            if let Some(wrong) = wrong {
                problems.push(format!(
                    "{kind} column {:?} ({} at {}) {wrong}: cell {shown:?}, field {field}",
                    column.name, column.type_, column.json_path
                ));
            }
        }
        if crd.spec.scope != "Namespaced" {
            api.delete(&name, &Default::default()).await.ok();
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}
