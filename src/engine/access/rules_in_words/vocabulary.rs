//! How resources are named in sentences, and the order they come in.

/// How to name a resource in a sentence, and where it goes.
pub(super) struct Info {
    pub(super) topic: u8,
    pub(super) rank: usize,
    /// As the object of a sentence about all of them: "network policies".
    pub(super) plural: String,
    /// For one named object: "the network policy named x".
    pub(super) singular: String,
    /// For several named objects: "the network policies named x and y".
    pub(super) kind_plural: String,
}

/// Known resources: name, API groups, singular, plural, topic. Topics keep
/// related resources in one sentence: 1 workloads, 2 networking,
/// 3 configuration and storage, 4 secrets, 5 events, 6 aigov, 7 identities
/// and access, 8 the cluster. Unknown resources are topic 9.
const KNOWN: &[(&str, &[&str], &str, &str, u8)] = &[
    ("pods", &[""], "pod", "pods", 1),
    ("deployments", &["apps"], "deployment", "deployments", 1),
    (
        "statefulsets",
        &["apps"],
        "stateful set",
        "stateful sets",
        1,
    ),
    ("daemonsets", &["apps"], "daemon set", "daemon sets", 1),
    ("replicasets", &["apps"], "replica set", "replica sets", 1),
    ("jobs", &["batch"], "job", "jobs", 1),
    ("cronjobs", &["batch"], "cron job", "cron jobs", 1),
    (
        "horizontalpodautoscalers",
        &["autoscaling"],
        "horizontal pod autoscaler",
        "horizontal pod autoscalers",
        1,
    ),
    (
        "poddisruptionbudgets",
        &["policy"],
        "pod disruption budget",
        "pod disruption budgets",
        1,
    ),
    ("services", &[""], "service", "services", 2),
    ("endpoints", &[""], "endpoints", "endpoints", 2),
    (
        "endpointslices",
        &["discovery.k8s.io"],
        "endpoint slice",
        "endpoint slices",
        2,
    ),
    (
        "networkpolicies",
        &["networking.k8s.io"],
        "network policy",
        "network policies",
        2,
    ),
    (
        "ingresses",
        &["networking.k8s.io"],
        "ingress",
        "ingresses",
        2,
    ),
    ("configmaps", &[""], "config map", "config maps", 3),
    (
        "persistentvolumeclaims",
        &[""],
        "persistent volume claim",
        "persistent volume claims",
        3,
    ),
    ("secrets", &[""], "secret", "secrets", 4),
    ("events", &["", "events.k8s.io"], "event", "events", 5),
    ("models", &["aigov.dev"], "model", "models", 6),
    (
        "accessrequests",
        &["aigov.dev"],
        "access request",
        "access requests",
        6,
    ),
    (
        "serviceaccounts",
        &[""],
        "service account",
        "service accounts",
        7,
    ),
    ("roles", &["rbac.authorization.k8s.io"], "role", "roles", 7),
    (
        "rolebindings",
        &["rbac.authorization.k8s.io"],
        "role binding",
        "role bindings",
        7,
    ),
    (
        "clusterroles",
        &["rbac.authorization.k8s.io"],
        "cluster role",
        "cluster roles",
        7,
    ),
    (
        "clusterrolebindings",
        &["rbac.authorization.k8s.io"],
        "cluster role binding",
        "cluster role bindings",
        7,
    ),
    ("users", &[""], "user", "users", 7),
    ("groups", &[""], "group", "groups", 7),
    ("uids", &["authentication.k8s.io"], "user ID", "user IDs", 7),
    (
        "userextras",
        &["authentication.k8s.io"],
        "user attribute",
        "user attributes",
        7,
    ),
    ("namespaces", &[""], "namespace", "namespaces", 8),
    ("nodes", &[""], "node", "nodes", 8),
    (
        "resourcequotas",
        &[""],
        "resource quota",
        "resource quotas",
        8,
    ),
    ("limitranges", &[""], "limit range", "limit ranges", 8),
    ("leases", &["coordination.k8s.io"], "lease", "leases", 8),
    (
        "persistentvolumes",
        &[""],
        "persistent volume",
        "persistent volumes",
        8,
    ),
    (
        "customresourcedefinitions",
        &["apiextensions.k8s.io"],
        "custom resource definition",
        "custom resource definitions",
        8,
    ),
];

const OTHER_TOPIC: u8 = 9;

impl Info {
    pub(super) fn of(group: &str, resource: &str) -> Self {
        if resource == "*" {
            let plural = match group {
                "*" => "every resource".to_owned(),
                "" => "every core resource".to_owned(),
                group => format!("every resource in the {group} API group"),
            };
            return Self {
                topic: 0,
                rank: 0,
                plural,
                singular: "resource".into(),
                kind_plural: "resources".into(),
            };
        }
        let known = KNOWN.iter().enumerate().find(|(_, (name, groups, ..))| {
            *name == resource && (group == "*" || groups.contains(&group))
        });
        match known {
            Some((rank, (_, _, singular, plural, topic))) => Self {
                topic: *topic,
                rank,
                plural: (*plural).into(),
                singular: (*singular).into(),
                kind_plural: (*plural).into(),
            },
            None => {
                let name = match group {
                    "" | "*" => resource.to_owned(),
                    group => format!("{resource} ({group})"),
                };
                Self {
                    topic: OTHER_TOPIC,
                    rank: KNOWN.len(),
                    plural: name.clone(),
                    singular: name.clone(),
                    kind_plural: name,
                }
            }
        }
    }
}

/// A subresource as a noun: `log` → "logs".
pub(super) fn sub_noun(sub: &str) -> String {
    match sub {
        "log" => "logs".into(),
        "*" => "subresources".into(),
        other => other.into(),
    }
}
