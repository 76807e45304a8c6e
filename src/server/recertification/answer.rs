//! A reviewer answers an item: certified, the answer is recorded; revoked,
//! the access is withdrawn as the reviewer first (Kubernetes and the access
//! rules decide), then the answer is recorded. Recorded on the version
//! read, again after a conflict: an item is answered once, and the first
//! answer is the one kept.

use jiff::Timestamp;
use kube::ResourceExt;
use kube::api::{Api, PostParams};

use super::{RecertificationError, read, revoke, sight};
use crate::crd::recertification::{ItemVerdict, Recertification};
use crate::engine::recertification::{self as rules, Refusal};
use crate::server::access::requests::read_model;
use crate::server::auth::session::Session;
use crate::server::state::AppState;

/// How many times a lost race to record is tried again.
const ATTEMPTS: usize = 5;

/// Answers item `id` of recertification `name` as `session`.
pub async fn answer(
    state: &AppState,
    session: &Session,
    name: &str,
    id: &str,
    verdict: ItemVerdict,
    comment: &str,
) -> Result<(), RecertificationError> {
    let access = &state.access;
    let not_found = || RecertificationError::NotFound(name.chars().take(64).collect());
    if !crate::crd::names::is_object_name(name) {
        return Err(not_found());
    }
    let review = read(&access.client, name).await?.ok_or_else(not_found)?;
    let status = review.status.clone().unwrap_or_default();
    let item = status
        .items
        .iter()
        .find(|item| item.id == id)
        .cloned()
        .ok_or(Refusal::NoSuchItem)?;
    let sight = sight(state, session, [&item.namespace]).await?;
    let viewer = sight.viewer(session);
    let model = if rules::is_aigov(&item) {
        read_model(&access.client, &item.namespace, &item.model).await?
    } else {
        None
    };
    let spec = model.as_ref().map(|m| &m.spec);
    if !viewer.may_answer(&item, spec) {
        if !viewer.sees(&item, spec) {
            return Err(Refusal::NoSuchItem.into());
        }
        return Err(Refusal::NotAReviewer(rules::why_not(&item, &session.user.username)).into());
    }
    let by = session.user.username.as_str();
    // Checked before anything is withdrawn: open, unanswered, a reason.
    rules::answer(&status, id, by, verdict, comment, Timestamp::now())?;
    if verdict == ItemVerdict::Revoked {
        let user = state.kube.as_user(&session.kube)?;
        revoke::as_reviewer(access, &user, session, name, &item, comment.trim()).await?;
    }
    record(&access.client, review, id, by, verdict, comment).await
}

/// Records the answer on the latest version of the review.
async fn record(
    client: &kube::Client,
    mut review: Recertification,
    id: &str,
    by: &str,
    verdict: ItemVerdict,
    comment: &str,
) -> Result<(), RecertificationError> {
    let api = Api::<Recertification>::all(client.clone());
    let name = review.name_any();
    for _ in 0..ATTEMPTS {
        let status = review.status.clone().unwrap_or_default();
        review.status = Some(rules::answer(
            &status,
            id,
            by,
            verdict,
            comment,
            Timestamp::now(),
        )?);
        match api
            .replace_status(&name, &PostParams::default(), &review)
            .await
        {
            Ok(_) => return Ok(()),
            Err(kube::Error::Api(status)) if status.code == 409 => {
                review = read(client, &name)
                    .await?
                    .ok_or_else(|| RecertificationError::NotFound(name.clone()))?;
            }
            Err(error) => {
                return Err(RecertificationError::from_kube(
                    error,
                    "the recertification's status",
                ));
            }
        }
    }
    Err(RecertificationError::Access(
        crate::server::access::error::AccessError::Contended,
    ))
}
