//! Which roles a grant may bind. Only a Role or ClusterRole labelled
//! `aigov.dev/bindable: "true"` is ever bound by the portal: a model whose
//! level names another role (the portal's own `aigov-portal`, `edit`,
//! `cluster-admin`, a role nobody meant for grants) is misconfigured, and
//! that level is neither offered nor bound. The apiserver enforces the same
//! rule on its own, for RoleBindings the portal's ServiceAccount makes
//! (deploy/portal-admission.yaml).

use std::collections::BTreeMap;

use crate::crd::{RoleKind, RoleRef};

/// The label that marks a role as one grants may bind.
pub const BINDABLE_LABEL: &str = "aigov.dev/bindable";
/// The value of [`BINDABLE_LABEL`] that makes a role bindable.
pub const BINDABLE_VALUE: &str = "true";

/// What the portal found when it read the role a level names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoleFound {
    /// The role exists, with these labels.
    Labelled(BTreeMap<String, String>),
    /// There is no such role.
    Missing,
    /// The role could not be read (the cluster did not answer).
    Unreadable,
}

/// Whether a role with these labels may be bound by a grant.
pub fn is_bindable(labels: &BTreeMap<String, String>) -> bool {
    labels.get(BINDABLE_LABEL).map(String::as_str) == Some(BINDABLE_VALUE)
}

/// The role in words, e.g. `ClusterRole aigov-portal`.
pub fn role_words(role: &RoleRef) -> String {
    format!("{} {}", role.kind.as_str(), role.name)
}

/// Why a grant may not bind `role`, in words for the person and the
/// platform team; `None` when it may. A role that could not be read is
/// not refused here: the binding is then left to the apiserver, which
/// refuses it on its own if the role is not bindable.
pub fn why_not_bindable(role: &RoleRef, found: &RoleFound) -> Option<String> {
    let words = role_words(role);
    match found {
        RoleFound::Labelled(labels) if is_bindable(labels) => None,
        RoleFound::Labelled(_) => Some(format!(
            "{words} is not marked as a role grants may bind (label {BINDABLE_LABEL}: \"{BINDABLE_VALUE}\"), \
             so this level cannot be requested or granted. Ask the model's owners or the platform team to \
             correct the model."
        )),
        RoleFound::Missing => Some(format!(
            "{words} does not exist{}, so this level cannot be requested or granted. Ask the model's \
             owners or the platform team to correct the model.",
            match role.kind {
                RoleKind::Role => " in the model's namespace",
                RoleKind::ClusterRole => "",
            }
        )),
        RoleFound::Unreadable => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster_role(name: &str) -> RoleRef {
        RoleRef {
            kind: RoleKind::ClusterRole,
            name: name.into(),
        }
    }

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn only_a_role_labelled_bindable_true_may_be_bound() {
        let viewer = cluster_role("aigov-model-viewer");
        let bindable = RoleFound::Labelled(labels(&[(BINDABLE_LABEL, "true")]));
        assert_eq!(why_not_bindable(&viewer, &bindable), None);

        let portal = cluster_role("aigov-portal");
        for found in [
            RoleFound::Labelled(BTreeMap::new()),
            RoleFound::Labelled(labels(&[(BINDABLE_LABEL, "True")])),
            RoleFound::Labelled(labels(&[(BINDABLE_LABEL, "yes")])),
            RoleFound::Labelled(labels(&[("app.kubernetes.io/part-of", "aigov")])),
        ] {
            let why = why_not_bindable(&portal, &found).expect("refused");
            assert!(
                why.starts_with("ClusterRole aigov-portal is not marked as a role grants may bind"),
                "{why}"
            );
            assert!(why.contains("aigov.dev/bindable"), "{why}");
        }
    }

    #[test]
    fn a_missing_role_is_misconfigured_and_an_unreadable_one_is_left_to_the_apiserver() {
        let role = RoleRef {
            kind: RoleKind::Role,
            name: "model-operator".into(),
        };
        let why = why_not_bindable(&role, &RoleFound::Missing).unwrap();
        assert!(
            why.starts_with("Role model-operator does not exist in the model's namespace"),
            "{why}"
        );
        assert_eq!(why_not_bindable(&role, &RoleFound::Unreadable), None);
    }
}
