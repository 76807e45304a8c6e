//! A request as lists show it: who asks for what, where it stands, and
//! the actions the viewer may take. The justification is the requester's
//! own words, shown as text.

use leptos::prelude::*;
use leptos_router::components::A;

use super::actions::RequestActionForms;
use super::badges::{ClassificationBadge, PhaseBadge, TimeLeft};
use super::emergency::{EmergencyBadge, UseReviewFact};
use super::stages::StageList;
use crate::wire::access::{PhaseView, RequestSummary};

/// One request, with a link to its page.
#[component]
pub fn RequestCard(
    request: RequestSummary,
    /// Whether to say who asked (lists of one's own requests need not).
    #[prop(optional)]
    show_requester: bool,
    /// Extra details below the summary (the inbox's "what it permits").
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let href = format!("/requests/{}/{}", request.namespace, request.name);
    let model_href = format!("/models/{}/{}", request.namespace, request.model);
    let phase = request.phase;
    let label = format!(
        "Request {} for {}",
        request.name, request.model_display_name
    );
    let slug = request.name.clone();
    let forms = view! { <RequestActionForms request=request.clone()/> };
    view! {
        <article class="card request-card" data-testid="request-card" data-request=slug aria-label=label>
            <header class="request-card-head">
                <h3 class="card-title">
                    <A href=model_href>{request.model_display_name.clone()}</A>
                    " · "
                    <span class="level-name">{request.level.clone()}</span>
                </h3>
                <PhaseBadge phase/>
                {request.emergency.then(|| view! { <EmergencyBadge/> })}
                {request.classification.clone().map(|c| view! { <ClassificationBadge classification=c/> })}
            </header>
            <dl class="facts">
                {show_requester.then(|| view! {
                    <div><dt>"Requester"</dt><dd data-testid="requester">{request.requester.clone()}</dd></div>
                })}
                <div><dt>"Duration"</dt><dd>{request.duration.clone()}</dd></div>
                {(phase == PhaseView::Pending).then(|| view! {
                    <div><dt>"Approvals"</dt><dd data-testid="approvals">{format!("{} of {}", request.approvals, request.required_approvals)}</dd></div>
                    <div><dt>"Still needed"</dt><dd data-testid="approvals-needed">{approvals_needed(request.approvals, request.required_approvals)}</dd></div>
                    {(!request.stages.is_empty()).then(|| view! {
                        <div><dt>"Stages"</dt><dd><StageList stages=request.stages.clone()/></dd></div>
                    })}
                    {(!request.access_rules.is_empty()).then(|| view! {
                        <div><dt>"Rules that apply"</dt><dd data-testid="access-rules">{request.access_rules.clone()}</dd></div>
                    })}
                })}
                {(phase == PhaseView::Active).then(|| view! {
                    <div><dt>"Time left"</dt><dd><TimeLeft words=request.time_left_words.clone() expires_at=request.expires_at/></dd></div>
                    <div><dt>"Last used"</dt><dd data-testid="last-used">{match request.last_used {
                        Some(at) => view! { <time datetime=at.to_string()>{at.strftime("%Y-%m-%d %H:%M UTC").to_string()}</time> }.into_any(),
                        None => view! { <span class="muted">"not yet"</span> }.into_any(),
                    }}</dd></div>
                })}
                {request.starts_at.map(|at| view! {
                    <div><dt>"Starts"</dt><dd data-testid="starts-at"><time datetime=at.to_string()>{at.strftime("%Y-%m-%d %H:%M UTC").to_string()}</time></dd></div>
                })}
                {request.emergency.then(|| view! { <UseReviewFact review=request.emergency_review.clone()/> })}
                {request.extends.clone().map(|grant| view! {
                    <div><dt>"Extends"</dt><dd><A href=format!("/requests/{}/{grant}", request.namespace)>{grant.clone()}</A></dd></div>
                })}
                {request.created_at.map(|at| view! {
                    <div><dt>"Requested"</dt><dd><time datetime=at.to_string()>{at.to_string()}</time></dd></div>
                })}
            </dl>
            {(!request.justification.is_empty()).then(|| view! {
                <blockquote class="user-text" data-testid="justification">{request.justification.clone()}</blockquote>
            })}
            {children.map(|children| children())}
            <p class="card-links">
                <A href=href attr:data-testid="request-link">{format!("Details and history of {}", request.name)}</A>
            </p>
            {forms}
        </article>
    }
}

/// How many more approvals a pending request needs: "1 more approval".
pub fn approvals_needed(approvals: u32, required: u32) -> String {
    match required.saturating_sub(approvals) {
        0 => "none".to_owned(),
        1 => "1 more approval".to_owned(),
        more => format!("{more} more approvals"),
    }
}
