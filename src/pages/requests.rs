//! `/requests/{ns}/{name}`: one access request with its reviews, grant and
//! the timeline of every change. Only the requester, the model's approvers
//! and managers see it; anyone else reads "not found", exactly as for a
//! request that does not exist.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::access::requests::load_request;
use crate::components::access::actions::{AccessActions, ActionFeedback, RequestActionForms};
use crate::components::access::badges::{ClassificationBadge, PhaseBadge, TimeLeft};
use crate::components::access::emergency::{EmergencyBadge, UseReviewFact};
use crate::components::access::live::LiveRefresh;
use crate::components::access::timeline::{HistoryTimeline, ReviewList};
use crate::components::notice::{LoadFailed, Notice, Tone};
use crate::components::page_header::PageHeader;
use crate::wire::access::{PhaseView, REQUEST_NOT_FOUND, RequestDetail};

/// One access request with every review and change.
#[component]
pub fn RequestDetailPage() -> impl IntoView {
    let refresh = LiveRefresh::start();
    AccessActions::provide();
    let params = use_params_map();
    let detail = Resource::new(
        move || {
            let params = params.read();
            (
                params.get("ns").unwrap_or_default(),
                params.get("name").unwrap_or_default(),
                refresh.version(),
            )
        },
        |(namespace, name, _)| load_request(namespace, name),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading the request…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(Some(detail)) => view! { <RequestPage detail/> }.into_any(),
                    Ok(None) => {
                        #[cfg(feature = "ssr")]
                        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                            response.set_status(http::StatusCode::NOT_FOUND);
                        }
                        view! {
                            <PageHeader title="Request not found"/>
                            <Notice title="Request not found" tone=Tone::Warning>
                                <p data-testid="request-not-found">{REQUEST_NOT_FOUND}</p>
                                <p>"Your own requests are on " <A href="/access">"My access"</A> "."</p>
                            </Notice>
                        }.into_any()
                    }
                    Err(error) => view! {
                        <PageHeader title="Request"/>
                        <LoadFailed title="The request could not be loaded" error/>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn RequestPage(detail: RequestDetail) -> impl IntoView {
    let RequestDetail {
        request,
        history,
        extended_by,
    } = detail;
    let title = format!("{} access to {}", request.level, request.model_display_name);
    let description = format!(
        "Request {}/{} by {}",
        request.namespace, request.name, request.requester
    );
    let model_href = format!("/models/{}/{}", request.namespace, request.model);
    let forms = view! { <RequestActionForms request=request.clone()/> };
    let reviews = request.reviews.clone();
    view! {
        <PageHeader title=title description=description/>
        <ActionFeedback/>
        <section class="card request-detail" data-testid="request-detail" aria-label="Request">
            <div class="badges">
                <PhaseBadge phase=request.phase/>
                {request.emergency.then(|| view! { <EmergencyBadge/> })}
                {request.classification.clone().map(|c| view! { <ClassificationBadge classification=c/> })}
            </div>
            <dl class="facts">
                <div><dt>"Requester"</dt><dd data-testid="requester">{request.requester.clone()}</dd></div>
                <div><dt>"Model"</dt><dd>
                    <A href=model_href>{request.model_display_name.clone()}</A>
                </dd></div>
                <div><dt>"Level"</dt><dd>{request.level.clone()}</dd></div>
                <div><dt>"Duration"</dt><dd>{request.duration.clone()}</dd></div>
                <div><dt>"Approvals"</dt><dd data-testid="approvals">{format!("{} of {}", request.approvals, request.required_approvals)}</dd></div>
                {(request.phase == PhaseView::Pending).then(|| view! {
                    <div><dt>"Still needed"</dt><dd data-testid="approvals-needed">{crate::components::access::card::approvals_needed(request.approvals, request.required_approvals)}</dd></div>
                })}
                {(!request.stages.is_empty()).then(|| view! {
                    <div><dt>"Stages"</dt><dd><crate::components::access::stages::StageList stages=request.stages.clone()/></dd></div>
                })}
                {(!request.access_rules.is_empty()).then(|| view! {
                    <div><dt>"Rules that apply"</dt><dd data-testid="access-rules">{request.access_rules.clone()}</dd></div>
                })}
                {(request.phase == PhaseView::Active).then(|| view! {
                    <div><dt>"Time left"</dt><dd><TimeLeft words=request.time_left_words.clone() expires_at=request.expires_at/></dd></div>
                })}
                {request.granted_at.map(|at| view! {
                    <div><dt>"Granted"</dt><dd><time datetime=at.to_string()>{at.to_string()}</time></dd></div>
                })}
                {request.expires_at.map(|at| view! {
                    <div><dt>"Ends"</dt><dd><time datetime=at.to_string()>{at.to_string()}</time></dd></div>
                })}
                {request.role_binding.clone().map(|binding| view! {
                    <div><dt>"RoleBinding"</dt><dd><code data-testid="role-binding">{binding}</code></dd></div>
                })}
                {request.extends.clone().map(|grant| view! {
                    <div><dt>"Extends"</dt><dd><A href=format!("/requests/{}/{grant}", request.namespace)>{grant.clone()}</A></dd></div>
                })}
                {request.starts_at.map(|at| view! {
                    <div><dt>"Starts"</dt><dd data-testid="starts-at"><time datetime=at.to_string()>{at.strftime("%Y-%m-%d %H:%M UTC").to_string()}</time></dd></div>
                })}
                {request.emergency.then(|| view! { <UseReviewFact review=request.emergency_review.clone()/> })}
                {(!extended_by.is_empty()).then(|| view! {
                    <div><dt>"Extended by"</dt><dd data-testid="extended-by">
                        <ul class="plain-list">
                            {extended_by.into_iter().map(|link| view! {
                                <li>
                                    <A href=format!("/requests/{}/{}", request.namespace, link.name)>{link.name.clone()}</A>
                                    " " <span class=link.phase.badge_class() data-testid="extension-phase">{link.phase.as_str()}</span>
                                    {link.expires_at.map(|at| format!(" until {}", at.strftime("%Y-%m-%d %H:%M UTC")))}
                                </li>
                            }).collect_view()}
                        </ul>
                    </dd></div>
                })}
            </dl>
            <h2 class="subheading">"Justification"</h2>
            {if request.justification.is_empty() {
                view! { <p class="muted">"None given."</p> }.into_any()
            } else {
                view! { <blockquote class="user-text" data-testid="justification">{request.justification.clone()}</blockquote> }.into_any()
            }}
            {forms}
        </section>
        <section aria-labelledby="reviews-heading">
            <h2 id="reviews-heading">"Reviews"</h2>
            <ReviewList reviews/>
        </section>
        <section aria-labelledby="history-heading">
            <h2 id="history-heading">"History"</h2>
            <HistoryTimeline history/>
        </section>
    }
}
