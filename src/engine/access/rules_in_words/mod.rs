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

mod capability;
mod phrases;
mod vocabulary;

use capability::Capability;
use phrases::{everyone_phrase, join, named_phrase, special};
use vocabulary::Info;

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
mod tests;
