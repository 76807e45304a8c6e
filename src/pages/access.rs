//! `/access`: the signed-in person's requests and grants: pending requests
//! (cancel), grants in force with their time left (give up, ask for an
//! extension), and everything that ended.

use leptos::prelude::*;
use leptos_router::components::A;

use super::server_error::error_message;
use crate::components::access::actions::{AccessActions, ActionFeedback};
use crate::components::access::card::RequestCard;
use crate::components::access::live::LiveRefresh;
use crate::components::notice::{Notice, Tone};
use crate::components::page_header::PageHeader;
use crate::views::access::{MyAccess, RequestSummary, count};

/// The signed-in person's requests, by where they stand.
#[server(endpoint = "my-access")]
pub async fn load_my_access() -> Result<MyAccess, ServerFnError> {
    use crate::server::access::{service, views};
    use crate::server::request::{app_state, require_session};

    let session = require_session()?;
    let state = app_state()?;
    let (requests, models) = (
        service::requests(&state).await?,
        service::models(&state).await?,
    );
    Ok(views::my_access(
        &requests,
        &models,
        &service::person(&session),
        k8s_openapi::jiff::Timestamp::now(),
    ))
}

/// Withdraws the signed-in person's pending request.
#[server(endpoint = "cancel")]
pub async fn cancel_request(
    namespace: String,
    name: String,
    comment: Option<String>,
) -> Result<RequestSummary, ServerFnError> {
    use crate::server::access::service;
    let (state, session) = ssr::context()?;
    let request = service::cancel(
        &state,
        &session,
        &namespace,
        &name,
        comment.unwrap_or_default(),
    )
    .await?;
    ssr::summary(&state, &session, &request).await
}

/// Gives up the signed-in person's grant in force; its RoleBinding goes at once.
#[server(endpoint = "relinquish")]
pub async fn relinquish_grant(
    namespace: String,
    name: String,
    comment: Option<String>,
) -> Result<RequestSummary, ServerFnError> {
    use crate::server::access::service;
    let (state, session) = ssr::context()?;
    let request = service::relinquish(
        &state,
        &session,
        &namespace,
        &name,
        comment.unwrap_or_default(),
    )
    .await?;
    ssr::summary(&state, &session, &request).await
}

/// Asks to extend the signed-in person's grant in force: a new request for
/// the same model and level, linked to the grant and reviewed like any other.
#[server(endpoint = "extend")]
pub async fn extend_grant(
    namespace: String,
    name: String,
    duration: String,
    justification: Option<String>,
) -> Result<RequestSummary, ServerFnError> {
    use crate::server::access::service;
    let (state, session) = ssr::context()?;
    let request = service::extend(
        &state,
        &session,
        &namespace,
        &name,
        duration,
        justification.unwrap_or_default(),
    )
    .await?;
    ssr::summary(&state, &session, &request).await
}

/// What the action server functions share: the caller, and the answer
/// they give (the request as the caller now sees it).
#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use leptos::prelude::ServerFnError;

    use crate::crd::AccessRequest;
    use crate::server::access::{service, views};
    use crate::server::auth::session::Session;
    use crate::server::request::{app_state, require_session};
    use crate::server::state::AppState;
    use crate::views::access::RequestSummary;

    pub fn context() -> Result<(AppState, Session), ServerFnError> {
        let session = require_session()?;
        Ok((app_state()?, session))
    }

    pub async fn summary(
        state: &AppState,
        session: &Session,
        request: &AccessRequest,
    ) -> Result<RequestSummary, ServerFnError> {
        let namespace = kube::ResourceExt::namespace(request).unwrap_or_default();
        let model = service::model(state, &namespace, &request.spec.model)
            .await
            .ok();
        Ok(views::request_summary(
            request,
            model.as_ref(),
            &service::person(session),
            k8s_openapi::jiff::Timestamp::now(),
        ))
    }
}

/// My requests, active grants and their history.
#[component]
pub fn MyAccessPage() -> impl IntoView {
    let refresh = LiveRefresh::start();
    AccessActions::provide();
    let access = Resource::new(move || refresh.version(), |_| load_my_access());
    view! {
        <PageHeader title="My access" description="Your pending requests, active grants with the time they have left, and their history."/>
        <ActionFeedback/>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading your access…"</p> }>
            {move || Suspend::new(async move {
                match access.await {
                    Ok(access) => view! { <MyAccessSections access/> }.into_any(),
                    Err(error) => view! {
                        <Notice title="Your access could not be loaded" tone=Tone::Error>
                            <p>{error_message(&error)}</p>
                        </Notice>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn MyAccessSections(access: MyAccess) -> impl IntoView {
    if access.pending.is_empty() && access.active.is_empty() && access.history.is_empty() {
        return view! {
            <Notice title="No requests yet">
                <p>"You have not asked for access to any model."</p>
                <p>"Browse the " <A href="/models">"models"</A> " and request the access level you need."</p>
            </Notice>
        }
        .into_any();
    }
    view! {
        <Section title="Active grants" testid="active" empty="No grant in force." requests=access.active/>
        <Section title="Pending requests" testid="pending" empty="Nothing is waiting for a decision." requests=access.pending/>
        <Section title="History" testid="history" empty="Nothing has ended yet." requests=access.history/>
    }
    .into_any()
}

#[component]
fn Section(
    title: &'static str,
    testid: &'static str,
    empty: &'static str,
    requests: Vec<RequestSummary>,
) -> impl IntoView {
    let heading_id = format!("{testid}-heading");
    let labelled_by = heading_id.clone();
    view! {
        <section class="access-section" aria-labelledby=labelled_by data-testid=testid>
            <h2 id=heading_id>{title} " " <span class="count">{format!("({})", requests.len())}</span></h2>
            {if requests.is_empty() {
                view! { <p class="muted">{empty}</p> }.into_any()
            } else {
                view! {
                    <p class="visually-hidden">{count(requests.len(), "request", "requests")}</p>
                    <div class="request-list">
                        {requests.into_iter().map(|request| view! { <RequestCard request/> }).collect_view()}
                    </div>
                }
                .into_any()
            }}
        </section>
    }
}
