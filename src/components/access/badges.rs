//! Small labels: a model's data classification, a request's phase, the
//! time a grant has left.

use jiff::Timestamp;
use leptos::prelude::*;

use crate::wire::access::PhaseView;
use crate::wire::time_words::time_left_text;

/// The data classification, coloured by sensitivity.
#[component]
pub fn ClassificationBadge(#[prop(into)] classification: String) -> impl IntoView {
    let class = format!("badge badge-class-{}", classification.to_ascii_lowercase());
    view! {
        <span class=class data-testid="classification" title="Data classification">
            {classification}
        </span>
    }
}

/// Where a request stands.
#[component]
pub fn PhaseBadge(phase: PhaseView) -> impl IntoView {
    view! {
        <span class=phase.badge_class() data-testid="phase">
            {phase.as_str()}
        </span>
    }
}

/// "3h 20m left" with the exact end as a machine-readable time. In the
/// browser it counts down every second from the end time; the server's
/// words are what a page without JavaScript shows.
#[component]
pub fn TimeLeft(words: Option<String>, expires_at: Option<Timestamp>) -> impl IntoView {
    let (text, set_text) = signal(time_left_text(words.as_deref(), expires_at.is_some()));
    #[cfg(feature = "hydrate")]
    if let (Some(_), Some(end)) = (&words, expires_at) {
        count_down(end, set_text);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = set_text;
    match expires_at {
        Some(at) => view! {
            <time class="time-left" datetime=at.to_string() title=format!("Ends at {at}") data-testid="time-left">
                {text}
            </time>
        }
        .into_any(),
        None => view! { <span class="time-left" data-testid="time-left">{text}</span> }.into_any(),
    }
}

/// Updates `set_text` every second until the component goes away.
#[cfg(feature = "hydrate")]
fn count_down(end: Timestamp, set_text: WriteSignal<String>) {
    use crate::wire::time_words::{duration_words, seconds_left};
    let tick = move || {
        let left = seconds_left(end, Timestamp::now());
        set_text.set(time_left_text(Some(&duration_words(left)), true));
    };
    if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_secs(1)) {
        on_cleanup(move || handle.clear());
    }
}
