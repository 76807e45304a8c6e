//! The end of a request's life in the cluster, with its record kept.
//!
//! Every AccessRequest carries the finalizer [`FINALIZER`] (put there by
//! the reconciler), so the apiserver cannot let a request go, whether it is
//! deleted on its own or with its namespace, before the reconciler has
//! written its history to the access records, recorded the deletion (when,
//! and that it came from outside the portal), and removed its grant; then
//! the finalizer is removed and the request goes. Settled requests whose
//! retention ran out are removed here too, their records ending `removed`.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, DeleteParams, ListParams, Preconditions};
use kube::{Client, ResourceExt};
use serde_json::json;

use super::audit::Change;
use super::context::AccessContext;
use super::error::{AccessError, is_conflict, is_not_found};
use super::grant;
use super::requests;
pub use crate::crd::access_record::FINALIZER;
use crate::crd::access_record::ending;
use crate::crd::{AccessRequest, HistoryEntry};
use crate::engine::access::deletion::{DeletedWith, OUTSIDE_ACTOR, deletion_entry};
use crate::engine::access::retention;
use crate::engine::access::transitions::PORTAL_ACTOR;

/// Whether the request carries the portal's finalizer.
pub fn is_held(request: &AccessRequest) -> bool {
    request.finalizers().iter().any(|f| f == FINALIZER)
}

/// Puts the finalizer on a request that lacks it. A request already being
/// deleted cannot take a new finalizer, and is left as it is.
pub async fn hold(client: &Client, request: &AccessRequest) -> Result<(), AccessError> {
    if is_held(request) || request.metadata.deletion_timestamp.is_some() {
        return Ok(());
    }
    let mut finalizers = request.finalizers().to_vec();
    finalizers.push(FINALIZER.to_owned());
    match set_finalizers(client, request, finalizers).await {
        // Changed meanwhile: the change brings the request back here.
        Err(error) if is_conflict(&error) => Ok(()),
        other => other.map_err(AccessError::from_kube),
    }
}

/// A request being deleted: keeps its history and the deletion in the
/// access records, ends its grant, and lets it go. Fails (and is retried)
/// as long as the records cannot be written: the request stays until they
/// are.
pub async fn finish(access: &AccessContext, request: &AccessRequest) -> Result<(), AccessError> {
    if !is_held(request) {
        return Ok(());
    }
    access.auditor.archive().keep(request).await?;
    let namespace = request.namespace().unwrap_or_default();
    let with = if namespace_is_going(&access.client, &namespace).await? {
        DeletedWith::Namespace
    } else {
        DeletedWith::Itself
    };
    let entry = deletion_entry(request, with, Timestamp::now());
    // Not written when the portal's retention removed it and said so.
    end_record(access, request, entry, OUTSIDE_ACTOR, ending::DELETED).await?;
    grant::remove(
        &access.client,
        &namespace,
        &grant::binding_name(&request.name_any()),
    )
    .await?;
    let others = request
        .finalizers()
        .iter()
        .filter(|f| *f != FINALIZER)
        .cloned()
        .collect();
    set_finalizers(&access.client, request, others)
        .await
        .map_err(AccessError::from_kube)?;
    access.store.changed();
    Ok(())
}

/// Removes a settled request whose retention ran out, after recording
/// that the portal removed it and why. Returns whether it was due.
pub async fn remove_if_due(
    access: &AccessContext,
    request: &AccessRequest,
    now: Timestamp,
) -> Result<bool, AccessError> {
    if !retention::is_due(request, now, access.settled_retention) {
        return Ok(false);
    }
    access.auditor.archive().keep(request).await?;
    let entry = retention::removal_entry(request, now, access.settled_retention);
    end_record(access, request, entry, PORTAL_ACTOR, ending::REMOVED).await?;
    let namespace = request.namespace().unwrap_or_default();
    let api = Api::<AccessRequest>::namespaced(access.client.clone(), &namespace);
    // Only this request: not one made since under the same name.
    let params = DeleteParams {
        preconditions: Some(Preconditions {
            uid: request.uid(),
            resource_version: None,
        }),
        ..DeleteParams::default()
    };
    match api.delete(&request.name_any(), &params).await {
        Ok(_) => {}
        Err(error) if is_not_found(&error) => {}
        Err(error) => return Err(AccessError::from_kube(error)),
    }
    tracing::info!(namespace, request = %request.name_any(), "settled request removed by retention; its records keep it");
    Ok(true)
}

/// Whether `namespace` is being deleted (or is gone already).
async fn namespace_is_going(client: &Client, namespace: &str) -> Result<bool, AccessError> {
    let listed = Api::<Namespace>::all(client.clone())
        .list(&ListParams::default().fields(&format!("metadata.name={namespace}")))
        .await
        .map_err(AccessError::from_kube)?;
    Ok(listed
        .items
        .first()
        .is_none_or(|ns| ns.metadata.deletion_timestamp.is_some()))
}

/// Writes the request's finalizers, if it is still the version read (a
/// merge patch carrying the resourceVersion fails on a conflict, and the
/// reconciler tries again on the latest).
async fn set_finalizers(
    client: &Client,
    request: &AccessRequest,
    finalizers: Vec<String>,
) -> Result<(), kube::Error> {
    let patch = json!({
        "metadata": {
            "finalizers": finalizers,
            "resourceVersion": request.resource_version(),
        }
    });
    requests::patch_metadata(client, request, &patch).await
}

/// Ends the request's access record with `entry` and, the first time it
/// is ended, tells the audit log who ended it and how.
async fn end_record(
    access: &AccessContext,
    request: &AccessRequest,
    entry: HistoryEntry,
    actor: &str,
    action: &str,
) -> Result<(), AccessError> {
    if access.auditor.archive().end(request, entry.clone()).await? {
        access
            .auditor
            .record(Change::of(
                request,
                None,
                actor,
                action,
                None,
                &entry.comment,
            ))
            .await;
    }
    Ok(())
}
