//! The grant itself: a RoleBinding in the model's namespace, named after the
//! request, pointing back to it, owned by it (so deleting a request removes
//! its binding), binding the role recorded at approval
//! (`status.grantedRoleRef`, never the model's current level) to the
//! requester. A role not marked bindable is never bound
//! ([`crate::engine::access::bindable`]).

use std::collections::BTreeMap;

use k8s_openapi::api::rbac::v1::{ClusterRole, Role, RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use kube::api::{Api, DeleteParams, PostParams};
use kube::{Client, Resource, ResourceExt};

use super::error::{AccessError, is_already_exists, is_not_found};
use crate::crd::labels::is_label_value;
use crate::crd::{self, AccessRequest, RoleKind, labels};
use crate::engine::access::bindable::{RoleFound, why_not_bindable};
use crate::engine::access::transitions::Refusal;

/// The name of the RoleBinding that carries a request's grant.
pub fn binding_name(request_name: &str) -> String {
    format!("aigov-{request_name}")
}

/// The RoleBinding for an approved request, binding the role recorded at
/// approval; `None` when no role is recorded (a grant approved before
/// roles were recorded, until the reconciler records it).
pub fn role_binding_for(request: &AccessRequest) -> Option<RoleBinding> {
    let role = request.status.as_ref()?.granted_role_ref.as_ref()?;
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
            kind: role.kind.as_str().into(),
            name: role.name.clone(),
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

/// Creates the binding unless it exists (then it is left, or replaced when
/// it grants something else). Returns the binding's name.
/// The role must be marked bindable: the portal refuses, before asking the
/// apiserver, to bind any other.
pub async fn ensure(client: &Client, request: &AccessRequest) -> Result<String, AccessError> {
    let namespace = request.namespace().unwrap_or_default();
    let wanted = role_binding_for(request).ok_or_else(|| AccessError::RoleNotRecorded {
        model: request.spec.model.clone(),
        level: request.spec.level.clone(),
    })?;
    if let Some(role) = request
        .status
        .as_ref()
        .and_then(|status| status.granted_role_ref.as_ref())
    {
        check_bindable(
            client,
            &namespace,
            &request.spec.model,
            &request.spec.level,
            role,
        )
        .await?;
    }
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

/// Reads the role a level names: its labels, or that it is missing or
/// could not be read.
pub async fn find_role(client: &Client, namespace: &str, role: &crd::RoleRef) -> RoleFound {
    let labels = match role.kind {
        RoleKind::ClusterRole => Api::<ClusterRole>::all(client.clone())
            .get_opt(&role.name)
            .await
            .map(|found| found.map(|role| role.metadata.labels.unwrap_or_default())),
        RoleKind::Role => Api::<Role>::namespaced(client.clone(), namespace)
            .get_opt(&role.name)
            .await
            .map(|found| found.map(|role| role.metadata.labels.unwrap_or_default())),
    };
    match labels {
        Ok(Some(labels)) => RoleFound::Labelled(labels),
        Ok(None) => RoleFound::Missing,
        Err(error) => {
            tracing::warn!(%error, role = %role.name, "cannot read the role of an access level");
            RoleFound::Unreadable
        }
    }
}

/// Refuses a role grants may not bind (see
/// [`crate::engine::access::bindable`]), in words naming the model and level.
pub async fn check_bindable(
    client: &Client,
    namespace: &str,
    model: &str,
    level: &str,
    role: &crd::RoleRef,
) -> Result<(), AccessError> {
    let found = find_role(client, namespace, role).await;
    match why_not_bindable(role, &found) {
        None => Ok(()),
        Some(why) => Err(AccessError::Refused(Refusal::RoleNotBindable {
            model: model.to_owned(),
            level: level.to_owned(),
            why,
        })),
    }
}
