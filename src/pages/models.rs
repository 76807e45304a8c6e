//! `/models` and `/models/{ns}/{name}`: the model catalog and a model's page.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::not_yet::NotAvailableYet;
use crate::components::page_header::PageHeader;

/// The catalog of governed models.
#[component]
pub fn ModelCatalogPage() -> impl IntoView {
    view! {
        <PageHeader
            title="Models"
            description="The governed models, who owns them, and the access levels they offer."
        />
        <NotAvailableYet will_show="The catalog lists every Model declared in the cluster, with search and filters by team and data classification."/>
    }
}

/// One model, with the form to request access to it.
#[component]
pub fn ModelDetailPage() -> impl IntoView {
    let params = use_params_map();
    let title = move || {
        let params = params.read();
        format!(
            "Model {}/{}",
            params.get("ns").unwrap_or_default(),
            params.get("name").unwrap_or_default()
        )
    };
    view! {
        <PageHeader title=title() description="What this model is, its access levels, and a request form."/>
        <NotAvailableYet will_show="This page shows the model's owner, data classification and access levels, and lets you request access."/>
    }
}
