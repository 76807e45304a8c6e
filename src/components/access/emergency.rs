//! Emergency access on a model's page: what the model offers, and, for the
//! people it names, the form that activates it. An `ActionForm`: it works
//! without the browser bundle (a failure comes back with what was typed);
//! success goes to the new grant's page.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::access::emergency::ActivateEmergency;
use crate::wire::access::{EmergencyOffer, EmergencyReviewView, ModelSummary, capitalised};

/// The longest justification, as the server checks it.
const MAX_JUSTIFICATION: usize = crate::wire::access::MAX_TEXT;

/// The model's emergency access, if it offers any.
#[component]
pub fn EmergencySection(model: ModelSummary) -> impl IntoView {
    let Some(offer) = model.emergency.clone() else {
        return ().into_any();
    };
    let terms = format!(
        "{} may activate {} access at once, for at most {}, without approval. \
         The approvers are told immediately and review each use afterwards.",
        capitalised(&offer.who),
        offer.levels.join(" or "),
        offer.longest_words
    );
    let viewer_may = offer.viewer_may_activate;
    view! {
        <section aria-labelledby="emergency-heading" class="emergency-section" data-testid="emergency-section">
            <h2 id="emergency-heading">"Emergency access"</h2>
            <p data-testid="emergency-terms">{terms}</p>
            {if viewer_may {
                view! { <EmergencyForm model offer/> }.into_any()
            } else {
                view! {
                    <p class="muted">"You are not among them: request access above, and the approvers decide."</p>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn EmergencyForm(model: ModelSummary, offer: EmergencyOffer) -> impl IntoView {
    let action = ServerAction::<ActivateEmergency>::new();
    let query = use_query_map();
    let typed = move |key: &str| query.with_untracked(|query| query.get(key));
    let chosen = typed("emergency_level")
        .filter(|level| offer.levels.contains(level))
        .or_else(|| offer.levels.first().cloned())
        .unwrap_or_default();
    let justification = typed("emergency_justification").unwrap_or_default();
    let longest = offer.duration_choices.last().cloned().unwrap_or_default();
    let pending = action.pending();
    let error = move || {
        action.value().with(|value| match value {
            Some(Err(error)) => Some(error.message.clone()),
            _ => None,
        })
    };
    view! {
        <details class="emergency" open=typed("emergency_level").is_some()>
            <summary data-testid="emergency-toggle">"Activate emergency access"</summary>
            <ActionForm action attr:class="request-form emergency-form" attr:data-testid="emergency-form">
                <input type="hidden" name="namespace" value=model.namespace.clone()/>
                <input type="hidden" name="model" value=model.name.clone()/>
                <div class="field">
                    <label for="emergency-level">"Access level"</label>
                    <select id="emergency-level" name="level" data-testid="emergency-level">
                        {offer.levels.iter().map(|level| view! {
                            <option value=level.clone() selected=*level == chosen>{level.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="emergency-duration">"For how long"</label>
                    <select id="emergency-duration" name="duration" data-testid="emergency-duration">
                        {offer.duration_choices.iter().map(|choice| view! {
                            <option value=choice.clone() selected=*choice == longest>{choice.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="emergency-justification">"What is the emergency? (required)"</label>
                    <textarea id="emergency-justification" name="justification" rows="3" required=true
                        maxlength=MAX_JUSTIFICATION.to_string() data-testid="emergency-justification"
                        placeholder="e.g. INC-4711: the scorer refuses every call and nobody on the approver rota answers">
                        {justification}
                    </textarea>
                    <p class="help">"Recorded in the audit trail and sent to the approvers with your name."</p>
                </div>
                {move || error().map(|text| view! { <p class="form-error" role="alert" data-testid="form-error">{text}</p> })}
                <button type="submit" class="button-danger" disabled=pending data-testid="activate-emergency">
                    {move || if pending.get() { "Activating…" } else { "Activate emergency access" }}
                </button>
            </ActionForm>
        </details>
    }
}

/// Marks a request granted without approval.
#[component]
pub fn EmergencyBadge() -> impl IntoView {
    view! {
        <span class="badge badge-emergency" data-testid="emergency-badge" title="Granted without approval; reviewed afterwards">
            "Emergency"
        </span>
    }
}

/// Where the review of an emergency use stands, as a fact of its request.
#[component]
pub fn UseReviewFact(review: Option<EmergencyReviewView>) -> impl IntoView {
    let words = match review {
        Some(review) => format!(
            "{} by {} on {}{}",
            if review.justified {
                "Justified"
            } else {
                "Unjustified"
            },
            review.reviewer,
            review.at.strftime("%Y-%m-%d %H:%M UTC"),
            if review.comment.is_empty() {
                String::new()
            } else {
                format!(": {}", review.comment)
            }
        ),
        None => "waiting for an approver".to_owned(),
    };
    view! { <div><dt>"Use review"</dt><dd data-testid="use-review">{words}</dd></div> }
}
