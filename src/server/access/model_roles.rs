//! Keeps the Roles generated for models' `modelRole` levels
//! ([`crate::engine::access::model_roles`]) as the models say: created and
//! updated by server-side apply, removed when a level is dropped, and gone
//! with their Model (they are owned by it). Runs on the leader, and on
//! demand before a request for such a level is filed or granted, so a model
//! created a moment ago is grantable at once.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::rbac::v1::Role;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::watcher;
use kube::{Client, ResourceExt};

use super::context::AccessContext;
use crate::crd::{Model, labels};
use crate::engine::access::model_roles::{self, MODEL_ROLE_LABEL};

/// The field manager of the generated Roles.
const MANAGER: &str = "aigov-model-roles";

/// Applies the Roles `model` should have and removes those it no longer
/// names.
pub async fn apply(client: &Client, model: &Model) -> Result<(), kube::Error> {
    let namespace = model.namespace().unwrap_or_default();
    let api: Api<Role> = Api::namespaced(client.clone(), &namespace);
    let params = PatchParams::apply(MANAGER).force();
    for role in model_roles::desired(model) {
        api.patch(&role.name_any(), &params, &Patch::Apply(&role))
            .await?;
    }
    let selector = format!(
        "{}={},{MODEL_ROLE_LABEL}={}",
        labels::MANAGED_BY,
        labels::MANAGER,
        model.name_any()
    );
    let existing = api.list(&ListParams::default().labels(&selector)).await?;
    for name in model_roles::stale(model, &existing.items) {
        match api.delete(&name, &DeleteParams::default()).await {
            Ok(_) => {
                tracing::info!(role = %name, model = %model.name_any(), "generated role of a dropped level removed")
            }
            Err(kube::Error::Api(status)) if status.code == 404 => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// Whether `model` has any level whose role the portal generates.
pub fn generates_roles(model: &Model) -> bool {
    model
        .spec
        .access_levels
        .iter()
        .any(|level| level.model_role.is_some())
}

/// Watches models (and the Roles generated for them, so a Role changed or
/// deleted by hand is put back) and applies each model's Roles. Never
/// returns.
pub async fn control(access: AccessContext) {
    let roles = watcher::Config::default().labels(&format!(
        "{}={},{MODEL_ROLE_LABEL}",
        labels::MANAGED_BY,
        labels::MANAGER
    ));
    Controller::new(access.scoped_api::<Model>(), watcher::Config::default())
        .owns(access.scoped_api::<Role>(), roles)
        .run(reconcile, retry_later, Arc::new(access.client.clone()))
        .for_each(|result| async move {
            if let Err(error) = result {
                tracing::debug!(%error, "model roles not applied yet; retrying");
            }
        })
        .await;
}

async fn reconcile(model: Arc<Model>, client: Arc<Client>) -> Result<Action, kube::Error> {
    if model.metadata.deletion_timestamp.is_some() {
        return Ok(Action::await_change());
    }
    apply(&client, &model).await?;
    Ok(Action::requeue(Duration::from_secs(600)))
}

fn retry_later(model: Arc<Model>, error: &kube::Error, _: Arc<Client>) -> Action {
    tracing::warn!(%error, model = %model.name_any(), "generated roles not applied; retrying");
    Action::requeue(Duration::from_secs(5))
}
