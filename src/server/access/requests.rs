//! Reading and changing AccessRequests in the cluster, for the person-facing
//! [`super::service`] and the [`super::reconciler`] alike, so that neither
//! borrows from the other. Reads here are fresh (never the cache): a
//! decision must see what the apiserver holds now. Status writes use
//! optimistic concurrency (resourceVersion): when someone else changed the
//! request in between, the decision is made again on their result, so two
//! writers acting at the same moment never lose a review and never grant
//! twice.

use std::sync::atomic::{AtomicBool, Ordering};

use kube::api::{Api, Patch, PatchParams, PostParams};
use kube::{Client, ResourceExt};

use super::error::{AccessError, is_conflict, is_not_found};
use super::grant;
use crate::crd::{AccessRequest, AccessRequestStatus, Model, Phase, labels, names};
use crate::engine::access::transitions;

/// How often a change is re-decided after losing a race, before giving up.
/// Every lost race means another writer's change was stored, so each round
/// of writers racing for one request lets at least one through: a writer
/// among `n` at once needs up to `n` attempts (ten approvers of a model that
/// requires ten approvals, all approving at the same moment, need ten; with
/// eight, the last was refused). The bound only ends a loop against a writer
/// that changes the request all the time.
const ATTEMPTS: usize = 32;

/// A request as its new status was written, and its model as read for the
/// decision (`None` when the model is gone).
#[derive(Clone, Debug)]
pub struct Changed {
    /// The request as the apiserver stored it, new status included.
    pub request: AccessRequest,
    /// Its model, as read for the decision.
    pub model: Option<Model>,
}

/// One request, read fresh.
pub async fn read(
    client: &Client,
    namespace: &str,
    name: &str,
) -> Result<AccessRequest, AccessError> {
    if !names::is_namespace_name(namespace) || !names::is_object_name(name) {
        return Err(AccessError::RequestNotFound {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
        });
    }
    let api: Api<AccessRequest> = Api::namespaced(client.clone(), namespace);
    match api.get(name).await {
        Ok(request) => Ok(request),
        Err(error) if is_not_found(&error) => Err(AccessError::RequestNotFound {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
        }),
        Err(error) => Err(AccessError::from_kube(error)),
    }
}

/// One model, read fresh; `None` when there is no such model.
pub async fn read_model(
    client: &Client,
    namespace: &str,
    name: &str,
) -> Result<Option<Model>, AccessError> {
    if !names::is_namespace_name(namespace) || !names::is_object_name(name) {
        return Ok(None);
    }
    let api: Api<Model> = Api::namespaced(client.clone(), namespace);
    api.get_opt(name).await.map_err(AccessError::from_kube)
}

/// Reads the latest request and its model, decides the next status, and
/// writes it with the resourceVersion read; on a conflict, again. For
/// actions that always change the request or are refused (`decide`
/// returns the refusal, and nothing is written).
pub async fn change<F>(
    client: &Client,
    namespace: &str,
    name: &str,
    decide: F,
) -> Result<Changed, AccessError>
where
    F: Fn(&AccessRequest, Option<&Model>) -> Result<AccessRequestStatus, AccessError>,
{
    let written = write_decided(client, namespace, name, |request, model| {
        decide(request, model).map(Some)
    })
    .await?;
    // `decide` never leaves the status as it is, so a write happened.
    Ok(written.expect("every decision of `change` is a status to write"))
}

/// [`change`] for upkeep that may find nothing to do: `decide` returns
/// `None` when the latest request needs no change (another writer got there
/// first, or it is not due), and then so does this, without writing.
pub async fn change_if_needed<F>(
    client: &Client,
    namespace: &str,
    name: &str,
    decide: F,
) -> Result<Option<Changed>, AccessError>
where
    F: Fn(&AccessRequest, Option<&Model>) -> Option<AccessRequestStatus>,
{
    write_decided(client, namespace, name, |request, model| {
        Ok(decide(request, model))
    })
    .await
}

/// The read-decide-write loop of [`change`] and [`change_if_needed`].
async fn write_decided<F>(
    client: &Client,
    namespace: &str,
    name: &str,
    decide: F,
) -> Result<Option<Changed>, AccessError>
where
    F: Fn(&AccessRequest, Option<&Model>) -> Result<Option<AccessRequestStatus>, AccessError>,
{
    let api: Api<AccessRequest> = Api::namespaced(client.clone(), namespace);
    for _ in 0..ATTEMPTS {
        let request = read(client, namespace, name).await?;
        let model = read_model(client, namespace, &request.spec.model).await?;
        let Some(status) = decide(&request, model.as_ref())? else {
            return Ok(None);
        };
        let mut updated = request.clone();
        updated.status = Some(status);
        match api
            .replace_status(name, &PostParams::default(), &updated)
            .await
        {
            Ok(stored) => {
                return Ok(Some(Changed {
                    request: stored,
                    model,
                }));
            }
            Err(error) if is_conflict(&error) => continue,
            Err(error) => return Err(AccessError::from_kube(error)),
        }
    }
    Err(AccessError::Contended)
}

/// Labels a request filed before requests carried their requester's label
/// ([`labels::REQUESTER`]), so that a person's requests are all found by the
/// label selector. A request already labelled is left as it is.
pub async fn label_requester(client: &Client, request: &AccessRequest) -> Result<(), AccessError> {
    if request.labels().contains_key(labels::REQUESTER)
        || request.metadata.deletion_timestamp.is_some()
    {
        return Ok(());
    }
    let patch = serde_json::json!({
        "metadata": {"labels": {labels::REQUESTER: labels::requester_value(&request.spec.requester)}}
    });
    patch_metadata(client, request, &patch)
        .await
        .map_err(AccessError::from_kube)
}

/// Merge-patches a request's metadata; a request gone meanwhile needs no
/// patch. (A patch carrying the resourceVersion fails on a conflict.)
pub async fn patch_metadata(
    client: &Client,
    request: &AccessRequest,
    patch: &serde_json::Value,
) -> Result<(), kube::Error> {
    let api: Api<AccessRequest> =
        Api::namespaced(client.clone(), &request.namespace().unwrap_or_default());
    match api
        .patch(
            &request.name_any(),
            &PatchParams::default(),
            &Patch::Merge(patch),
        )
        .await
    {
        Ok(_) => Ok(()),
        Err(error) if is_not_found(&error) => Ok(()),
        Err(error) => Err(error),
    }
}

/// Creates the binding of a grant in force, and records its name on the
/// request. Failures are logged and left to the reconciler, which
/// converges; the caller (an approval, or the reconciler itself) goes on.
pub async fn ensure_grant(client: &Client, request: &AccessRequest) {
    let name = request.name_any();
    let binding = match grant::ensure(client, request).await {
        Ok(binding) => binding,
        Err(error @ AccessError::RoleNotRecorded { .. }) => {
            tracing::error!(%error, request = %name, "no role recorded for a grant in force: if it was approved just now, the cluster's AccessRequest definition predates status.grantedRoleRef; apply `aigov crds` (deploy/crds.yaml)");
            return;
        }
        Err(error) => {
            tracing::warn!(%error, request = %name, "grant not created yet; the reconciler will retry");
            return;
        }
    };
    let namespace = request.namespace().unwrap_or_default();
    let ended = AtomicBool::new(false);
    let recorded = change_if_needed(client, &namespace, &name, |latest, _| {
        let mut status = transitions::current(latest);
        ended.store(status.phase != Phase::Active, Ordering::Relaxed);
        // Ended meanwhile, or recorded by another writer: nothing to do.
        if status.phase != Phase::Active || status.role_binding.as_deref() == Some(binding.as_str())
        {
            return None;
        }
        status.role_binding = Some(binding.clone());
        Some(status)
    })
    .await;
    if let Err(error) = recorded {
        tracing::warn!(%error, request = %name, "binding name not recorded yet");
    }
    // Ended (expired, revoked) between the decision to grant and the
    // binding's creation: whoever ended it may have deleted the binding
    // before it existed, so it goes now, rather than stand until the leader
    // finds it.
    if ended.load(Ordering::Relaxed)
        && let Err(error) = grant::remove(client, &namespace, &binding).await
    {
        tracing::warn!(%error, request = %name, "binding of an ended grant not removed yet");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client whose every request fails: nothing listens on port 9.
    fn offline_client() -> Client {
        crate::server::kube::install_crypto_provider();
        let config = kube::Config::new("http://127.0.0.1:9".parse().unwrap());
        Client::try_from(config).unwrap()
    }

    #[tokio::test]
    async fn a_name_that_cannot_exist_is_not_found_without_asking_the_cluster() {
        let client = offline_client();
        for (namespace, name) in [
            ("fraud-detection", "x/../../rolebindings/y"),
            ("fraud-detection/..", "x"),
            ("fraud-detection", "x?watch=true"),
            ("fraud-detection", "a b"),
        ] {
            assert!(
                matches!(
                    read(&client, namespace, name).await,
                    Err(AccessError::RequestNotFound { .. })
                ),
                "{namespace:?} {name:?}"
            );
            assert!(matches!(
                read_model(&client, namespace, name).await,
                Ok(None)
            ));
        }
        // A valid name is asked for, and the offline cluster does not answer.
        assert!(matches!(
            read(&client, "fraud-detection", "x").await,
            Err(AccessError::ClusterUnavailable)
        ));
    }
}
