//! Label selectors as NetworkPolicy uses them.
//!
//! `kube::core::Selector` (built with `TryFrom<LabelSelector>`) matches
//! almost the same way, but not exactly: it accepts `NotIn` with an empty
//! list of values and then selects every object, where the API server
//! rejects such a selector and here it selects nothing, so that a broken
//! policy never widens access. Its conversion also takes the selector by
//! value, a copy for every pod a policy is checked against. So matching
//! stays here.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};

/// Whether `selector` selects an object with `labels`.
///
/// An empty selector (`{}`) selects everything. All `matchLabels` and all
/// `matchExpressions` must hold. An expression with an unknown operator, or
/// `In`/`NotIn` without values, is invalid; the API server would reject it,
/// and here it selects nothing, so that a broken policy never widens access.
pub fn selects(selector: &LabelSelector, labels: &BTreeMap<String, String>) -> bool {
    let labels_match = selector
        .match_labels
        .iter()
        .flatten()
        .all(|(key, value)| labels.get(key) == Some(value));
    labels_match
        && selector
            .match_expressions
            .iter()
            .flatten()
            .all(|requirement| requirement_holds(requirement, labels))
}

fn requirement_holds(
    requirement: &LabelSelectorRequirement,
    labels: &BTreeMap<String, String>,
) -> bool {
    let value = labels.get(&requirement.key);
    let values = requirement.values.as_deref().unwrap_or_default();
    match requirement.operator.as_str() {
        "In" => !values.is_empty() && value.is_some_and(|v| values.contains(v)),
        "NotIn" => !values.is_empty() && value.is_none_or(|v| !values.contains(v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        _ => false,
    }
}

/// A short human form of a selector, e.g. `app=web, tier in (a,b)`.
pub fn describe(selector: &LabelSelector) -> String {
    let mut parts: Vec<String> = selector
        .match_labels
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    for r in selector.match_expressions.iter().flatten() {
        let values = r.values.as_deref().unwrap_or_default().join(",");
        parts.push(match r.operator.as_str() {
            "Exists" => r.key.clone(),
            "DoesNotExist" => format!("!{}", r.key),
            op => format!("{} {} ({values})", r.key, op.to_lowercase()),
        });
    }
    if parts.is_empty() {
        "all".into()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn expr(key: &str, op: &str, values: &[&str]) -> LabelSelector {
        LabelSelector {
            match_expressions: Some(vec![LabelSelectorRequirement {
                key: key.into(),
                operator: op.into(),
                values: (!values.is_empty())
                    .then(|| values.iter().map(|v| v.to_string()).collect()),
            }]),
            ..Default::default()
        }
    }

    #[test]
    fn empty_selector_selects_everything() {
        assert!(selects(&LabelSelector::default(), &labels(&[])));
        assert!(selects(&LabelSelector::default(), &labels(&[("a", "b")])));
    }

    #[test]
    fn match_labels_require_every_pair() {
        let s = LabelSelector {
            match_labels: Some(labels(&[("app", "web"), ("tier", "front")])),
            ..Default::default()
        };
        assert!(selects(
            &s,
            &labels(&[("app", "web"), ("tier", "front"), ("x", "y")])
        ));
        assert!(!selects(&s, &labels(&[("app", "web")])));
        assert!(!selects(&s, &labels(&[("app", "web"), ("tier", "back")])));
    }

    #[test]
    fn in_requires_the_key_with_one_of_the_values() {
        let s = expr("env", "In", &["prod", "stage"]);
        assert!(selects(&s, &labels(&[("env", "prod")])));
        assert!(!selects(&s, &labels(&[("env", "dev")])));
        assert!(!selects(&s, &labels(&[])));
    }

    #[test]
    fn not_in_also_selects_objects_without_the_key() {
        let s = expr("env", "NotIn", &["prod"]);
        assert!(selects(&s, &labels(&[("env", "dev")])));
        assert!(selects(&s, &labels(&[])));
        assert!(!selects(&s, &labels(&[("env", "prod")])));
    }

    #[test]
    fn exists_and_does_not_exist_look_only_at_the_key() {
        assert!(selects(
            &expr("gpu", "Exists", &[]),
            &labels(&[("gpu", "")])
        ));
        assert!(!selects(&expr("gpu", "Exists", &[]), &labels(&[])));
        assert!(selects(&expr("gpu", "DoesNotExist", &[]), &labels(&[])));
        assert!(!selects(
            &expr("gpu", "DoesNotExist", &[]),
            &labels(&[("gpu", "1")])
        ));
    }

    #[test]
    fn invalid_operator_or_empty_in_selects_nothing() {
        assert!(!selects(
            &expr("a", "Equals", &["b"]),
            &labels(&[("a", "b")])
        ));
        assert!(!selects(&expr("a", "In", &[]), &labels(&[("a", "b")])));
        assert!(!selects(&expr("a", "NotIn", &[]), &labels(&[])));
        // An explicit empty list is as invalid as none.
        let empty_list = LabelSelector {
            match_expressions: Some(vec![LabelSelectorRequirement {
                key: "a".into(),
                operator: "NotIn".into(),
                values: Some(vec![]),
            }]),
            ..Default::default()
        };
        assert!(!selects(&empty_list, &labels(&[])));
        assert!(!selects(&empty_list, &labels(&[("a", "b")])));
    }

    #[test]
    fn match_labels_and_expressions_must_both_hold() {
        let mut s = expr("tier", "In", &["db"]);
        s.match_labels = Some(labels(&[("app", "shop")]));
        assert!(selects(&s, &labels(&[("app", "shop"), ("tier", "db")])));
        assert!(!selects(&s, &labels(&[("app", "shop"), ("tier", "web")])));
        assert!(!selects(&s, &labels(&[("tier", "db")])));
    }
}
