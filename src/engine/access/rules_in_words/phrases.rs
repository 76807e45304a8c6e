//! The objects of sentences: every object of some resources, or named ones.

use std::collections::{BTreeMap, BTreeSet};

use super::Target;
use super::vocabulary::{Info, sub_noun};

/// "a", "a and b", "a, b and c".
pub(super) fn join(items: &[String]) -> String {
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
pub(super) fn everyone_phrase(targets: &[&Target]) -> String {
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
pub(super) fn the_named(info: &Info, names: &[String]) -> String {
    if names.len() == 1 {
        format!("the {} named {}", info.singular, names[0])
    } else {
        format!("the {} named {}", info.kind_plural, join(names))
    }
}

/// The object of a sentence about named objects of one resource: "only the
/// service named x", "only the pod named x and its logs", "only the logs of
/// the pods named x and y".
pub(super) fn named_phrase(targets: &[&Target], info: &Info, names: &[String]) -> String {
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

/// A special verb, said plainly.
pub(super) fn special(verb: &str, target: &Target, info: &Info, names: &[String]) -> String {
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
