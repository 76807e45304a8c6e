//! The form to request access to a model: level, duration (the model's
//! choices or another one, checked on the server), justification. An
//! `ActionForm`: posted without the browser bundle, a failure comes back to
//! the page with what was typed; hydrated, the error appears next to the
//! form and nothing typed is lost. Success goes to the new request's page.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::models::RequestAccess;
use crate::wire::access::ModelDetail;

/// The longest justification, as the server checks it.
const MAX_JUSTIFICATION: usize = crate::wire::access::MAX_TEXT;

/// The request form of one model.
#[component]
pub fn RequestForm(detail: ModelDetail) -> impl IntoView {
    let action = ServerAction::<RequestAccess>::new();
    let mut model = detail.model;
    // A level whose role grants may not bind is shown as misconfigured in
    // the level list, and not offered here.
    model.levels.retain(|level| level.unavailable.is_none());
    if model.levels.is_empty() {
        return view! {
            <p class="muted" data-testid="no-requestable-level">
                "No access level of this model can be requested now: each is misconfigured (see above). \
                 Ask the model's owners or the platform team to correct it."
            </p>
        }
        .into_any();
    }
    let query = use_query_map();
    // What a failed plain post sent back, so nothing typed is lost.
    let typed = move |key: &str| query.with_untracked(|query| query.get(key));
    let level = typed("level")
        .filter(|level| model.levels.iter().any(|l| &l.name == level))
        .or_else(|| model.levels.first().map(|l| l.name.clone()))
        .unwrap_or_default();
    let duration = typed("duration")
        .filter(|d| d == "custom" || detail.duration_choices.contains(d))
        .or_else(|| {
            detail
                .duration_choices
                .iter()
                .find(|d| d.as_str() == "1h")
                .or(detail.duration_choices.last())
                .cloned()
        })
        .unwrap_or_default();
    let custom = typed("custom_duration").unwrap_or_default();
    let start = typed("starts_at").unwrap_or_default();
    let justification = RwSignal::new(typed("justification").unwrap_or_default());
    let initial_justification = justification.get_untracked();

    // The counter needs the bundle; it is not rendered before hydration.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));

    let pending = action.pending();
    let error = move || {
        action.value().with(|value| match value {
            Some(Err(error)) => Some(error.message.clone()),
            _ => None,
        })
    };
    // A set form makes a justification necessary too.
    let required = model.justification_required || model.justification_form.is_some();
    view! {
        <ActionForm action attr:class="request-form" attr:data-testid="request-form" attr:aria-describedby="request-form-error">
            <input type="hidden" name="namespace" value=model.namespace.clone()/>
            <input type="hidden" name="model" value=model.name.clone()/>
            <fieldset class="levels">
                <legend>"Access level"</legend>
                {model
                    .levels
                    .iter()
                    .map(|l| {
                        let id = format!("level-{}", l.name);
                        let description_id = format!("{id}-description");
                        view! {
                            <div class="radio-choice">
                                <input type="radio" id=id.clone() name="level" value=l.name.clone()
                                    checked=l.name == level required=true
                                    aria-describedby=description_id.clone() data-testid="level-choice"/>
                                <label for=id>
                                    <strong>{l.name.clone()}</strong>
                                    <span id=description_id class="muted">
                                        {if l.description.is_empty() { l.role.clone() } else { l.description.clone() }}
                                    </span>
                                </label>
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            {(!model.access_rules.is_empty()).then(|| view! {
                <div class="notice access-rules" data-testid="access-rules">
                    <p><strong>{model.access_rules.clone()}</strong></p>
                    <ul class="muted" data-testid="access-rule-sources">
                        {model.access_rule_sources.iter().map(|line| view! { <li>{line.clone()}</li> }).collect_view()}
                    </ul>
                </div>
            })}
            <div class="field">
                <label for="request-duration">"Duration"</label>
                <select id="request-duration" name="duration" data-testid="duration" aria-describedby="duration-help">
                    {detail
                        .duration_choices
                        .iter()
                        .map(|choice| view! { <option value=choice.clone() selected=*choice == duration>{choice.clone()}</option> })
                        .collect_view()}
                    <option value="custom" selected=duration == "custom">"Another duration…"</option>
                </select>
                <p id="duration-help" class="help">
                    {format!("At most {}. The clock starts when the request is approved, or at the start below.", model.max_duration_words)}
                </p>
            </div>
            <div class="field">
                <label for="request-custom-duration">"Another duration (when chosen above)"</label>
                <input id="request-custom-duration" type="text" name="custom_duration" value=custom
                    inputmode="text" autocomplete="off" placeholder="e.g. 90m, 2h30m, 3d" maxlength="32"
                    data-testid="custom-duration"/>
            </div>
            <div class="field">
                <label for="request-starts-at">"Start (optional, UTC)"</label>
                <input id="request-starts-at" type="datetime-local" step="1" name="starts_at" value=start
                    data-testid="starts-at" aria-describedby="starts-at-help"/>
                <p id="starts-at-help" class="help">
                    "Leave empty to start at approval. With a start, an approval before it schedules the grant: no access until then, and the duration counts from it."
                </p>
            </div>
            <div class="field">
                <label for="request-justification">
                    "Justification" {if required { " (required)" } else { " (optional)" }}
                </label>
                <textarea id="request-justification" name="justification" rows="4"
                    maxlength=MAX_JUSTIFICATION.to_string() required=required data-testid="justification-input"
                    aria-describedby="justification-form justification-count"
                    on:input=move |ev| justification.set(event_target_value(&ev))>
                    {initial_justification}
                </textarea>
                {model.justification_form.clone().map(|form| view! {
                    <p id="justification-form" class="help" data-testid="justification-form">{form}</p>
                })}
                {move || hydrated.get().then(|| {
                    let used = justification.with(|text| text.chars().count());
                    view! {
                        <p id="justification-count" class="help counter" aria-live="polite" data-testid="justification-count">
                            {format!("{used} / {MAX_JUSTIFICATION} characters")}
                        </p>
                    }
                })}
            </div>
            <div id="request-form-error">
                {move || error().map(|text| view! { <p class="form-error" role="alert" data-testid="form-error">{text}</p> })}
            </div>
            <button type="submit" class="button-primary" disabled=pending data-testid="submit-request">
                {move || if pending.get() { "Sending…" } else { "Request access" }}
            </button>
        </ActionForm>
    }
    .into_any()
}
