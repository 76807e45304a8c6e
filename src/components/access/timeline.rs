//! A request's reviews and the timeline of every change. Comments are
//! people's words and are shown as text, never as markup.

use leptos::prelude::*;

use super::badges::PhaseBadge;
use crate::wire::access::{DecisionView, HistoryView, ReviewView};

/// Every review so far, with its comment.
#[component]
pub fn ReviewList(reviews: Vec<ReviewView>) -> impl IntoView {
    if reviews.is_empty() {
        return view! { <p class="muted" data-testid="no-reviews">"No reviews yet."</p> }
            .into_any();
    }
    view! {
        <ul class="review-list" data-testid="reviews">
            {reviews
                .into_iter()
                .map(|review| {
                    let (word, class) = match review.decision {
                        DecisionView::Approve => ("approved", "badge badge-active"),
                        DecisionView::Deny => ("denied", "badge badge-ended-badly"),
                    };
                    view! {
                        <li class="review">
                            <strong>{review.reviewer}</strong>
                            " "
                            <span class=class>{word}</span>
                            {review.self_approval.then(|| view! { " " <span class="badge">"self-approval"</span> })}
                            {review.stage.map(|stage| view! { " " <span class="badge" data-testid="review-stage">{format!("stage {stage}")}</span> })}
                            " "
                            <time class="muted" datetime=review.at.to_string()>{review.at.to_string()}</time>
                            {(!review.comment.is_empty())
                                .then(|| view! { <blockquote class="user-text">{review.comment}</blockquote> })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// Who did what and when, oldest first.
#[component]
pub fn HistoryTimeline(history: Vec<HistoryView>) -> impl IntoView {
    view! {
        <ol class="timeline" aria-label="History" data-testid="history">
            {history
                .into_iter()
                .map(|entry| {
                    view! {
                        <li class="timeline-entry">
                            <time class="timeline-time" datetime=entry.at.to_string()>{entry.at.to_string()}</time>
                            <div class="timeline-body">
                                <span class="timeline-what">
                                    <strong>{entry.actor}</strong>
                                    " "
                                    {entry.action.replace('-', " ")}
                                </span>
                                " "
                                <PhaseBadge phase=entry.phase/>
                                {(!entry.comment.is_empty())
                                    .then(|| view! { <blockquote class="user-text">{entry.comment}</blockquote> })}
                            </div>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}
