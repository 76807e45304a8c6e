//! Log lines as text, with search matches in `<mark>`. Lines are hostile
//! input: they only ever become text nodes, never markup.

use leptos::prelude::*;

use crate::wire::logs::highlight_segments;

/// One line: the pod it came from (in a merged view) and its text.
pub fn log_line(pod: Option<&str>, text: &str, search: &str) -> impl IntoView + use<> {
    let segments = highlight_segments(text, search)
        .into_iter()
        .map(|segment| {
            if segment.is_match {
                view! { <mark>{segment.text.to_owned()}</mark> }.into_any()
            } else {
                segment.text.to_owned().into_any()
            }
        })
        .collect_view();
    let pod = pod.map(|pod| view! { <span class="log-pod">{pod.to_owned()}</span> });
    view! {
        <li class="log-line">
            {pod}
            <span class="log-text">{segments}</span>
        </li>
    }
}
