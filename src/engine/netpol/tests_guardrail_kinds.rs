//! Both generations of the API judged alike: AdminNetworkPolicy and
//! BaselineAdminNetworkPolicy (`v1alpha1`) against the same guardrails
//! written as ClusterNetworkPolicy (`v1alpha2`: tiers, `Accept`,
//! `protocols`), and a cluster holding both.

use super::tests::{ports, tcp};
use super::tests_guardrails::{anp, world};
use super::*;

const V1ALPHA1: &str = r#"---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: shield}
spec:
  priority: 10
  subject: {namespaces: {matchLabels: {env: prod}}}
  ingress:
  - name: https-from-sandbox
    action: Allow
    from: [{namespaces: {matchLabels: {env: sandbox}}}]
    ports: [{portNumber: {protocol: TCP, port: 443}}, {portRange: {protocol: UDP, start: 5000, end: 5010}}]
  - name: sandbox-to-policies
    action: Pass
    from: [{namespaces: {matchLabels: {env: sandbox}}}]
    ports: [{namedPort: http}]
  egress:
  - name: no-documentation-net
    action: Deny
    to: [{networks: [192.0.2.0/24]}]
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: {namespaces: {matchLabels: {env: prod}}}
  ingress:
  - name: no-sandbox
    action: Deny
    from: [{namespaces: {matchLabels: {env: sandbox}}}]
"#;

const V1ALPHA2: &str = r#"---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: shield}
spec:
  tier: Admin
  priority: 10
  subject: {namespaces: {matchLabels: {env: prod}}}
  ingress:
  - name: https-from-sandbox
    action: Accept
    from: [{namespaces: {matchLabels: {env: sandbox}}}]
    protocols: [{tcp: {destinationPort: {number: 443}}}, {udp: {destinationPort: {range: {start: 5000, end: 5010}}}}]
  - name: sandbox-to-policies
    action: Pass
    from: [{namespaces: {matchLabels: {env: sandbox}}}]
    protocols: [{destinationNamedPort: http}]
  egress:
  - name: no-documentation-net
    action: Deny
    to: [{networks: [192.0.2.0/24]}]
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: default}
spec:
  tier: Baseline
  priority: 1000
  subject: {namespaces: {matchLabels: {env: prod}}}
  ingress:
  - name: no-sandbox
    action: Deny
    from: [{namespaces: {matchLabels: {env: sandbox}}}]
"#;

/// The connections as text, without the names of the guardrails (their
/// kinds differ between the generations).
fn connlist(c: &Cluster) -> Vec<String> {
    Analysis::new(c)
        .connections()
        .iter()
        .map(|conn| format!("{} => {} : {}", conn.from, conn.to, conn.ports))
        .collect()
}

fn denials(c: &Cluster) -> Vec<String> {
    Analysis::new(c)
        .guardrail_denials()
        .iter()
        .map(|d| format!("{} => {} : {}", d.from, d.to, d.ports))
        .collect()
}

#[test]
fn both_generations_give_the_same_connections_and_denials() {
    let (old, new) = (world(V1ALPHA1), world(V1ALPHA2));
    assert_eq!(connlist(&old), connlist(&new));
    assert_eq!(denials(&old), denials(&new));
    let mut expected = tcp(443);
    expected.add_range(Protocol::Udp, 5000, 5010);
    // The Pass on http (8080) reaches the Baseline, which denies it.
    assert_eq!(ports(&old, "b/client", "a/web"), expected);
    assert!(ports(&old, "a/client", "a/web").is_all());
    assert!(!connlist(&old).iter().any(|l| l.contains("=> 192.0.2.0/24")));
}

#[test]
fn a_network_policy_decides_what_the_pass_hands_on_in_both_generations() {
    let policy = "---\nkind: NetworkPolicy\nmetadata: {name: web, namespace: a}\nspec: {podSelector: {}, ingress: [{ports: [{port: 8080}, {port: 443}]}]}\n";
    for guardrails in [V1ALPHA1, V1ALPHA2] {
        let c = world(&(guardrails.to_string() + policy));
        let mut expected = tcp(443);
        expected.add_range(Protocol::Udp, 5000, 5010);
        expected.add_range(Protocol::Tcp, 8080, 8080);
        assert_eq!(ports(&c, "b/client", "a/web"), expected);
    }
}

#[test]
fn accept_and_allow_are_named_as_each_resource_names_them() {
    let old = world(V1ALPHA1);
    let new = world(V1ALPHA2);
    let guardrails = |c: &Cluster| {
        Analysis::new(c)
            .connections()
            .into_iter()
            .find(|conn| {
                conn.from.to_string() == "b/client[Pod]" && conn.to.to_string() == "a/web[Pod]"
            })
            .unwrap()
            .guardrails
    };
    assert_eq!(guardrails(&old), ["AdminNetworkPolicy/shield"]);
    assert_eq!(guardrails(&new), ["ClusterNetworkPolicy/shield"]);
}

#[test]
fn a_cluster_holding_both_generations_orders_them_by_priority_then_name() {
    let cnp = |name: &str, priority: i32| {
        format!(
            "---\napiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata: {{name: {name}}}\nspec:\n  tier: Admin\n  priority: {priority}\n  subject: {{namespaces: {{matchLabels: {{env: prod}}}}}}\n  ingress: [{{action: Accept, from: [{{namespaces: {{}}}}]}}]\n"
        )
    };
    let deny = |name: &str, priority: i32| {
        anp(
            name,
            priority,
            "a",
            "  ingress: [{action: Deny, from: [{namespaces: {}}]}]\n",
        )
    };
    let accept_first = world(&(deny("deny", 10) + &cnp("accept", 5)));
    assert!(ports(&accept_first, "b/client", "a/web").is_all());
    let deny_first = world(&(deny("deny", 5) + &cnp("accept", 10)));
    assert!(ports(&deny_first, "b/client", "a/web").is_empty());
    // Equal priorities: the name decides.
    let by_name = world(&(deny("a-deny", 7) + &cnp("b-accept", 7)));
    assert!(ports(&by_name, "b/client", "a/web").is_empty());
    let by_name = world(&(deny("b-deny", 7) + &cnp("a-accept", 7)));
    assert!(ports(&by_name, "b/client", "a/web").is_all());
}

#[test]
fn a_baseline_cluster_network_policy_goes_before_the_baseline_admin_network_policy() {
    let cnp = "---\napiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata: {name: z-open}\nspec:\n  tier: Baseline\n  priority: 1000\n  subject: {namespaces: {}}\n  ingress: [{action: Accept, from: [{namespaces: {}}], protocols: [{tcp: {destinationPort: {number: 443}}}]}]\n";
    let c = world(&(V1ALPHA1.to_string() + cnp));
    let mut expected = tcp(443);
    expected.add_range(Protocol::Udp, 5000, 5010);
    assert_eq!(ports(&c, "b/client", "a/web"), expected);
    // Pass at the Baseline tier goes to the default.
    let pass = "---\napiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata: {name: pass}\nspec:\n  tier: Baseline\n  priority: 1\n  subject: {namespaces: {}}\n  ingress: [{action: Pass, from: [{namespaces: {}}]}]\n";
    let c = world(&(V1ALPHA1.to_string() + pass));
    assert!(ports(&c, "b/client", "a/web").is_all());
}
