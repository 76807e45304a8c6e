//! One policy exception with what it exempts, where it stands, and the
//! actions the reader may take: approve or deny, cancel, revoke. Each is an
//! `ActionForm`; once one completes, `done` is called (the page reloads
//! its list), and an error is shown next to the form.

use leptos::prelude::*;

use crate::api::policy_exceptions::{CancelException, DecideException, RevokeException};
use crate::wire::policy_exceptions::ExceptionSummary;

/// An exception, with its actions.
#[component]
pub fn ExceptionCard(exception: ExceptionSummary, done: Callback<()>) -> impl IntoView {
    let ExceptionSummary {
        namespace,
        name,
        requester,
        workloads,
        rules,
        reason,
        duration,
        phase,
        requested_at,
        approved_at,
        expires_at,
        reviews,
        may_decide,
        may_cancel,
        may_revoke,
    } = exception;
    let decide = ServerAction::<DecideException>::new();
    let cancel = ServerAction::<CancelException>::new();
    let revoke = ServerAction::<RevokeException>::new();
    for finished in [decide.version(), cancel.version(), revoke.version()] {
        Effect::new(move |seen: Option<usize>| {
            let now = finished.get();
            if seen.is_some_and(|seen| seen != now) {
                done.run(());
            }
            now
        });
    }
    let error = move || {
        [
            decide.value().get().and_then(Result::err),
            cancel.value().get().and_then(Result::err),
            revoke.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next_back()
        .map(|error| view! { <p class="form-error" role="alert" data-testid="exception-action-error">{error.message}</p> })
    };
    let when = match (&phase[..], &expires_at) {
        ("Active", Some(until)) => format!("in force until {until}"),
        (_, Some(until)) => format!("was until {until}"),
        _ => format!("for {duration} once approved"),
    };
    let hidden = |namespace: &str, name: &str| {
        view! {
            <input type="hidden" name="namespace" value=namespace.to_owned()/>
            <input type="hidden" name="name" value=name.to_owned()/>
        }
    };
    let fields = [
        hidden(&namespace, &name),
        hidden(&namespace, &name),
        hidden(&namespace, &name),
    ];
    let [decide_fields, cancel_fields, revoke_fields] = fields;
    view! {
        <article class="request-card exception-card" data-testid="exception" data-name=name.clone() data-phase=phase.clone()>
            <header>
                <h3><code>{name.clone()}</code></h3>
                <span class=format!("badge phase-{}", phase.to_lowercase())>{phase.clone()}</span>
            </header>
            <dl class="facts">
                <dt>"Workloads"</dt><dd>{workloads}</dd>
                <dt>"Rules"</dt><dd>{rules.into_iter().map(|r| view! { <code>{r}</code>" " }).collect_view()}</dd>
                <dt>"Requested by"</dt><dd>{requester}{requested_at.map(|at| format!(" at {at}"))}</dd>
                <dt>"Reason"</dt><dd>{reason}</dd>
                <dt>"Time"</dt><dd data-testid="exception-time">{when}{approved_at.map(|at| format!(" (approved {at})"))}</dd>
            </dl>
            {(!reviews.is_empty()).then(|| view! {
                <ul class="reviews">{reviews.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
            })}
            {may_decide.then(|| view! {
                <ActionForm action=decide>
                    {decide_fields}
                    <label>"Comment" <input name="comment" maxlength="2000"/></label>
                    <button type="submit" class="button" name="decision" value="approve">"Approve"</button>
                    <button type="submit" class="button button-secondary" name="decision" value="deny">"Deny"</button>
                </ActionForm>
            })}
            {may_cancel.then(|| view! {
                <ActionForm action=cancel>
                    {cancel_fields}
                    <button type="submit" class="button button-secondary">"Cancel request"</button>
                </ActionForm>
            })}
            {may_revoke.then(|| view! {
                <ActionForm action=revoke>
                    {revoke_fields}
                    <label>"Comment" <input name="comment" maxlength="2000"/></label>
                    <button type="submit" class="button button-secondary">"Revoke"</button>
                </ActionForm>
            })}
            {error}
        </article>
    }
}
