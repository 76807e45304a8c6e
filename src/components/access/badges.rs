//! Small labels: a model's data classification, a request's phase, the
//! time a grant has left.

use leptos::prelude::*;

use crate::views::access::PhaseView;

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

/// "3h 20m left" with the exact end as a machine-readable time.
#[component]
pub fn TimeLeft(words: Option<String>, expires_at: Option<String>) -> impl IntoView {
    let text = match (&words, &expires_at) {
        (Some(words), _) if words == "0s" => "ending now".to_owned(),
        (Some(words), _) => format!("{words} left"),
        (None, Some(_)) => "ended".to_owned(),
        (None, None) => "—".to_owned(),
    };
    match expires_at {
        Some(at) => view! {
            <time class="time-left" datetime=at.clone() title=format!("Ends at {at}") data-testid="time-left">
                {text}
            </time>
        }
        .into_any(),
        None => view! { <span class="time-left" data-testid="time-left">{text}</span> }.into_any(),
    }
}
