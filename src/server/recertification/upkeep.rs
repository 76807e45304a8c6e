//! The leader's upkeep of recertifications, every [`PERIOD`]: lists the
//! items of a review whose listing was not written, applies a deadline
//! that has come (revoking or reporting what is unanswered), and starts
//! the next review of a recurring one. Each step reads the latest state,
//! so a restart or a second replica repeats nothing.

use std::time::Duration;

use jiff::Timestamp;
use kube::ResourceExt;
use kube::api::{Api, Patch, PatchParams, PostParams};
use serde_json::json;

use super::{RecertificationError, SERIES_LABEL, all, items, read, revoke, start};
use crate::crd::labels;
use crate::crd::recertification::{
    Recertification, RecertificationPhase, RecertificationSpec, Unanswered,
};
use crate::engine::recertification as rules;
use crate::server::access::context::AccessContext;
use crate::server::access::notify::Notification;

/// How often the upkeep runs.
pub const PERIOD: Duration = Duration::from_secs(3);

/// The upkeep, every [`PERIOD`], while this replica leads.
pub async fn forever(access: &AccessContext) {
    loop {
        if let Err(error) = once(access).await {
            tracing::warn!(%error, "recertification upkeep failed; retrying");
        }
        tokio::time::sleep(PERIOD).await;
    }
}

/// Whether this reconciler looks after `review`: every one, or (with
/// `--reconcile-namespace`) those within its namespace.
fn in_scope(access: &AccessContext, review: &Recertification) -> bool {
    match &access.reconcile_namespace {
        None => true,
        Some(namespace) => {
            !review.spec.namespaces.is_empty()
                && review.spec.namespaces.iter().all(|n| n == namespace)
        }
    }
}

/// One pass over every recertification.
pub async fn once(access: &AccessContext) -> Result<(), RecertificationError> {
    for review in all(&access.client).await? {
        if !in_scope(access, &review) {
            continue;
        }
        let name = review.name_any();
        let now = Timestamp::now();
        let status = review.status.clone().unwrap_or_default();
        if start::unlisted(&review) {
            let found = items::as_portal(access, &review.spec).await?;
            start::write_listing(&access.client, &review, found, now).await?;
            continue;
        }
        if rules::deadline_due(&review.spec, &status, now) {
            close(access, &name, &review.spec).await?;
        }
        recur(access, &review, now).await?;
    }
    Ok(())
}

/// Applies the deadline: withdraws unanswered access when the review says
/// so, then records every unanswered item and closes the review.
async fn close(
    access: &AccessContext,
    name: &str,
    spec: &RecertificationSpec,
) -> Result<(), RecertificationError> {
    let words = rules::deadline_words(name, spec);
    let api = Api::<Recertification>::all(access.client.clone());
    for _ in 0..5 {
        let Some(mut review) = read(&access.client, name).await? else {
            return Ok(());
        };
        let status = review.status.clone().unwrap_or_default();
        if status.phase != RecertificationPhase::Open {
            return Ok(());
        }
        if spec.on_deadline == Unanswered::Revoke {
            for item in rules::unanswered(&status) {
                revoke::at_deadline(access, item, &words).await?;
            }
        }
        let closed = rules::close(name, spec, &status, Timestamp::now());
        let progress = rules::progress(&closed.items);
        review.status = Some(closed);
        match api
            .replace_status(name, &PostParams::default(), &review)
            .await
        {
            Ok(_) => {
                tracing::info!(recertification = %name, revoked = progress.revoked, unanswered = progress.unanswered, "recertification closed at its deadline");
                access.auditor.notify(Notification::RecertificationClosed {
                    name: name.to_owned(),
                    certified: progress.certified,
                    revoked: progress.revoked,
                    unanswered: progress.unanswered,
                });
                return Ok(());
            }
            Err(kube::Error::Api(status)) if status.code == 409 => continue,
            Err(error) => {
                return Err(RecertificationError::from_kube(
                    error,
                    "the recertification",
                ));
            }
        }
    }
    Ok(())
}

/// Starts the next review of a recurring one when it is due.
async fn recur(
    access: &AccessContext,
    review: &Recertification,
    now: Timestamp,
) -> Result<(), RecertificationError> {
    let Some(started) = review.metadata.creation_timestamp.as_ref().map(|t| t.0) else {
        return Ok(());
    };
    let name = review.name_any();
    let series = review
        .labels()
        .get(SERIES_LABEL)
        .cloned()
        .unwrap_or_else(|| name.clone());
    let status = review.status.clone().unwrap_or_default();
    let Some((next_name, next_spec)) =
        rules::recurrence(&name, &series, &review.spec, &status, started, now)
    else {
        return Ok(());
    };
    let api = Api::<Recertification>::all(access.client.clone());
    let mut next = Recertification::new(&next_name, next_spec);
    next.labels_mut().insert(SERIES_LABEL.into(), series);
    next.labels_mut()
        .insert(labels::MANAGED_BY.into(), labels::MANAGER.into());
    match api.create(&PostParams::default(), &next).await {
        Ok(created) => {
            let found = items::as_portal(access, &created.spec).await?;
            let count = found.len();
            start::write_listing(&access.client, &created, found, now).await?;
            start::announce(access, &created, count);
        }
        // Started already (by this replica before a restart, or another):
        // it is recorded as the next only once its items are listed.
        Err(kube::Error::Api(status)) if status.code == 409 => {
            if let Some(existing) = super::read(&access.client, &next_name).await?
                && start::unlisted(&existing)
            {
                let found = items::as_portal(access, &existing.spec).await?;
                start::write_listing(&access.client, &existing, found, now).await?;
            }
        }
        Err(error) => {
            return Err(RecertificationError::from_kube(
                error,
                "the next recertification",
            ));
        }
    }
    api.patch_status(
        &name,
        &PatchParams::default(),
        &Patch::Merge(json!({ "status": { "next": next_name } })),
    )
    .await
    .map_err(|e| RecertificationError::from_kube(e, "the recertification"))?;
    Ok(())
}
