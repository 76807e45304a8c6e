//! A moment as people read it: the exact time in UTC, machine-readable in
//! `<time datetime>`, and how long ago or ahead it is.

use jiff::Timestamp;
use leptos::prelude::*;

/// `2026-11-27 03:40 UTC`: the moment to the minute, in UTC.
pub fn utc_minutes(at: Timestamp) -> String {
    at.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// The exact moment, then the relative words (e.g. "3h ago", "2d left").
#[component]
pub fn When(at: Timestamp, #[prop(into, optional)] relative: Option<String>) -> impl IntoView {
    let shown = utc_minutes(at);
    let exact = at.to_string();
    view! {
        <time datetime=exact.clone() title=exact>{shown}</time>
        {relative
            .filter(|words| !words.is_empty())
            .map(|words| view! { " " <span class="muted when-relative">"(" {words} ")"</span> })}
    }
}

/// A moment that may be unknown: a dash then.
#[component]
pub fn MaybeWhen(
    at: Option<Timestamp>,
    #[prop(optional)] relative: Option<String>,
) -> impl IntoView {
    match at {
        Some(at) => view! { <When at relative=relative.unwrap_or_default()/> }.into_any(),
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_to_the_minute_in_utc() {
        let at = |text: &str| text.parse::<Timestamp>().unwrap();
        assert_eq!(
            utc_minutes(at("2026-11-27T03:40:12Z")),
            "2026-11-27 03:40 UTC"
        );
        assert_eq!(
            utc_minutes(at("2026-11-27T03:40:12.5Z")),
            "2026-11-27 03:40 UTC"
        );
        assert_eq!(
            utc_minutes(at("2026-11-27T03:40:12+01:00")),
            "2026-11-27 02:40 UTC"
        );
    }
}
