//! `aigov netpol` on manifests holding network guardrails
//! (tests/fixtures/guardrails: the demo cluster's guardrails, written as
//! AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy).
#![cfg(feature = "ssr")]

use std::process::{Command, Output};

use serde_json::{Value, json};

fn fixture() -> String {
    format!("{}/tests/fixtures/guardrails", env!("CARGO_MANIFEST_DIR"))
}

fn aigov(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aigov"))
        .args(args)
        .output()
        .expect("aigov runs")
}

fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

fn workload(namespace: &str, name: &str) -> Value {
    json!({"namespace": namespace, "name": name, "kind": "Deployment"})
}

fn find<'a>(rows: &'a Value, from: &Value, to: &Value) -> Option<&'a Value> {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|c| &c["from"] == from && &c["to"] == to)
}

fn explain(from: &str, to: &str, port: &str, format: &str) -> Output {
    let fixture = fixture();
    aigov(&[
        "netpol", "explain", &fixture, "--from", from, "--to", to, "--port", port, "--format",
        format,
    ])
}

#[test]
fn connlist_applies_the_guardrails_and_names_the_ones_that_allowed() {
    let doc = json_of(&aigov(&[
        "netpol",
        "connlist",
        "--format",
        "json",
        &fixture(),
    ]));
    assert_eq!(doc.as_object().unwrap().len(), 1, "only `connections`");
    let connections = &doc["connections"];
    let scrape = find(
        connections,
        &workload("monitoring", "prometheus"),
        &workload("fraud-detection", "scorer"),
    )
    .expect("monitoring scrapes the scorer");
    assert_eq!(scrape["ports"], json!([{"protocol": "TCP", "port": 9090}]));
    assert_eq!(
        scrape["allowedByGuardrails"],
        json!(["AdminNetworkPolicy/monitoring-scrapes-models"])
    );
    let internet = json!({"cidr": "0.0.0.0/0"});
    assert!(find(connections, &workload("llm", "chat"), &internet).is_none());
    assert!(find(connections, &workload("llm", "egress-gateway"), &internet).is_some());
    assert!(
        find(
            connections,
            &workload("sandbox", "notebook"),
            &workload("vision", "detector")
        )
        .is_none()
    );
}

#[test]
fn connlist_explain_lists_what_the_guardrails_deny() {
    let doc = json_of(&aigov(&[
        "netpol",
        "connlist",
        "--explain",
        "--format",
        "json",
        &fixture(),
    ]));
    let denials = &doc["guardrailDenials"];
    let internet = find(
        denials,
        &workload("llm", "chat"),
        &json!({"cidr": "0.0.0.0/0"}),
    )
    .expect("the chat model's internet access is denied");
    assert_eq!(internet["ports"], "all");
    assert_eq!(
        internet["guardrails"],
        json!(["AdminNetworkPolicy/model-egress"])
    );
    let sandbox = find(
        denials,
        &workload("sandbox", "notebook"),
        &workload("vision", "detector"),
    )
    .expect("sandbox to vision is denied");
    assert_eq!(
        sandbox["guardrails"],
        json!([
            "AdminNetworkPolicy/monitoring-scrapes-models",
            "BaselineAdminNetworkPolicy/default"
        ])
    );
    let txt = aigov(&["netpol", "connlist", "--explain", &fixture()]);
    let stdout = String::from_utf8_lossy(&txt.stdout);
    assert!(
        stdout.contains("monitoring/prometheus[Deployment] => fraud-detection/scorer[Deployment] : TCP 9090  (allowed by AdminNetworkPolicy/monitoring-scrapes-models)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("llm/chat[Deployment] => 0.0.0.0/0 : All Connections  (denied by AdminNetworkPolicy/model-egress)"),
        "{stdout}"
    );
}

#[test]
fn explain_names_the_admin_rule_that_denies_the_internet() {
    let out = explain("llm/chat", "203.0.113.9", "443", "txt");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("DENIED"), "{stdout}");
    assert!(
        stdout.contains("egress:  [Admin tier] denied by egress rule #2 (no-internet) of AdminNetworkPolicy/model-egress (priority 10): Deny"),
        "{stdout}"
    );
    let e = json_of(&explain("llm/chat", "203.0.113.9", "443", "json"));
    assert_eq!(e["egress"]["layer"], "admin");
    assert_eq!(
        e["egress"]["decidedBy"],
        json!({"guardrail": "AdminNetworkPolicy/model-egress", "tier": "Admin", "priority": 10,
            "direction": "egress", "rule": 2, "name": "no-internet", "action": "Deny"})
    );
    let gateway = json_of(&explain("llm/egress-gateway", "203.0.113.9", "443", "json"));
    assert_eq!(gateway["allowed"], true);
    assert_eq!(gateway["egress"]["layer"], "default");
}

#[test]
fn explain_names_the_baseline_rule_where_no_network_policy_isolates() {
    let out = explain("sandbox/notebook", "vision/detector", "8080", "txt");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("ingress: [Baseline tier] denied by ingress rule #1 (other-namespaces) of BaselineAdminNetworkPolicy/default: Deny (no NetworkPolicy isolates vision/detector[Deployment] for ingress)"),
        "{stdout}"
    );
    // The egress side was passed on by model-egress, which comes first
    // (priority 10) and so shadows sandbox-never-reaches-production (20).
    assert!(
        stdout.contains("egress:  [default] passed on by egress rule #1 (in-cluster) of AdminNetworkPolicy/model-egress (priority 10): Pass; allowed"),
        "{stdout}"
    );
}

#[test]
fn explain_shows_the_network_policy_deciding_after_the_admin_tier() {
    let e = json_of(&explain(
        "vision/detector",
        "fraud-detection/scorer",
        "8080",
        "json",
    ));
    assert_eq!(e["allowed"], true);
    assert_eq!(e["ingress"]["layer"], "networkPolicy");
    assert_eq!(
        e["ingress"]["allowedBy"],
        json!([{"policy": "fraud-detection/scorer", "direction": "ingress", "rule": 1}])
    );
    let scrape = json_of(&explain(
        "vision/detector",
        "fraud-detection/scorer",
        "9090",
        "json",
    ));
    assert_eq!(scrape["allowed"], false);
    assert_eq!(scrape["ingress"]["layer"], "admin");
    assert_eq!(scrape["ingress"]["decidedBy"]["name"], "no-other-scrapers");
}
