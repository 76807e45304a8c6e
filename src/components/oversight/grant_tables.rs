//! The tables of the access overview: grants (through aigov or outside
//! it), requests waiting, and approvers' response times. Names and words
//! from the cluster are shown as text.

use leptos::prelude::*;
use leptos_router::components::A;

use super::when::{MaybeWhen, When};
use crate::api::access::reviews::RevokeGrant;
use crate::wire::cluster_grants::{ApproverTimes, GrantRow, GrantSource, PendingRow};

fn request_href(namespace: &str, request: &str) -> String {
    format!("/requests/{namespace}/{request}")
}

/// Grants, one row each, with who approved, since when and time left.
#[component]
pub fn GrantTable(
    rows: Vec<GrantRow>,
    #[prop(into)] caption: String,
    #[prop(into)] testid: String,
) -> impl IntoView {
    view! {
        <table class="data-table oversight-table" data-testid=testid>
            <caption class="table-caption">{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">"Who"</th>
                    <th scope="col">"Model"</th>
                    <th scope="col">"Namespace"</th>
                    <th scope="col">"Level"</th>
                    <th scope="col">"Source"</th>
                    <th scope="col">"Approved by"</th>
                    <th scope="col">"Since"</th>
                    <th scope="col">"Expires"</th>
                    <th scope="col">"Last used"</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|row| view! { <GrantLine row/> }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn GrantLine(row: GrantRow) -> impl IntoView {
    let last_used = view! { <LastUsed row=row.clone()/> };
    let source = match row.source {
        GrantSource::Aigov => view! { <span class="badge badge-active">"aigov"</span> }.into_any(),
        GrantSource::Outside => view! {
            <span class="badge badge-outside" data-testid="outside-aigov" title=format!("RoleBinding {} was not made by aigov", row.role_binding)>
                "outside aigov"
            </span>
        }
        .into_any(),
    };
    let who = match (&row.request, row.source) {
        (Some(request), GrantSource::Aigov) => view! {
            <A href=request_href(&row.namespace, request)>{row.subject.clone()}</A>
        }
        .into_any(),
        _ => view! { {row.subject.clone()} " " <span class="muted">"(" {row.subject_kind.clone()} ")"</span> }.into_any(),
    };
    let approved = if row.approved_by.is_empty() {
        "—".to_owned()
    } else {
        row.approved_by.join(", ")
    };
    let since_words = row.held_words.clone().map(|w| format!("{w} ago"));
    let expires = match (row.expires_at, row.time_left_words.clone()) {
        (Some(at), Some(left)) => view! { <When at relative=format!("{left} left")/> }.into_any(),
        (Some(at), None) => view! { <When at/> }.into_any(),
        (None, _) => view! { <span class="muted">"no end"</span> }.into_any(),
    };
    view! {
        <tr data-source=row.source.as_str()>
            <th scope="row">{who}</th>
            <td>{row.model_display_name.clone()} <br/> <code class="muted">{row.model.clone()}</code></td>
            <td><code>{row.namespace.clone()}</code></td>
            <td>{row.level.clone()} <br/> <span class="muted">{row.role.clone()}</span></td>
            <td>{source}</td>
            <td>
                {row.emergency.clone().map_or_else(
                    || approved.clone().into_any(),
                    |review| view! {
                        <span class="badge badge-emergency" data-testid="emergency-badge">"Emergency"</span>
                        " " <span class="muted" data-testid="emergency-review">{review}</span>
                    }.into_any(),
                )}
            </td>
            <td><MaybeWhen at=row.since relative=since_words.unwrap_or_default()/></td>
            <td>{expires}</td>
            <td>{last_used}</td>
        </tr>
    }
}

/// When a grant was last used; an unused one is flagged, with its revoke
/// one click away.
#[component]
fn LastUsed(row: GrantRow) -> impl IntoView {
    let used = match row.last_used {
        Some(at) => view! { <When at/> }.into_any(),
        None if row.source == GrantSource::Aigov => {
            view! { <span class="muted">"never"</span> }.into_any()
        }
        None => view! { <span class="muted">"—"</span> }.into_any(),
    };
    let revoke = match (row.unused, row.request.clone()) {
        (true, Some(request)) => {
            let action = ServerAction::<RevokeGrant>::new();
            let label = format!("Revoke {}'s unused grant of {}", row.subject, row.model);
            Some(view! {
                <span class="unused-grant" data-testid="unused-grant">"unused"</span>
                <ActionForm action attr:class="inline-form" attr:data-testid="revoke-unused">
                    <input type="hidden" name="namespace" value=row.namespace.clone()/>
                    <input type="hidden" name="name" value=request/>
                    <input type="hidden" name="comment" value="revoked from the access overview: unused"/>
                    <button type="submit" class="button-small" aria-label=label>"Revoke"</button>
                </ActionForm>
                {move || action.value().get().map(|result| match result {
                    Ok(_) => view! { <span role="status">"Revoked"</span> }.into_any(),
                    Err(error) => view! { <span role="alert" class="form-error">{error.message}</span> }.into_any(),
                })}
            })
        }
        _ => None,
    };
    view! { {used} {revoke} }
}

/// Requests waiting for reviews, longest first.
#[component]
pub fn PendingTable(rows: Vec<PendingRow>) -> impl IntoView {
    view! {
        <table class="data-table oversight-table" data-testid="pending-longest">
            <caption class="table-caption">"Requests waiting longest for a decision"</caption>
            <thead>
                <tr>
                    <th scope="col">"Request"</th>
                    <th scope="col">"Requester"</th>
                    <th scope="col">"Model"</th>
                    <th scope="col">"Namespace"</th>
                    <th scope="col">"Level"</th>
                    <th scope="col">"Approvals"</th>
                    <th scope="col">"Asked"</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|row| {
                        let waited = format!("waiting {}", row.waiting_words);
                        view! {
                            <tr>
                                <th scope="row"><A href=request_href(&row.namespace, &row.request)>{row.request.clone()}</A></th>
                                <td>{row.requester}</td>
                                <td><code>{row.model}</code></td>
                                <td><code>{row.namespace}</code></td>
                                <td>{row.level}</td>
                                <td>{format!("{} of {}", row.approvals, row.required_approvals)}</td>
                                <td><MaybeWhen at=row.created_at relative=waited/></td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// How quickly each approver decides.
#[component]
pub fn ApproverTable(rows: Vec<ApproverTimes>) -> impl IntoView {
    view! {
        <table class="data-table oversight-table" data-testid="approver-times">
            <caption class="table-caption">"Time from a request's creation to each approver's decision"</caption>
            <thead>
                <tr>
                    <th scope="col">"Approver"</th>
                    <th scope="col">"Decisions"</th>
                    <th scope="col">"Approved"</th>
                    <th scope="col">"Denied"</th>
                    <th scope="col">"Median time"</th>
                    <th scope="col">"Slowest"</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|row| view! {
                        <tr>
                            <th scope="row">{row.approver}</th>
                            <td>{row.decisions}</td>
                            <td>{row.approvals}</td>
                            <td>{row.denials}</td>
                            <td><span title=format!("{} seconds", row.median_seconds)>{row.median_words}</span></td>
                            <td><span title=format!("{} seconds", row.slowest_seconds)>{row.slowest_words}</span></td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
