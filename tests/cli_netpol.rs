//! `aigov netpol` run as a user would, on the fixtures in tests/fixtures.
#![cfg(feature = "ssr")]

use std::process::{Command, Output};

use serde_json::{Value, json};

fn fixture(path: &str) -> String {
    format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))
}

fn aigov(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aigov"))
        .args(args)
        .output()
        .expect("aigov runs")
}

fn connections(path: &str) -> Vec<Value> {
    let out = aigov(&["netpol", "connlist", "--format", "json", path]);
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert_eq!(
        doc.as_object().unwrap().len(),
        1,
        "only `connections` at the top"
    );
    doc["connections"]
        .as_array()
        .expect("connections array")
        .clone()
}

fn workload(namespace: &str, name: &str, kind: &str) -> Value {
    json!({"namespace": namespace, "name": name, "kind": kind})
}

fn ports_between(connections: &[Value], from: &Value, to: &Value) -> Option<Value> {
    connections
        .iter()
        .find(|c| &c["from"] == from && &c["to"] == to)
        .map(|c| c["ports"].clone())
}

#[test]
fn connlist_json_has_the_allowed_workload_connections_and_ports() {
    let conns = connections(&fixture("netpol/shop"));
    let frontend = workload("shop", "frontend", "Deployment");
    let backend = workload("shop", "backend", "Deployment");
    let db = workload("shop", "db", "StatefulSet");
    let prometheus = workload("monitoring", "prometheus", "Deployment");
    let coredns = workload("kube-system", "coredns-5d78c9869d", "ReplicaSet");
    // Named port `http` resolves to the backend's 8080.
    assert_eq!(
        ports_between(&conns, &frontend, &backend),
        Some(json!([{"protocol": "TCP", "port": 8080}]))
    );
    assert_eq!(
        ports_between(&conns, &backend, &db),
        Some(json!([{"protocol": "TCP", "port": 5432}]))
    );
    assert_eq!(
        ports_between(&conns, &backend, &coredns),
        Some(json!([{"protocol": "UDP", "port": 53}]))
    );
    // namespaceSelector and podSelector in one peer: prometheus in the
    // labelled namespace, on the named port `metrics`.
    assert_eq!(
        ports_between(&conns, &prometheus, &backend),
        Some(json!([{"protocol": "TCP", "port": 9090}]))
    );
    assert_eq!(ports_between(&conns, &frontend, &db), None);
    assert_eq!(ports_between(&conns, &db, &backend), None);
    assert_eq!(ports_between(&conns, &prometheus, &db), None);
    // Unisolated workloads talk freely.
    assert_eq!(
        ports_between(&conns, &coredns, &prometheus),
        Some(json!("all"))
    );
}

#[test]
fn connlist_reports_outside_addresses_as_cidr_blocks() {
    let conns = connections(&fixture("netpol/shop"));
    let frontend = workload("shop", "frontend", "Deployment");
    let prometheus = workload("monitoring", "prometheus", "Deployment");
    assert_eq!(
        ports_between(&conns, &prometheus, &json!({"cidr": "0.0.0.0/0"})),
        Some(json!("all"))
    );
    // 0.0.0.0/0 except 10.0.0.0/8 on the frontend's named port 3000.
    let sources: Vec<&str> = conns
        .iter()
        .filter(|c| c["to"] == frontend && c["from"].get("cidr").is_some())
        .map(|c| c["from"]["cidr"].as_str().unwrap())
        .collect();
    assert_eq!(sources.len(), 8, "{sources:?}");
    assert!(sources.contains(&"11.0.0.0/8") && sources.contains(&"128.0.0.0/1"));
    assert!(!sources.iter().any(|s| s.starts_with("10.")));
    // The shop's egress is isolated: no way out except DNS and the db.
    assert!(
        !conns
            .iter()
            .any(|c| c["from"] == frontend && c["to"].get("cidr").is_some())
    );
}

#[test]
fn connlist_output_is_sorted_and_stable() {
    let first = aigov(&[
        "netpol",
        "connlist",
        "--format",
        "json",
        &fixture("netpol/shop"),
    ]);
    let second = aigov(&[
        "netpol",
        "connlist",
        "--format",
        "json",
        &fixture("netpol/shop"),
    ]);
    assert_eq!(first.stdout, second.stdout);
    let conns = connections(&fixture("netpol/shop"));
    let keys: Vec<String> = conns.iter().map(|c| format!("{}", c["from"])).collect();
    let workloads_first = keys
        .iter()
        .position(|k| k.contains("cidr"))
        .unwrap_or(keys.len());
    assert!(
        keys[workloads_first..].iter().all(|k| k.contains("cidr")),
        "workload sources come before address blocks"
    );
}

#[test]
fn connlist_txt_prints_one_line_per_connection() {
    let out = aigov(&["netpol", "connlist", &fixture("netpol/shop")]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l == "shop/frontend[Deployment] => shop/backend[Deployment] : TCP 8080"),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l == "monitoring/prometheus[Deployment] => 0.0.0.0/0 : All Connections"),
        "{stdout}"
    );
}

#[test]
fn unknown_kinds_are_named_and_text_files_ignored() {
    let out = aigov(&["netpol", "connlist", &fixture("netpol/shop")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("v1/Service kube-dns"), "{stderr}");
    assert!(!stderr.contains("notes.txt"), "{stderr}");
}

#[test]
fn explain_names_the_policy_and_rule_that_allow() {
    let out = aigov(&[
        "netpol",
        "explain",
        &fixture("netpol/shop"),
        "--from",
        "shop/frontend",
        "--to",
        "shop/backend",
        "--port",
        "8080",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let e: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["allowed"], true);
    assert_eq!(
        e["egress"]["allowedBy"],
        json!([{"policy": "shop/frontend", "direction": "egress", "rule": 1}])
    );
    assert_eq!(
        e["ingress"]["allowedBy"],
        json!([{"policy": "shop/backend", "direction": "ingress", "rule": 1}])
    );
}

#[test]
fn explain_denied_names_the_isolating_policies() {
    let out = aigov(&[
        "netpol",
        "explain",
        &fixture("netpol/shop"),
        "--from",
        "shop/frontend",
        "--to",
        "shop/StatefulSet/db",
        "--port",
        "5432",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("DENIED"), "{stdout}");
    assert!(
        stdout.contains("isolated for ingress by shop/default-deny, shop/db"),
        "{stdout}"
    );
}

#[test]
fn explain_from_an_outside_address() {
    let allowed = aigov(&[
        "netpol",
        "explain",
        &fixture("netpol/shop"),
        "--from",
        "203.0.113.9",
        "--to",
        "shop/frontend",
        "--port",
        "3000",
        "--format",
        "json",
    ]);
    let e: Value = serde_json::from_slice(&allowed.stdout).unwrap();
    assert_eq!(e["allowed"], true);
    let denied = aigov(&[
        "netpol",
        "explain",
        &fixture("netpol/shop"),
        "--from",
        "10.1.2.3",
        "--to",
        "shop/frontend",
        "--port",
        "3000",
        "--format",
        "json",
    ]);
    let e: Value = serde_json::from_slice(&denied.stdout).unwrap();
    assert_eq!(e["allowed"], false);
}

#[test]
fn explain_unknown_workload_is_a_usage_error() {
    let out = aigov(&[
        "netpol",
        "explain",
        &fixture("netpol/shop"),
        "--from",
        "shop/nope",
        "--to",
        "shop/db",
        "--port",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("shop/nope"));
}

#[test]
fn broken_files_are_reported_and_the_rest_analysed() {
    let out = aigov(&["netpol", "connlist", "--format", "json", &fixture("broken")]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad-syntax.yaml"));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let survivor = workload("broken", "survivor", "Pod");
    assert!(
        doc["connections"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["from"] == survivor)
    );
}

#[test]
fn no_manifests_is_exit_code_three() {
    assert_eq!(
        aigov(&["netpol", "connlist", &fixture("empty-of-manifests")])
            .status
            .code(),
        Some(3)
    );
}

#[test]
fn isolation_lists_policies_per_direction_and_unprotected_workloads() {
    let out = aigov(&[
        "netpol",
        "isolation",
        "--format",
        "json",
        &fixture("netpol/shop"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let workloads = doc["workloads"].as_array().unwrap();
    let find = |name: &str| {
        workloads
            .iter()
            .find(|w| w["workload"]["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(
        find("db")["ingressPolicies"],
        json!(["shop/db", "shop/default-deny"])
    );
    assert_eq!(find("db")["egressPolicies"], json!(["shop/default-deny"]));
    assert_eq!(find("prometheus")["ingressPolicies"], json!([]));
    assert_eq!(find("prometheus")["egressPolicies"], json!([]));
}
