//! How far a review has come: a bar and the counts, in words.

use leptos::prelude::*;

use crate::wire::recertification::ProgressView;

/// The answered share of the items, and each count.
#[component]
pub fn ReviewProgress(progress: ProgressView) -> impl IntoView {
    let answered = progress.total - progress.open;
    let percent = (answered * 100).checked_div(progress.total).unwrap_or(100);
    view! {
        <div class="review-progress" data-testid="progress">
            <progress max="100" value=percent.to_string()
                aria-label=format!("{answered} of {} items answered", progress.total)></progress>
            <span data-testid="progress-words">
                {format!("{answered} of {} answered", progress.total)}
                " · " <span data-testid="certified-count">{format!("{} certified", progress.certified)}</span>
                " · " <span data-testid="revoked-count">{format!("{} revoked", progress.revoked)}</span>
                {(progress.unanswered > 0).then(|| format!(" · {} unanswered", progress.unanswered))}
                {(progress.open > 0).then(|| format!(" · {} open", progress.open))}
            </span>
        </div>
    }
}
