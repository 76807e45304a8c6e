//! What a role permits, in plain words, for people choosing an access level
//! and for approvers deciding on one.
//!
//! Verbs are grouped into reading (get, list, watch), creating and changing
//! (create, update, patch), deleting (delete, deletecollection) and the
//! special verbs (bind, escalate, impersonate and any other), which are said
//! plainly. Subresources that do more than their parent are named for what
//! they do: `pods/exec` runs commands in pods, `services/proxy` calls services
//! through the API server proxy. Powerful permissions say so. The sentences
//! come in a fixed order, without duplicates, whatever the order of the rules.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::rbac::v1::PolicyRule;

/// The sentences describing what `rules` permit, most sweeping first.
pub fn rules_in_words(rules: &[PolicyRule]) -> Vec<String> {
    let mut sentences = Sentences::default();
    let mut plain: BTreeMap<(Action, Vec<String>), BTreeSet<Target>> = BTreeMap::new();

    for ((target, names), verbs) in resource_grants(rules) {
        let has = |verb: &str| verbs.contains(verb);
        if target.is_everything() && names.is_empty() && has("*") {
            sentences.add(
                Section::Everything,
                0,
                0,
                "Everything on every resource".into(),
            );
            continue;
        }
        if let Some(capability) = Capability::of(&target, &verbs) {
            let object = capability.object(&target, &names);
            let rank = capability as usize;
            sentences.add(Section::Capability, 0, rank, capability.sentence(&object));
            continue;
        }
        let mut add = |action| {
            plain
                .entry((action, names.clone()))
                .or_default()
                .insert(target.clone());
        };
        if has("*") {
            add(Action::Anything);
            continue;
        }
        if READ.iter().any(|verb| has(verb)) {
            add(Action::Read);
        }
        match (has("create"), has("update") || has("patch")) {
            (true, true) => add(Action::CreateAndChange),
            (true, false) => add(Action::Create),
            (false, true) => add(Action::Change),
            (false, false) => {}
        }
        if has("delete") || has("deletecollection") {
            add(Action::Delete);
        }
        for verb in verbs.iter().filter(|verb| !PLAIN.contains(&verb.as_str())) {
            let info = target.info();
            sentences.add(
                Section::Special,
                info.topic,
                info.rank,
                special(verb, &target, &info, &names),
            );
        }
    }

    for ((action, names), targets) in plain {
        if names.is_empty() {
            let mut topics: BTreeMap<u8, Vec<&Target>> = BTreeMap::new();
            for target in &targets {
                topics.entry(target.info().topic).or_default().push(target);
            }
            for (topic, targets) in topics {
                let rank = targets.iter().map(|t| t.info().rank).min().unwrap_or(0);
                let object = everyone_phrase(&targets);
                let mut sentence = format!("{} {object}", action.word());
                sentence.push_str(action.caution(&targets));
                sentences.add(action.section(), topic, rank, sentence);
            }
        } else {
            let mut parents: BTreeMap<(String, String), Vec<&Target>> = BTreeMap::new();
            for target in &targets {
                parents
                    .entry((target.group.clone(), target.resource.clone()))
                    .or_default()
                    .push(target);
            }
            for targets in parents.values() {
                let info = targets[0].info();
                let object = named_phrase(targets, &info, &names);
                let mut sentence = format!("{} {object}", action.word());
                sentence.push_str(action.caution(targets));
                sentences.add(action.section(), info.topic, info.rank, sentence);
            }
        }
    }

    non_resource(rules, &mut sentences);
    sentences.finish()
}

const READ: [&str; 3] = ["get", "list", "watch"];
const PLAIN: [&str; 8] = [
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
];

/// Sentences with the key that orders them.
#[derive(Default)]
struct Sentences(Vec<((Section, u8, usize), String)>);

impl Sentences {
    fn add(&mut self, section: Section, topic: u8, rank: usize, sentence: String) {
        self.0.push(((section, topic, rank), sentence));
    }

    fn finish(mut self) -> Vec<String> {
        self.0.sort();
        let mut seen = BTreeSet::new();
        self.0
            .into_iter()
            .map(|(_, sentence)| sentence)
            .filter(|sentence| seen.insert(sentence.clone()))
            .collect()
    }
}

/// The order sentences appear in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    Everything,
    Anything,
    Read,
    Create,
    CreateAndChange,
    Change,
    Delete,
    Capability,
    Special,
    NonResource,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Action {
    Anything,
    Read,
    Create,
    CreateAndChange,
    Change,
    Delete,
}

impl Action {
    fn word(self) -> &'static str {
        match self {
            Self::Anything => "Do anything with",
            Self::Read => "Read",
            Self::Create => "Create",
            Self::CreateAndChange => "Create and change",
            Self::Change => "Change",
            Self::Delete => "Delete",
        }
    }

    fn section(self) -> Section {
        match self {
            Self::Anything => Section::Anything,
            Self::Read => Section::Read,
            Self::Create => Section::Create,
            Self::CreateAndChange => Section::CreateAndChange,
            Self::Change => Section::Change,
            Self::Delete => Section::Delete,
        }
    }

    /// A warning for reading or doing anything with secrets.
    fn caution(self, targets: &[&Target]) -> &'static str {
        let secrets = targets.iter().any(|target| {
            target.sub.is_none()
                && (target.resource == "secrets" && matches!(target.group.as_str(), "" | "*")
                    || target.resource == "*" && matches!(target.group.as_str(), "" | "*"))
        });
        match self {
            Self::Read | Self::Anything if secrets => {
                " (sensitive: secrets hold passwords, tokens and keys)"
            }
            _ => "",
        }
    }
}

/// One resource (or subresource) in one API group, as a rule names it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Target {
    group: String,
    resource: String,
    sub: Option<String>,
}

impl Target {
    fn new(group: &str, resource: &str) -> Self {
        let (resource, sub) = match resource.split_once('/') {
            Some((resource, sub)) => (resource, Some(sub.to_owned())),
            None => (resource, None),
        };
        Self {
            group: group.to_owned(),
            resource: resource.to_owned(),
            sub,
        }
    }

    fn is_everything(&self) -> bool {
        self.group == "*" && self.resource == "*" && self.sub.is_none()
    }

    fn info(&self) -> Info {
        Info::of(&self.group, &self.resource)
    }
}

/// Every (target, resource names) a rule grants, with the verbs granted on
/// it, merged across rules. Names already covered by a grant on every object
/// of the same resource are dropped.
fn resource_grants(rules: &[PolicyRule]) -> BTreeMap<(Target, Vec<String>), BTreeSet<String>> {
    let mut grants: BTreeMap<(Target, Vec<String>), BTreeSet<String>> = BTreeMap::new();
    for rule in rules {
        let mut names: Vec<String> = rule.resource_names.clone().unwrap_or_default();
        names.sort();
        names.dedup();
        // A rule without API groups matches no resource.
        for group in rule.api_groups.iter().flatten() {
            for resource in rule.resources.iter().flatten() {
                grants
                    .entry((Target::new(group, resource), names.clone()))
                    .or_default()
                    .extend(rule.verbs.iter().cloned());
            }
        }
    }
    let unnamed: BTreeMap<Target, BTreeSet<String>> = grants
        .iter()
        .filter(|((_, names), _)| names.is_empty())
        .map(|((target, _), verbs)| (target.clone(), verbs.clone()))
        .collect();
    grants.retain(|(target, names), verbs| {
        if names.is_empty() {
            return !verbs.is_empty();
        }
        if let Some(all) = unnamed.get(target) {
            if all.contains("*") {
                return false;
            }
            verbs.retain(|verb| !all.contains(verb));
        }
        !verbs.is_empty()
    });
    grants
}

/// How to name a resource in a sentence, and where it goes.
struct Info {
    topic: u8,
    rank: usize,
    /// As the object of a sentence about all of them: "network policies".
    plural: String,
    /// For one named object: "the network policy named x".
    singular: String,
    /// For several named objects: "the network policies named x and y".
    kind_plural: String,
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
    fn of(group: &str, resource: &str) -> Self {
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
fn sub_noun(sub: &str) -> String {
    match sub {
        "log" => "logs".into(),
        "*" => "subresources".into(),
        other => other.into(),
    }
}

/// "a", "a and b", "a, b and c".
fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Whether a phrase names the resource itself, and which of its subresources.
type Shape = (bool, Vec<String>);

/// The object of a sentence about every object of some resources of one
/// topic: "pods and their logs", "services, endpoints and network policies",
/// "deployments and stateful sets, and their scale", "pod logs".
fn everyone_phrase(targets: &[&Target]) -> String {
    // Each resource, in the table's order, with its subresources.
    let mut parents: Vec<(Info, bool, BTreeSet<String>)> = Vec::new();
    let mut order: BTreeMap<(usize, String), usize> = BTreeMap::new();
    for target in targets {
        let info = target.info();
        let key = (info.rank, info.plural.clone());
        let index = *order.entry(key).or_insert_with(|| {
            parents.push((info, false, BTreeSet::new()));
            parents.len() - 1
        });
        match &target.sub {
            None => parents[index].1 = true,
            Some(sub) => {
                parents[index].2.insert(sub_noun(sub));
            }
        }
    }
    parents.sort_by(|a, b| (a.0.rank, &a.0.plural).cmp(&(b.0.rank, &b.0.plural)));

    // Resources with the same subresources share one phrase.
    let mut shapes: Vec<(Shape, Vec<&Info>)> = Vec::new();
    for (info, whole, subs) in &parents {
        let shape = (*whole, subs.iter().cloned().collect::<Vec<_>>());
        match shapes.iter_mut().find(|(s, _)| *s == shape) {
            Some((_, infos)) => infos.push(info),
            None => shapes.push((shape, vec![info])),
        }
    }
    let mut items = Vec::new();
    for ((whole, subs), infos) in shapes {
        if whole {
            let plurals: Vec<String> = infos.iter().map(|info| info.plural.clone()).collect();
            if subs.is_empty() {
                items.extend(plurals);
            } else {
                let comma = if plurals.len() > 1 { "," } else { "" };
                items.push(format!(
                    "{}{comma} and their {}",
                    join(&plurals),
                    join(&subs)
                ));
            }
        } else {
            for info in infos {
                items.push(if info.topic == 0 {
                    format!("the {} of {}", join(&subs), info.plural)
                } else {
                    format!("{} {}", info.singular, join(&subs))
                });
            }
        }
    }
    join(&items)
}

/// "the pod named x", "the pods named x and y".
fn the_named(info: &Info, names: &[String]) -> String {
    if names.len() == 1 {
        format!("the {} named {}", info.singular, names[0])
    } else {
        format!("the {} named {}", info.kind_plural, join(names))
    }
}

/// The object of a sentence about named objects of one resource: "only the
/// service named x", "only the pod named x and its logs", "only the logs of
/// the pods named x and y".
fn named_phrase(targets: &[&Target], info: &Info, names: &[String]) -> String {
    let whole = targets.iter().any(|target| target.sub.is_none());
    let subs: Vec<String> = targets
        .iter()
        .filter_map(|target| target.sub.as_deref().map(sub_noun))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let named = the_named(info, names);
    let its = if names.len() == 1 { "its" } else { "their" };
    match (whole, subs.is_empty()) {
        (true, true) => format!("only {named}"),
        (true, false) => format!("only {named} and {its} {}", join(&subs)),
        (false, _) => format!("only the {} of {named}", join(&subs)),
    }
}

/// Subresources that do more than their parent resource, named for what
/// they do. The order is the order of their sentences.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Capability {
    ServiceProxy,
    PodProxy,
    PortForward,
    Eviction,
    Exec,
    Attach,
    EphemeralContainers,
    Token,
    NodeProxy,
}

impl Capability {
    /// The capability a grant of `verbs` on `target` gives, if any.
    fn of(target: &Target, verbs: &BTreeSet<String>) -> Option<Self> {
        if !matches!(target.group.as_str(), "" | "*") {
            return None;
        }
        let capability = match (target.resource.as_str(), target.sub.as_deref()?) {
            ("services", "proxy") => Self::ServiceProxy,
            ("pods", "proxy") => Self::PodProxy,
            ("pods", "portforward") => Self::PortForward,
            ("pods", "eviction") => Self::Eviction,
            ("pods", "exec") => Self::Exec,
            ("pods", "attach") => Self::Attach,
            ("pods", "ephemeralcontainers") => Self::EphemeralContainers,
            ("serviceaccounts", "token") => Self::Token,
            ("nodes", "proxy") => Self::NodeProxy,
            _ => return None,
        };
        // The verbs that use it: connecting is `get` or `create` (and, for
        // the proxies, one verb per HTTP method).
        let uses: &[&str] = match capability {
            Self::ServiceProxy | Self::PodProxy | Self::NodeProxy => {
                &["get", "create", "update", "patch", "delete"]
            }
            Self::PortForward | Self::Exec | Self::Attach => &["get", "create"],
            Self::Eviction | Self::Token => &["create"],
            Self::EphemeralContainers => &["update", "patch"],
        };
        (verbs.contains("*") || uses.iter().any(|verb| verbs.contains(*verb))).then_some(capability)
    }

    /// What it is used on: all of the resource, or the named objects.
    fn object(self, target: &Target, names: &[String]) -> String {
        if !names.is_empty() {
            return format!("only {}", the_named(&target.info(), names));
        }
        match self {
            Self::ServiceProxy => "the model's services".into(),
            Self::Token => "service accounts".into(),
            Self::NodeProxy => "nodes".into(),
            _ => "pods".into(),
        }
    }

    fn sentence(self, object: &str) -> String {
        match self {
            Self::ServiceProxy => format!("Call {object} through the API server proxy"),
            Self::PodProxy => format!("Call {object} through the API server proxy"),
            Self::PortForward => format!(
                "Forward ports from their own machine to {object} (not subject to network policies)"
            ),
            Self::Eviction => format!("Evict {object}"),
            Self::Exec => format!(
                "Run commands in {object} (powerful: a shell in the containers, with their data and credentials)"
            ),
            Self::Attach => format!(
                "Attach to the running processes in {object} (powerful: their input and output)"
            ),
            Self::EphemeralContainers => format!(
                "Add debug containers to {object} (powerful: like running commands in them)"
            ),
            Self::Token => {
                format!("Create tokens for {object} (powerful: act as those service accounts)")
            }
            Self::NodeProxy => format!(
                "Call the kubelet API of {object} through the API server proxy (powerful: can run commands in any pod on them)"
            ),
        }
    }
}

/// A special verb, said plainly.
fn special(verb: &str, target: &Target, info: &Info, names: &[String]) -> String {
    let is_role =
        !target.group.is_empty() && matches!(target.resource.as_str(), "roles" | "clusterroles");
    let any = || format!("any {}", info.singular);
    match verb {
        "bind" if is_role && names.is_empty() => format!(
            "Grant others {} (bind, powerful: hands out permissions they may not hold themselves)",
            any()
        ),
        "bind" if is_role => format!("Grant others {} (bind)", the_named(info, names)),
        "escalate" if is_role => {
            let roles = if names.is_empty() {
                info.plural.clone()
            } else {
                the_named(info, names)
            };
            format!(
                "Write {roles} with more permissions than they hold themselves (escalate, powerful: can grant themselves anything)"
            )
        }
        "impersonate" if names.is_empty() => format!(
            "Act as {} (impersonate, powerful: with all of their permissions)",
            any()
        ),
        "impersonate" => format!(
            "Act as {} (impersonate: with all of their permissions)",
            the_named(info, names)
        ),
        verb => {
            let object = if names.is_empty() {
                info.plural.clone()
            } else {
                format!("only {}", the_named(info, names))
            };
            format!("Use the \"{verb}\" permission on {object}")
        }
    }
}

/// Sentences for rules on the API server's own paths (nonResourceURLs),
/// which only ClusterRoles bound cluster-wide can grant.
fn non_resource(rules: &[PolicyRule], sentences: &mut Sentences) {
    let mut by_verb: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for rule in rules {
        for url in rule.non_resource_urls.iter().flatten() {
            for verb in &rule.verbs {
                let verb = match verb.as_str() {
                    "get" | "head" => "get".to_owned(),
                    verb => verb.to_owned(),
                };
                by_verb.entry(verb).or_default().insert(url.clone());
            }
        }
    }
    let anything = by_verb.get("*").cloned().unwrap_or_default();
    for (verb, urls) in by_verb {
        let urls: Vec<String> = if verb == "*" {
            urls.into_iter().collect()
        } else {
            urls.into_iter()
                .filter(|url| !anything.contains(url) && !anything.contains("*"))
                .collect()
        };
        if urls.is_empty() {
            continue;
        }
        let object = if urls.iter().any(|url| url == "*") {
            "every API server path outside the resources".to_owned()
        } else if urls.len() == 1 {
            format!("the API server path {}", urls[0])
        } else {
            format!("the API server paths {}", join(&urls))
        };
        let (rank, sentence) = match verb.as_str() {
            "*" => (0, format!("Do anything with {object}")),
            "get" => (1, format!("Read {object}")),
            verb => (
                2,
                format!("Send {} requests to {object}", verb.to_uppercase()),
            ),
        };
        sentences.add(Section::NonResource, 0, rank, sentence);
    }
}

#[cfg(test)]
mod tests {
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
        let text = include_str!("../../../deploy/access-levels.yaml");
        serde_yaml::Deserializer::from_str(text)
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
        assert_eq!(roles.len(), 2, "{:?}", roles.keys());
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
}
