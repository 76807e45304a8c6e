use super::*;
use k8s_openapi::api::rbac::v1::ClusterRole;
use serde::Deserialize;

fn rule(groups: &[&str], resources: &[&str], verbs: &[&str]) -> PolicyRule {
    PolicyRule {
        api_groups: Some(groups.iter().map(|g| g.to_string()).collect()),
        resources: Some(resources.iter().map(|r| r.to_string()).collect()),
        verbs: verbs.iter().map(|v| v.to_string()).collect(),
        ..PolicyRule::default()
    }
}

fn named(mut rule: PolicyRule, names: &[&str]) -> PolicyRule {
    rule.resource_names = Some(names.iter().map(|n| n.to_string()).collect());
    rule
}

fn urls(urls: &[&str], verbs: &[&str]) -> PolicyRule {
    PolicyRule {
        non_resource_urls: Some(urls.iter().map(|u| u.to_string()).collect()),
        verbs: verbs.iter().map(|v| v.to_string()).collect(),
        ..PolicyRule::default()
    }
}

fn words(rules: &[PolicyRule]) -> Vec<String> {
    rules_in_words(rules)
}

const READ: &[&str] = &["get", "list", "watch"];

fn shipped_roles() -> BTreeMap<String, ClusterRole> {
    let text = include_str!("../../../../deploy/access-levels.yaml");
    serde_yaml_ng::Deserializer::from_str(text)
        .map(|document| {
            let role = ClusterRole::deserialize(document).expect("a ClusterRole");
            (role.metadata.name.clone().unwrap_or_default(), role)
        })
        .collect()
}

#[test]
fn the_shipped_viewer_level_reads_the_model_and_changes_nothing() {
    let roles = shipped_roles();
    let viewer = &roles["aigov-model-viewer"];
    assert_eq!(
        words(viewer.rules.as_deref().unwrap()),
        [
            "Read pods and their logs",
            "Read services, endpoints, endpoint slices and network policies",
            "Read events",
            "Read models",
        ]
    );
}

#[test]
fn the_shipped_invoker_level_also_calls_the_models_services() {
    let roles = shipped_roles();
    let invoker = &roles["aigov-model-invoker"];
    assert_eq!(
        words(invoker.rules.as_deref().unwrap()),
        [
            "Read pods and their logs",
            "Read services, endpoints, endpoint slices and network policies",
            "Read events",
            "Read models",
            "Call the model's services through the API server proxy",
        ]
    );
    assert_eq!(roles.len(), 3, "{:?}", roles.keys());
    assert!(roles.contains_key("aigov-namespace-observer"));
    for role in roles.values() {
        let labels = role.metadata.labels.as_ref().unwrap();
        assert_eq!(labels["app.kubernetes.io/part-of"], "aigov");
    }
}

#[test]
fn wildcards_on_everything_are_everything() {
    assert_eq!(
        words(&[rule(&["*"], &["*"], &["*"]), urls(&["*"], &["*"])]),
        [
            "Everything on every resource",
            "Do anything with every API server path outside the resources",
        ]
    );
}

#[test]
fn wildcard_resources_and_verbs_are_named_for_their_scope() {
    assert_eq!(
        words(&[
            rule(&["apps"], &["*"], &["*"]),
            rule(&["*"], &["*"], READ),
            rule(&[""], &["pods"], &["*"]),
        ]),
        [
            "Do anything with every resource in the apps API group",
            "Do anything with pods",
            "Read every resource (sensitive: secrets hold passwords, tokens and keys)",
        ]
    );
}

#[test]
fn verbs_are_grouped_into_read_change_and_delete() {
    let operator = [
        rule(
            &["apps"],
            &[
                "deployments",
                "deployments/scale",
                "statefulsets",
                "statefulsets/scale",
            ],
            &["get", "list", "watch", "patch", "update"],
        ),
        rule(&[""], &["pods"], &["delete"]),
    ];
    assert_eq!(
        words(&operator),
        [
            "Read deployments and stateful sets, and their scale",
            "Change deployments and stateful sets, and their scale",
            "Delete pods",
        ]
    );
    assert_eq!(
        words(&[rule(&[""], &["configmaps"], &["create"])]),
        ["Create config maps"]
    );
    assert_eq!(
        words(&[rule(
            &["batch"],
            &["jobs"],
            &["create", "patch", "deletecollection"]
        )]),
        ["Create and change jobs", "Delete jobs"]
    );
}

#[test]
fn verbs_on_the_same_resource_merge_across_rules() {
    assert_eq!(
        words(&[
            rule(&[""], &["pods"], &["get"]),
            rule(&[""], &["pods"], &["list", "watch"]),
            rule(&[""], &["events"], &["get"]),
            rule(&["events.k8s.io"], &["events"], &["list"]),
        ]),
        ["Read pods", "Read events"]
    );
}

#[test]
fn a_subresource_alone_is_named_with_its_resource() {
    assert_eq!(
        words(&[rule(&[""], &["pods/log"], READ)]),
        ["Read pod logs"]
    );
    assert_eq!(
        words(&[rule(&["apps"], &["deployments/scale"], &["update"])]),
        ["Change deployment scale"]
    );
}

#[test]
fn resource_names_restrict_the_sentence_to_those_objects() {
    assert_eq!(
        words(&[named(
            rule(&[""], &["services/proxy"], &["get", "create"]),
            &["fraud-scorer"]
        )]),
        ["Call only the service named fraud-scorer through the API server proxy"]
    );
    assert_eq!(
        words(&[named(
            rule(&[""], &["services", "configmaps"], READ),
            &["b", "a"]
        )]),
        [
            "Read only the services named a and b",
            "Read only the config maps named a and b",
        ]
    );
    assert_eq!(
        words(&[named(rule(&[""], &["pods", "pods/log"], READ), &["x"])]),
        ["Read only the pod named x and its logs"]
    );
    assert_eq!(
        words(&[named(rule(&[""], &["pods/log"], READ), &["x", "y"])]),
        ["Read only the logs of the pods named x and y"]
    );
}

#[test]
fn names_already_covered_by_a_grant_on_all_objects_are_not_repeated() {
    assert_eq!(
        words(&[
            rule(&[""], &["services"], READ),
            named(rule(&[""], &["services"], &["get", "update"]), &["x"]),
        ]),
        ["Read services", "Change only the service named x"]
    );
}

#[test]
fn exec_and_other_powerful_subresources_say_so() {
    assert_eq!(
        words(&[
            rule(&[""], &["pods/exec", "pods/attach"], &["create", "get"]),
            rule(&[""], &["pods/portforward"], &["create"]),
            rule(&[""], &["serviceaccounts/token"], &["create"]),
            rule(&[""], &["nodes/proxy"], &["get"]),
        ]),
        [
            "Forward ports from their own machine to pods (not subject to network policies)",
            "Run commands in pods (powerful: a shell in the containers, with their data and credentials)",
            "Attach to the running processes in pods (powerful: their input and output)",
            "Create tokens for service accounts (powerful: act as those service accounts)",
            "Call the kubelet API of nodes through the API server proxy (powerful: can run commands in any pod on them)",
        ]
    );
}

#[test]
fn listing_a_capability_subresource_is_not_using_it() {
    assert_eq!(
        words(&[rule(&[""], &["pods/exec"], &["list"])]),
        ["Read pod exec"]
    );
}

#[test]
fn special_verbs_are_said_plainly() {
    assert_eq!(
        words(&[
            named(
                rule(&["rbac.authorization.k8s.io"], &["clusterroles"], &["bind"]),
                &["aigov-model-viewer", "aigov-model-invoker"]
            ),
            rule(
                &["rbac.authorization.k8s.io"],
                &["roles"],
                &["bind", "escalate"]
            ),
            rule(&[""], &["users", "groups"], &["impersonate"]),
            named(rule(&[""], &["serviceaccounts"], &["impersonate"]), &["ci"]),
            rule(&["policy"], &["podsecuritypolicies"], &["use"]),
        ]),
        [
            "Act as the service account named ci (impersonate: with all of their permissions)",
            "Grant others any role (bind, powerful: hands out permissions they may not hold themselves)",
            "Write roles with more permissions than they hold themselves (escalate, powerful: can grant themselves anything)",
            "Grant others the cluster roles named aigov-model-invoker and aigov-model-viewer (bind)",
            "Act as any user (impersonate, powerful: with all of their permissions)",
            "Act as any group (impersonate, powerful: with all of their permissions)",
            "Use the \"use\" permission on podsecuritypolicies (policy)",
        ]
    );
}

#[test]
fn secrets_are_flagged_as_sensitive() {
    assert_eq!(
        words(&[rule(&[""], &["secrets", "configmaps"], READ)]),
        [
            "Read config maps",
            "Read secrets (sensitive: secrets hold passwords, tokens and keys)",
        ]
    );
}

#[test]
fn unknown_resources_keep_their_name_and_group() {
    assert_eq!(
        words(&[rule(&["serving.kserve.io"], &["inferenceservices"], READ)]),
        ["Read inferenceservices (serving.kserve.io)"]
    );
}

#[test]
fn non_resource_urls_are_the_api_servers_own_paths() {
    assert_eq!(
        words(&[
            urls(&["/version", "/healthz"], &["get"]),
            urls(&["/metrics"], &["get", "post"]),
        ]),
        [
            "Read the API server paths /healthz, /metrics and /version",
            "Send POST requests to the API server path /metrics",
        ]
    );
}

#[test]
fn the_order_of_rules_and_duplicates_do_not_change_the_words() {
    let rules = [
        rule(&[""], &["services"], READ),
        rule(&[""], &["pods", "pods/log"], READ),
        rule(&["networking.k8s.io"], &["networkpolicies"], READ),
        rule(&[""], &["services"], READ),
    ];
    let mut reversed = rules.to_vec();
    reversed.reverse();
    assert_eq!(words(&rules), words(&reversed));
    assert_eq!(
        words(&rules),
        [
            "Read pods and their logs",
            "Read services and network policies",
        ]
    );
}

#[test]
fn no_rules_permit_nothing() {
    assert!(words(&[]).is_empty());
    assert!(words(&[rule(&[], &["pods"], READ)]).is_empty());
    assert!(words(&[rule(&[""], &["pods"], &[])]).is_empty());
}
