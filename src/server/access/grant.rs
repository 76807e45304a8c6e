//! The grant itself: a RoleBinding in the model's namespace, named after the
//! request, pointing back to it, owned by it (so deleting a request removes
//! its binding), binding the level's role to the requester.

use std::collections::BTreeMap;

use k8s_openapi::api::rbac::v1::{RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use kube::api::{Api, DeleteParams, PostParams};
use kube::{Client, Resource, ResourceExt};

use super::error::{AccessError, is_already_exists, is_not_found};
use crate::crd::{AccessRequest, ModelSpec, labels};

/// The name of the RoleBinding that carries a request's grant.
pub fn binding_name(request_name: &str) -> String {
    format!("aigov-{request_name}")
}

/// The RoleBinding for an approved request, or `None` when the model no
/// longer offers the requested level.
pub fn role_binding_for(request: &AccessRequest, model: &ModelSpec) -> Option<RoleBinding> {
    let level = model.level(&request.spec.level)?;
    let name = request.name_any();
    let mut binding_labels = BTreeMap::from([
        (labels::MANAGED_BY.to_owned(), labels::MANAGER.to_owned()),
        (labels::REQUEST.to_owned(), name.clone()),
        (labels::MODEL.to_owned(), request.spec.model.clone()),
        (labels::LEVEL.to_owned(), request.spec.level.clone()),
    ]);
    binding_labels.retain(|_, value| is_label_value(value));
    let mut annotations =
        BTreeMap::from([(labels::REQUESTER.to_owned(), request.spec.requester.clone())]);
    if let Some(expires) = request.status.as_ref().and_then(|s| s.expires_at.as_ref()) {
        annotations.insert(labels::EXPIRES_AT.to_owned(), expires.0.to_string());
    }
    Some(RoleBinding {
        metadata: ObjectMeta {
            name: Some(binding_name(&name)),
            namespace: request.namespace(),
            labels: Some(binding_labels),
            annotations: Some(annotations),
            owner_references: owner_reference(request).map(|owner| vec![owner]),
            ..Default::default()
        },
        role_ref: RoleRef {
            api_group: "rbac.authorization.k8s.io".into(),
            kind: level.role_ref.kind.as_str().into(),
            name: level.role_ref.name.clone(),
        },
        subjects: Some(vec![Subject {
            api_group: Some("rbac.authorization.k8s.io".into()),
            kind: "User".into(),
            name: request.spec.subject.clone(),
            namespace: None,
        }]),
    })
}

/// Whether an existing binding grants exactly what `wanted` does.
pub fn grants_the_same(existing: &RoleBinding, wanted: &RoleBinding) -> bool {
    existing.role_ref == wanted.role_ref && existing.subjects == wanted.subjects
}

fn owner_reference(request: &AccessRequest) -> Option<OwnerReference> {
    Some(OwnerReference {
        api_version: AccessRequest::api_version(&()).into_owned(),
        kind: AccessRequest::kind(&()).into_owned(),
        name: request.metadata.name.clone()?,
        uid: request.metadata.uid.clone()?,
        controller: Some(true),
        block_owner_deletion: None,
    })
}

fn is_label_value(value: &str) -> bool {
    value.len() <= 63
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Creates the binding unless it exists (then it is left, or replaced when
/// it grants something else). Returns the binding's name.
pub async fn ensure(
    client: &Client,
    request: &AccessRequest,
    model: &ModelSpec,
) -> Result<String, AccessError> {
    let namespace = request.namespace().unwrap_or_default();
    let wanted = role_binding_for(request, model).ok_or_else(|| AccessError::LevelWithdrawn {
        model: request.spec.model.clone(),
        level: request.spec.level.clone(),
    })?;
    let name = wanted.name_any();
    let api: Api<RoleBinding> = Api::namespaced(client.clone(), &namespace);
    match api.create(&PostParams::default(), &wanted).await {
        Ok(_) => Ok(name),
        Err(error) if is_already_exists(&error) => {
            let existing = api.get(&name).await.map_err(AccessError::from_kube)?;
            if !grants_the_same(&existing, &wanted) {
                // A roleRef cannot change in place: replace the binding.
                remove(client, &namespace, &name).await?;
                api.create(&PostParams::default(), &wanted)
                    .await
                    .map_err(AccessError::from_kube)?;
            }
            Ok(name)
        }
        Err(error) => Err(AccessError::from_kube(error)),
    }
}

/// Deletes a binding; one already gone is fine.
pub async fn remove(client: &Client, namespace: &str, name: &str) -> Result<(), AccessError> {
    let api: Api<RoleBinding> = Api::namespaced(client.clone(), namespace);
    match api.delete(name, &DeleteParams::default()).await {
        Ok(_) => Ok(()),
        Err(error) if is_not_found(&error) => Ok(()),
        Err(error) => Err(AccessError::from_kube(error)),
    }
}
