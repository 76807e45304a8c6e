//! Links to the pages of a long list: previous, numbered pages (with gaps
//! marked) and next, as plain links that work without JavaScript.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::wire::audit_trail::Pagination;

/// "51–100 of 230 events".
pub fn range_words(pagination: &Pagination, noun_plural: &str) -> String {
    if pagination.total == 0 {
        return format!("No {noun_plural}");
    }
    format!(
        "{}–{} of {} {noun_plural}",
        pagination.first, pagination.last, pagination.total
    )
}

/// The page links; nothing when everything fits on one page.
#[component]
pub fn Pager(pagination: Pagination, #[prop(into)] label: String) -> impl IntoView {
    if pagination.pages <= 1 {
        return ().into_any();
    }
    let mut previous_number = 0;
    let links = pagination
        .links
        .into_iter()
        .map(|link| {
            let gap = link.number > previous_number + 1;
            previous_number = link.number;
            let number = link.number.to_string();
            let item = if link.current {
                view! { <span class="pager-current" aria-current="page">{number}</span> }.into_any()
            } else {
                let label = format!("Page {number}");
                view! { <A href=link.href attr:aria-label=label>{number}</A> }.into_any()
            };
            view! {
                {gap.then(|| view! { <li class="pager-gap" aria-hidden="true">"…"</li> })}
                <li>{item}</li>
            }
        })
        .collect_view();
    view! {
        <nav class="pager" aria-label=label data-testid="pager">
            <ul>
                {pagination.previous.map(|href| view! { <li><A href=href attr:rel="prev">"← Previous"</A></li> })}
                {links}
                {pagination.next.map(|href| view! { <li><A href=href attr:rel="next">"Next →"</A></li> })}
            </ul>
        </nav>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_reads_first_to_last_of_total() {
        let pagination = Pagination {
            page: 2,
            pages: 3,
            first: 51,
            last: 100,
            total: 130,
            ..Default::default()
        };
        assert_eq!(range_words(&pagination, "events"), "51–100 of 130 events");
        assert_eq!(range_words(&Pagination::default(), "events"), "No events");
    }
}
