//! `/recertifications` and `/recertifications/{name}`: reviews of standing
//! access. Managers start them; the model's approvers and managers certify
//! or revoke each item by the deadline; the list shows where each stands.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::ErrorKind;
use crate::api::recertifications::{recertification, recertifications};
use crate::components::access::live::LiveRefresh;
use crate::components::notice::{LoadFailed, Notice, Tone};
use crate::components::page_header::PageHeader;
use crate::components::recertification::items::{AnswerAction, ItemTable};
use crate::components::recertification::progress::ReviewProgress;
use crate::components::recertification::start_form::StartRecertificationForm;
use crate::wire::recertification::{RecertificationDetail, RecertificationSummary};

/// Every recertification the person sees something of.
#[component]
pub fn RecertificationsPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| recertifications());
    view! {
        <PageHeader title="Recertifications"
            description="Reviews of standing access: certify what is still needed and revoke the rest, by the deadline."/>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading recertifications…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => {
                        let empty = list.reviews.is_empty();
                        view! {
                            {list.may_start.then(|| view! { <StartRecertificationForm open=empty/> })}
                            {if empty {
                                view! {
                                    <Notice title="No recertification">
                                        <p data-testid="no-recertifications">
                                            "No recertification includes anything you answer or oversee. "
                                            "Managers start them here; approvers then find the items to answer on this page."
                                        </p>
                                    </Notice>
                                }.into_any()
                            } else {
                                view! { <ReviewTable reviews=list.reviews/> }.into_any()
                            }}
                        }.into_any()
                    }
                    Err(error) => view! { <LoadFailed title="Recertifications could not be loaded" error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ReviewTable(reviews: Vec<RecertificationSummary>) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="data-table" data-testid="recertifications">
                <thead>
                    <tr>
                        <th scope="col">"Recertification"</th>
                        <th scope="col">"Scope"</th>
                        <th scope="col">"Deadline"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Progress"</th>
                        <th scope="col">"Yours to answer"</th>
                    </tr>
                </thead>
                <tbody>
                    {reviews.into_iter().map(|review| {
                        let (link, name) = (format!("/recertifications/{}", review.name), review.name.clone());
                        view! {
                        <tr data-testid="recertification" data-name=review.name.clone()>
                            <td><A href=link>{name}</A></td>
                            <td>{review.scope.clone()}</td>
                            <td>{review.deadline_words.clone()}</td>
                            <td>{review.phase.clone()}</td>
                            <td><ReviewProgress progress=review.progress/></td>
                            <td data-testid="yours">{review.yours}</td>
                        </tr>
                    }}).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// One recertification with its items.
#[component]
pub fn RecertificationPage() -> impl IntoView {
    let refresh = LiveRefresh::start();
    let answer = AnswerAction::new(refresh);
    let params = use_params_map();
    let detail = Resource::new(
        move || {
            (
                params.read().get("name").unwrap_or_default(),
                refresh.version(),
            )
        },
        |(name, _)| recertification(name),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading the recertification…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <Review detail answer/> }.into_any(),
                    Err(error) if error.kind == ErrorKind::NotFound => {
                        #[cfg(feature = "ssr")]
                        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                            response.set_status(http::StatusCode::NOT_FOUND);
                        }
                        view! {
                            <PageHeader title="Recertification not found"/>
                            <Notice title="Recertification not found" tone=Tone::Warning>
                                <p data-testid="recertification-not-found">{error.message}</p>
                                <p>"The ones you take part in are on " <A href="/recertifications">"Recertifications"</A> "."</p>
                            </Notice>
                        }.into_any()
                    }
                    Err(error) => view! {
                        <PageHeader title="Recertification"/>
                        <LoadFailed title="The recertification could not be loaded" error/>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Review(detail: RecertificationDetail, answer: AnswerAction) -> impl IntoView {
    let RecertificationDetail {
        summary,
        items,
        sees_all,
        bindings_hidden,
    } = detail;
    let name = summary.name.clone();
    let at_deadline = if summary.on_deadline == "Revoke" {
        "Items unanswered at the deadline are revoked."
    } else {
        "Items unanswered at the deadline are reported; their access goes on."
    };
    let description = if summary.description.is_empty() {
        format!("A review of {}.", summary.scope)
    } else {
        summary.description.clone()
    };
    let open = summary.phase == "Open";
    view! {
        <PageHeader title=format!("Recertification {name}") description/>
        <dl class="facts" data-testid="recertification-facts">
            <dt>"Scope"</dt><dd>{summary.scope.clone()}</dd>
            <dt>"Started by"</dt><dd>{summary.started_by.clone()}</dd>
            <dt>"Deadline"</dt>
            <dd data-testid="deadline">
                {summary.deadline.strftime("%Y-%m-%d %H:%M:%S UTC").to_string()} " (" {summary.deadline_words.clone()} "). " {at_deadline}
            </dd>
            <dt>"State"</dt><dd data-testid="phase">{summary.phase.clone()}</dd>
            {summary.every.clone().map(|every| view! { <dt>"Repeats"</dt><dd>{format!("every {every}")}</dd> })}
            {summary.previous.clone().map(|previous| view! {
                <dt>"Follows"</dt><dd><A href=format!("/recertifications/{previous}")>{previous.clone()}</A></dd>
            })}
            {summary.next.clone().map(|next| view! {
                <dt>"Followed by"</dt><dd><A href=format!("/recertifications/{next}")>{next.clone()}</A></dd>
            })}
        </dl>
        <ReviewProgress progress=summary.progress/>
        {sees_all.then(|| view! {
            <p class="export-links">
                "Evidence: "
                <a href=format!("/recertifications/{name}/export.csv") download data-testid="export-csv">"CSV"</a>
                " · "
                <a href=format!("/recertifications/{name}/export.json") download data-testid="export-json">"JSON"</a>
            </p>
        })}
        {(!bindings_hidden.is_empty()).then(|| view! {
            <Notice title="Some bindings are not reviewed" tone=Tone::Warning>
                <p>"RoleBindings made outside aigov in " {bindings_hidden.join(", ")} " could not be listed by the manager who started this review."</p>
            </Notice>
        })}
        {(open && summary.yours > 0).then(|| view! {
            <p class="table-caption" data-testid="yours-caption">
                {format!("{} item{} wait{} for your answer.", summary.yours, if summary.yours == 1 { "" } else { "s" }, if summary.yours == 1 { "s" } else { "" })}
            </p>
        })}
        {if items.is_empty() {
            view! { <Notice title="Nothing to review"><p>"The scope held no grant when this review was listed."</p></Notice> }.into_any()
        } else {
            view! { <ItemTable review=name.clone() items answer/> }.into_any()
        }}
    }
}
