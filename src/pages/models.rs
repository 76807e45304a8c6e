//! `/models` and `/models/{ns}/{name}`: the model catalog, and a model's
//! page with the form to request access to it.

use leptos::prelude::*;
use leptos_router::components::{A, Form};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::model_use::model_use;
use crate::api::model_workloads::model_workloads;
use crate::api::models::{list_models, load_model};
use crate::components::access::badges::ClassificationBadge;
use crate::components::access::emergency::EmergencySection;
use crate::components::access::live::LiveRefresh;
use crate::components::access::model::{LevelList, ModelCard, MyAccessLine};
use crate::components::access::request_form::RequestForm;
use crate::components::access::request_many::RequestSelected;
use crate::components::model_use::ModelUseSection;
use crate::components::model_workloads::ModelWorkloadsSection;
use crate::components::notice::{LoadFailed, Notice, Tone};
use crate::components::page_header::PageHeader;
use crate::wire::access::{ModelCatalog, ModelDetail, count};
use crate::wire::error::ApiError;
use crate::wire::model_calls::ModelUseView;
use crate::wire::model_workloads::ModelWorkloadsView;

/// The catalog of governed models, filtered by the query string (`q`,
/// `team`, `classification`) so that links and the form work without
/// JavaScript.
#[component]
pub fn ModelCatalogPage() -> impl IntoView {
    let refresh = LiveRefresh::start();
    crate::components::access::request_many::provide_request_many_state();
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
                    Err(error) => view! { <LoadFailed title="Models could not be loaded" error/> }.into_any(),
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
    // Every level a shown model offers, in the order first seen.
    let mut levels: Vec<String> = Vec::new();
    for level in catalog.models.iter().flat_map(|model| &model.levels) {
        if level.unavailable.is_none() && !levels.contains(&level.name) {
            levels.push(level.name.clone());
        }
    }
    view! {
        <p class="table-caption" data-testid="model-count" aria-live="polite">{caption}</p>
        <ul class="model-grid" data-testid="model-list">
            {catalog.models.into_iter().enumerate().map(|(index, model)| view! { <li><ModelCard model index/></li> }).collect_view()}
        </ul>
        <RequestSelected levels/>
    }
    .into_any()
}

/// One model, with the form to request access to it.
///
/// Every resource of the page is made here, before any is awaited: the
/// browser reads the data the server sent in the order resources are made,
/// and a section that made its own once the model had loaded could be made
/// twice on the server (when the model's view is drawn again) and once in
/// the browser, which would then read another section's data.
#[component]
pub fn ModelDetailPage() -> impl IntoView {
    let refresh = LiveRefresh::start();
    crate::components::model_use::provide_try_it_state();
    let params = use_params_map();
    let key = move || {
        let params = params.read();
        (
            params.get("ns").unwrap_or_default(),
            params.get("name").unwrap_or_default(),
            refresh.version(),
        )
    };
    let model = Resource::new(key, |(namespace, name, _)| load_model(namespace, name));
    let sections = ModelSections {
        uses: Resource::new(key, |(namespace, name, _)| model_use(namespace, name)),
        workloads: Resource::new(key, |(namespace, name, _)| model_workloads(namespace, name)),
    };
    view! {
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading the model…"</p> }>
            {move || Suspend::new(async move {
                match model.await {
                    Ok(Some(detail)) => view! { <ModelPage detail sections/> }.into_any(),
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
                        <LoadFailed title="The model could not be loaded" error/>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The data of the page's sections that load on their own.
#[derive(Clone, Copy)]
struct ModelSections {
    uses: Resource<Result<ModelUseView, ApiError>>,
    workloads: Resource<Result<ModelWorkloadsView, ApiError>>,
}

#[component]
fn ModelPage(detail: ModelDetail, sections: ModelSections) -> impl IntoView {
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
                <div><dt>"Justification"</dt><dd data-testid="justification-rule">
                    {if model.justification_required || model.justification_form.is_some() { "required" } else { "optional" }}
                    {model.justification_form.clone().map(|form| format!(": {form}"))}
                </dd></div>
                <div><dt>"Approver's comment"</dt><dd data-testid="comment-rule">
                    {if model.approver_comment_required { "required" } else { "optional" }}
                </dd></div>
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
        <EmergencySection model=model.clone()/>
        <ModelUseSection data=sections.uses/>
        <ModelWorkloadsSection data=sections.workloads/>
    }
}

/// Answers 404 for a page about something that does not exist.
fn not_found_status() {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
}
