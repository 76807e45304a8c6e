//! The forms of what a person may do with a request: review, cancel,
//! relinquish, revoke, ask for an extension. Each is an `ActionForm`, so it
//! works before (and without) the browser bundle: the post answers with a
//! redirect back and the page renders afresh. Once hydrated, a completed
//! action refreshes the page's data, and an error is shown next to the form
//! that caused it, keeping what the person typed.

use leptos::prelude::*;

use super::live::LiveRefresh;
use crate::api::ApiError;
use crate::api::access::emergency::ReviewEmergency;
use crate::api::access::mine::{CancelRequest, ExtendGrant, RelinquishGrant};
use crate::api::access::reviews::{ReviewRequest, RevokeGrant};
use crate::wire::access::RequestSummary;

/// One kind of action on the page, and the request it was last used on.
pub struct Tracked<S: leptos::server_fn::ServerFn + 'static> {
    pub action: ServerAction<S>,
    /// `namespace/name` of the request last acted on in this page (the
    /// action's own input is cleared when it completes).
    pub target: RwSignal<Option<String>>,
}

impl<S: leptos::server_fn::ServerFn + 'static> Clone for Tracked<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: leptos::server_fn::ServerFn + 'static> Copy for Tracked<S> {}

/// The page's actions, shared by every request shown on it.
#[derive(Clone, Copy)]
pub struct AccessActions {
    pub cancel: Tracked<CancelRequest>,
    pub relinquish: Tracked<RelinquishGrant>,
    pub extend: Tracked<ExtendGrant>,
    pub review: Tracked<ReviewRequest>,
    pub revoke: Tracked<RevokeGrant>,
    pub review_use: Tracked<ReviewEmergency>,
}

macro_rules! tracked {
    ($refresh:expr, $kind:ty, |$input:ident| $key:expr) => {{
        let action = ServerAction::<$kind>::new();
        let target = RwSignal::new(None::<String>);
        let refresh: LiveRefresh = $refresh;
        Effect::new(move |_| {
            if let Some($input) = action.input().get() {
                target.set(Some($key));
            }
        });
        refresh.bump_on_success(action.value());
        Tracked { action, target }
    }};
}

impl AccessActions {
    /// Creates the page's actions and provides them to the forms below.
    pub fn provide() -> Self {
        let refresh = LiveRefresh::expect();
        let actions = AccessActions {
            cancel: tracked!(refresh, CancelRequest, |input| key(
                &input.namespace,
                &input.name
            )),
            relinquish: tracked!(refresh, RelinquishGrant, |input| key(
                &input.namespace,
                &input.name
            )),
            extend: tracked!(refresh, ExtendGrant, |input| key(
                &input.namespace,
                &input.name
            )),
            review: tracked!(refresh, ReviewRequest, |input| key(
                &input.namespace,
                &input.name
            )),
            revoke: tracked!(refresh, RevokeGrant, |input| key(
                &input.namespace,
                &input.name
            )),
            review_use: tracked!(refresh, ReviewEmergency, |input| key(
                &input.namespace,
                &input.name
            )),
        };
        provide_context(actions);
        actions
    }

    fn expect() -> Self {
        use_context::<AccessActions>().unwrap_or_else(Self::provide)
    }
}

fn key(namespace: &str, name: &str) -> String {
    format!("{namespace}/{name}")
}

/// What the last action of each kind said: a confirmation, or (for a form
/// posted without the browser bundle, when the page cannot know which
/// request it was) the error.
#[component]
pub fn ActionFeedback() -> impl IntoView {
    let actions = AccessActions::expect();
    let message = move || {
        let outcome = |done: &str,
                       value: Option<Result<RequestSummary, ApiError>>,
                       target: Option<String>| {
            match (value, target) {
                (Some(Ok(request)), _) => Some(Ok(format!(
                    "{done}: {}/{} is {}.",
                    request.namespace,
                    request.name,
                    request.phase.as_str()
                ))),
                (Some(Err(error)), None) => Some(Err(error.message.clone())),
                _ => None,
            }
        };
        [
            outcome(
                "Cancelled",
                actions.cancel.action.value().get(),
                actions.cancel.target.get(),
            ),
            outcome(
                "Access given up",
                actions.relinquish.action.value().get(),
                actions.relinquish.target.get(),
            ),
            outcome(
                "Extension requested",
                actions.extend.action.value().get(),
                actions.extend.target.get(),
            ),
            outcome(
                "Review recorded",
                actions.review.action.value().get(),
                actions.review.target.get(),
            ),
            outcome(
                "Revoked",
                actions.revoke.action.value().get(),
                actions.revoke.target.get(),
            ),
            outcome(
                "Emergency use reviewed",
                actions.review_use.action.value().get(),
                actions.review_use.target.get(),
            ),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
    };
    view! {
        <div class="action-feedback" aria-live="polite" data-testid="action-feedback">
            {move || {
                message()
                    .into_iter()
                    .map(|outcome| match outcome {
                        Ok(text) => view! { <p class="feedback feedback-ok" role="status">{text}</p> }.into_any(),
                        Err(text) => view! { <p class="feedback feedback-error" role="alert">{text}</p> }.into_any(),
                    })
                    .collect_view()
            }}
        </div>
    }
}

/// The error of `tracked`'s last use, when it was on the request `key`.
fn error_for<S>(
    tracked: Tracked<S>,
    key: String,
) -> impl Fn() -> Option<String> + Send + Sync + 'static
where
    S: leptos::server_fn::ServerFn<Error = ApiError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    move || {
        if tracked.target.get().as_deref() != Some(key.as_str()) {
            return None;
        }
        match tracked.action.value().get() {
            Some(Err(error)) => Some(error.message.clone()),
            _ => None,
        }
    }
}

/// An error next to the form that caused it.
#[component]
fn FormError(error: impl Fn() -> Option<String> + Send + Sync + 'static) -> impl IntoView {
    view! {
        {move || error().map(|text| view! { <p class="form-error" role="alert" data-testid="form-error">{text}</p> })}
    }
}

/// Every action `request` offers the viewer; nothing when it offers none.
#[component]
pub fn RequestActionForms(request: RequestSummary) -> impl IntoView {
    let actions = AccessActions::expect();
    let offered = request.actions.clone();
    if !offered.any() {
        return ().into_any();
    }
    let id = key(&request.namespace, &request.name);
    let what = format!("{} access to {}", request.level, request.model_display_name);
    let hidden = {
        let namespace = request.namespace.clone();
        let name = request.name.clone();
        move || {
            view! {
                <input type="hidden" name="namespace" value=namespace.clone()/>
                <input type="hidden" name="name" value=name.clone()/>
            }
        }
    };
    let slug = request.name.clone();
    view! {
        <div class="request-actions" data-testid="request-actions">
            {offered.review.then(|| {
                let (fields, id, what) = (hidden(), id.clone(), what.clone());
                let pending = actions.review.action.pending();
                let comment_id = format!("review-comment-{slug}");
                let comment_required = offered.review_comment_required;
                view! {
                    <ActionForm action=actions.review.action attr:class="action-form review-form" attr:data-testid="review-form">
                        {fields}
                        <label for=comment_id.clone()>{if comment_required { "Comment (required)" } else { "Comment" }}</label>
                        <textarea id=comment_id name="comment" rows="2" maxlength="2000" required=comment_required
                            placeholder="Why you approve or deny (the requester sees it)"></textarea>
                        <div class="button-row">
                            <button type="submit" name="decision" value="approve" class="button-primary"
                                disabled=pending aria-label=format!("Approve {what}") data-testid="approve">"Approve"</button>
                            <button type="submit" name="decision" value="deny" class="button-danger"
                                disabled=pending aria-label=format!("Deny {what}") data-testid="deny">"Deny"</button>
                        </div>
                        <FormError error=error_for(actions.review, id)/>
                    </ActionForm>
                }
            })}
            {offered.review_use.then(|| {
                let (fields, id, what) = (hidden(), id.clone(), what.clone());
                let pending = actions.review_use.action.pending();
                let comment_id = format!("use-comment-{slug}");
                view! {
                    <ActionForm action=actions.review_use.action attr:class="action-form review-form" attr:data-testid="review-use-form">
                        {fields}
                        <label for=comment_id.clone()>"Your review of this emergency use"</label>
                        <textarea id=comment_id name="comment" rows="2" maxlength="2000"
                            placeholder="Was there an emergency, and did the access fit it? (required when unjustified)"></textarea>
                        <div class="button-row">
                            <button type="submit" name="verdict" value="justified" class="button-primary"
                                disabled=pending aria-label=format!("Judge the emergency {what} justified") data-testid="use-justified">"Justified"</button>
                            <button type="submit" name="verdict" value="unjustified" class="button-danger"
                                disabled=pending aria-label=format!("Judge the emergency {what} unjustified") data-testid="use-unjustified">"Unjustified — end access"</button>
                        </div>
                        <FormError error=error_for(actions.review_use, id)/>
                    </ActionForm>
                }
            })}
            {offered.cancel.then(|| {
                let (fields, id, what) = (hidden(), id.clone(), what.clone());
                let pending = actions.cancel.action.pending();
                view! {
                    <ActionForm action=actions.cancel.action attr:class="action-form inline-form" attr:data-testid="cancel-form">
                        {fields}
                        <input type="hidden" name="comment" value=""/>
                        <button type="submit" disabled=pending aria-label=format!("Cancel the request for {what}") data-testid="cancel">
                            "Cancel request"
                        </button>
                        <FormError error=error_for(actions.cancel, id)/>
                    </ActionForm>
                }
            })}
            {offered.relinquish.then(|| {
                let (fields, id, what) = (hidden(), id.clone(), what.clone());
                let pending = actions.relinquish.action.pending();
                view! {
                    <ActionForm action=actions.relinquish.action attr:class="action-form inline-form" attr:data-testid="relinquish-form">
                        {fields}
                        <input type="hidden" name="comment" value=""/>
                        <button type="submit" disabled=pending aria-label=format!("Give up {what} now") data-testid="relinquish">
                            "Give up access"
                        </button>
                        <FormError error=error_for(actions.relinquish, id)/>
                    </ActionForm>
                }
            })}
            {offered.revoke.then(|| {
                let (fields, id, what) = (hidden(), id.clone(), what.clone());
                let pending = actions.revoke.action.pending();
                let comment_id = format!("revoke-comment-{slug}");
                let revoke_label = format!("Revoke {what} for {}", request.requester);
                view! {
                    <ActionForm action=actions.revoke.action attr:class="action-form inline-form" attr:data-testid="revoke-form">
                        {fields}
                        <label for=comment_id.clone() class="visually-hidden">"Reason for revoking"</label>
                        <input id=comment_id type="text" name="comment" maxlength="2000" placeholder="Reason for revoking"/>
                        <button type="submit" class="button-danger" disabled=pending
                            aria-label=revoke_label data-testid="revoke">
                            "Revoke"
                        </button>
                        <FormError error=error_for(actions.revoke, id)/>
                    </ActionForm>
                }
            })}
            {offered.extend.then(|| {
                let (fields, id) = (hidden(), id.clone());
                let pending = actions.extend.action.pending();
                let duration_id = format!("extend-duration-{slug}");
                let justification_id = format!("extend-justification-{slug}");
                view! {
                    <details class="extend">
                        <summary data-testid="extend-toggle">"Ask for an extension"</summary>
                        <ActionForm action=actions.extend.action attr:class="action-form" attr:data-testid="extend-form">
                            {fields}
                            <label for=duration_id.clone()>"For how long"</label>
                            <select id=duration_id name="duration" required=true>
                                {offered
                                    .extend_choices
                                    .iter()
                                    .map(|choice| view! { <option value=choice.clone()>{choice.clone()}</option> })
                                    .collect_view()}
                            </select>
                            <label for=justification_id.clone()>"Why"</label>
                            <textarea id=justification_id name="justification" rows="2" maxlength="2000"></textarea>
                            <button type="submit" disabled=pending data-testid="extend">"Request extension"</button>
                            <FormError error=error_for(actions.extend, id)/>
                        </ActionForm>
                    </details>
                }
            })}
        </div>
    }
    .into_any()
}
