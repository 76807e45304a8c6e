//! The guardrail tiers, one small case per rule of the network-policy API:
//! Admin guardrails by priority and rule order, then NetworkPolicies, then
//! the Baseline guardrails, then the default.

use super::tests::{cluster, pod, ports, tcp};
use super::*;

/// Namespaces `a` (environment prod) and `b` (environment sandbox), a
/// server `a/web` (container port `http` 8080) and clients `a/client` and
/// `b/client`.
pub(super) fn world(extra: &str) -> Cluster {
    let mut yaml = String::from(
        "---\nkind: Namespace\napiVersion: v1\nmetadata: {name: a, labels: {env: prod}}\n---\nkind: Namespace\napiVersion: v1\nmetadata: {name: b, labels: {env: sandbox}}\n",
    );
    yaml += &pod("a", "web", "app=web", &["http:8080"]);
    yaml += &pod("a", "client", "app=client", &[]);
    yaml += &pod("b", "client", "app=client", &[]);
    yaml += extra;
    cluster(&yaml)
}

/// An AdminNetworkPolicy whose subject is namespace `subject`.
pub(super) fn anp(name: &str, priority: i32, subject: &str, rules: &str) -> String {
    format!(
        "---\napiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {{name: {name}}}\nspec:\n  priority: {priority}\n  subject: {{namespaces: {{matchLabels: {{kubernetes.io/metadata.name: {subject}}}}}}}\n{rules}"
    )
}

/// The BaselineAdminNetworkPolicy (always named `default`).
pub(super) fn banp(subject: &str, rules: &str) -> String {
    format!(
        "---\napiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: {{name: default}}\nspec:\n  subject: {{namespaces: {{matchLabels: {{kubernetes.io/metadata.name: {subject}}}}}}}\n{rules}"
    )
}

/// One ingress rule from the pods of namespace `from`.
pub(super) fn ingress_from(action: &str, from: &str, ports: &str) -> String {
    format!(
        "  ingress:\n  - {{name: r-{}, action: {action}, from: [{{namespaces: {{matchLabels: {{kubernetes.io/metadata.name: {from}}}}}}}]{ports}}}\n",
        action.to_lowercase()
    )
}

const DENY_ALL_INGRESS: &str = "---\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: a}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n";
const ALLOW_8080_INGRESS: &str = "---\nkind: NetworkPolicy\nmetadata: {name: web, namespace: a}\nspec: {podSelector: {}, ingress: [{ports: [{port: 8080}]}]}\n";

#[test]
fn the_lower_priority_number_decides_between_two_admin_policies() {
    let deny_first = anp("deny", 10, "a", &ingress_from("Deny", "b", ""))
        + &anp("allow", 20, "a", &ingress_from("Allow", "b", ""));
    assert!(ports(&world(&deny_first), "b/client", "a/web").is_empty());
    let allow_first = anp("deny", 30, "a", &ingress_from("Deny", "b", ""))
        + &anp("allow", 20, "a", &ingress_from("Allow", "b", ""));
    assert!(ports(&world(&allow_first), "b/client", "a/web").is_all());
}

#[test]
fn within_one_policy_the_first_matching_rule_decides_each_port() {
    let rules = "  ingress:\n  - {action: Allow, from: [{namespaces: {}}], ports: [{portNumber: {port: 80}}]}\n  - {action: Deny, from: [{namespaces: {}}]}\n";
    let c = world(&anp("p", 10, "a", rules));
    assert_eq!(ports(&c, "b/client", "a/web"), tcp(80));
    assert_eq!(ports(&c, "a/client", "a/web"), tcp(80));
}

#[test]
fn pass_hands_the_ports_to_the_network_policies() {
    let guardrails = anp("pass", 10, "a", &ingress_from("Pass", "b", ""))
        + &anp("deny", 20, "a", &ingress_from("Deny", "b", ""));
    let c = world(&(guardrails.clone() + ALLOW_8080_INGRESS));
    assert_eq!(ports(&c, "b/client", "a/web"), tcp(8080));
    // Without a NetworkPolicy nothing decides: the later Admin Deny does
    // not apply, passed ports go on to the default.
    assert!(ports(&world(&guardrails), "b/client", "a/web").is_all());
}

#[test]
fn pass_without_network_policies_reaches_the_baseline() {
    let c = world(
        &(anp("pass", 10, "a", &ingress_from("Pass", "b", ""))
            + &banp("a", &ingress_from("Deny", "b", ""))),
    );
    assert!(ports(&c, "b/client", "a/web").is_empty());
}

#[test]
fn baseline_decides_only_where_no_network_policy_isolates_the_pod() {
    let baseline = banp("a", &ingress_from("Deny", "b", ""));
    assert!(ports(&world(&baseline), "b/client", "a/web").is_empty());
    assert!(ports(&world(&baseline), "a/client", "a/web").is_all());
    let isolated = world(&(baseline + ALLOW_8080_INGRESS));
    assert_eq!(ports(&isolated, "b/client", "a/web"), tcp(8080));
}

#[test]
fn baseline_allow_keeps_ports_open_that_a_later_baseline_rule_denies() {
    let rules = "  ingress:\n  - {action: Allow, from: [{namespaces: {}}], ports: [{portNumber: {port: 443}}]}\n  - {action: Deny, from: [{namespaces: {}}]}\n";
    assert_eq!(
        ports(&world(&banp("a", rules)), "b/client", "a/web"),
        tcp(443)
    );
}

#[test]
fn admin_allow_overrides_a_network_policy_that_denies() {
    let c = world(&(anp("allow", 10, "a", &ingress_from("Allow", "b", "")) + DENY_ALL_INGRESS));
    assert!(ports(&c, "b/client", "a/web").is_all());
    assert!(ports(&c, "a/client", "a/web").is_empty());
}

#[test]
fn egress_allowed_but_ingress_denied_is_denied() {
    let egress = "---\napiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: out}\nspec:\n  priority: 5\n  subject: {namespaces: {matchLabels: {env: sandbox}}}\n  egress: [{action: Allow, to: [{namespaces: {}}]}]\n";
    let c = world(&(egress.to_string() + &anp("in", 10, "a", &ingress_from("Deny", "b", ""))));
    assert!(ports(&c, "b/client", "a/web").is_empty());
    // The same guardrails let a's pods reach b: ingress of b is open.
    assert!(ports(&c, "a/web", "b/client").is_all());
}

#[test]
fn egress_denied_is_denied_whatever_ingress_says() {
    let egress = "---\napiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: out}\nspec:\n  priority: 5\n  subject: {namespaces: {matchLabels: {env: sandbox}}}\n  egress: [{action: Deny, to: [{namespaces: {matchLabels: {env: prod}}}]}]\n";
    let c = world(&(egress.to_string() + &anp("in", 1, "a", &ingress_from("Allow", "b", ""))));
    assert!(ports(&c, "b/client", "a/web").is_empty());
}

#[test]
fn namespace_peers_select_same_and_other_namespaces_by_label() {
    let same = world(&anp("p", 10, "a", &ingress_from("Deny", "a", "")));
    assert!(ports(&same, "a/client", "a/web").is_empty());
    assert!(ports(&same, "b/client", "a/web").is_all());
    let other = world(&anp("p", 10, "a", &ingress_from("Deny", "b", "")));
    assert!(ports(&other, "a/client", "a/web").is_all());
    assert!(ports(&other, "b/client", "a/web").is_empty());
}

#[test]
fn pod_peers_need_both_the_namespace_and_the_pod_labels() {
    let rules = "  ingress:\n  - action: Deny\n    from: [{pods: {namespaceSelector: {matchLabels: {env: sandbox}}, podSelector: {matchLabels: {app: client}}}}]\n";
    let c = world(&(anp("p", 10, "a", rules) + &pod("b", "other", "app=other", &[])));
    assert!(ports(&c, "b/client", "a/web").is_empty());
    assert!(ports(&c, "b/other", "a/web").is_all());
    assert!(ports(&c, "a/client", "a/web").is_all());
}

#[test]
fn pod_subjects_select_only_matching_pods() {
    let subject = "---\napiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: p}\nspec:\n  priority: 1\n  subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}}\n  ingress: [{action: Deny, from: [{namespaces: {}}]}]\n";
    let c = world(subject);
    assert!(ports(&c, "b/client", "a/web").is_empty());
    assert!(ports(&c, "a/web", "a/client").is_all());
}

#[test]
fn named_ports_resolve_against_the_destination_and_ranges_cover_their_ends() {
    let named = ", ports: [{namedPort: http}]";
    let c = world(&anp("p", 10, "a", &ingress_from("Deny", "b", named)));
    assert_eq!(
        ports(&c, "b/client", "a/web"),
        PortSet::all().difference(&tcp(8080))
    );
    let range = ", ports: [{portRange: {protocol: UDP, start: 5000, end: 5010}}]";
    let c = world(&(anp("p", 10, "a", &ingress_from("Allow", "b", range)) + DENY_ALL_INGRESS));
    assert_eq!(
        ports(&c, "b/client", "a/web"),
        PortSet::range(Protocol::Udp, 5000, 5010)
    );
}

#[test]
fn a_guardrail_with_an_unreadable_port_fails_closed() {
    let bad = ", ports: [{portNumber: {protocol: ICMP, port: 1}}]";
    let deny = world(&anp("p", 10, "a", &ingress_from("Deny", "b", bad)));
    assert!(ports(&deny, "b/client", "a/web").is_empty());
    let allow = world(&(anp("p", 10, "a", &ingress_from("Allow", "b", bad)) + DENY_ALL_INGRESS));
    assert!(ports(&allow, "b/client", "a/web").is_empty());
}

#[test]
fn connections_name_the_guardrails_whose_allow_decided_them() {
    let c = world(&(anp("allow", 10, "a", &ingress_from("Allow", "b", "")) + DENY_ALL_INGRESS));
    let connections = Analysis::new(&c).connections();
    let find = |from: &str, to: &str| {
        connections
            .iter()
            .find(|c| c.from.to_string() == from && c.to.to_string() == to)
            .cloned()
    };
    let allowed = find("b/client[Pod]", "a/web[Pod]").unwrap();
    assert_eq!(allowed.guardrails, ["AdminNetworkPolicy/allow"]);
    assert!(
        find("a/web[Pod]", "b/client[Pod]")
            .unwrap()
            .guardrails
            .is_empty()
    );
}

#[test]
fn guardrail_denials_list_flows_the_policies_alone_would_allow() {
    let c = world(
        &(anp(
            "deny",
            10,
            "a",
            &ingress_from("Deny", "b", ", ports: [{portNumber: {port: 8080}}]"),
        ) + ALLOW_8080_INGRESS),
    );
    let denials = Analysis::new(&c).guardrail_denials();
    let rows: Vec<(String, String, String, Vec<String>)> = denials
        .iter()
        .map(|d| {
            (
                d.from.to_string(),
                d.to.to_string(),
                d.ports.to_string(),
                d.guardrails.clone(),
            )
        })
        .collect();
    let row = |to: &str| {
        (
            "b/client[Pod]".to_string(),
            to.to_string(),
            "TCP 8080".to_string(),
            vec!["AdminNetworkPolicy/deny".to_string()],
        )
    };
    assert_eq!(rows, [row("a/client[Pod]"), row("a/web[Pod]")]);
    // Ports the NetworkPolicy denies anyway are not the guardrail's doing.
    assert!(
        Analysis::new(&world(ALLOW_8080_INGRESS))
            .guardrail_denials()
            .is_empty()
    );
}
