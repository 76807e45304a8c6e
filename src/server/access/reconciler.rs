//! The reconciler: converges the cluster to the requests. For each
//! AccessRequest it writes a missing first status, expires grants at
//! `expiresAt` (requeued for that moment) and requests left pending too
//! long, creates a missing binding for a grant in force and removes the
//! binding of anything no longer in force. A sweep deletes bindings that
//! carry the portal's labels without a grant behind them (drift). It runs
//! in the replica that holds the leader Lease, and starts from a full
//! listing each time, so restarts and outages lose nothing.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::rbac::v1::RoleBinding;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, ListParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::watcher;
use kube::{Resource, ResourceExt};

use super::audit::Change;
use super::context::AccessContext;
use super::error::AccessError;
use super::notify::Notification;
use super::service::{change, grant_now};
use super::{grant, leader};
use crate::crd::{AccessRequest, Model, Phase, labels};
use crate::engine::access::permissions;
use crate::engine::access::transitions::{self, PORTAL_ACTOR, Refusal};

/// How often bindings are checked for drift.
const SWEEP_PERIOD: Duration = Duration::from_secs(30);
/// The longest a request waits between reconciliations.
const LONGEST_WAIT: Duration = Duration::from_secs(300);
/// Default name of the leader Lease.
pub const LEASE_NAME: &str = "aigov-reconciler";

struct Reconciler {
    access: AccessContext,
    /// Expiry warnings sent while the cluster's AccessRequest definition
    /// cannot record them (it predates `status.expiryWarnedFor`), by
    /// `namespace/name@expiresAt`.
    unrecorded_warnings: Mutex<HashSet<String>>,
}

/// Runs the reconciler whenever this replica leads, electing the leader on
/// the Lease the settings name (`--reconciler-lease`). Never returns.
pub async fn run(access: AccessContext, lease_namespace: String, identity: String) {
    let lease_name = access.reconciler_lease.clone();
    run_with_lease(access, lease_namespace, lease_name, identity).await
}

/// [`run`], electing the leader on the Lease `lease_name`.
pub async fn run_with_lease(
    access: AccessContext,
    lease_namespace: String,
    lease_name: String,
    identity: String,
) {
    let lock = leader::LeaseLock::new(
        access.client.clone(),
        &lease_namespace,
        &lease_name,
        &identity,
    );
    let shared = Arc::new(Reconciler {
        access,
        unrecorded_warnings: Mutex::new(HashSet::new()),
    });
    leader::run_while_leader(lock, move || {
        let shared = shared.clone();
        async move {
            tokio::join!(control(shared.clone()), sweep_forever(shared));
        }
    })
    .await;
}

async fn control(shared: Arc<Reconciler>) {
    let client = shared.access.client.clone();
    let bindings =
        watcher::Config::default().labels(&format!("{}={}", labels::MANAGED_BY, labels::MANAGER));
    Controller::new(
        Api::<AccessRequest>::all(client.clone()),
        watcher::Config::default(),
    )
    .owns(Api::<RoleBinding>::all(client), bindings)
    .run(reconcile, retry_later, shared)
    .for_each(|result| async move {
        if let Err(error) = result {
            tracing::debug!(%error, "reconciliation not finished; retrying");
        }
    })
    .await;
}

fn retry_later(_: Arc<AccessRequest>, error: &AccessError, _: Arc<Reconciler>) -> Action {
    tracing::warn!(%error, "reconciliation failed; retrying");
    Action::requeue(Duration::from_secs(2))
}

async fn reconcile(
    request: Arc<AccessRequest>,
    shared: Arc<Reconciler>,
) -> Result<Action, AccessError> {
    let access = &shared.access;
    let namespace = request.namespace().unwrap_or_default();
    let name = request.name_any();
    let now = Timestamp::now();

    if request
        .status
        .as_ref()
        .is_none_or(|status| status.history.is_empty())
    {
        write_first_status(access, &namespace, &name).await?;
        return Ok(Action::requeue(Duration::from_millis(100)));
    }
    if transitions::expire_if_due(&request, now, access.pending_timeout).is_some() {
        expire(access, &namespace, &name).await?;
        return Ok(Action::await_change());
    }
    match request.phase() {
        Phase::Active => {
            let model = Api::<Model>::namespaced(access.client.clone(), &namespace)
                .get_opt(&request.spec.model)
                .await
                .map_err(AccessError::from_kube)?;
            match model {
                Some(model) => {
                    let binding = grant::binding_name(&name);
                    let present = Api::<RoleBinding>::namespaced(access.client.clone(), &namespace)
                        .get_opt(&binding)
                        .await
                        .map_err(AccessError::from_kube)?;
                    let wanted = grant::role_binding_for(&request, &model.spec);
                    let in_order = matches!((&present, &wanted), (Some(present), Some(wanted)) if grant::grants_the_same(present, wanted));
                    if !in_order
                        || request
                            .status
                            .as_ref()
                            .and_then(|s| s.role_binding.as_deref())
                            != Some(binding.as_str())
                    {
                        grant_now(access, &request, &model).await;
                    }
                    warn_before_expiry(&shared, &request, now).await?;
                }
                None => {
                    tracing::warn!(request = %name, model = %request.spec.model, "the model of an active grant is gone")
                }
            }
            Ok(requeue_until(
                transitions::next_deadline(&request, access.pending_timeout),
                now,
            ))
        }
        Phase::Pending => Ok(requeue_until(
            transitions::next_deadline(&request, access.pending_timeout),
            now,
        )),
        _ => {
            grant::remove(&access.client, &namespace, &grant::binding_name(&name)).await?;
            Ok(Action::await_change())
        }
    }
}

/// Requeue at the next deadline (a little after, so it is due), at most
/// [`LONGEST_WAIT`] from now.
fn requeue_until(deadline: Option<Timestamp>, now: Timestamp) -> Action {
    let wait = deadline
        .map(|deadline| {
            let millis = deadline.as_millisecond() - now.as_millisecond() + 50;
            Duration::from_millis(millis.max(0) as u64)
        })
        .unwrap_or(LONGEST_WAIT);
    Action::requeue(wait.min(LONGEST_WAIT))
}

async fn write_first_status(
    access: &AccessContext,
    namespace: &str,
    name: &str,
) -> Result<(), AccessError> {
    let result = change(access, namespace, name, |latest, _| {
        if latest
            .status
            .as_ref()
            .is_some_and(|status| !status.history.is_empty())
        {
            return Err(AccessError::Refused(Refusal::Settled("recorded")));
        }
        Ok(transitions::current(latest))
    })
    .await;
    ignore_refusal(result.map(|_| ()))
}

async fn expire(access: &AccessContext, namespace: &str, name: &str) -> Result<(), AccessError> {
    let pending_timeout = access.pending_timeout;
    let result = change(access, namespace, name, |latest, _| {
        transitions::expire_if_due(latest, Timestamp::now(), pending_timeout)
            .ok_or(AccessError::Refused(Refusal::Settled("not due")))
    })
    .await;
    // The audit line is written as soon as the status says Expired, before
    // the binding is deleted: should this replica die in between, the next
    // leader finds the request settled and would not write it again.
    let recorded = match result {
        Ok((request, model)) => {
            access
                .auditor
                .record(Change::of(
                    &request,
                    model.as_ref(),
                    PORTAL_ACTOR,
                    "expired",
                    None,
                    "",
                ))
                .await;
            access.store.changed();
            Ok(())
        }
        Err(error) => ignore_refusal(Err(error)),
    };
    grant::remove(&access.client, namespace, &grant::binding_name(name)).await?;
    recorded
}

fn ignore_refusal(result: Result<(), AccessError>) -> Result<(), AccessError> {
    match result {
        Err(error) if error.is_refusal() => Ok(()),
        other => other,
    }
}

/// Tells the requester (through the webhook) that the grant ends soon, once
/// per expiry: the status records the expiry warned of before the message
/// is queued, so no other replica or restart sends it again. (A replica that
/// dies between the two loses that one warning rather than doubling it.)
async fn warn_before_expiry(
    shared: &Reconciler,
    request: &AccessRequest,
    now: Timestamp,
) -> Result<(), AccessError> {
    let access = &shared.access;
    let Some(left) = permissions::time_left(request, now) else {
        return Ok(());
    };
    if left > access.expiry_warning || already_warned(request) {
        return Ok(());
    }
    let namespace = request.namespace().unwrap_or_default();
    let result = change(access, &namespace, &request.name_any(), |latest, _| {
        if latest.phase() != Phase::Active || already_warned(latest) {
            return Err(AccessError::Refused(Refusal::Settled("warned")));
        }
        let mut status = latest.status.clone().unwrap_or_default();
        status.expiry_warned_for = status.expires_at.clone();
        Ok(status)
    })
    .await;
    match result {
        Ok((stored, model)) => {
            // Recorded in the status, or else sent by no one yet here.
            let send = already_warned(&stored) || shared.first_unrecorded_warning(&stored);
            if !send {
                return Ok(());
            }
            let change = Change::of(
                &stored,
                model.as_ref(),
                PORTAL_ACTOR,
                "expires-soon",
                None,
                "",
            );
            if let Some(notification) = Notification::from_change(&change) {
                access.auditor.notify(notification);
            }
            Ok(())
        }
        Err(error) => ignore_refusal(Err(error)),
    }
}

impl Reconciler {
    /// For a warning the apiserver did not keep (an outdated definition
    /// prunes the field): whether this replica has not sent it yet.
    fn first_unrecorded_warning(&self, request: &AccessRequest) -> bool {
        let expires = request
            .status
            .as_ref()
            .and_then(|status| status.expires_at.as_ref())
            .map(|at| at.0.to_string())
            .unwrap_or_default();
        let key = format!(
            "{}/{}@{expires}",
            request.namespace().unwrap_or_default(),
            request.name_any()
        );
        let first = self
            .unrecorded_warnings
            .lock()
            .expect("unrecorded warnings")
            .insert(key);
        if first {
            tracing::error!(
                request = %request.name_any(),
                "the cluster's AccessRequest definition cannot record expiry warnings: apply `aigov crds` (deploy/crds.yaml); until then they are remembered in memory only"
            );
        }
        first
    }
}

/// Whether the requester was warned of the expiry now in force.
fn already_warned(request: &AccessRequest) -> bool {
    request.status.as_ref().is_some_and(|status| {
        status.expires_at.is_some() && status.expiry_warned_for == status.expires_at
    })
}

async fn sweep_forever(shared: Arc<Reconciler>) {
    loop {
        if let Err(error) = sweep(&shared.access).await {
            tracing::warn!(%error, "binding sweep failed; retrying");
        }
        tokio::time::sleep(SWEEP_PERIOD).await;
    }
}

/// Deletes bindings that carry the portal's labels but have no grant in
/// force behind them (a request gone, settled, or naming another binding).
pub async fn sweep(access: &AccessContext) -> Result<usize, AccessError> {
    let selector = format!("{}={}", labels::MANAGED_BY, labels::MANAGER);
    let bindings = Api::<RoleBinding>::all(access.client.clone())
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
