//! Withdrawing the access of a recertification item: a grant made through
//! aigov is revoked through the access workflow (its binding goes, its
//! history says why); a binding made outside aigov loses the item's
//! subject, or goes when it was the last one. By a reviewer, as them; at
//! the deadline, as the portal.

use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::api::{Api, DeleteParams, PostParams, Preconditions};

use super::RecertificationError;
use crate::crd::recertification::RecertificationItem;
use crate::engine::access::refusal::Refusal;
use crate::engine::recertification::{is_aigov, names_subject};
use crate::server::access::context::AccessContext;
use crate::server::access::error::AccessError;
use crate::server::access::service;
use crate::server::auth::session::Session;
use crate::server::kube::error::KubeError;

/// The reviewer withdraws the item's access, as themselves.
pub async fn as_reviewer(
    access: &AccessContext,
    user: &kube::Client,
    session: &Session,
    review: &str,
    item: &RecertificationItem,
    comment: &str,
) -> Result<(), RecertificationError> {
    let words = format!("revoked in recertification {review}: {comment}");
    if is_aigov(item) {
        let request = item.request.as_deref().unwrap_or_default();
        return match service::revoke(access, session, &item.namespace, request, words).await {
            // Ended meanwhile (expired, given up): nothing left to withdraw.
            Ok(_) | Err(AccessError::Refused(Refusal::NotActive(_))) => Ok(()),
            Err(AccessError::RequestNotFound { .. }) => Ok(()),
            Err(error) => Err(error.into()),
        };
    }
    remove_subject(user, item).await.map_err(|error| match error {
        KubeError::Forbidden { .. } => RecertificationError::NotAllowed(format!(
            "Kubernetes does not let you change the RoleBinding {} in {}: ask its owners to remove {} {}.",
            item.role_binding, item.namespace, item.subject_kind, item.subject
        )),
        other => other.into(),
    })?;
    Ok(())
}

/// The portal withdraws the item's access at the deadline.
pub async fn at_deadline(
    access: &AccessContext,
    item: &RecertificationItem,
    words: &str,
) -> Result<(), RecertificationError> {
    if is_aigov(item) {
        let request = item.request.as_deref().unwrap_or_default();
        return match service::revoke_as_portal(access, &item.namespace, request, words).await {
            Ok(_) | Err(AccessError::RequestNotFound { .. }) => Ok(()),
            Err(error) => Err(error.into()),
        };
    }
    remove_subject(&access.client, item).await?;
    Ok(())
}

/// Removes the item's subject from its binding (deleting a binding left
/// with none), on the version read; returns whether it was there.
pub async fn remove_subject(
    client: &kube::Client,
    item: &RecertificationItem,
) -> Result<bool, KubeError> {
    let api = Api::<RoleBinding>::namespaced(client.clone(), &item.namespace);
    let what = || format!("the RoleBinding {}", item.role_binding);
    for _ in 0..5 {
        let Some(mut binding) = api
            .get_opt(&item.role_binding)
            .await
            .map_err(|e| KubeError::from_kube(e, what()))?
        else {
            return Ok(false);
        };
        let subjects = binding.subjects.take().unwrap_or_default();
        let kept: Vec<_> = subjects
            .iter()
            .filter(|subject| !names_subject(item, subject))
            .cloned()
            .collect();
        if kept.len() == subjects.len() {
            return Ok(false);
        }
        let written = if kept.is_empty() {
            let preconditions = Preconditions {
                resource_version: binding.metadata.resource_version.clone(),
                uid: binding.metadata.uid.clone(),
            };
            let params = DeleteParams {
                preconditions: Some(preconditions),
                ..DeleteParams::default()
            };
            api.delete(&item.role_binding, &params).await.map(|_| ())
        } else {
            binding.subjects = Some(kept);
            api.replace(&item.role_binding, &PostParams::default(), &binding)
                .await
                .map(|_| ())
        };
        match written {
            Ok(()) => return Ok(true),
            Err(kube::Error::Api(status)) if status.code == 409 => continue,
            Err(kube::Error::Api(status)) if status.code == 404 => return Ok(false),
            Err(error) => return Err(KubeError::from_kube(error, what())),
        }
    }
    Err(KubeError::Api(format!(
        "{} kept changing; try again",
        what()
    )))
}
