//! Cluster guardrails as a person sees them: those that apply to a
//! namespace, or every one of the cluster with the namespaces it selects;
//! in evaluation order, in words — or, for a person who may not read
//! them, only how many there are and what reading them needs.

use std::collections::BTreeMap;

use super::guardrail_words::{applies_to, rule_ref, sentences, yaml};
use super::label;
use crate::engine::netpol::guardrails::{Guardrail, GuardrailKind, PodsSelection, Tier};
use crate::engine::netpol::selectors::selects;
use crate::engine::netpol::{Cluster, DirectionVerdict, Endpoint, GuardrailDenial};
use crate::wire::namespace::{ConnectionRow, SideVerdict};
use crate::wire::network_guardrails::{
    ClusterGuardrails, GuardrailView, GuardrailsView, HIDDEN_GUARDRAIL,
};

/// What reading guardrails needs, for a person who may not.
pub const ACCESS_HINT: &str = "Reading cluster guardrails needs get and list on \
adminnetworkpolicies, baselineadminnetworkpolicies and clusternetworkpolicies in the API group \
policy.networking.k8s.io, for example through a ClusterRoleBinding to the ClusterRole \
aigov-network-guardrails-reader. Ask your platform team for it.";

type Labels = BTreeMap<String, String>;

/// The guardrails in evaluation order: the Admin tier by priority, then
/// the Baseline tier.
pub fn in_order<'a>(guardrails: impl IntoIterator<Item = &'a Guardrail>) -> Vec<&'a Guardrail> {
    let mut ordered: Vec<&Guardrail> = guardrails.into_iter().collect();
    ordered.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    ordered
}

/// Whether `subject` selects pods of a namespace labelled `namespace`:
/// every pod of it, or one of the pods labelled as in `pods`.
pub fn selects_in<'a>(
    subject: &PodsSelection,
    namespace: &Labels,
    mut pods: impl Iterator<Item = &'a Labels>,
) -> bool {
    match subject {
        PodsSelection::Namespaces(namespaces) => selects(namespaces, namespace),
        PodsSelection::Pods {
            namespaces,
            pods: selector,
        } => selects(namespaces, namespace) && pods.any(|labels| selects(selector, labels)),
    }
}

/// Whether a namespace labelled `namespace` may hold pods the subject
/// selects (its namespace part matches; pods are not looked at).
fn may_select(subject: &PodsSelection, namespace: &Labels) -> bool {
    let namespaces = match subject {
        PodsSelection::Namespaces(namespaces) => namespaces,
        PodsSelection::Pods { namespaces, .. } => namespaces,
    };
    selects(namespaces, namespace)
}

/// One guardrail in words.
pub fn guardrail_view(guardrail: &Guardrail, namespaces: Vec<String>) -> GuardrailView {
    GuardrailView {
        name: guardrail.full_name(),
        kind: guardrail.kind.as_str().to_owned(),
        tier: match guardrail.tier {
            Tier::Admin => "Admin",
            Tier::Baseline => "Baseline",
        }
        .to_owned(),
        priority: (guardrail.kind != GuardrailKind::BaselineAdminNetworkPolicy)
            .then_some(guardrail.priority),
        applies_to: applies_to(&guardrail.subject),
        sentences: sentences(guardrail),
        yaml: yaml(guardrail),
        namespaces,
    }
}

fn shown(readable: bool, ordered: Vec<(&Guardrail, Vec<String>)>) -> GuardrailsView {
    GuardrailsView {
        readable,
        count: ordered.len(),
        items: if readable {
            ordered
                .into_iter()
                .map(|(g, namespaces)| guardrail_view(g, namespaces))
                .collect()
        } else {
            Vec::new()
        },
        access_hint: (!readable).then(|| ACCESS_HINT.to_owned()),
    }
}

/// The guardrails that select a pod of `namespace` (or, selecting by
/// namespace, the namespace itself).
pub fn namespace_guardrails(namespace: &str, cluster: &Cluster, readable: bool) -> GuardrailsView {
    let labels = cluster.labels_of_namespace(namespace);
    let pods: Vec<&Labels> = cluster
        .pods
        .iter()
        .filter(|p| p.namespace() == namespace)
        .map(|p| &p.labels)
        .collect();
    let applying = in_order(&cluster.guardrails)
        .into_iter()
        .filter(|g| selects_in(&g.subject, &labels, pods.iter().copied()))
        .map(|g| (g, Vec::new()))
        .collect();
    shown(readable, applying)
}

/// Every guardrail once, with the namespaces (of `namespaces`, by name with
/// their labels) each may select.
pub fn cluster_guardrails(
    guardrails: &[Guardrail],
    readable: bool,
    namespaces: &BTreeMap<String, Labels>,
) -> ClusterGuardrails {
    let ordered = in_order(guardrails)
        .into_iter()
        .map(|g| {
            let selected = namespaces
                .iter()
                .filter(|(_, labels)| may_select(&g.subject, labels))
                .map(|(name, _)| name.clone())
                .collect();
            (g, selected)
        })
        .collect();
    ClusterGuardrails {
        guardrails: shown(readable, ordered),
        namespaces_known: namespaces.len(),
    }
}

/// Guardrail names as this person may see them: as they are, or each as
/// "a cluster guardrail".
pub fn names(guardrails: &[String], readable: bool) -> Vec<String> {
    if readable || guardrails.is_empty() {
        guardrails.to_vec()
    } else {
        vec![HIDDEN_GUARDRAIL.to_owned()]
    }
}

/// Flows a guardrail stops that have an end among the workloads of
/// `namespace`, as denied rows.
pub fn denied_rows(
    denials: &[GuardrailDenial],
    namespace: &str,
    readable: bool,
) -> Vec<ConnectionRow> {
    let here = |end: &Endpoint| matches!(end, Endpoint::Workload(id) if id.namespace == namespace);
    denials
        .iter()
        .filter(|d| here(&d.from) || here(&d.to))
        .map(|d| ConnectionRow {
            from: label(&d.from),
            to: label(&d.to),
            ports: d.ports.to_string(),
            guardrails: names(&d.guardrails, readable),
            denied: true,
        })
        .collect()
}

/// One side of "can A reach B?", naming the deciding guardrail rule only
/// to a person who may read guardrails. `all` are the names (`Kind/name`)
/// of every guardrail, taken out of the engine's reason for anyone else.
pub fn side_verdict(verdict: &DirectionVerdict, readable: bool, all: &[String]) -> SideVerdict {
    let outcome = if verdict.allowed { "allowed" } else { "denied" };
    let reason = match (&verdict.decided_by, readable) {
        (_, true) => verdict.reason.clone(),
        (Some(_), false) => {
            format!("{outcome}: {HIDDEN_GUARDRAIL} decides it, whose rules you may not read")
        }
        (None, false) => all.iter().fold(verdict.reason.clone(), |reason, name| {
            reason.replace(name.as_str(), HIDDEN_GUARDRAIL)
        }),
    };
    SideVerdict {
        allowed: verdict.allowed,
        layer: serde_json::to_value(verdict.layer)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        guardrail: verdict.decided_by.as_ref().map(|rule| {
            if readable {
                rule_ref(rule)
            } else {
                HIDDEN_GUARDRAIL.to_owned()
            }
        }),
        reason,
        rules: verdict.allowed_by.iter().map(ToString::to_string).collect(),
    }
}
