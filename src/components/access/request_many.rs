//! Requesting several models at once from the catalogue: each card has a
//! checkbox that belongs to this form, and one request is filed per model
//! chosen, each under its own model's rules and decided by its own
//! approvers. An `ActionForm`: without the browser bundle the post comes
//! back to the catalogue, whose cards then show the pending requests;
//! with it, the outcome lists each request filed and each model refused,
//! with why.

use leptos::prelude::*;
use leptos_router::components::A;

use super::live::LiveRefresh;
use crate::api::access::many::RequestMany;
use crate::wire::access::{MAX_MODELS_AT_ONCE, RequestedMany, count};

/// The id of the form the cards' checkboxes belong to.
pub const REQUEST_MANY_FORM: &str = "request-many";

/// The longest justification, as the server checks it.
const MAX_JUSTIFICATION: usize = crate::wire::access::MAX_TEXT;

/// The selection and what is typed in the form, kept by the catalogue page
/// rather than the form: a live refresh draws the cards and the form again,
/// and neither the selection, nor what was typed, nor the outcome of the
/// last request may be lost to it.
#[derive(Clone, Copy)]
pub struct RequestManyState {
    action: ServerAction<RequestMany>,
    /// The selected models, `namespace/name`.
    selected: RwSignal<Vec<String>>,
    /// The level chosen; empty for the first offered.
    level: RwSignal<String>,
    duration: RwSignal<String>,
    starts_at: RwSignal<String>,
    justification: RwSignal<String>,
}

impl RequestManyState {
    fn new() -> Self {
        let state = Self {
            action: ServerAction::<RequestMany>::new(),
            selected: RwSignal::new(Vec::new()),
            level: RwSignal::new(String::new()),
            duration: RwSignal::new("8h".to_owned()),
            starts_at: RwSignal::new(String::new()),
            justification: RwSignal::new(String::new()),
        };
        // Once filed, the cards show the new requests, and the selection
        // starts again.
        LiveRefresh::expect().bump_on_success(state.action.value());
        Effect::new(move |_| {
            if state
                .action
                .value()
                .with(|value| matches!(value, Some(Ok(_))))
            {
                state.selected.set(Vec::new());
            }
        });
        state
    }
}

/// Keeps the selection and the form's state for the page that calls this
/// (after it started its live refresh).
pub fn provide_request_many_state() {
    provide_context(RequestManyState::new());
}

fn state() -> RequestManyState {
    use_context::<RequestManyState>().unwrap_or_else(RequestManyState::new)
}

/// The checkbox that puts a model (`namespace/name`) in the selection.
#[component]
pub fn SelectToRequest(index: usize, reference: String, display_name: String) -> impl IntoView {
    let state = state();
    let id = format!("select-model-{}", reference.replace('/', "-"));
    let label_for = id.clone();
    let chosen = reference.clone();
    let checked = move || state.selected.with(|selected| selected.contains(&chosen));
    let initially = checked.clone()();
    let toggled = reference.clone();
    let on_change = move |event: leptos::ev::Event| {
        let on = event_target_checked(&event);
        state.selected.update(|selected| {
            selected.retain(|model| *model != toggled);
            if on {
                selected.push(toggled.clone());
            }
        });
    };
    view! {
        <label class="select-for-bulk select-model" for=label_for>
            <input type="checkbox" id=id form=REQUEST_MANY_FORM name=format!("models[{index}]")
                value=reference checked=initially prop:checked=checked on:change=on_change data-testid="select-model"/>
            <span>"Select"</span>
            <span class="visually-hidden">{format!(" {display_name} to request with others")}</span>
        </label>
    }
}

/// The form that requests every selected model: one level, duration,
/// start and justification for all.
#[component]
pub fn RequestSelected(levels: Vec<String>) -> impl IntoView {
    let state = state();
    let action = state.action;
    let pending = action.pending();
    let RequestManyState {
        level,
        duration,
        starts_at,
        justification,
        ..
    } = state;
    let chosen = Some(level.get_untracked())
        .filter(|chosen| levels.contains(chosen))
        .or_else(|| levels.first().cloned())
        .unwrap_or_default();
    view! {
        <section class="request-many" aria-labelledby="request-many-heading" data-testid="request-many">
            <h2 id="request-many-heading">"Request several models at once"</h2>
            <p class="muted">
                {format!("Select up to {MAX_MODELS_AT_ONCE} models with their checkboxes, then file one request for each. \
                 Each is held to its own model's rules and decided by its own approvers.")}
            </p>
            <ActionForm action attr:id=REQUEST_MANY_FORM attr:class="request-form request-many-form"
                attr:data-testid="request-many-form" attr:aria-describedby="request-many-outcome">
                <div class="field">
                    <label for="request-many-level">"Access level"</label>
                    <select id="request-many-level" name="level" data-testid="request-many-level"
                        on:change=move |event| level.set(event_target_value(&event))>
                        {levels.into_iter().map(|offered| {
                            let selected = offered == chosen;
                            view! { <option value=offered.clone() selected=selected>{offered.clone()}</option> }
                        }).collect_view()}
                    </select>
                    <p class="help">"A model that does not offer this level refuses its request."</p>
                </div>
                <div class="field">
                    <label for="request-many-duration">"Duration"</label>
                    <input id="request-many-duration" name="duration" required=true maxlength="32"
                        autocomplete="off" placeholder="e.g. 1h, 8h, 2d" data-testid="request-many-duration"
                        value=duration.get_untracked() prop:value=move || duration.get()
                        on:input=move |event| duration.set(event_target_value(&event))/>
                    <p class="help">"Each model's longest grant applies."</p>
                </div>
                <div class="field">
                    <label for="request-many-start">"Start (optional, UTC)"</label>
                    <input id="request-many-start" type="datetime-local" step="1" name="starts_at"
                        value=starts_at.get_untracked() prop:value=move || starts_at.get()
                        on:input=move |event| starts_at.set(event_target_value(&event))/>
                </div>
                <div class="field">
                    <label for="request-many-justification">"Justification"</label>
                    <textarea id="request-many-justification" name="justification" rows="3"
                        maxlength=MAX_JUSTIFICATION.to_string() data-testid="request-many-justification"
                        prop:value=move || justification.get()
                        on:input=move |event| justification.set(event_target_value(&event))>
                        {justification.get_untracked()}
                    </textarea>
                    <p class="help">"Recorded on each request; a model that asks for one, or for a set form, checks it."</p>
                </div>
                <button type="submit" class="button-primary" disabled=pending data-testid="request-selected">
                    {move || if pending.get() { "Sending…" } else { "Request the selected models" }}
                </button>
                <div id="request-many-outcome" aria-live="polite">
                    {move || action.value().get().map(|result| match result {
                        Ok(outcome) => view! { <Outcome outcome/> }.into_any(),
                        Err(error) => view! {
                            <p class="form-error" role="alert" data-testid="request-many-error">{error.message}</p>
                        }.into_any(),
                    })}
                </div>
            </ActionForm>
        </section>
    }
}

/// What was filed, with links, and what was refused, with why.
#[component]
fn Outcome(outcome: RequestedMany) -> impl IntoView {
    let RequestedMany { filed, refused } = outcome;
    let summary = format!(
        "{} filed, {} refused.",
        count(filed.len(), "request", "requests"),
        refused.len()
    );
    view! {
        <div class="form-feedback" role="status" data-testid="request-many-outcome">
            <p><strong>{summary}</strong></p>
            <ul>
                {filed.into_iter().map(|request| {
                    let href = format!("/requests/{}/{}", request.namespace, request.name);
                    let words = format!(" — {} access, {}", request.level, request.phase.as_str());
                    view! {
                        <li data-testid="request-many-filed">
                            <A href=href>{request.model_display_name}</A> {words}
                        </li>
                    }
                }).collect_view()}
                {refused.into_iter().map(|refusal| view! {
                    <li class="form-error" data-testid="request-many-refused">
                        <code>{refusal.request}</code> ": " {refusal.message}
                    </li>
                }).collect_view()}
            </ul>
        </div>
    }
}
