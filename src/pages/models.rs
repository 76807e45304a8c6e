//! `/models` and `/models/{ns}/{name}`: the model catalog, and a model's
//! page with the form to request access to it.

use leptos::prelude::*;
use leptos_router::components::{A, Form};
use leptos_router::hooks::{use_params_map, use_query_map};

use super::server_error::error_message;
use crate::components::access::badges::ClassificationBadge;
use crate::components::access::live::LiveRefresh;
use crate::components::access::model::{LevelList, ModelCard, MyAccessLine};
use crate::components::access::request_form::RequestForm;
use crate::components::notice::{Notice, Tone};
use crate::components::page_header::PageHeader;
use crate::views::access::{ModelCatalog, ModelDetail, RequestSummary, count};

/// The catalog, filtered: `search` matches names, descriptions, teams and
/// levels (every word must match); `team` and `classification` are exact.
/// Every signed-in person may browse every model.
#[server(endpoint = "models")]
pub async fn list_models(
    search: Option<String>,
    team: Option<String>,
    classification: Option<String>,
) -> Result<ModelCatalog, ServerFnError> {
    use crate::server::access::{service, views};
    use crate::server::request::{app_state, require_session};

    let session = require_session()?;
    let state = app_state()?;
    let (models, requests) = (
        service::models(&state).await?,
        service::requests(&state).await?,
    );
    let mut levels = Vec::new();
    for model in &models {
        let namespace = kube::ResourceExt::namespace(model).unwrap_or_default();
        for level in &model.spec.access_levels {
            levels.push((namespace.clone(), level));
        }
    }
    let permits = ssr::permits(&state, levels).await;
    let person = service::person(&session);
    let now = k8s_openapi::jiff::Timestamp::now();
    let summaries = models
        .iter()
        .map(|model| views::model_summary(model, &permits, &requests, &person, now))
        .collect();
    Ok(views::catalog(
        summaries,
        &views::CatalogFilter {
            search: search.unwrap_or_default(),
            team: team.unwrap_or_default(),
            classification: classification.unwrap_or_default(),
        },
    ))
}

/// Server-side helpers the access pages share.
#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use leptos::prelude::*;

    use crate::crd::AccessLevel;
    use crate::server::access::service;
    use crate::server::access::views::{Permits, role_key};
    use crate::server::state::AppState;

    /// What each level's role permits in words, reading each role once.
    pub async fn permits<'a>(
        state: &AppState,
        levels: impl IntoIterator<Item = (String, &'a AccessLevel)>,
    ) -> Permits {
        let mut wanted: Vec<(String, String, &AccessLevel)> = levels
            .into_iter()
            .map(|(namespace, level)| (role_key(&namespace, level), namespace, level))
            .collect();
        wanted.sort_by(|a, b| a.0.cmp(&b.0));
        wanted.dedup_by(|a, b| a.0 == b.0);
        let reads = wanted.iter().map(|(key, namespace, level)| async move {
            (
                key.clone(),
                service::level_permits(state, namespace, level).await,
            )
        });
        futures::future::join_all(reads).await.into_iter().collect()
    }

    /// After a plain form post (no browser bundle) that failed: back to the
    /// model's page with what was typed and the error, which the page shows
    /// next to the form. Requests from the bundle or the command line get
    /// the error as their answer instead.
    pub fn back_to_form(
        namespace: &str,
        model: &str,
        typed: &[(&str, &str)],
        error: &ServerFnError,
    ) {
        use http::header::{ACCEPT, LOCATION};
        use leptos::server_fn::ServerFn;
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
        let Ok(with_error) =
            ServerFnUrlError::new(super::RequestAccess::PATH, error.clone()).to_url(page.as_str())
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

/// The catalog of governed models, filtered by the query string (`q`,
/// `team`, `classification`) so that links and the form work without
/// JavaScript.
#[component]
pub fn ModelCatalogPage() -> impl IntoView {
    let refresh = LiveRefresh::start();
    let query = use_query_map();
    let filter = move || {
        let query = query.read();
        let get = |key: &str| query.get(key).filter(|value| !value.trim().is_empty());
        (get("q"), get("team"), get("classification"))
    };
    let catalog = Resource::new(
        move || (filter(), refresh.version()),
        |((search, team, classification), _)| list_models(search, team, classification),
    );
    view! {
        <PageHeader
            title="Models"
            description="The governed models, who owns them, and the access levels they offer."
        />
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading models…"</p> }>
            {move || Suspend::new(async move {
                let (search, team, classification) = filter();
                match catalog.await {
                    Ok(catalog) => view! {
                        <CatalogFilters
                            search=search.unwrap_or_default()
                            team=team.unwrap_or_default()
                            classification=classification.unwrap_or_default()
                            teams=catalog.teams.clone()
                            classifications=catalog.classifications.clone()
                        />
                        <CatalogResults catalog/>
                    }.into_any(),
                    Err(error) => view! {
                        <Notice title="Models could not be loaded" tone=Tone::Error>
                            <p>{error_message(&error)}</p>
                        </Notice>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The search and filters: a GET form, so the filtered catalog has an
/// address and works before the browser bundle loads.
#[component]
fn CatalogFilters(
    search: String,
    team: String,
    classification: String,
    teams: Vec<String>,
    classifications: Vec<String>,
) -> impl IntoView {
    let option = |value: String, chosen: &str| {
        let selected = value == chosen;
        let label = value.clone();
        view! { <option value=value selected=selected>{label}</option> }
    };
    view! {
        <Form method="GET" action="/models" attr:class="filters" attr:role="search" attr:aria-label="Filter models" attr:data-testid="model-filters">
            <div class="field">
                <label for="model-search">"Search"</label>
                <input id="model-search" type="search" name="q" value=search placeholder="Name, team, level…"/>
            </div>
            <div class="field">
                <label for="model-team">"Team"</label>
                <select id="model-team" name="team">
                    <option value="" selected=team.is_empty()>"Any team"</option>
                    {teams.into_iter().map(|value| option(value, &team)).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="model-classification">"Data classification"</label>
                <select id="model-classification" name="classification">
                    <option value="" selected=classification.is_empty()>"Any classification"</option>
                    {classifications.into_iter().map(|value| option(value, &classification)).collect_view()}
                </select>
            </div>
            <div class="field field-buttons">
                <button type="submit" class="button-primary" data-testid="apply-filters">"Apply"</button>
                <A href="/models" attr:class="button" attr:data-testid="clear-filters">"Clear"</A>
            </div>
        </Form>
    }
}

#[component]
fn CatalogResults(catalog: ModelCatalog) -> impl IntoView {
    if catalog.total == 0 {
        return view! {
            <Notice title="No models yet">
                <p>"No model is declared in the cluster. Platform admins declare models with kubectl or GitOps."</p>
            </Notice>
        }
        .into_any();
    }
    if catalog.models.is_empty() {
        return view! {
            <Notice title="No model matches">
                <p data-testid="no-match">"No model matches the search and filters. " <A href="/models">"Show every model"</A>"."</p>
            </Notice>
        }
        .into_any();
    }
    let shown = catalog.models.len();
    let caption = if shown == catalog.total {
        count(shown, "model", "models")
    } else {
        format!("{shown} of {}", count(catalog.total, "model", "models"))
    };
    view! {
        <p class="table-caption" data-testid="model-count" aria-live="polite">{caption}</p>
        <ul class="model-grid" data-testid="model-list">
            {catalog.models.into_iter().map(|model| view! { <li><ModelCard model/></li> }).collect_view()}
        </ul>
    }
    .into_any()
}

/// One model as the signed-in person sees it, with the durations its
/// request form offers; `None` when there is no such model.
#[server(endpoint = "model")]
pub async fn load_model(
    namespace: String,
    name: String,
) -> Result<Option<ModelDetail>, ServerFnError> {
    use crate::server::access::error::AccessError;
    use crate::server::access::{service, views};
    use crate::server::request::{app_state, require_session};

    let session = require_session()?;
    let state = app_state()?;
    let model = match service::model(&state, &namespace, &name).await {
        Ok(model) => model,
        Err(AccessError::ModelNotFound { .. }) => return Ok(None),
        Err(error) => return Err(error.into()),
    };
    let requests = service::requests(&state).await?;
    let levels: Vec<_> = model
        .spec
        .access_levels
        .iter()
        .map(|level| (namespace.clone(), level))
        .collect();
    let permits = ssr::permits(&state, levels).await;
    let summary = views::model_summary(
        &model,
        &permits,
        &requests,
        &service::person(&session),
        k8s_openapi::jiff::Timestamp::now(),
    );
    Ok(Some(views::model_detail(summary)))
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
) -> Result<RequestSummary, ServerFnError> {
    use crate::server::access::service::{self, NewRequest};

    let (state, session) = super::access::ssr::context()?;
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
        let level = chosen_level.ok_or_else(|| ServerFnError::new("Choose an access level."))?;
        let duration = chosen_duration
            .ok_or_else(|| ServerFnError::new("Write the duration you need, e.g. 90m or 2d."))?;
        let request = service::submit(
            &state,
            &session,
            NewRequest {
                namespace: namespace.clone(),
                model: model.clone(),
                level,
                duration,
                justification: justification.clone(),
                extends: None,
            },
        )
        .await?;
        super::access::ssr::summary(&state, &session, &request).await
    }
    .await;
    match &result {
        Ok(created) => {
            leptos_axum::redirect(&format!("/requests/{}/{}", created.namespace, created.name))
        }
        Err(error) => ssr::back_to_form(
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
            ],
            error,
        ),
    }
    result
}

/// One model, with the form to request access to it.
#[component]
pub fn ModelDetailPage() -> impl IntoView {
    let refresh = LiveRefresh::start();
    let params = use_params_map();
    let model = Resource::new(
        move || {
            let params = params.read();
            (
                params.get("ns").unwrap_or_default(),
                params.get("name").unwrap_or_default(),
                refresh.version(),
            )
        },
        |(namespace, name, _)| load_model(namespace, name),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading the model…"</p> }>
            {move || Suspend::new(async move {
                match model.await {
                    Ok(Some(detail)) => view! { <ModelPage detail/> }.into_any(),
                    Ok(None) => {
                        not_found_status();
                        view! {
                            <PageHeader title="Model not found"/>
                            <Notice title="No such model" tone=Tone::Warning>
                                <p>"This model does not exist, or it was removed."</p>
                                <p>"See the " <A href="/models">"models"</A> " that exist."</p>
                            </Notice>
                        }.into_any()
                    }
                    Err(error) => view! {
                        <PageHeader title="Model"/>
                        <Notice title="The model could not be loaded" tone=Tone::Error>
                            <p>{error_message(&error)}</p>
                        </Notice>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ModelPage(detail: ModelDetail) -> impl IntoView {
    let model = detail.model.clone();
    view! {
        <PageHeader title=model.display_name.clone() description=model.description.clone()/>
        <section class="model-facts" aria-label="About this model" data-testid="model-facts">
            <ClassificationBadge classification=model.classification.clone()/>
            <dl class="facts">
                <div><dt>"Model"</dt><dd><code>{format!("{}/{}", model.namespace, model.name)}</code></dd></div>
                <div><dt>"Owner team"</dt><dd>{model.owner_team.clone()}</dd></div>
                <div><dt>"Approved by"</dt><dd>{model.approvers.clone()}</dd></div>
                <div><dt>"Approvals needed"</dt><dd>{model.required_approvals}</dd></div>
                <div><dt>"Longest grant"</dt><dd>{model.max_duration_words.clone()}</dd></div>
                <div><dt>"Justification"</dt><dd>{if model.justification_required { "required" } else { "optional" }}</dd></div>
            </dl>
            {model.viewer_may_review.then(|| view! {
                <p class="muted">"You are an approver of this model: its requests appear in your " <A href="/reviews">"reviews"</A> "."</p>
            })}
            <MyAccessLine model=model.clone()/>
        </section>
        <section aria-labelledby="levels-heading">
            <h2 id="levels-heading">"Access levels"</h2>
            <LevelList model=model.clone()/>
        </section>
        <section aria-labelledby="request-heading" class="request-section">
            <h2 id="request-heading">"Request access"</h2>
            <RequestForm detail/>
        </section>
    }
}

/// Answers 404 for a page about something that does not exist.
fn not_found_status() {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
}
