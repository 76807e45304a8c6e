//! The access workflow as the pages and the CLI use it. Every function
//! checks the rules of [`crate::engine::access`] against the latest state
//! read from the cluster and writes the result with optimistic concurrency
//! (resourceVersion): when someone else changed the request in between, the
//! decision is made again on their result, so two approvers acting at the
//! same moment never lose a review and never grant twice.

use k8s_openapi::jiff::Timestamp;
use kube::ResourceExt;
use kube::api::{Api, ListParams, PostParams};

use super::audit::Change;
use super::context::AccessContext;
use super::error::{AccessError, is_conflict, is_not_found};
use super::grant;
use crate::crd::{
    AccessLevel, AccessRequest, AccessRequestSpec, AccessRequestStatus, Decision, Model, RoleKind,
};
use crate::engine::access::permissions::Person;
use crate::engine::access::rules_in_words::rules_in_words;
use crate::engine::access::transitions::{self, Refusal, RequestForm};
use crate::server::auth::session::Session;
use crate::server::state::AppState;

/// How often a change is re-decided after losing a race, before giving up.
const ATTEMPTS: usize = 8;

/// A new request, as a form sends it.
#[derive(Clone, Debug)]
pub struct NewRequest {
    pub namespace: String,
    pub model: String,
    pub level: String,
    pub duration: String,
    pub justification: String,
    pub extends: Option<String>,
}

/// The person behind a session, for the rules.
pub fn person(session: &Session) -> Person<'_> {
    Person {
        username: &session.user.username,
        groups: &session.user.groups,
        is_manager: session.user.is_manager,
    }
}

/// Every model (from the cache).
pub async fn models(state: &AppState) -> Result<Vec<Model>, AccessError> {
    state.access.store.models().await
}

/// One model, read fresh.
pub async fn model(state: &AppState, namespace: &str, name: &str) -> Result<Model, AccessError> {
    read_model(&state.access, namespace, name)
        .await?
        .ok_or_else(|| AccessError::ModelNotFound {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
        })
}

/// Every request (from the cache).
pub async fn requests(state: &AppState) -> Result<Vec<AccessRequest>, AccessError> {
    state.access.store.requests().await
}

/// One request, read fresh.
pub async fn request(
    state: &AppState,
    namespace: &str,
    name: &str,
) -> Result<AccessRequest, AccessError> {
    read_request(&state.access, namespace, name).await
}

/// What a level's role permits, in words; empty (and logged) when the
/// role cannot be read.
pub async fn level_permits(state: &AppState, namespace: &str, level: &AccessLevel) -> Vec<String> {
    use k8s_openapi::api::rbac::v1::{ClusterRole, Role};
    let client = state.access.client.clone();
    let rules = match level.role_ref.kind {
        RoleKind::ClusterRole => Api::<ClusterRole>::all(client)
            .get(&level.role_ref.name)
            .await
            .map(|role| role.rules.unwrap_or_default()),
        RoleKind::Role => Api::<Role>::namespaced(client, namespace)
            .get(&level.role_ref.name)
            .await
            .map(|role| role.rules.unwrap_or_default()),
    };
    match rules {
        Ok(rules) => rules_in_words(&rules),
        Err(error) => {
            tracing::warn!(%error, role = %level.role_ref.name, "cannot read the role of an access level");
            Vec::new()
        }
    }
}

/// Files a request for the signed-in person. The requester and the
/// Kubernetes subject come from the session, never from the form.
pub async fn submit(
    state: &AppState,
    session: &Session,
    form: NewRequest,
) -> Result<AccessRequest, AccessError> {
    let access = &state.access;
    let model = model(state, &form.namespace, &form.model).await?;
    // Read fresh, not from the cache: a form sent twice in quick succession
    // must find the first request.
    let api: Api<AccessRequest> = Api::namespaced(access.client.clone(), &form.namespace);
    let in_namespace = api
        .list(&ListParams::default())
        .await
        .map_err(AccessError::from_kube)?
        .items;
    let requester = &session.user.username;
    transitions::validate_new(
        &form.model,
        &model.spec,
        &RequestForm {
            level: &form.level,
            duration: form.duration.trim(),
            justification: &form.justification,
        },
        requester,
        &in_namespace,
    )?;
    if let Some(grant_name) = &form.extends {
        let grant = read_request(access, &form.namespace, grant_name).await?;
        transitions::check_extension(&grant, &person(session))?;
        if grant.spec.model != form.model {
            return Err(AccessError::Kubernetes(format!(
                "request {grant_name} is for model {}, not {}",
                grant.spec.model, form.model
            )));
        }
    }
    let mut request = AccessRequest::new(
        "",
        AccessRequestSpec {
            requester: requester.clone(),
            subject: session.kube.username.clone(),
            model: form.model.clone(),
            level: form.level.clone(),
            duration: form.duration.trim().to_owned(),
            justification: form.justification.clone(),
            extends: form.extends.clone(),
        },
    );
    request.metadata.name = None;
    request.metadata.generate_name = Some(generate_name(&form.model, requester));
    request.metadata.namespace = Some(form.namespace.clone());
    let created = api
        .create(&PostParams::default(), &request)
        .await
        .map_err(AccessError::from_kube)?;
    let name = created.name_any();
    let action = if form.extends.is_some() {
        "extension-requested"
    } else {
        "requested"
    };
    let now = Timestamp::now();
    let mut status = transitions::requested(requester, now, "");
    status.history[0].action = action.to_owned();
    // The request exists; its first status is written now, and by the
    // reconciler should this write fail.
    let mut with_status = created.clone();
    with_status.status = Some(status);
    let stored = match api
        .replace_status(&name, &PostParams::default(), &with_status)
        .await
    {
        Ok(stored) => stored,
        Err(error) => {
            tracing::warn!(%error, request = %name, "first status not written; the reconciler will");
            created
        }
    };
    access
        .auditor
        .record(Change::of(
            &stored,
            Some(&model),
            requester,
            action,
            None,
            &form.justification,
        ))
        .await;
    access.store.changed();
    Ok(stored)
}

/// An approval or a denial by the signed-in person.
pub async fn review(
    state: &AppState,
    session: &Session,
    namespace: &str,
    name: &str,
    decision: Decision,
    comment: String,
) -> Result<AccessRequest, AccessError> {
    let person = person(session);
    let (request, model) = change(&state.access, namespace, name, |request, model| {
        let model = model.ok_or_else(|| model_gone(request))?;
        transitions::review(
            &request.spec.model,
            &model.spec,
            request,
            &person,
            decision,
            &comment,
            Timestamp::now(),
        )
        .map_err(AccessError::from)
    })
    .await?;
    let action = match decision {
        Decision::Approve => "approved",
        Decision::Deny => "denied",
    };
    let access = &state.access;
    access
        .auditor
        .record(Change::of(
            &request,
            model.as_ref(),
            person.username,
            action,
            Some(decision),
            &comment,
        ))
        .await;
    if request.phase() == crate::crd::Phase::Active
        && let Some(model) = &model
    {
        grant_now(access, &request, model).await;
    }
    access.store.changed();
    Ok(request)
}

/// The requester withdraws a pending request.
pub async fn cancel(
    state: &AppState,
    session: &Session,
    namespace: &str,
    name: &str,
    comment: String,
) -> Result<AccessRequest, AccessError> {
    let person = person(session);
    let (request, model) = change(&state.access, namespace, name, |request, _| {
        transitions::cancel(request, &person, &comment, Timestamp::now()).map_err(AccessError::from)
    })
    .await?;
    finish(
        state,
        &request,
        model.as_ref(),
        person.username,
        "cancelled",
        &comment,
    )
    .await;
    Ok(request)
}

/// The requester gives up a grant in force.
pub async fn relinquish(
    state: &AppState,
    session: &Session,
    namespace: &str,
    name: &str,
    comment: String,
) -> Result<AccessRequest, AccessError> {
    let person = person(session);
    let (request, model) = change(&state.access, namespace, name, |request, _| {
        transitions::relinquish(request, &person, &comment, Timestamp::now())
            .map_err(AccessError::from)
    })
    .await?;
    finish(
        state,
        &request,
        model.as_ref(),
        person.username,
        "relinquished",
        &comment,
    )
    .await;
    Ok(request)
}

/// An approver or manager withdraws a grant in force.
pub async fn revoke(
    state: &AppState,
    session: &Session,
    namespace: &str,
    name: &str,
    comment: String,
) -> Result<AccessRequest, AccessError> {
    let person = person(session);
    let (request, model) = change(&state.access, namespace, name, |request, model| {
        transitions::revoke(
            &request.spec.model,
            model.map(|m| &m.spec),
            request,
            &person,
            &comment,
            Timestamp::now(),
        )
        .map_err(AccessError::from)
    })
    .await?;
    finish(
        state,
        &request,
        model.as_ref(),
        person.username,
        "revoked",
        &comment,
    )
    .await;
    Ok(request)
}

/// A new request extending the person's grant in force, reviewed like any
/// other.
pub async fn extend(
    state: &AppState,
    session: &Session,
    namespace: &str,
    name: &str,
    duration: String,
    justification: String,
) -> Result<AccessRequest, AccessError> {
    let grant = read_request(&state.access, namespace, name).await?;
    transitions::check_extension(&grant, &person(session))?;
    submit(
        state,
        session,
        NewRequest {
            namespace: namespace.to_owned(),
            model: grant.spec.model.clone(),
            level: grant.spec.level.clone(),
            duration,
            justification,
            extends: Some(name.to_owned()),
        },
    )
    .await
}

/// After a change that ends a grant: the binding goes at once (the
/// reconciler would also remove it), then the change is recorded.
async fn finish(
    state: &AppState,
    request: &AccessRequest,
    model: Option<&Model>,
    actor: &str,
    action: &str,
    comment: &str,
) {
    let access = &state.access;
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

/// Creates the binding of a grant just approved, and records it on the
/// request. Failures are left to the reconciler, which converges.
pub(super) async fn grant_now(access: &AccessContext, request: &AccessRequest, model: &Model) {
    match grant::ensure(&access.client, request, &model.spec).await {
        Ok(binding) => {
            let namespace = request.namespace().unwrap_or_default();
            let name = request.name_any();
            let result = change(access, &namespace, &name, |latest, _| {
                let mut status = transitions::current(latest);
                if status.phase != crate::crd::Phase::Active
                    || status.role_binding.as_deref() == Some(binding.as_str())
                {
                    return Err(AccessError::Refused(Refusal::AlreadyReviewed));
                }
                status.role_binding = Some(binding.clone());
                Ok(status)
            })
            .await;
            if let Err(error) = result
                && !error.is_refusal()
            {
                tracing::warn!(%error, request = %name, "binding name not recorded yet");
            }
        }
        Err(error) => {
            tracing::warn!(%error, request = %request.name_any(), "grant not created yet; the reconciler will retry")
        }
    }
}

/// Reads the latest request and its model, decides the next status, and
/// writes it with the resourceVersion read; on a conflict, again.
pub(super) async fn change<F>(
    access: &AccessContext,
    namespace: &str,
    name: &str,
    decide: F,
) -> Result<(AccessRequest, Option<Model>), AccessError>
where
    F: Fn(&AccessRequest, Option<&Model>) -> Result<AccessRequestStatus, AccessError>,
{
    let api: Api<AccessRequest> = Api::namespaced(access.client.clone(), namespace);
    for _ in 0..ATTEMPTS {
        let request = read_request(access, namespace, name).await?;
        let model = read_model(access, namespace, &request.spec.model).await?;
        let status = decide(&request, model.as_ref())?;
        let mut updated = request.clone();
        updated.status = Some(status);
        match api
            .replace_status(name, &PostParams::default(), &updated)
            .await
        {
            Ok(stored) => return Ok((stored, model)),
            Err(error) if is_conflict(&error) => continue,
            Err(error) => return Err(AccessError::from_kube(error)),
        }
    }
    Err(AccessError::Contended)
}

async fn read_request(
    access: &AccessContext,
    namespace: &str,
    name: &str,
) -> Result<AccessRequest, AccessError> {
    let api: Api<AccessRequest> = Api::namespaced(access.client.clone(), namespace);
    match api.get(name).await {
        Ok(request) => Ok(request),
        Err(error) if is_not_found(&error) => Err(AccessError::RequestNotFound {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
        }),
        Err(error) => Err(AccessError::from_kube(error)),
    }
}

async fn read_model(
    access: &AccessContext,
    namespace: &str,
    name: &str,
) -> Result<Option<Model>, AccessError> {
    let api: Api<Model> = Api::namespaced(access.client.clone(), namespace);
    api.get_opt(name).await.map_err(AccessError::from_kube)
}

fn model_gone(request: &AccessRequest) -> AccessError {
    AccessError::ModelNotFound {
        namespace: request.namespace().unwrap_or_default(),
        name: request.spec.model.clone(),
    }
}

/// `<model>-<requester>-`, cut to leave room for the random suffix, in the
/// characters an object name allows.
fn generate_name(model: &str, requester: &str) -> String {
    let clean: String = format!("{model}-{requester}")
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let trimmed: String = clean.trim_matches('-').chars().take(50).collect();
    format!("{}-", trimmed.trim_end_matches('-'))
}
