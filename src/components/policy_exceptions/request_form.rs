//! "Request exception" beside a failed check: a small form with the
//! workload and the rule filled in, a reason and a duration. It works
//! without the browser bundle (the post answers with a redirect back);
//! once hydrated, the outcome is shown next to the form.

use leptos::prelude::*;

use crate::api::policy_exceptions::FileException;
use crate::wire::policy_exceptions::DURATIONS;

/// The form for one failed check of one workload.
#[component]
pub fn RequestExceptionForm(namespace: String, workload: String, rule: String) -> impl IntoView {
    let action = ServerAction::<FileException>::new();
    let id = format!("exception-{workload}-{rule}").replace('.', "-");
    let reason_id = format!("{id}-reason");
    let duration_id = format!("{id}-duration");
    let durations_id = format!("{id}-durations");
    let outcome = move || {
        action.value().get().map(|result| match result {
            Ok(filed) => view! {
                <p class="form-success" role="status" data-testid="exception-filed">
                    "Requested: " <code>{filed.name.clone()}</code>
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
            <ActionForm action>
                <input type="hidden" name="namespace" value=namespace/>
                <input type="hidden" name="workloads" value=workload.clone()/>
                <input type="hidden" name="rules" value=rule.clone()/>
                <p class="muted">"Exempt " <code>{workload}</code> " from " <code>{rule}</code> "."</p>
                <label for=reason_id.clone()>"Reason"</label>
                <textarea id=reason_id name="reason" required=true maxlength="2000" rows="3"></textarea>
                <label for=duration_id.clone()>"Duration (at most 90d)"</label>
                <input id=duration_id name="duration" value=DURATIONS[0] required=true
                    pattern="([0-9]{1,6}[smhd]){1,4}" list=durations_id.clone()
                    aria-describedby=format!("{id}-help")/>
                <datalist id=durations_id>
                    {DURATIONS.iter().map(|d| view! { <option value=*d></option> }).collect_view()}
                </datalist>
                <p class="muted" id=format!("{id}-help")>"e.g. 7d, 12h or 30m; it starts when approved."</p>
                <button type="submit" class="button">"Request exception"</button>
            </ActionForm>
            {outcome}
        </details>
    }
}
