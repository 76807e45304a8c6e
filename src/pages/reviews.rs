//! `/reviews`: the approver's inbox.

use leptos::prelude::*;

use super::not_yet::NotAvailableYet;
use crate::components::page_header::PageHeader;

/// Requests the signed-in person may review.
#[component]
pub fn ReviewInboxPage() -> impl IntoView {
    view! {
        <PageHeader title="Reviews" description="Requests waiting for your decision, with what each grant would permit."/>
        <NotAvailableYet will_show="Approvers see who asks for which model and level, what the role permits in plain words, and approve or deny with a comment."/>
    }
}
