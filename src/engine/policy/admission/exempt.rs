//! Exceptions in CEL: which admission requests an exception in force
//! exempts from one check. Expiry is not in the expression (CEL has no
//! clock at admission): the controller renders again when an exception
//! ends, so only exceptions in force are passed here.

use super::super::exception::{Exception, Exempted};
use super::cel::{list, quote};

/// A CEL expression that is true when one of `exceptions` exempts the
/// object under admission from `check`; `None` when none names the check.
///
/// By name, an exception exempts the workload of that name and what it
/// creates: objects it owns (a Deployment's ReplicaSets, a CronJob's Jobs)
/// and pods named after it (`generateName` starting with `<name>-`). By
/// labels, it exempts every workload whose pods carry all of them.
pub fn expression(exceptions: &[&Exception], check: &str) -> Option<String> {
    let mut alternatives: Vec<String> = exceptions
        .iter()
        .filter(|e| e.rules.iter().any(|rule| rule == check))
        .map(|e| {
            let names = match &e.workloads {
                Exempted::Names(names) => by_name(names),
                Exempted::Labels(labels) => by_labels(labels),
            };
            format!("(request.namespace == {} && {names})", quote(&e.namespace))
        })
        .collect();
    alternatives.dedup();
    (!alternatives.is_empty()).then(|| alternatives.join(" || "))
}

fn by_name(names: &[String]) -> String {
    let names = list(names);
    format!(
        "(object.metadata.?name.orValue('') in {names} || {names}.exists(w, \
         object.metadata.?generateName.orValue('').startsWith(w + '-') || \
         object.metadata.?ownerReferences.orValue([]).exists(o, o.name == w || o.name.startsWith(w + '-'))))"
    )
}

fn by_labels(labels: &std::collections::BTreeMap<String, String>) -> String {
    if labels.is_empty() {
        return "false".into();
    }
    let tests: Vec<String> = labels
        .iter()
        .map(|(key, value)| {
            format!(
                "variables.podLabels[?{}].orValue('') == {}",
                quote(key),
                quote(value)
            )
        })
        .collect();
    format!("({})", tests.join(" && "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn exception(namespace: &str, workloads: Exempted, rules: &[&str]) -> Exception {
        Exception {
            namespace: namespace.into(),
            name: "driver".into(),
            workloads,
            rules: rules.iter().map(|r| r.to_string()).collect(),
            reason: "driver installer".into(),
            expires_at: "2026-12-10T00:00:00Z".parse().unwrap(),
        }
    }

    #[test]
    fn an_exception_by_name_exempts_the_workload_its_pods_and_what_it_owns() {
        let e = exception(
            "fraud",
            Exempted::Names(vec!["scorer".into()]),
            &["pss.baseline.privileged"],
        );
        let cel = expression(&[&e], "pss.baseline.privileged").unwrap();
        assert!(cel.starts_with("(request.namespace == 'fraud' && "));
        assert!(cel.contains("object.metadata.?name.orValue('') in ['scorer']"));
        assert!(cel.contains("generateName.orValue('').startsWith(w + '-')"));
        assert!(cel.contains("ownerReferences"));
    }

    #[test]
    fn an_exception_exempts_only_from_its_own_rules() {
        let e = exception(
            "fraud",
            Exempted::Names(vec!["scorer".into()]),
            &["pss.baseline.privileged"],
        );
        assert_eq!(expression(&[&e], "images.tag-pinned"), None);
        assert_eq!(expression(&[], "pss.baseline.privileged"), None);
    }

    #[test]
    fn an_exception_by_labels_needs_every_label_on_the_pods() {
        let e = exception(
            "fraud",
            Exempted::Labels(BTreeMap::from([
                ("app".to_string(), "driver".to_string()),
                ("tier".to_string(), "system".to_string()),
            ])),
            &["pss.baseline.privileged"],
        );
        let cel = expression(&[&e], "pss.baseline.privileged").unwrap();
        assert!(cel.contains("variables.podLabels[?'app'].orValue('') == 'driver' && variables.podLabels[?'tier'].orValue('') == 'system'"));
    }

    #[test]
    fn several_exceptions_are_alternatives() {
        let a = exception("a", Exempted::Names(vec!["x".into()]), &["images.digest"]);
        let b = exception("b", Exempted::Names(vec!["y".into()]), &["images.digest"]);
        let cel = expression(&[&a, &b], "images.digest").unwrap();
        assert!(
            cel.contains("request.namespace == 'a'")
                && cel.contains(") || (request.namespace == 'b'")
        );
    }
}
