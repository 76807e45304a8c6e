//! The Roles the portal generates for a model's `modelRole` levels: one
//! Role per level, in the model's namespace, owned by the Model (so it goes
//! with it), whose every rule names the model's own objects with
//! `resourceNames`. A grant of such a level opens this one model and
//! nothing beside it in the namespace.
//!
//! | level | allows |
//! | --- | --- |
//! | `Viewer` | `get` the Model; `get` its Service |
//! | `Invoker` | what a viewer may; `get` and `create` on `services/proxy` of its Service (as `NAME`, `NAME:PORT`, `http:NAME:PORT`, `https:NAME:PORT`) |
//!
//! Pods and their logs can only be granted namespace-wide (Kubernetes
//! names a pod, not the model behind it), so they are a level of their
//! own, bound to a role of the namespace's (`roleRef`), and say so.

use std::collections::BTreeMap;

use k8s_openapi::api::rbac::v1::{PolicyRule, Role};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use kube::{Resource, ResourceExt};

use super::bindable::{BINDABLE_LABEL, BINDABLE_VALUE};
use crate::crd::{GROUP, Model, ModelRole, labels, model::model_role_name};

/// Marks a Role as generated for a model level (the value is the model's
/// name), so stale ones are found by a selector.
pub const MODEL_ROLE_LABEL: &str = "aigov.dev/model-role";

/// The Roles `model`'s `modelRole` levels bind, as they should be; none
/// for a model without a uid (not yet stored) or without a namespace.
pub fn desired(model: &Model) -> Vec<Role> {
    let (Some(namespace), Some(uid)) = (model.namespace(), model.uid()) else {
        return Vec::new();
    };
    let name = model.name_any();
    let owner = OwnerReference {
        api_version: Model::api_version(&()).into_owned(),
        kind: Model::kind(&()).into_owned(),
        name: name.clone(),
        uid,
        controller: Some(true),
        block_owner_deletion: None,
    };
    model
        .spec
        .access_levels
        .iter()
        .filter_map(|level| level.model_role.map(|role| (level, role)))
        .map(|(level, role)| Role {
            metadata: ObjectMeta {
                name: Some(model_role_name(&name, &level.name)),
                namespace: Some(namespace.clone()),
                labels: Some(BTreeMap::from([
                    (BINDABLE_LABEL.to_owned(), BINDABLE_VALUE.to_owned()),
                    (labels::MANAGED_BY.to_owned(), labels::MANAGER.to_owned()),
                    (MODEL_ROLE_LABEL.to_owned(), name.clone()),
                    (labels::LEVEL.to_owned(), level.name.clone()),
                ])),
                owner_references: Some(vec![owner.clone()]),
                ..ObjectMeta::default()
            },
            rules: Some(rules(model, role)),
        })
        .collect()
}

/// What `role` of `model` allows, naming only the model's own objects.
pub fn rules(model: &Model, role: ModelRole) -> Vec<PolicyRule> {
    let mut rules = vec![rule(GROUP, "models", &["get"], vec![model.name_any()])];
    let Some(serving) = &model.spec.serving else {
        return rules;
    };
    rules.push(rule(
        "",
        "services",
        &["get"],
        vec![serving.service.clone()],
    ));
    if role == ModelRole::Invoker {
        rules.push(rule(
            "",
            "services/proxy",
            &["get", "create"],
            serving.proxy_names(),
        ));
    }
    rules
}

fn rule(group: &str, resource: &str, verbs: &[&str], names: Vec<String>) -> PolicyRule {
    PolicyRule {
        api_groups: Some(vec![group.to_owned()]),
        resources: Some(vec![resource.to_owned()]),
        resource_names: Some(names),
        verbs: verbs.iter().map(|verb| (*verb).to_owned()).collect(),
        non_resource_urls: None,
    }
}

/// The generated Roles among `existing` that `model` no longer has a level
/// for, by name.
pub fn stale(model: &Model, existing: &[Role]) -> Vec<String> {
    let wanted: Vec<String> = desired(model).iter().map(|role| role.name_any()).collect();
    existing
        .iter()
        .filter(|role| role.labels().get(MODEL_ROLE_LABEL) == Some(&model.name_any()))
        .map(|role| role.name_any())
        .filter(|name| !wanted.contains(name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::fixtures::{level, model, model_spec};
    use crate::crd::{AccessLevel, Serving, ServingProtocol};

    fn served() -> Model {
        let mut spec = model_spec();
        spec.serving = Some(Serving {
            service: "scorer".into(),
            port: 8080,
            path_prefix: "/v1/models/fraud-scorer".into(),
            protocol: ServingProtocol::KServeV1,
            example_input: None,
        });
        spec.access_levels = vec![
            generated("viewer", ModelRole::Viewer),
            generated("invoker", ModelRole::Invoker),
            level("namespace-observer", "aigov-namespace-observer"),
        ];
        let mut model = model("fraud", "fraud-scorer", spec);
        model.metadata.uid = Some("uid-1".into());
        model
    }

    fn generated(name: &str, role: ModelRole) -> AccessLevel {
        AccessLevel {
            name: name.into(),
            description: String::new(),
            role_ref: None,
            model_role: Some(role),
        }
    }

    fn names_of(rule: &PolicyRule) -> Vec<String> {
        rule.resource_names.clone().unwrap_or_default()
    }

    #[test]
    fn each_generated_level_gets_one_bindable_role_owned_by_the_model() {
        let roles = desired(&served());
        let names: Vec<String> = roles.iter().map(|r| r.name_any()).collect();
        assert_eq!(
            names,
            [
                "aigov-model-fraud-scorer-viewer",
                "aigov-model-fraud-scorer-invoker"
            ]
        );
        for role in &roles {
            assert_eq!(role.namespace().as_deref(), Some("fraud"));
            assert_eq!(role.labels()[BINDABLE_LABEL], "true");
            assert_eq!(role.labels()[MODEL_ROLE_LABEL], "fraud-scorer");
            let owner = &role.owner_references()[0];
            assert_eq!(
                (owner.kind.as_str(), owner.uid.as_str()),
                ("Model", "uid-1")
            );
            assert_eq!(owner.controller, Some(true));
        }
    }

    #[test]
    fn every_rule_names_the_models_own_objects() {
        for role in desired(&served()) {
            for rule in role.rules.unwrap() {
                assert!(!names_of(&rule).is_empty(), "{rule:?} names nothing");
                assert!(
                    !rule
                        .verbs
                        .iter()
                        .any(|v| v == "*" || v == "list" || v == "watch")
                );
            }
        }
    }

    #[test]
    fn only_an_invoker_may_call_the_service_and_by_every_name_the_proxy_uses() {
        let model = served();
        let viewer = rules(&model, ModelRole::Viewer);
        assert!(
            viewer
                .iter()
                .all(|r| r.resources.as_ref().unwrap()[0] != "services/proxy")
        );
        let invoker = rules(&model, ModelRole::Invoker);
        let proxy = invoker
            .iter()
            .find(|r| r.resources.as_ref().unwrap()[0] == "services/proxy")
            .unwrap();
        assert_eq!(
            names_of(proxy),
            [
                "scorer",
                "scorer:8080",
                "http:scorer:8080",
                "https:scorer:8080"
            ]
        );
        assert_eq!(proxy.verbs, ["get", "create"]);
    }

    #[test]
    fn a_model_without_serving_grants_only_reading_itself() {
        let mut model = served();
        model.spec.serving = None;
        let invoker = rules(&model, ModelRole::Invoker);
        assert_eq!(invoker.len(), 1);
        assert_eq!(names_of(&invoker[0]), ["fraud-scorer"]);
    }

    #[test]
    fn roles_of_levels_dropped_from_the_model_are_stale_and_no_others() {
        let mut model = served();
        let mut existing = desired(&model);
        let mut foreign = existing[0].clone();
        foreign.metadata.name = Some("someone-elses".into());
        foreign
            .metadata
            .labels
            .as_mut()
            .unwrap()
            .insert(MODEL_ROLE_LABEL.into(), "chargeback-risk".into());
        existing.push(foreign);
        assert!(stale(&model, &existing).is_empty());
        model.spec.access_levels.remove(1);
        assert_eq!(
            stale(&model, &existing),
            ["aigov-model-fraud-scorer-invoker"]
        );
    }

    #[test]
    fn a_model_not_yet_stored_has_no_roles() {
        let mut model = served();
        model.metadata.uid = None;
        assert!(desired(&model).is_empty());
    }
}
