//! Ending a request or its grant as the signed-in person: cancel,
//! relinquish and revoke. A grant that is revoked or given up ends the
//! extensions that continue it as well.

use jiff::Timestamp;
use kube::ResourceExt;
use kube::api::Api;

use super::person_in;
use crate::crd::{AccessRequest, AccessRequestStatus, Model, ModelSpec, Phase};
use crate::engine::access::permissions::Person;
use crate::engine::access::refusal::Refusal;
use crate::engine::access::{extension, transitions};
use crate::server::access::audit::Change;
use crate::server::access::context::AccessContext;
use crate::server::access::error::AccessError;
use crate::server::access::grant;
use crate::server::access::requests::{Changed, change};
use crate::server::auth::session::Session;

/// The request an action is on, and who acts.
pub(super) struct Target<'a> {
    pub access: &'a AccessContext,
    pub session: &'a Session,
    pub namespace: &'a str,
    pub name: &'a str,
}

/// Ends a request or its grant by `rule` (cancel, relinquish, revoke), as
/// the signed-in person, and records it as `action`.
pub(super) async fn end<F>(
    target: Target<'_>,
    comment: &str,
    action: &str,
    rule: F,
) -> Result<AccessRequest, AccessError>
where
    F: Fn(
        Option<&ModelSpec>,
        &AccessRequest,
        &Person<'_>,
        &str,
        Timestamp,
    ) -> Result<AccessRequestStatus, Refusal>,
{
    let Target {
        access,
        session,
        namespace,
        name,
    } = target;
    let person = person_in(access, session, namespace).await?;
    // The model's terms as its environment's policies make them (a stage's
    // approvers may revoke as the model's may); while the policies cannot
    // be read, its own terms, which never let more people act.
    let environment = super::environment_access(access, namespace)
        .await
        .unwrap_or_default();
    // The rule as this person applies it, with the words recorded.
    let decide = |request: &AccessRequest, model: Option<&Model>, words: &str| {
        let governed = model.map(|m| super::rules::governed_by(&environment, m).0);
        rule(governed.as_ref(), request, &person, words, Timestamp::now())
            .map_err(AccessError::from)
    };
    let Changed { request, model } = change(&access.client, namespace, name, |request, model| {
        decide(request, model, comment)
    })
    .await?;
    finish(
        access,
        &request,
        model.as_ref(),
        person.username,
        action,
        comment,
    )
    .await;
    // A grant revoked or given up takes the extensions that continue it
    // along: otherwise access would go on through them. Each is ended by
    // the same rule, as the same person, and recorded on its own.
    if request.phase() == Phase::Revoked {
        let continuations = continuations_of(access, namespace, name)
            .await
            .unwrap_or_else(|error| {
                tracing::warn!(%error, grant = %name, "the extensions of an ended grant could not be listed");
                Vec::new()
            });
        let words = along_with(comment, name);
        let words = words.as_str();
        for continued in continuations {
            let ended = change(&access.client, namespace, &continued, |request, model| {
                decide(request, model, words)
            })
            .await;
            match ended {
                Ok(Changed { request, model }) => {
                    finish(
                        access,
                        &request,
                        model.as_ref(),
                        person.username,
                        action,
                        words,
                    )
                    .await;
                }
                Err(error) => {
                    tracing::warn!(%error, request = %continued, grant = %name, "an extension of an ended grant was not ended")
                }
            }
        }
    }
    Ok(request)
}

/// After a change that ends a grant: the binding goes at once (the
/// reconciler would also remove it), then the change is recorded.
async fn finish(
    access: &AccessContext,
    request: &AccessRequest,
    model: Option<&Model>,
    actor: &str,
    action: &str,
    comment: &str,
) {
    if let Some(namespace) = request.namespace()
        && let Err(error) = grant::remove(
            &access.client,
            &namespace,
            &grant::binding_name(&request.name_any()),
        )
        .await
    {
        tracing::warn!(%error, request = %request.name_any(), "binding not removed yet; the reconciler will retry");
    }
    access
        .auditor
        .record(Change::of(request, model, actor, action, None, comment))
        .await;
    access.store.changed();
}

/// Withdraws a grant in force (or scheduled) as the portal, for a reason
/// outside the request (a recertification's deadline), with the
/// extensions that continue it. Returns whether anything was in force.
pub async fn revoke_as_portal(
    access: &AccessContext,
    namespace: &str,
    name: &str,
    words: &str,
) -> Result<bool, AccessError> {
    let now = Timestamp::now();
    let mut names = vec![name.to_owned()];
    names.extend(continuations_of(access, namespace, name).await?);
    let mut ended = false;
    for (index, current) in names.iter().enumerate() {
        let words = if index == 0 {
            words.to_owned()
        } else {
            along_with(words, name)
        };
        let changed = crate::server::access::requests::change_if_needed(
            &access.client,
            namespace,
            current,
            |request, _| transitions::revoke_by_portal(request, &words, now),
        )
        .await;
        match changed {
            Ok(Some(Changed { request, model })) => {
                ended = true;
                finish(
                    access,
                    &request,
                    model.as_ref(),
                    transitions::PORTAL_ACTOR,
                    "revoked",
                    &words,
                )
                .await;
            }
            Ok(None) => {}
            Err(AccessError::RequestNotFound { .. }) if index > 0 => {}
            Err(error) => return Err(error),
        }
    }
    Ok(ended)
}

/// The extensions in force that continue grant `name`, through chains of
/// extensions, read fresh: an extension approved a moment ago must be
/// found.
async fn continuations_of(
    access: &AccessContext,
    namespace: &str,
    name: &str,
) -> Result<Vec<String>, AccessError> {
    let known = Api::<AccessRequest>::namespaced(access.client.clone(), namespace)
        .list(&Default::default())
        .await
        .map_err(AccessError::from_kube)?
        .items;
    Ok(extension::continuations(namespace, name, &known)
        .iter()
        .map(|request| request.name_any())
        .collect())
}

/// What an extension ended along with grant `name` records.
fn along_with(words: &str, name: &str) -> String {
    format!("{words} (with {name}, which it extends)")
        .trim()
        .to_owned()
}
