//! A moment as people read it: the exact time in UTC, machine-readable in
//! `<time datetime>`, and how long ago or ahead it is.

use leptos::prelude::*;

/// `2026-11-27 03:40 UTC` from an RFC 3339 time in UTC; anything else is
/// shown as it is.
pub fn utc_minutes(at: &str) -> String {
    let shaped = at.len() >= 16 && at.is_char_boundary(16) && at.as_bytes()[10] == b'T';
    if shaped && at.ends_with('Z') {
        format!("{} UTC", at[..16].replacen('T', " ", 1))
    } else {
        at.to_owned()
    }
}

/// The exact moment, then the relative words (e.g. "3h ago", "2d left").
#[component]
pub fn When(
    #[prop(into)] at: String,
    #[prop(into, optional)] relative: Option<String>,
) -> impl IntoView {
    let shown = utc_minutes(&at);
    view! {
        <time datetime=at.clone() title=at>{shown}</time>
        {relative
            .filter(|words| !words.is_empty())
            .map(|words| view! { " " <span class="muted when-relative">"(" {words} ")"</span> })}
    }
}

/// A moment that may be unknown: a dash then.
#[component]
pub fn MaybeWhen(at: Option<String>, #[prop(optional)] relative: Option<String>) -> impl IntoView {
    match at {
        Some(at) => view! { <When at relative=relative.unwrap_or_default()/> }.into_any(),
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_times_are_shown_to_the_minute_and_anything_else_as_given() {
        assert_eq!(utc_minutes("2026-11-27T03:40:12Z"), "2026-11-27 03:40 UTC");
        assert_eq!(
            utc_minutes("2026-11-27T03:40:12.5Z"),
            "2026-11-27 03:40 UTC"
        );
        assert_eq!(
            utc_minutes("2026-11-27T03:40:12+01:00"),
            "2026-11-27T03:40:12+01:00"
        );
        assert_eq!(utc_minutes("soon"), "soon");
        assert_eq!(utc_minutes(""), "");
    }
}
