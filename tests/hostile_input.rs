//! Hostile input across modules: ID token claims on their way to the
//! impersonation headers, manifests on their way to the network analysis,
//! and query strings on their way through axum's extractor to the filters.
//! Whatever arrives, the answer is a value or an error in words, never a
//! panic; and what the portal passes on is what it was given.

use std::collections::HashMap;

use aigov::cli::manifests::{Loaded, load_text};
use aigov::engine::netpol::{Analysis, Cluster};
use aigov::engine::oversight::audit_trail::{AuditFilter, KNOWN_ACTIONS};
use aigov::engine::oversight::grants::GrantsFilter;
use aigov::server::auth::claims::{ClaimMapping, ClaimsError};
use aigov::server::kube::impersonation::impersonation_headers;
use aigov::wire::audit_trail::AuditFilterValues;
use aigov::wire::cluster_filter::ClusterFilter;
use aigov::wire::cluster_grants::GrantsFilterValues;
use aigov::wire::logs::LogQuery;
use axum::extract::Query;
use axum::http::Uri;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

#[path = "../src/hostile.rs"]
#[allow(dead_code)]
mod hostile;

use hostile::{config, hostile_string, mixed, piece};

fn mapping(prefix: &str) -> ClaimMapping {
    ClaimMapping {
        username_claim: "preferred_username".into(),
        groups_claim: "groups".into(),
        kube_username_prefix: prefix.into(),
        kube_groups_prefix: prefix.into(),
        manager_groups: vec!["governance".into()],
    }
}

fn claim_value() -> impl Strategy<Value = Value> {
    let name = mixed(Just("alice".to_owned()));
    prop_oneof![
        4 => name.clone().prop_map(Value::String),
        1 => prop::sample::select(vec![" alice", "alice ", "alice\t", "\u{a0}alice"])
            .prop_map(|name| Value::String(name.to_owned())),
        2 => prop::collection::vec(name.clone().prop_map(Value::String), 0..4).prop_map(Value::Array),
        1 => Just(Value::Null),
        1 => prop_oneof![any::<i64>().prop_map(Value::from), any::<f64>().prop_map(|f| json!(f))],
        1 => Just(json!([{"nested": ["[[["]}])),
        1 => Just(json!(true)),
    ]
}

/// Loads `text` as a file of manifests.
fn load(text: &str, json: bool) -> Loaded {
    let mut loaded = Loaded::default();
    load_text("hostile.yaml", text, json, &mut loaded);
    loaded
}

const POLICY: &str = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Ingress, Egress]\n  ingress:\n  - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]\n    ports: [{port: 80, endPort: 90}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: a, labels: {app: web}}\nspec: {containers: [{name: c, image: x, ports: [{name: http, containerPort: 80}]}]}\n";

/// `raw` made safe for a URI's query by percent-encoding what a URI may
/// not hold, keeping `&`, `=`, `+` and `%` as they are.
fn as_query(raw: &str) -> String {
    raw.chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '&' | '=' | '+' | '%' | '-' | '.' | '_' | '~' => {
                c.to_string()
            }
            other => other
                .to_string()
                .bytes()
                .map(|b| format!("%{b:02X}"))
                .collect(),
        })
        .collect()
}

fn raw_query() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "user",
        "model",
        "namespace",
        "action",
        "from",
        "to",
        "page",
        "q",
        "min",
        "max",
        "sort",
        "order",
        "tail",
        "since",
        "search",
        "pod",
    ]);
    prop::collection::vec((key, hostile_string(), piece()), 0..8).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(key, value, glue)| format!("{key}={value}{glue}"))
            .collect::<Vec<_>>()
            .join("&")
    })
}

#[test]
fn a_yaml_bomb_is_refused_quickly() {
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (i, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().enumerate() {
        let previous = ["a", "b", "c", "d", "e", "f", "g", "h"][i];
        bomb.push_str(&format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{previous}"); 9].join(",")
        ));
    }
    let started = std::time::Instant::now();
    let loaded = load(&bomb, false);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert!(loaded.objects.is_empty());
    assert_eq!(loaded.problems.len(), 1, "{:?}", loaded.problems);
}

#[test]
fn brackets_nested_too_deep_are_a_problem_not_a_stack_overflow() {
    for (text, json) in [
        ("[".repeat(100_000), true),
        ("[".repeat(100_000), false),
        (format!("a:\n{}", "- ".repeat(50_000)), false),
    ] {
        let loaded = load(&text, json);
        assert!(loaded.objects.is_empty());
        assert_eq!(loaded.problems.len(), 1, "{:?}", loaded.problems);
    }
}

#[test]
fn a_filter_given_twice_is_refused_by_the_extractor_in_words() {
    let uri: Uri = "/audit/export.csv?user=alice&user=mallory".parse().unwrap();
    let rejection = Query::<AuditFilterValues>::try_from_uri(&uri).unwrap_err();
    assert_eq!(rejection.status(), axum::http::StatusCode::BAD_REQUEST);
    assert!(
        rejection
            .body_text()
            .contains("Failed to deserialize query string"),
        "{}",
        rejection.body_text()
    );
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_signed_in_identity_reaches_the_apiserver_unchanged(
        username in claim_value(),
        groups in claim_value(),
        display in claim_value(),
        prefix in prop::sample::select(vec!["oidc:", ""]),
    ) {
        let mapping = mapping(prefix);
        let mut claims = Map::new();
        claims.insert("preferred_username".into(), username);
        claims.insert("groups".into(), groups);
        claims.insert("name".into(), display);
        match mapping.user_from_claims(&claims) {
            Ok(user) => {
                let identity = mapping.kube_identity(&user);
                let headers = impersonation_headers(&identity);
                prop_assert!(headers.is_ok(), "{:?} signed in but cannot be impersonated", identity);
                for ((_, value), name) in headers.unwrap().iter().zip(
                    std::iter::once(&identity.username).chain(&identity.groups),
                ) {
                    // As the apiserver's HTTP server reads it: without the
                    // optional whitespace around a header value.
                    let received = value.as_bytes().trim_ascii();
                    prop_assert_eq!(received, name.as_bytes());
                    prop_assert!(!name.starts_with("system:"));
                }
            }
            Err(error) => {
                prop_assert!(error.to_string().contains("claim") || matches!(error, ClaimsError::ReservedUsername(_)));
            }
        }
    }

    #[test]
    fn any_manifest_text_loads_or_is_a_located_problem(
        text in prop_oneof![hostile_string(), hostile::near_miss(Just(POLICY.to_owned()))],
        json in any::<bool>(),
    ) {
        // Lines as YAML counts them: a lone CR, NEL and the Unicode line
        // and paragraph separators end a line too.
        let lines = 1 + text
            .replace("\r\n", "\n")
            .chars()
            .filter(|c| matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'))
            .count();
        let loaded = load(&text, json);
        for problem in &loaded.problems {
            prop_assert!(!problem.message.is_empty());
            prop_assert!(problem.line.is_none_or(|line| (1..=lines + 1).contains(&line)), "{}", problem);
        }
        let cluster = Cluster::from_objects(&loaded.objects);
        let analysis = Analysis::new(&cluster);
        analysis.connections();
        analysis.isolation();
    }

    #[test]
    fn any_query_string_is_read_by_the_extractor_and_the_filters_without_a_panic(raw in raw_query()) {
        // An address too long for a URI is refused by the HTTP server
        // before any of this runs.
        let Ok(uri) = format!("/audit?{}", as_query(&raw)).parse::<Uri>() else {
            return Ok(());
        };
        if let Ok(Query(values)) = Query::<AuditFilterValues>::try_from_uri(&uri) {
            let actions: Vec<String> = KNOWN_ACTIONS.iter().map(|a| (*a).to_owned()).collect();
            if let Err(problems) = AuditFilter::parse(&values, &actions) {
                prop_assert!(problems.iter().all(|p| p.ends_with('.')), "{:?}", problems);
            }
        }
        if let Ok(Query(values)) = Query::<GrantsFilterValues>::try_from_uri(&uri) {
            GrantsFilter::new(&values);
        }
        let pairs: HashMap<String, String> = Query::try_from_uri(&uri).map(|Query(pairs)| pairs).unwrap_or_default();
        if let Err(message) = ClusterFilter::from_query(|key| pairs.get(key).cloned()) {
            prop_assert!(message.ends_with('.'), "{}", message);
        }
        let logs = LogQuery::from_params(|key| pairs.get(key).cloned());
        prop_assert!((1..=5_000).contains(&logs.tail_lines()));
    }
}
