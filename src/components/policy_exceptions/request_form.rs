//! "Request exception" beside a failed check: a small form with the
//! workload and the rule filled in, a reason and a duration. It works
//! without the browser bundle (the post answers with a redirect back);
//! once hydrated, the outcome is shown next to the form.
//!
//! A namespace's compliance page holds one such form per failed check, so
//! each is kept light: a plain `<form>` posting to the server function,
//! whose action exists only in the browser (nothing to show before a
//! submission), and one list of suggested durations per page
//! (`DurationSuggestions`).

use leptos::form::FromFormData;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::policy_exceptions::FileException;
use crate::wire::error::ApiError;
use crate::wire::policy_exceptions::DURATIONS;

/// The `id` of the page's one list of suggested durations.
pub const DURATION_SUGGESTIONS_ID: &str = "exception-durations";

/// The durations every exception form of the page suggests; rendered once
/// on a page that holds `RequestExceptionForm`s.
#[component]
pub fn DurationSuggestions() -> impl IntoView {
    view! {
        <datalist id=DURATION_SUGGESTIONS_ID>
            {DURATIONS.iter().map(|d| view! { <option value=*d></option> }).collect_view()}
        </datalist>
    }
}

/// The form for one failed check of one workload.
#[component]
pub fn RequestExceptionForm(namespace: String, workload: String, rule: String) -> impl IntoView {
    // Only a hydrated page submits through the action; the server renders
    // no outcome, and neither does the browser before a submission.
    let action = cfg!(feature = "hydrate").then(ServerAction::<FileException>::new);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let Some(action) = action else { return };
        if ev.default_prevented() {
            return;
        }
        ev.prevent_default();
        match FileException::from_event(&ev) {
            Ok(input) => {
                action.dispatch(input);
            }
            // Shown beside the form, as a refusal from the server would be.
            Err(error) => action.value().set(Some(Err(ApiError::invalid(format!(
                "The form could not be read ({error}); reload the page and try again."
            ))))),
        }
    };
    let id = format!("exception-{workload}-{rule}").replace('.', "-");
    let reason_id = format!("{id}-reason");
    let duration_id = format!("{id}-duration");
    let help_id = format!("{id}-help");
    let outcome = move || {
        action?.value().get().map(|result| match result {
            Ok(filed) => view! {
                <p class="form-success" role="status" data-testid="exception-filed">
                    "Requested: " <code>{filed.name}</code>
                    " waits for an approver of a model in this namespace or a manager."
                </p>
            }
            .into_any(),
            Err(error) => view! {
                <p class="form-error" role="alert" data-testid="exception-error">{error.message}</p>
            }
            .into_any(),
        })
    };
    view! {
        <details class="exception-request" data-testid="request-exception">
            <summary>"Request exception"</summary>
            <form method="post" action=FileException::url() on:submit=on_submit>
                <input type="hidden" name="namespace" value=namespace/>
                <input type="hidden" name="workloads" value=workload.clone()/>
                <input type="hidden" name="rules" value=rule.clone()/>
                <p class="muted">"Exempt " <code>{workload}</code> " from " <code>{rule}</code> "."</p>
                <label for=reason_id.clone()>"Reason"</label>
                <textarea id=reason_id name="reason" required=true maxlength="2000" rows="3"></textarea>
                <label for=duration_id.clone()>"Duration (at most 90d)"</label>
                <input id=duration_id name="duration" value=DURATIONS[0] required=true
                    pattern="([0-9]{1,6}[smhd]){1,4}" list=DURATION_SUGGESTIONS_ID
                    aria-describedby=help_id.clone()/>
                <p class="muted" id=help_id>"e.g. 7d, 12h or 30m; it starts when approved."</p>
                <button type="submit" class="button">"Request exception"</button>
            </form>
            {outcome}
        </details>
    }
}
