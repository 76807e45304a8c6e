//! Tests of the guardrail store.
use super::*;
use serde_json::json;

fn dynamic(kind: &str, version: &str, value: serde_json::Value) -> DynamicObject {
    let mut value = value;
    value["apiVersion"] = json!(format!("{API_GROUP}/{version}"));
    value["kind"] = json!(kind);
    serde_json::from_value(value).unwrap()
}

fn anp(name: &str, priority: i32) -> DynamicObject {
    dynamic(
        "AdminNetworkPolicy",
        "v1alpha1",
        json!({"metadata": {"name": name}, "spec": {"priority": priority,
            "subject": {"namespaces": {}},
            "egress": [{"name": "no-internet", "action": "Deny",
                        "to": [{"networks": ["0.0.0.0/0"]}]}]}}),
    )
}

#[test]
fn objects_are_read_with_the_version_they_were_listed_as() {
    let cnp = dynamic(
        "ClusterNetworkPolicy",
        "v1beta1",
        json!({"metadata": {"name": "sandbox"}, "spec": {"tier": "Admin", "priority": 20,
            "subject": {"namespaces": {"matchLabels": {"env": "sandbox"}}},
            "egress": [{"name": "no-prod", "action": "Deny",
                "to": [{"namespaces": {"matchLabels": {"env": "prod"}}}]}]}}),
    );
    let guardrail = decode("v1beta1", &cnp).unwrap();
    assert_eq!(guardrail.full_name(), "ClusterNetworkPolicy/sandbox");
    assert_eq!(guardrail.version, "v1beta1");
    assert_eq!(guardrail.priority, 20);
}

#[test]
fn an_unreadable_guardrail_is_left_out_and_counted() {
    let mut state = KindState::default();
    apply(&mut state, "AdminNetworkPolicy", "v1alpha1", &anp("ok", 1));
    let broken = dynamic(
        "AdminNetworkPolicy",
        "v1alpha1",
        json!({"metadata": {"name": "broken"}, "spec": {"priority": 5000,
            "subject": {"namespaces": {}}}}),
    );
    apply(&mut state, "AdminNetworkPolicy", "v1alpha1", &broken);
    assert_eq!(state.objects.keys().collect::<Vec<_>>(), ["ok"]);
    assert_eq!(state.unreadable.keys().collect::<Vec<_>>(), ["broken"]);
    // Fixed: read again, no longer counted.
    apply(
        &mut state,
        "AdminNetworkPolicy",
        "v1alpha1",
        &anp("broken", 5),
    );
    assert!(state.unreadable.is_empty());
    assert_eq!(state.objects.len(), 2);
}

fn offline_client() -> kube::Client {
    crate::server::kube::install_crypto_provider();
    let config = kube::Config::new("http://127.0.0.1:9".parse().unwrap());
    kube::Client::try_from(config).unwrap()
}

#[tokio::test]
async fn the_store_keeps_at_most_the_bound_in_evaluation_order() {
    let store = GuardrailStore::start(offline_client());
    {
        let mut kinds = store.shared.kinds.lock().unwrap();
        for i in 0..(MAX_GUARDRAILS + 7) {
            let name = format!("g-{i:05}");
            let guardrail = decode("v1alpha1", &anp(&name, (i % 1000) as i32)).expect("readable");
            kinds[0].objects.insert(name, Arc::new(guardrail));
        }
    }
    let snapshot = store.snapshot();
    assert_eq!(snapshot.guardrails.len(), MAX_GUARDRAILS);
    assert_eq!(snapshot.dropped, 7);
    let keys: Vec<_> = snapshot.guardrails.iter().map(|g| g.order_key()).collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "evaluation order");
    assert_eq!(snapshot.guardrails[0].priority, 0);
}

#[tokio::test]
async fn an_unreachable_apiserver_settles_the_kinds_as_unavailable_and_empty() {
    let store = GuardrailStore::start(offline_client());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        store
            .statuses()
            .iter()
            .all(|(_, status)| *status == KindStatus::Unavailable),
        "{:?}",
        store.statuses()
    );
    assert!(store.settled(Duration::from_millis(50)).await);
    assert!(store.snapshot().guardrails.is_empty());
}
