//! The leader's periodic sweeps: bindings the portal made that no grant in
//! force stands behind (drift), and settled requests whose retention ran out.

use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::api::{Api, ListParams};
use kube::{Resource, ResourceExt};

use super::context::AccessContext;
use super::deletion;
use super::error::AccessError;
use super::grant;
use crate::crd::{AccessRequest, Phase, labels};
use crate::engine::access::retention;

/// How often both sweeps run.
const SWEEP_PERIOD: Duration = Duration::from_secs(30);

/// Both sweeps, every [`SWEEP_PERIOD`], while this replica leads.
pub(super) async fn forever(access: &AccessContext) {
    loop {
        if let Err(error) = bindings(access).await {
            tracing::warn!(%error, "binding sweep failed; retrying");
        }
        if let Err(error) = settled(access).await {
            tracing::warn!(%error, "retention sweep failed; retrying");
        }
        tokio::time::sleep(SWEEP_PERIOD).await;
    }
}

/// Deletes bindings that carry the portal's labels but have no grant in
/// force behind them (a request gone, settled, or naming another binding).
pub async fn bindings(access: &AccessContext) -> Result<usize, AccessError> {
    let selector = format!("{}={}", labels::MANAGED_BY, labels::MANAGER);
    let bindings = access
        .scoped_api::<RoleBinding>()
        .list(&ListParams::default().labels(&selector))
        .await
        .map_err(AccessError::from_kube)?;
    let mut removed = 0;
    for binding in bindings {
        let namespace = binding.namespace().unwrap_or_default();
        let name = binding.name_any();
        let request_name = binding
            .labels()
            .get(labels::REQUEST)
            .cloned()
            .unwrap_or_default();
        let request = if request_name.is_empty() {
            None
        } else {
            Api::<AccessRequest>::namespaced(access.client.clone(), &namespace)
                .get_opt(&request_name)
                .await
                .map_err(AccessError::from_kube)?
        };
        let backed = request.as_ref().is_some_and(|request| {
            request.phase() == Phase::Active
                && request.metadata.deletion_timestamp.is_none()
                && grant::binding_name(&request.name_any()) == name
                && binding
                    .owner_references()
                    .iter()
                    .any(|owner| Some(&owner.uid) == request.meta().uid.as_ref())
        });
        if !backed {
            tracing::warn!(namespace, binding = %name, "removing a binding without a grant in force");
            grant::remove(&access.client, &namespace, &name).await?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Removes the settled requests (from the cache) whose retention ran out;
/// returns how many.
pub async fn settled(access: &AccessContext) -> Result<usize, AccessError> {
    let now = Timestamp::now();
    let mut requests = access.store.requests().await?;
    requests.retain(|request| access.in_scope(request));
    let mut removed = 0;
    for request in retention::due(&requests, now, access.settled_retention) {
        if deletion::remove_if_due(access, request, now).await? {
            removed += 1;
        }
    }
    Ok(removed)
}
