//! A review's items: who holds what, since when and until when, whether
//! it was used, who answers, and the answer or the form that gives it.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::recertifications::AnswerRecertificationItem;
use crate::components::access::live::LiveRefresh;
use crate::wire::recertification::{DecisionView, ItemView};

/// The answer action shared by every item of the page, and the item it
/// was last used on.
#[derive(Clone, Copy)]
pub struct AnswerAction {
    pub action: ServerAction<AnswerRecertificationItem>,
    pub target: RwSignal<Option<String>>,
}

impl AnswerAction {
    /// Creates it; a completed answer refreshes the page's data.
    pub fn new(refresh: LiveRefresh) -> Self {
        let action = ServerAction::<AnswerRecertificationItem>::new();
        let target = RwSignal::new(None::<String>);
        Effect::new(move |_| {
            if let Some(input) = action.input().get() {
                target.set(Some(input.item));
            }
        });
        refresh.bump_on_success(action.value());
        AnswerAction { action, target }
    }
}

fn day(at: Option<jiff::Timestamp>) -> String {
    at.map(|at| at.strftime("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "—".to_owned())
}

/// The items as a table, one row each.
#[component]
pub fn ItemTable(review: String, items: Vec<ItemView>, answer: AnswerAction) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="data-table recert-items" data-testid="items">
                <thead>
                    <tr>
                        <th scope="col">"Who"</th>
                        <th scope="col">"Model"</th>
                        <th scope="col">"Level"</th>
                        <th scope="col">"Source"</th>
                        <th scope="col">"Since"</th>
                        <th scope="col">"Ends"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col">"Answer"</th>
                    </tr>
                </thead>
                <tbody>
                    {items.into_iter().map(|item| view! { <ItemRow review=review.clone() item answer/> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn ItemRow(review: String, item: ItemView, answer: AnswerAction) -> impl IntoView {
    let subject = format!("{} {}", item.subject_kind, item.subject);
    let source = match &item.request {
        Some(request) => view! {
            <A href=format!("/requests/{}/{request}", item.namespace)>"aigov"</A>
        }
        .into_any(),
        None => view! { <span>"outside aigov: " <code>{item.role_binding.clone()}</code></span> }
            .into_any(),
    };
    let ends = if item.source == "aigov" {
        day(item.expires_at)
    } else {
        "never".to_owned()
    };
    let last_used = if item.source == "aigov" {
        day(item.last_used)
    } else {
        "—".to_owned()
    };
    view! {
        <tr data-testid="item" data-item=item.id.clone() data-subject=item.subject.clone()>
            <td>{subject} {item.emergency.then(|| view! { " " <span class="badge badge-emergency">"Emergency"</span> })}</td>
            <td><code>{format!("{}/{}", item.namespace, item.model)}</code></td>
            <td>{item.level.clone()}</td>
            <td>{source}</td>
            <td>{day(item.since)}</td>
            <td>{ends}</td>
            <td>{last_used}</td>
            <td>
                {match (item.decision.clone(), item.may_answer) {
                    (Some(decision), _) => view! { <Decision decision/> }.into_any(),
                    (None, true) => view! { <AnswerForm review item=item.clone() answer/> }.into_any(),
                    (None, false) => view! {
                        <span class="muted" data-testid="awaiting">{format!("Awaiting {}", item.reviewers)}</span>
                    }.into_any(),
                }}
            </td>
        </tr>
    }
}

#[component]
fn Decision(decision: DecisionView) -> impl IntoView {
    let tone = match decision.verdict.as_str() {
        "Certified" => "badge badge-active",
        "Revoked" => "badge badge-ended-badly",
        _ => "badge badge-pending",
    };
    view! {
        <span class=tone data-testid="verdict">{decision.verdict.clone()}</span>
        <span class="muted">{format!(" by {} at {}", decision.by, day(Some(decision.at)))}</span>
        {(!decision.comment.is_empty()).then(|| view! { <p class="decision-comment">{decision.comment.clone()}</p> })}
    }
}

#[component]
fn AnswerForm(review: String, item: ItemView, answer: AnswerAction) -> impl IntoView {
    let pending = answer.action.pending();
    let key = item.id.clone();
    let error = move || {
        if answer.target.get().as_deref() != Some(key.as_str()) {
            return None;
        }
        match answer.action.value().get() {
            Some(Err(error)) => Some(error.message),
            _ => None,
        }
    };
    let what = format!("{} {} on {}", item.subject_kind, item.subject, item.model);
    let comment_id = format!("answer-{}", item.id.replace('/', "-"));
    view! {
        <ActionForm action=answer.action attr:class="action-form answer-form" attr:data-testid="answer-form">
            <input type="hidden" name="name" value=review/>
            <input type="hidden" name="item" value=item.id.clone()/>
            <label for=comment_id.clone() class="visually-hidden">{format!("Comment on {what}")}</label>
            <input id=comment_id name="comment" maxlength="2000" autocomplete="off"
                placeholder="Comment (required to revoke)" data-testid="answer-comment"/>
            <div class="button-row">
                <button type="submit" name="verdict" value="certify" class="button-primary" disabled=pending
                    aria-label=format!("Certify {what}") data-testid="certify">"Certify"</button>
                <button type="submit" name="verdict" value="revoke" class="button-danger" disabled=pending
                    aria-label=format!("Revoke {what}") data-testid="revoke">"Revoke"</button>
            </div>
            {move || error().map(|text| view! { <p class="form-error" role="alert" data-testid="form-error">{text}</p> })}
        </ActionForm>
    }
}
