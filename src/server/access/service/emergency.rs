//! Emergency access after the fact: the uses waiting for review, and an
//! approver's or manager's review of one. (Activation is filed like any
//! request, in force from the start: [`super::submit`] with `emergency`.)

use jiff::Timestamp;
use kube::ResourceExt;

use super::{person_in, requests};
use crate::crd::{AccessRequest, Phase, Verdict};
use crate::engine::access::break_glass;
use crate::server::access::audit::Change;
use crate::server::access::context::AccessContext;
use crate::server::access::error::AccessError;
use crate::server::access::grant;
use crate::server::access::requests::{Changed, change};
use crate::server::auth::session::Session;

/// The review of an emergency use by the signed-in person. An unjustified
/// use of a grant still in force ends it: its binding goes at once.
pub async fn review_use(
    access: &AccessContext,
    session: &Session,
    namespace: &str,
    name: &str,
    verdict: Verdict,
    comment: String,
) -> Result<AccessRequest, AccessError> {
    let person = person_in(access, session, namespace).await?;
    // Whoever approves the model under its environment's policies (a
    // stage's approvers included) reviews its emergency uses.
    let environment = super::environment_access(access, namespace)
        .await
        .unwrap_or_default();
    let ended = std::sync::atomic::AtomicBool::new(false);
    let Changed { request, model } = change(&access.client, namespace, name, |request, model| {
        let governed = model.map(|m| super::rules::governed_by(&environment, m).0);
        let status = break_glass::review_use(
            &request.spec.model,
            governed.as_ref(),
            request,
            &person,
            verdict,
            &comment,
            Timestamp::now(),
        )?;
        ended.store(
            request.phase() == Phase::Active && status.phase == Phase::Revoked,
            std::sync::atomic::Ordering::Relaxed,
        );
        Ok(status)
    })
    .await?;
    if ended.into_inner()
        && let Err(error) = grant::remove(
            &access.client,
            namespace,
            &grant::binding_name(&request.name_any()),
        )
        .await
    {
        tracing::warn!(%error, request = %name, "binding not removed yet; the reconciler will retry");
    }
    access
        .auditor
        .record(Change::from_history(
            &request,
            model.as_ref(),
            person.username,
            break_glass::REVIEWED,
        ))
        .await;
    // An unjustified use ends the extensions that continue it too: access
    // must not go on through them.
    if verdict == Verdict::Unjustified {
        let words = format!(
            "its emergency access was judged unjustified by {}",
            person.username
        );
        if let Err(error) = super::revoke_as_portal(access, namespace, name, &words).await {
            tracing::warn!(%error, request = %name, "the extensions of an unjustified emergency access were not all ended");
        }
    }
    access.store.changed();
    Ok(request)
}

/// The emergency uses waiting for review (from the cache), oldest first.
pub async fn uses_awaiting_review(
    access: &AccessContext,
) -> Result<Vec<AccessRequest>, AccessError> {
    let mut uses: Vec<AccessRequest> = requests(access)
        .await?
        .into_iter()
        .filter(break_glass::awaits_review)
        .collect();
    uses.sort_by_key(|request| request.metadata.creation_timestamp.as_ref().map(|t| t.0));
    Ok(uses)
}
