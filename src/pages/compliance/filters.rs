//! The overview's filters and order: a GET form, so the state is in the
//! address and the form works before (and without) the browser bundle.

use leptos::prelude::*;
use leptos_router::components::{A, Form};

use crate::wire::cluster_filter::{ClusterFilter, SortKey};

#[component]
pub fn ClusterFilterForm(filter: ClusterFilter, teams: Vec<String>) -> impl IntoView {
    let number = |value: Option<u32>| value.map(|v| v.to_string()).unwrap_or_default();
    let team = filter.team.clone();
    let team_field = if teams.is_empty() {
        view! { <input id="overview-team" type="text" name="team" value=team/> }.into_any()
    } else {
        view! {
            <select id="overview-team" name="team">
                <option value="" selected=team.is_empty()>"Any team"</option>
                {teams.into_iter().map(|value| {
                    let selected = value == team;
                    view! { <option value=value.clone() selected=selected>{value.clone()}</option> }
                }).collect_view()}
            </select>
        }
        .into_any()
    };
    view! {
        <Form method="GET" action="/compliance" attr:class="filters" attr:role="search" attr:aria-label="Filter namespaces" attr:data-testid="overview-filters">
            <div class="field">
                <label for="overview-q">"Namespace contains"</label>
                <input id="overview-q" type="search" name="q" value=filter.name.clone()/>
            </div>
            <div class="field">
                <label for="overview-team">"Team"</label>
                {team_field}
            </div>
            <div class="field">
                <label for="overview-min">"Lowest score"</label>
                <input id="overview-min" type="number" name="min" min="0" max="100" value=number(filter.min_score)/>
            </div>
            <div class="field">
                <label for="overview-max">"Highest score"</label>
                <input id="overview-max" type="number" name="max" min="0" max="100" value=number(filter.max_score)/>
            </div>
            <div class="field overview-checks">
                <label><input type="checkbox" name="isolation" value="open" checked=filter.not_default_deny/>" Only without default deny"</label>
                <label><input type="checkbox" name="gpus" value="1" checked=filter.with_gpus/>" Only with GPUs"</label>
            </div>
            <div class="field">
                <label for="overview-sort">"Sort by"</label>
                <select id="overview-sort" name="sort">
                    {SortKey::ALL.into_iter().map(|key| view! {
                        <option value=key.as_str() selected=key == filter.sort>{key.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="overview-order">"Order"</label>
                <select id="overview-order" name="order">
                    <option value="asc" selected=!filter.descending>"Ascending"</option>
                    <option value="desc" selected=filter.descending>"Descending"</option>
                </select>
            </div>
            <div class="field field-buttons">
                <button type="submit" class="button-primary" data-testid="apply-filters">"Apply"</button>
                <A href="/compliance" attr:class="button" attr:data-testid="clear-filters">"Clear"</A>
            </div>
        </Form>
    }
}
