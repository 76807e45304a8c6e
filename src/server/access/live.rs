//! `GET /api/live`: Server-Sent Events that tell open pages when a model or
//! request changed, so their lists refresh without reloads. The event
//! carries no data: pages fetch again through their server functions,
//! which apply the person's permissions.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use tokio::sync::broadcast::{self, error::RecvError};

use crate::server::state::AppState;

/// The stream of `changed` events; bursts (a watch relist, an approval's
/// several writes) are coalesced into one event a quarter second later.
pub async fn live(
    State(state): State<AppState>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
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
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// Waits for the next change; a receiver that fell behind has missed some,
/// which is a change too. `None` once the portal shuts the channel.
async fn next_change(changes: &mut broadcast::Receiver<()>) -> Option<()> {
    match changes.recv().await {
        Ok(()) | Err(RecvError::Lagged(_)) => Some(()),
        Err(RecvError::Closed) => None,
    }
}
