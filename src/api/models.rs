//! The model catalog, one model's page, and requesting access to a model.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::wire::access::{ModelCatalog, ModelDetail, RequestSummary};

/// The catalog, filtered: `search` matches names, descriptions, teams and
/// levels (every word must match); `team` and `classification` are exact.
/// Every signed-in person may browse every model.
#[server(endpoint = "models")]
pub async fn list_models(
    search: Option<String>,
    team: Option<String>,
    classification: Option<String>,
) -> Result<ModelCatalog, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        use crate::present::access as present;
        use crate::server::access::service;
        let (models, requests) = (
            service::models(&state.access).await?,
            service::requests(&state.access).await?,
        );
        // Each model's terms as the policy of its environment makes them.
        let (models, rules): (Vec<_>, Vec<_>) = service::governed(&state.access, models)
            .await
            .into_iter()
            .unzip();
        let mut levels = Vec::new();
        for model in &models {
            let namespace = kube::ResourceExt::namespace(model).unwrap_or_default();
            for level in &model.spec.access_levels {
                levels.push((
                    namespace.clone(),
                    level.role(&kube::ResourceExt::name_any(model)),
                ));
            }
        }
        let permits = ssr::permits(&state, levels).await?;
        let person = service::person(&session);
        let now = jiff::Timestamp::now();
        let calls = &state.calls;
        let checked: Vec<&crate::crd::Model> = models.iter().collect();
        let mut endpoints = crate::server::models::endpoint::states(
            &calls.http,
            &calls.settings.model_upstream,
            &calls.endpoints,
            &checked,
        )
        .await;
        let summaries = models
            .iter()
            .zip(&rules)
            .map(|(model, rules)| {
                let mut summary = present::model_summary(model, &permits, &requests, &person, now);
                summary.access_rules = rules.in_words();
                summary.access_rule_sources = rules.sources_in_words();
                summary.endpoint =
                    endpoints.remove(&format!("{}/{}", summary.namespace, summary.name));
                summary
            })
            .collect();
        Ok(present::catalog(
            summaries,
            &present::CatalogFilter {
                search: search.unwrap_or_default(),
                team: team.unwrap_or_default(),
                classification: classification.unwrap_or_default(),
            },
        ))
    })
    .await
}

/// Server-side helpers the access pages share.
#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::api::ApiError;
    use leptos::prelude::*;

    use crate::crd::RoleRef;
    use crate::present::access::{LevelRole, Permits, role_key};
    use crate::server::access::service;
    use crate::server::state::AppState;

    /// What each level's role permits in words, and whether grants may
    /// bind it, reading each role once (at once). A role that cannot be
    /// read is described by nothing; a cluster that does not answer fails
    /// the whole page rather than offer levels without saying what they
    /// permit.
    pub async fn permits(
        state: &AppState,
        roles: impl IntoIterator<Item = (String, RoleRef)>,
    ) -> Result<Permits, ApiError> {
        let mut wanted: Vec<(String, String, RoleRef)> = roles
            .into_iter()
            .map(|(namespace, role)| (role_key(&namespace, &role), namespace, role))
            .collect();
        wanted.sort_by(|a, b| a.0.cmp(&b.0));
        wanted.dedup_by(|a, b| a.0 == b.0);
        let reads = wanted.iter().map(|(key, namespace, role)| async move {
            service::level_role(&state.access, namespace, role)
                .await
                .map(|(permits, found)| (key.clone(), LevelRole { permits, found }))
        });
        let read: Result<Permits, _> = futures::future::join_all(reads).await.into_iter().collect();
        Ok(read?)
    }

    /// After a plain form post (no browser bundle) that failed: back to the
    /// model's page with what was typed and the error, which the page shows
    /// next to the form. Requests from the bundle or the command line get
    /// the error as their answer instead.
    pub fn back_to_form(
        form: &str,
        namespace: &str,
        model: &str,
        typed: &[(&str, &str)],
        error: &ApiError,
    ) {
        use http::header::{ACCEPT, LOCATION};
        use leptos::server_fn::error::ServerFnUrlError;

        let accepts_html = use_context::<http::request::Parts>().is_some_and(|parts| {
            parts
                .headers
                .get(ACCEPT)
                .and_then(|value| value.to_str().ok())
                .is_some_and(|value| value.contains("text/html"))
        });
        let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
            return;
        };
        if !accepts_html {
            return;
        }
        let Ok(mut page) = url::Url::parse("http://portal/models/") else {
            return;
        };
        if let Ok(mut segments) = page.path_segments_mut() {
            segments.pop_if_empty().push(namespace).push(model);
        }
        page.query_pairs_mut()
            .extend_pairs(typed.iter().filter(|(_, value)| !value.is_empty()));
        let Ok(with_error) = ServerFnUrlError::new(form, error.clone()).to_url(page.as_str())
        else {
            return;
        };
        let location = match with_error.query() {
            Some(query) => format!("{}?{query}", with_error.path()),
            None => with_error.path().to_owned(),
        };
        if let Ok(value) = http::HeaderValue::from_str(&location) {
            response.insert_header(LOCATION, value);
            response.set_status(http::StatusCode::FOUND);
        }
    }
}

/// One model as the signed-in person sees it, with the durations its
/// request form offers; `None` when there is no such model.
#[server(endpoint = "model")]
pub async fn load_model(namespace: String, name: String) -> Result<Option<ModelDetail>, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        use crate::present::access as present;
        use crate::server::access::error::AccessError;
        use crate::server::access::service;
        let model = match service::model(&state.access, &namespace, &name).await {
            Ok(model) => model,
            Err(AccessError::ModelNotFound { .. }) => return Ok(None),
            Err(error) => return Err(error.into()),
        };
        // The model's terms as the policy of its environment makes them:
        // the form offers no longer duration than they allow.
        let Some((model, rules)) = service::governed(&state.access, vec![model]).await.pop() else {
            return Ok(None);
        };
        let requests = service::requests(&state.access).await?;
        let levels: Vec<_> = model
            .spec
            .access_levels
            .iter()
            .map(|level| (namespace.clone(), level.role(&name)))
            .collect();
        let permits = ssr::permits(&state, levels).await?;
        let mut summary = present::model_summary(
            &model,
            &permits,
            &requests,
            &service::person(&session),
            jiff::Timestamp::now(),
        );
        summary.access_rules = rules.in_words();
        summary.access_rule_sources = rules.sources_in_words();
        Ok(Some(present::model_detail(summary)))
    })
    .await
}

/// Files a request for the signed-in person (the requester is the session's
/// person, never a form field). `duration` is e.g. `8h`, or `custom` to use
/// `custom_duration`. On success the browser goes to the new request's
/// page; a plain form post that fails goes back to the form with what was
/// typed and the error.
#[server(endpoint = "request-access")]
pub async fn request_access(
    namespace: String,
    model: String,
    level: Option<String>,
    duration: String,
    custom_duration: Option<String>,
    justification: Option<String>,
    starts_at: Option<String>,
) -> Result<RequestSummary, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        use crate::server::access::service::{self, NewRequest};
        let justification = justification.unwrap_or_default();
        let chosen_level = level.clone().filter(|level| !level.trim().is_empty());
        let chosen_duration = if duration.trim() == "custom" {
            custom_duration
                .clone()
                .filter(|custom| !custom.trim().is_empty())
        } else {
            Some(duration.clone())
        };
        let result = async {
            crate::api::respond::within_rate(&state, &session)?;
            let level = chosen_level.ok_or_else(|| ApiError::invalid("Choose an access level."))?;
            let duration = chosen_duration
                .ok_or_else(|| ApiError::invalid("Write the duration you need, e.g. 90m or 2d."))?;
            let starts_at = crate::engine::access::schedule::parse_start(
                starts_at.as_deref().unwrap_or_default(),
            )?;
            let request = service::submit(
                &state.access,
                &session,
                NewRequest {
                    namespace: namespace.clone(),
                    model: model.clone(),
                    level,
                    duration,
                    justification: justification.clone(),
                    extends: None,
                    emergency: false,
                    starts_at,
                },
            )
            .await
            .map_err(crate::api::respond::action_error)?;
            crate::api::access::mine::ssr::summary(&state, &session, &request).await
        }
        .await;
        match &result {
            Ok(created) => {
                leptos_axum::redirect(&format!("/requests/{}/{}", created.namespace, created.name))
            }
            Err(error) => ssr::back_to_form(
                <RequestAccess as leptos::server_fn::ServerFn>::PATH,
                &namespace,
                &model,
                &[
                    ("level", level.as_deref().unwrap_or_default()),
                    ("duration", &duration),
                    (
                        "custom_duration",
                        custom_duration.as_deref().unwrap_or_default(),
                    ),
                    ("justification", &justification),
                    ("starts_at", starts_at.as_deref().unwrap_or_default()),
                ],
                error,
            ),
        }
        result
    })
    .await
}
