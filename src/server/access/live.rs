//! `GET /api/live`: Server-Sent Events that tell open pages when a model or
//! request changed, so their lists refresh without reloads. The event
//! carries no data: pages fetch again through their server functions,
//! which apply the person's permissions. One person may hold a few of these
//! open at once (`--streams-per-person`); one more is refused with 429.

use std::convert::Infallible;
use std::time::Duration;

use axum::Extension;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use tokio::sync::broadcast::{self, error::RecvError};

use crate::server::auth::gate::CurrentSession;
use crate::server::limits::refusal::wants_json;
use crate::server::limits::streams::holding;
use crate::server::state::AppState;

/// The stream of `changed` events; bursts (a watch relist, an approval's
/// several writes) are coalesced into one event a quarter second later.
pub async fn live(
    State(state): State<AppState>,
    Extension(CurrentSession(session)): Extension<CurrentSession>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Response> {
    let slot = state
        .limits
        .live_streams
        .acquire(&session.user.username)
        .map_err(|refused| refused.into_response(wants_json("/api/live", &headers)))?;
    let changes = state.access.store.subscribe();
    let stream = futures::stream::unfold(changes, |mut changes| async move {
        next_change(&mut changes).await?;
        tokio::time::sleep(Duration::from_millis(250)).await;
        while matches!(
            changes.try_recv(),
            Ok(()) | Err(broadcast::error::TryRecvError::Lagged(_))
        ) {}
        Some((Ok(Event::default().event("changed").data("{}")), changes))
    });
    Ok(Sse::new(holding(stream, slot))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// Waits for the next change; a receiver that fell behind has missed some,
/// which is a change too. `None` once the portal shuts the channel.
async fn next_change(changes: &mut broadcast::Receiver<()>) -> Option<()> {
    match changes.recv().await {
        Ok(()) | Err(RecvError::Lagged(_)) => Some(()),
        Err(RecvError::Closed) => None,
    }
}
