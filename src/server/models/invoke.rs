//! One call of a model through the portal, for the signed-in person:
//! within their rate of calls; authorised by Kubernetes, as them (a
//! SelfSubjectAccessReview for `create` on `services/proxy` of the model's
//! Service, the permission a model's `Invoker` role grants), asked anew on
//! every call so a grant's end stops the next call; forwarded to the
//! model's Service with nothing of the person's (no cookie, no header but
//! `Content-Type`), a timeout and a limit on the answer's size; and
//! recorded as evidence of use, allowed or not.

use std::time::Instant;

use axum::body::Bytes;
use futures::StreamExt;
use jiff::Timestamp;
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use kube::ResourceExt;
use kube::api::{Api, PostParams};

use super::upstream;
use crate::crd::{Model, Phase, Serving, names};
use crate::engine::usage::{Channel, Outcome, Use, mask};
use crate::server::access::error::AccessError;
use crate::server::access::service;
use crate::server::auth::session::Session;
use crate::server::limits::rate::Throttled;
use crate::server::state::AppState;
use crate::wire::error::{ApiError, ErrorKind};
use crate::wire::model_calls::CallAnswer;

/// What the model answered, passed back as it came.
#[derive(Debug)]
pub struct Answered {
    pub status: u16,
    pub body: Bytes,
    pub latency_ms: u64,
    pub grant: Option<String>,
}

impl Answered {
    /// The answer as a page shows it: JSON indented, anything else as text.
    pub fn for_page(&self) -> CallAnswer {
        let body = serde_json::from_slice::<serde_json::Value>(&self.body)
            .ok()
            .and_then(|value| serde_json::to_string_pretty(&value).ok())
            .unwrap_or_else(|| String::from_utf8_lossy(&self.body).into_owned());
        CallAnswer {
            status: self.status,
            answered: self.status < 400,
            body,
            latency_ms: self.latency_ms,
            grant: self.grant.clone(),
        }
    }
}

/// The refusal of a call without a grant.
pub fn no_grant(model: &Model, namespace: &str, name: &str) -> ApiError {
    ApiError::forbidden(format!(
        "You may not call {} ({namespace}/{name}): no grant that calls it is in force for you. \
         Request access to it (the invoker level) at /models/{namespace}/{name}; if a grant just \
         ended or was revoked, request it again.",
        model.spec.display_name
    ))
}

/// Counts one call of `session`'s person against their rate of calls
/// (`--model-call-burst`, `--model-calls-per-minute`); every caller of
/// [`call`] asks this first.
pub fn within_rate(state: &AppState, session: &Session) -> Result<(), Throttled> {
    state.calls.rate.check(&session.user.username)
}

/// Calls model `namespace/name` with `body` (JSON) as `session`'s person.
pub async fn call(
    state: &AppState,
    session: &Session,
    namespace: &str,
    name: &str,
    body: Bytes,
) -> Result<Answered, ApiError> {
    let calls = &state.calls;
    if !names::is_namespace_name(namespace) || !names::is_object_name(name) {
        return Err(ApiError::not_found(format!(
            "There is no model {namespace}/{name}."
        )));
    }
    // From the cache, which a call reads on every use; a model created a
    // moment ago, not in it yet, is read fresh.
    let cached = state
        .access
        .store
        .model(namespace, name)
        .await
        .ok()
        .flatten();
    let model = match cached {
        Some(model) => Ok(model),
        None => service::model(&state.access, namespace, name).await,
    };
    let model = match model {
        Ok(model) => model,
        Err(AccessError::ModelNotFound { .. }) => {
            return Err(ApiError::not_found(format!(
                "There is no model {namespace}/{name}."
            )));
        }
        Err(error) => {
            tracing::warn!(%error, "model not read for a call");
            return Err(ApiError::unavailable(
                "The cluster did not answer; the model was not called. Try again in a moment.",
            ));
        }
    };
    let Some(serving) = model.spec.serving.clone() else {
        return Err(ApiError::conflict(format!(
            "{} declares no endpoint (spec.serving), so it cannot be called through the portal; \
             its owners ({}) can add one.",
            model.spec.display_name, model.spec.owner_team
        )));
    };
    if let Err(error) = serde_json::from_slice::<serde_json::Value>(&body) {
        return Err(ApiError::invalid(format!(
            "A call's body must be JSON (the model's input): {error}."
        )));
    }
    let started = Instant::now();
    let at = Timestamp::now();
    let used = |status: u16, response_bytes: usize, grant: Option<String>| Use {
        namespace: namespace.to_owned(),
        model: name.to_owned(),
        subject: session.kube.username.clone(),
        at,
        channel: Channel::Portal,
        outcome: Outcome::of_status(status),
        status,
        latency_ms: elapsed_ms(started),
        request_bytes: body.len() as u64,
        response_bytes: response_bytes as u64,
        grant,
        sample: mask::sample(&body, model.spec.data_classification),
        id: None,
    };
    if !may_call(state, session, namespace, &serving).await? {
        state.usage.record(used(403, 0, None));
        return Err(no_grant(&model, namespace, name));
    }
    let grant = grant_in_force(state, session, namespace, name).await;
    let url = upstream::url(
        &calls.settings.model_upstream,
        namespace,
        &serving,
        &serving.call_path(),
    );
    let forwarded = calls
        .http
        .post(&url)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(http::header::ACCEPT, "application/json")
        .body(body.clone())
        .send()
        .await;
    let response = match forwarded {
        Ok(response) => response,
        Err(error) => {
            let (status, refusal) = if error.is_timeout() {
                (
                    504,
                    ApiError::new(
                        ErrorKind::GatewayTimeout,
                        format!(
                            "{} did not answer within {} s. Try again, or ask its owners ({}) whether it is overloaded.",
                            model.spec.display_name,
                            calls.settings.model_call_timeout_seconds,
                            model.spec.owner_team
                        ),
                    ),
                )
            } else {
                (
                    502,
                    ApiError::new(
                        ErrorKind::BadGateway,
                        format!(
                            "{} could not be reached at Service {}:{}: is it running? Its owners ({}) can tell.",
                            model.spec.display_name,
                            serving.service,
                            serving.port,
                            model.spec.owner_team
                        ),
                    ),
                )
            };
            tracing::warn!(%error, model = %format!("{namespace}/{name}"), "model call not answered");
            state.usage.record(used(status, 0, grant));
            return Err(refusal);
        }
    };
    let status = response.status().as_u16();
    let limit = calls.settings.answer_limit_bytes();
    let mut answer = Vec::new();
    let mut chunks = response.bytes_stream();
    while let Some(chunk) = chunks.next().await {
        match chunk {
            Ok(chunk) if answer.len() + chunk.len() <= limit => answer.extend_from_slice(&chunk),
            Ok(_) => {
                state.usage.record(used(502, answer.len(), grant));
                return Err(ApiError::new(
                    ErrorKind::BadGateway,
                    format!(
                        "{}'s answer is larger than the portal passes on ({} KiB); ask for less.",
                        model.spec.display_name, calls.settings.model_answer_limit_kib
                    ),
                ));
            }
            Err(error) => {
                tracing::warn!(%error, "model answer broke off");
                state.usage.record(used(502, answer.len(), grant));
                return Err(ApiError::new(
                    ErrorKind::BadGateway,
                    format!("{}'s answer broke off; try again.", model.spec.display_name),
                ));
            }
        }
    }
    if status >= 500 {
        state.usage.record(used(502, answer.len(), grant));
        return Err(ApiError::new(
            ErrorKind::BadGateway,
            format!(
                "{} failed to answer (it said {status}); its owners ({}) can look at its logs.",
                model.spec.display_name, model.spec.owner_team
            ),
        ));
    }
    let latency_ms = elapsed_ms(started);
    state
        .usage
        .record(used(status, answer.len(), grant.clone()));
    Ok(Answered {
        status,
        body: Bytes::from(answer),
        latency_ms,
        grant,
    })
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Whether Kubernetes lets the person call `serving`'s Service: `create`
/// on `services/proxy`, asked as them.
pub async fn may_call(
    state: &AppState,
    session: &Session,
    namespace: &str,
    serving: &Serving,
) -> Result<bool, ApiError> {
    ask(
        state,
        session,
        ResourceAttributes {
            group: Some(String::new()),
            resource: Some("services".into()),
            subresource: Some("proxy".into()),
            verb: Some("create".into()),
            namespace: Some(namespace.to_owned()),
            name: Some(serving.service.clone()),
            ..ResourceAttributes::default()
        },
    )
    .await
}

/// Whether Kubernetes lets the person list the ModelUsage records of
/// `namespace` (everyone's use of its models); `false` when it does not
/// answer.
pub async fn may_list_use(state: &AppState, session: &Session, namespace: &str) -> bool {
    ask(
        state,
        session,
        ResourceAttributes {
            group: Some(crate::crd::GROUP.to_owned()),
            resource: Some("modelusages".into()),
            verb: Some("list".into()),
            namespace: Some(namespace.to_owned()),
            ..ResourceAttributes::default()
        },
    )
    .await
    .unwrap_or(false)
}

/// A SelfSubjectAccessReview of `attributes`, made as the person.
async fn ask(
    state: &AppState,
    session: &Session,
    attributes: ResourceAttributes,
) -> Result<bool, ApiError> {
    let client = state
        .kube
        .as_user(&session.kube)
        .map_err(|error| ApiError::unavailable(error.to_string()))?;
    let review = SelfSubjectAccessReview {
        spec: SelfSubjectAccessReviewSpec {
            resource_attributes: Some(attributes),
            ..SelfSubjectAccessReviewSpec::default()
        },
        ..SelfSubjectAccessReview::default()
    };
    Api::<SelfSubjectAccessReview>::all(client)
        .create(&PostParams::default(), &review)
        .await
        .map(|answer| answer.status.is_some_and(|status| status.allowed))
        .map_err(|error| {
            tracing::warn!(%error, "access review for a model call failed");
            ApiError::unavailable(
                "The cluster did not answer whether you may call this model; try again in a moment.",
            )
        })
}

/// The person's grant in force for the model, when the portal made one.
async fn grant_in_force(
    state: &AppState,
    session: &Session,
    namespace: &str,
    model: &str,
) -> Option<String> {
    state
        .access
        .store
        .requests_now()
        .iter()
        .filter(|request| {
            request.namespace().as_deref() == Some(namespace)
                && request.spec.model == model
                && request.spec.subject == session.kube.username
                && request.phase() == Phase::Active
        })
        .max_by_key(|request| {
            request
                .status
                .as_ref()
                .and_then(|s| s.granted_at.clone())
                .map(|t| t.0)
        })
        .map(|request| request.name_any())
}
