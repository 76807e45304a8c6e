//! The access rules requests are held to: a model's own settings made as
//! strict as the governance policy of its namespace's environment asks.

use kube::ResourceExt;

use super::super::context::AccessContext;
use super::super::error::AccessError;
use crate::crd::{Model, ModelSpec};
use crate::engine::access::applied::{AppliedRules, EnvironmentAccess};

/// What the governance policies ask of access requests in the environment
/// of `namespace`, as the portal's caches hold them now (nothing when the
/// context keeps no policies). A policy that cannot be read refuses the
/// action: a request is never decided on rules that may be too lax.
pub async fn environment_access(
    access: &AccessContext,
    namespace: &str,
) -> Result<EnvironmentAccess, AccessError> {
    let Some(policy) = &access.policy else {
        return Ok(EnvironmentAccess::default());
    };
    let set = policy
        .set()
        .await
        .map_err(|_| AccessError::PolicyUnavailable)?;
    let environment = set.environment_of(&policy.namespace_labels(namespace));
    Ok(EnvironmentAccess::of(&set.policies, environment))
}

/// `model`'s terms as `environment`'s policies make them, with the rules:
/// what its requests are decided by (the stages a policy adds included).
pub fn governed_by(environment: &EnvironmentAccess, model: &Model) -> (ModelSpec, AppliedRules) {
    let rules = AppliedRules::apply(&model.name_any(), &model.spec, environment);
    (rules.governed(&model.spec), rules)
}

/// `model` with its terms governed by `environment`'s policies.
pub fn governed_model(environment: &EnvironmentAccess, model: &Model) -> Model {
    let mut governed = model.clone();
    governed.spec = governed_by(environment, model).0;
    governed
}

/// The rules requests for `model` are held to now: its own settings made
/// as strict as the policy of its namespace's environment.
pub async fn applied_rules(
    access: &AccessContext,
    model: &Model,
) -> Result<AppliedRules, AccessError> {
    let namespace = model.namespace().unwrap_or_default();
    let environment = environment_access(access, &namespace).await?;
    Ok(AppliedRules::apply(
        &model.name_any(),
        &model.spec,
        &environment,
    ))
}

/// Each model as the rules that apply now make it (its settings replaced
/// by the applied ones, so pages show what a request is held to), with
/// those rules. When the policies cannot be read, the models' own rules:
/// pages still show the models, and every action is judged by the server
/// under the policy (and refused while it cannot be read).
pub async fn governed(access: &AccessContext, models: Vec<Model>) -> Vec<(Model, AppliedRules)> {
    let in_force = match &access.policy {
        Some(policy) => match policy.set().await {
            Ok(set) => Some((policy, set)),
            Err(error) => {
                tracing::warn!(%error, "access rules shown without the governance policies");
                None
            }
        },
        None => None,
    };
    models
        .into_iter()
        .map(|mut model| {
            let access = match &in_force {
                Some((policy, set)) => {
                    let namespace = model.namespace().unwrap_or_default();
                    let environment = set.environment_of(&policy.namespace_labels(&namespace));
                    EnvironmentAccess::of(&set.policies, environment)
                }
                None => EnvironmentAccess::default(),
            };
            let (spec, rules) = governed_by(&access, &model);
            model.spec = spec;
            (model, rules)
        })
        .collect()
}
