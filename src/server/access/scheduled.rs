//! Scheduled grants coming into force: at its start, the reconciler puts
//! a scheduled grant in force, makes its binding and records the change.

use jiff::Timestamp;
use kube::ResourceExt;

use super::audit::Change;
use super::context::AccessContext;
use super::error::AccessError;
use super::requests::{self, Changed};
use crate::crd::AccessRequest;
use crate::engine::access::schedule;
use crate::engine::access::transitions::PORTAL_ACTOR;

/// A scheduled grant whose start has come: in force now, its binding made
/// and the change recorded.
pub async fn start(access: &AccessContext, request: &AccessRequest) -> Result<(), AccessError> {
    let namespace = request.namespace().unwrap_or_default();
    let name = request.name_any();
    let started = requests::change_if_needed(&access.client, &namespace, &name, |latest, _| {
        schedule::start_if_due(latest, Timestamp::now())
    })
    .await?;
    if let Some(Changed { request, model }) = started {
        requests::ensure_grant(&access.client, &request).await;
        access
            .auditor
            .record(Change::from_history(
                &request,
                model.as_ref(),
                PORTAL_ACTOR,
                "granted",
            ))
            .await;
        access.store.changed();
    }
    Ok(())
}
