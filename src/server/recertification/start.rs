//! Starting a recertification as the manager: its namespaces are those of
//! the scope they may see, its items the grants they see there, and the
//! object is created as them, so Kubernetes decides whether they may.

use jiff::Timestamp;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::ResourceExt;
use kube::api::{Api, Patch, PatchParams, PostParams};
use serde_json::json;

use super::{RecertificationError, SERIES_LABEL, items};
use crate::crd::labels;
use crate::crd::recertification::{
    Recertification, RecertificationItem, RecertificationPhase, RecertificationStatus,
};
use crate::engine::recertification::start::{self, StartForm};
use crate::server::access::context::AccessContext;
use crate::server::access::notify::Notification;
use crate::server::auth::session::Session;
use crate::server::oversight::scope;
use crate::server::state::AppState;

/// What Kubernetes said when the manager may not create recertifications.
pub const NOT_ALLOWED: &str = "Your Kubernetes permissions do not let you start recertifications: ask your cluster administrators for `create` on recertifications.aigov.dev (the aigov-recertifier ClusterRole).";

/// Starts a recertification of `form`'s scope for `session`; returns its
/// name.
pub async fn start(
    state: &AppState,
    session: &Session,
    form: &StartForm,
) -> Result<String, RecertificationError> {
    if !session.user.is_manager {
        return Err(RecertificationError::NotAManager);
    }
    let now = Timestamp::now();
    let mut spec = start::read(form, &session.user.username, now)?;
    let overview = scope::cluster_grants(state, session, items::filter(&spec.scope)).await?;
    let environment = items::environment_namespaces(&state.access.client, &spec.scope).await?;
    let models = state.access.store.models().await?;
    let scope = &spec.scope;
    let namespaces: Vec<String> = overview
        .namespaces
        .iter()
        .filter(|ns| scope.namespace.is_empty() || **ns == scope.namespace)
        .filter(|ns| environment.as_ref().is_none_or(|env| env.contains(ns)))
        .filter(|ns| {
            scope.model.is_empty()
                || models.iter().any(|m| {
                    m.namespace().as_deref() == Some(ns.as_str()) && m.name_any() == scope.model
                })
        })
        .cloned()
        .collect();
    if namespaces.is_empty() {
        return Err(RecertificationError::Nothing(format!(
            "Nothing to review: no namespace with models that you may see is in {}.",
            start::scope_in_words(scope)
        )));
    }
    spec.bindings_hidden = overview
        .bindings_hidden
        .iter()
        .filter(|ns| namespaces.contains(ns))
        .cloned()
        .collect();
    let found = items::of_overview(&overview, &namespaces);
    let count = found.len();
    spec.namespaces = namespaces;

    let name = start::name(&spec.scope, now);
    let mut review = Recertification::new(&name, spec);
    review
        .labels_mut()
        .insert(SERIES_LABEL.into(), labels::requester_value(&name));
    review
        .labels_mut()
        .insert(labels::MANAGED_BY.into(), labels::MANAGER.into());
    let user = state.kube.as_user(&session.kube)?;
    let created = match Api::<Recertification>::all(user)
        .create(&PostParams::default(), &review)
        .await
    {
        Ok(created) => created,
        Err(kube::Error::Api(status)) if status.code == 403 => {
            return Err(RecertificationError::NotAllowed(NOT_ALLOWED.into()));
        }
        Err(kube::Error::Api(status)) if status.code == 409 => {
            return Err(RecertificationError::AlreadyStarted(name));
        }
        Err(error) => {
            return Err(RecertificationError::from_kube(
                error,
                "the recertification",
            ));
        }
    };
    // Listed as the manager saw it. Should this write fail, the leader
    // lists the items itself (the review stays `Listing` until then).
    if let Err(error) = write_listing(&state.access.client, &created, found, now).await {
        tracing::warn!(%error, recertification = %name, "items not written; the reconciler lists them");
    }
    announce(&state.access, &created, count);
    Ok(name)
}

/// Writes the items and opens `review`, as it was read while still
/// unlisted: the write carries its resource version, so a listing made
/// meanwhile (and any answer given since) is never written over. A
/// conflict means another writer listed it first.
pub async fn write_listing(
    client: &kube::Client,
    review: &Recertification,
    items: Vec<RecertificationItem>,
    now: Timestamp,
) -> Result<(), RecertificationError> {
    let status = RecertificationStatus {
        phase: RecertificationPhase::Open,
        items,
        listed_at: Some(Time(now)),
        ..Default::default()
    };
    let patch = json!({
        "metadata": { "resourceVersion": review.resource_version() },
        "status": status,
    });
    match Api::<Recertification>::all(client.clone())
        .patch_status(
            &review.name_any(),
            &PatchParams::default(),
            &Patch::Merge(patch),
        )
        .await
    {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(status)) if status.code == 409 => Ok(()),
        Err(error) => Err(RecertificationError::from_kube(
            error,
            "the recertification's status",
        )),
    }
}

/// Whether `review` still waits for its items to be listed.
pub fn unlisted(review: &Recertification) -> bool {
    review
        .status
        .as_ref()
        .is_none_or(|status| status.phase == RecertificationPhase::Listing)
}

/// Tells the channel a review has started, and who answers it.
pub fn announce(access: &AccessContext, review: &Recertification, items: usize) {
    access.auditor.notify(Notification::RecertificationStarted {
        name: review.name_any(),
        started_by: review.spec.started_by.clone(),
        scope: start::scope_in_words(&review.spec.scope),
        deadline: review.spec.deadline.0,
        items,
    });
}
