//! Calling a model from its page, and its use: the "Try it" panel's call
//! (with JavaScript: this server function; without: the form posts to
//! `/models/{ns}/{name}/invoke` and comes back with `?call=ID`), the answer
//! of such a post, and the model's calls per day and per person.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::wire::model_calls::{CallAnswer, ModelUseView};

/// Calls `namespace/name` with `input` (JSON) as the signed-in person; a
/// refusal is an answer too (its status and words), so the panel shows it.
#[server(endpoint = "invoke-model")]
pub async fn invoke_model(
    namespace: String,
    name: String,
    input: String,
) -> Result<CallAnswer, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        use crate::server::models::invoke;
        use crate::server::models::routes::refused_for_page;
        if let Err(throttled) = invoke::within_rate(&state, &session) {
            return Err(ApiError::too_many(throttled.to_string()));
        }
        match invoke::call(&state, &session, &namespace, &name, input.into()).await {
            Ok(answered) => Ok(answered.for_page()),
            Err(error) if error.status() == 401 => Err(error),
            Err(error) => Ok(refused_for_page(&error)),
        }
    })
    .await
}

/// The answer of the signed-in person's call `id` made without JavaScript,
/// while the portal keeps it (ten minutes); nobody else's.
#[server(endpoint = "model-call-answer")]
pub async fn model_call_answer(id: String) -> Result<Option<CallAnswer>, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        Ok(state.calls.answers.get(&session.user.username, &id))
    })
    .await
}

/// `namespace/name`'s endpoint, whether the person may call it, and its
/// use over the last days: everyone's when Kubernetes lets the person list
/// the namespace's ModelUsage records (managers, the model's owners),
/// otherwise their own. 404 when there is no such model.
#[server(endpoint = "model-use")]
pub async fn model_use(namespace: String, name: String) -> Result<ModelUseView, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        use crate::crd::DataClassification;
        use crate::present::model_use as present;
        use crate::server::access::service;
        use crate::server::models::{endpoint, invoke};
        let model = service::model(&state.access, &namespace, &name).await?;
        let calls = &state.calls;
        let checked = [&model];
        let (states, may_call, everyone) = futures::join!(
            endpoint::states(
                &calls.http,
                &calls.settings.model_upstream,
                &calls.endpoints,
                &checked,
            ),
            async {
                match &model.spec.serving {
                    Some(serving) => invoke::may_call(&state, &session, &namespace, serving)
                        .await
                        .unwrap_or(false),
                    None => false,
                }
            },
            invoke::may_list_use(&state, &session, &namespace),
        );
        let records: Vec<crate::crd::ModelUsageSpec> = state
            .usage
            .recorded()
            .into_iter()
            .filter_map(|(ns, record)| (ns == namespace).then_some(record))
            .collect();
        let days = present::days_of(&records, &name, jiff::Timestamp::now());
        let me = session.kube.username.clone();
        let person_of = |subject: &str| state.auth.mapping.person_of(subject);
        let samples_kept = model.spec.data_classification < DataClassification::Confidential;
        Ok(ModelUseView {
            namespace: namespace.clone(),
            model: name.clone(),
            endpoint: states
                .into_values()
                .next()
                .unwrap_or(crate::wire::model_calls::EndpointState::NotDeclared),
            may_call,
            example_input: model
                .spec
                .serving
                .as_ref()
                .and_then(|s| s.example_input.clone())
                .unwrap_or_else(|| "{\"instances\": []}".to_owned()),
            days: present::calls_per_day(&days),
            people: present::calls_per_person(&days, |s| everyone || s == me, person_of),
            everyone,
            samples: if everyone && samples_kept {
                present::samples(&days, person_of)
            } else {
                Vec::new()
            },
            samples_kept,
        })
    })
    .await
}
