//! The reconciler: converges the cluster to the requests. For each
//! AccessRequest it writes a missing first status, expires what is due
//! (through [`super::expiry`], which every replica also runs on a timer of
//! its own, leader or not) and requests left pending too long, creates a
//! missing binding for a grant in force and removes the binding of anything
//! no longer in force. A sweep deletes bindings that carry the portal's
//! labels without a grant behind them (drift). It also keeps the record: it
//! writes every history entry to the access records, holds each request with
//! a finalizer until its deletion is recorded, and removes settled requests
//! whose retention ran out ([`super::deletion`]). It runs in the replica that
//! holds the leader Lease, and starts from a full listing each time, so
//! restarts and outages lose nothing.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use jiff::Timestamp;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::ResourceExt;
use kube::api::Api;
use kube::runtime::controller::{Action, Controller};
use kube::runtime::watcher;

use super::audit::Change;
use super::context::AccessContext;
use super::deletion;
use super::error::AccessError;
use super::expiry;
use super::grant;
use super::model_roles;
use super::notify::Notification;
use super::requests::{self, Changed};
use super::scheduled;
use super::sweep;
use crate::crd::{AccessRequest, Phase, labels};
use crate::engine::access::transitions::{self, PORTAL_ACTOR};
use crate::engine::access::{permissions, retention, schedule};
use crate::server::leader;

/// The longest a request waits between reconciliations.
const LONGEST_WAIT: Duration = Duration::from_secs(300);

struct Reconciler {
    access: AccessContext,
    /// Expiry warnings sent while the cluster's AccessRequest definition
    /// cannot record them (it predates `status.expiryWarnedFor`), by
    /// `namespace/name@expiresAt`.
    unrecorded_warnings: Mutex<HashSet<String>>,
}

/// Runs the expiry timer, and the reconciler whenever this replica leads,
/// electing the leader on the Lease the settings name
/// (`--reconciler-lease`). Never returns.
pub async fn run(access: AccessContext, lease_namespace: String, identity: String) {
    let lease_name = access.reconciler_lease.clone();
    run_with_lease(access, lease_namespace, lease_name, identity).await
}

/// [`run`], electing the leader on the Lease `lease_name`. Expiry does not
/// wait for the election: a grant due while no replica leads (a leader died
/// holding the Lease) ends on time all the same.
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
    let expiring = expiry::run(access.clone());
    let shared = Arc::new(Reconciler {
        access,
        unrecorded_warnings: Mutex::new(HashSet::new()),
    });
    let leading = leader::run_while_leader(lock, move || {
        let shared = shared.clone();
        async move {
            tokio::join!(
                control(shared.clone()),
                sweep::forever(&shared.access),
                model_roles::control(shared.access.clone()),
                crate::server::policy::admission::control(shared.access.client.clone()),
                crate::server::recertification::upkeep::forever(&shared.access),
            );
        }
    });
    tokio::join!(expiring, leading);
}

async fn control(shared: Arc<Reconciler>) {
    let bindings =
        watcher::Config::default().labels(&format!("{}={}", labels::MANAGED_BY, labels::MANAGER));
    Controller::new(
        shared.access.scoped_api::<AccessRequest>(),
        watcher::Config::default(),
    )
    .owns(shared.access.scoped_api::<RoleBinding>(), bindings)
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

    if request.metadata.deletion_timestamp.is_some() {
        deletion::finish(access, &request).await?;
        return Ok(Action::await_change());
    }
    deletion::hold(&access.client, &request).await?;
    requests::label_requester(&access.client, &request).await?;
    // The record never holds up a grant's upkeep: what is not written now
    // is written on the next pass, and before the request may go.
    if let Err(error) = access.auditor.archive().keep(&request).await {
        tracing::warn!(%error, request = %name, "access records not written yet; retrying on the next pass");
    }
    if request
        .status
        .as_ref()
        .is_none_or(|status| status.history.is_empty())
    {
        write_first_status(access, &namespace, &name).await?;
        return Ok(Action::requeue(Duration::from_millis(100)));
    }
    if transitions::expire_if_due(&request, now, access.pending_timeout).is_some() {
        expiry::end_due(access, &request).await?;
        return Ok(Action::await_change());
    }
    match request.phase() {
        Phase::Active => {
            if !has_granted_role(&request) {
                let wait = if record_granted_role(access, &request).await? {
                    Action::requeue(Duration::from_millis(100))
                } else {
                    requeue_until(
                        transitions::next_deadline(&request, access.pending_timeout),
                        now,
                    )
                };
                return Ok(wait);
            }
            // The binding is made from the role recorded at approval, not
            // from the model's current level: an edit of the model never
            // changes a grant in force.
            let binding = grant::binding_name(&name);
            let present = Api::<RoleBinding>::namespaced(access.client.clone(), &namespace)
                .get_opt(&binding)
                .await
                .map_err(AccessError::from_kube)?;
            let wanted = grant::role_binding_for(&request);
            let in_order = matches!((&present, &wanted), (Some(present), Some(wanted)) if grant::grants_the_same(present, wanted));
            if !in_order
                || request
                    .status
                    .as_ref()
                    .and_then(|s| s.role_binding.as_deref())
                    != Some(binding.as_str())
            {
                requests::ensure_grant(&access.client, &request).await;
            }
            warn_before_expiry(&shared, &request, now).await?;
            Ok(requeue_until(
                transitions::next_deadline(&request, access.pending_timeout),
                now,
            ))
        }
        Phase::Scheduled if schedule::start_if_due(&request, now).is_some() => {
            scheduled::start(access, &request).await?;
            Ok(Action::requeue(Duration::from_millis(100)))
        }
        Phase::Pending | Phase::Scheduled => Ok(requeue_until(
            transitions::next_deadline(&request, access.pending_timeout),
            now,
        )),
        _ => {
            grant::remove(&access.client, &namespace, &grant::binding_name(&name)).await?;
            if deletion::remove_if_due(access, &request, now).await? {
                return Ok(Action::await_change());
            }
            // A removal due soon is made on time; a later one by the sweep.
            Ok(
                match retention::removal_due_at(&request, access.settled_retention) {
                    Some(due) if seconds_until(due, now) < LONGEST_WAIT.as_secs() => {
                        requeue_until(Some(due), now)
                    }
                    _ => Action::await_change(),
                },
            )
        }
    }
}

fn has_granted_role(request: &AccessRequest) -> bool {
    request
        .status
        .as_ref()
        .is_some_and(|status| status.granted_role_ref.is_some())
}

/// A grant approved before roles were recorded at approval: records, once,
/// the role its level names now (`role-recorded` in the history, the audit
/// trail and an Event); whether it did. When the model or the level is
/// gone, nothing can be recorded and the grant is left as it is until it
/// ends.
async fn record_granted_role(
    access: &AccessContext,
    request: &AccessRequest,
) -> Result<bool, AccessError> {
    let namespace = request.namespace().unwrap_or_default();
    let name = request.name_any();
    let now = Timestamp::now();
    let written = requests::change_if_needed(&access.client, &namespace, &name, |latest, model| {
        transitions::record_granted_role(latest, &model?.spec, now)
    })
    .await?;
    match written {
        Some(Changed { request, model }) => {
            access
                .auditor
                .record(Change::from_history(
                    &request,
                    model.as_ref(),
                    PORTAL_ACTOR,
                    transitions::ROLE_RECORDED,
                ))
                .await;
            Ok(true)
        }
        None => {
            tracing::warn!(request = %name, model = %request.spec.model, "the role of a grant in force cannot be recorded: its model or level is gone");
            Ok(false)
        }
    }
}

fn seconds_until(moment: Timestamp, now: Timestamp) -> u64 {
    u64::try_from(moment.as_second() - now.as_second()).unwrap_or(0)
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
    // Written meanwhile by the portal that created the request: nothing
    // to do.
    requests::change_if_needed(&access.client, namespace, name, |latest, _| {
        let recorded = latest
            .status
            .as_ref()
            .is_some_and(|status| !status.history.is_empty());
        (!recorded).then(|| transitions::current(latest))
    })
    .await?;
    Ok(())
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
    let name = request.name_any();
    // Nothing to do when the grant ended meanwhile or another replica
    // warned first.
    let written = requests::change_if_needed(&access.client, &namespace, &name, |latest, _| {
        if latest.phase() != Phase::Active || already_warned(latest) {
            return None;
        }
        let mut status = latest.status.clone().unwrap_or_default();
        status.expiry_warned_for = status.expires_at.clone();
        Some(status)
    })
    .await?;
    let Some(Changed {
        request: stored,
        model,
    }) = written
    else {
        return Ok(());
    };
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
