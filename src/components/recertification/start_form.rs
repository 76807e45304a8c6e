//! The form a manager starts a recertification with. It works without
//! JavaScript: the post answers with a redirect to the new review.

use leptos::prelude::*;

use crate::api::recertifications::StartRecertification;

/// Scope, deadline, what happens to unanswered items, and recurrence.
#[component]
pub fn StartRecertificationForm(#[prop(optional)] open: bool) -> impl IntoView {
    let start = ServerAction::<StartRecertification>::new();
    let pending = start.pending();
    let error = move || match start.value().get() {
        Some(Err(error)) => Some(error.message),
        _ => None,
    };
    view! {
        <details class="start-recertification" open=open data-testid="start-recertification">
            <summary>"Start a recertification"</summary>
            <ActionForm action=start attr:class="action-form start-form" attr:data-testid="start-form">
                <p class="muted">
                    "Everything in the scope that you may see is listed: grants made through aigov and RoleBindings made outside it. "
                    "Approvers of each model answer its grants; managers answer bindings made outside aigov. Leave a field empty for any."
                </p>
                <div class="form-grid">
                    <label for="recert-namespace">"Namespace"</label>
                    <input id="recert-namespace" name="namespace" maxlength="63" placeholder="any" autocomplete="off"/>
                    <label for="recert-model">"Model"</label>
                    <input id="recert-model" name="model" maxlength="253" placeholder="any" autocomplete="off"/>
                    <label for="recert-environment">"Environment"</label>
                    <select id="recert-environment" name="environment">
                        <option value="">"any"</option>
                        <option value="sandbox">"sandbox"</option>
                        <option value="staging">"staging"</option>
                        <option value="production">"production"</option>
                    </select>
                    <label for="recert-deadline">"Deadline (UTC)"</label>
                    <input id="recert-deadline" name="deadline" type="datetime-local" step="1" required/>
                    <label for="recert-on-deadline">"Unanswered at the deadline"</label>
                    <select id="recert-on-deadline" name="on_deadline">
                        <option value="report">"Report them (access goes on)"</option>
                        <option value="revoke">"Revoke them"</option>
                    </select>
                    <label for="recert-every">"Repeat every"</label>
                    <input id="recert-every" name="every" maxlength="16" placeholder="e.g. 90d; empty: once" autocomplete="off"/>
                    <label for="recert-description">"Description"</label>
                    <textarea id="recert-description" name="description" rows="2" maxlength="2000"
                        placeholder="e.g. Quarterly access review for SOC 2"></textarea>
                </div>
                <button type="submit" class="button-primary" disabled=pending data-testid="start-submit">
                    {move || if pending.get() { "Starting…" } else { "Start" }}
                </button>
                {move || error().map(|text| view! { <p class="form-error" role="alert" data-testid="form-error">{text}</p> })}
            </ActionForm>
        </details>
    }
}
