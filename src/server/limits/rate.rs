//! How quickly one person may change things: a burst (20 by default), then
//! a steady rate (one a second), per person, whatever they change and from
//! whichever replica's point of view (each replica counts on its own).
//!
//! Counted: every server function that changes state (requesting access,
//! cancelling, giving up, extending, approving, denying, revoking; they ask
//! through `api::respond`), and every other request that may change state
//! (any method but GET, HEAD and OPTIONS outside `/api/`, e.g. the command
//! line's sign-in hand-over), by [`limit_changes`]. Reads are not counted.
//! Over the limit the answer is 429 with `Retry-After` and a sentence
//! saying when to try again; nothing is changed.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::Limits;
use super::refusal::{refuse_for, retry_after_seconds, wants_json};
use crate::server::auth::gate::CurrentSession;
use crate::wire::error::ApiError;

/// How often people whose bucket is full again are forgotten.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(60);

/// The changes each person may make.
pub struct ActionRate {
    limiter: DefaultKeyedRateLimiter<String>,
    burst: NonZeroU32,
    per_minute: NonZeroU32,
    housekept: Mutex<Instant>,
}

impl std::fmt::Debug for ActionRate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActionRate")
            .field("burst", &self.burst)
            .field("per_minute", &self.per_minute)
            .finish_non_exhaustive()
    }
}

/// A change refused for going too fast, and how long until one more fits.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "You are making changes faster than the portal allows ({burst} in a row, then {per_minute} a minute). Nothing was changed; try again in {seconds} s.",
    seconds = retry_after_seconds(*wait)
)]
pub struct Throttled {
    pub wait: Duration,
    pub burst: NonZeroU32,
    pub per_minute: NonZeroU32,
}

impl ActionRate {
    pub fn new(burst: NonZeroU32, per_minute: NonZeroU32) -> ActionRate {
        let period = Duration::from_secs(60) / per_minute.get();
        let quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MAX))
            .allow_burst(burst);
        ActionRate {
            limiter: RateLimiter::keyed(quota),
            burst,
            per_minute,
            housekept: Mutex::new(Instant::now()),
        }
    }

    /// Counts one change by `person`, or says how long they must wait.
    pub fn check(&self, person: &str) -> Result<(), Throttled> {
        self.housekeep();
        self.limiter
            .check_key(&person.to_owned())
            .map_err(|not_until| Throttled {
                wait: not_until.wait_time_from(DefaultClock::default().now()),
                burst: self.burst,
                per_minute: self.per_minute,
            })
    }

    /// Forgets, now and then, the people who could make a full burst again,
    /// so the table holds only those who changed something lately.
    fn housekeep(&self) {
        let mut last = self.housekept.lock().expect("rate housekeeping");
        if last.elapsed() >= HOUSEKEEPING_EVERY {
            *last = Instant::now();
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
    }
}

/// The middleware counting state changes outside the server functions,
/// for the signed-in person (behind the sign-in gate).
pub async fn limit_changes(
    State(limits): State<Arc<Limits>>,
    request: Request,
    next: Next,
) -> Response {
    let reads = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let path = request.uri().path();
    // Model calls have a rate of their own (`--model-calls-per-minute`).
    if !reads
        && !path.starts_with("/api/")
        && !path.ends_with("/invoke")
        && let Some(CurrentSession(session)) = request.extensions().get::<CurrentSession>()
        && let Err(throttled) = limits.actions.check(&session.user.username)
    {
        tracing::info!(person = %session.user.username, %path, "refused a change over the rate limit");
        let json = wants_json(path, request.headers());
        let wait = throttled.wait;
        return refuse_for(ApiError::too_many(throttled.to_string()), json, wait);
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(burst: u32, per_minute: u32) -> ActionRate {
        ActionRate::new(
            NonZeroU32::new(burst).unwrap(),
            NonZeroU32::new(per_minute).unwrap(),
        )
    }

    #[test]
    fn a_burst_passes_and_the_next_change_waits_for_the_steady_rate() {
        let actions = rate(3, 60);
        for _ in 0..3 {
            actions.check("alice").unwrap();
        }
        let throttled = actions.check("alice").unwrap_err();
        assert!(throttled.wait <= Duration::from_secs(1), "{throttled:?}");
        assert!(
            throttled
                .to_string()
                .contains("3 in a row, then 60 a minute"),
            "{throttled}"
        );
        assert!(
            throttled.to_string().contains("try again in 1 s"),
            "{throttled}"
        );
    }

    #[test]
    fn each_person_has_their_own_allowance() {
        let actions = rate(1, 1);
        actions.check("alice").unwrap();
        let throttled = actions.check("alice").unwrap_err();
        assert!(throttled.wait > Duration::from_secs(50), "{throttled:?}");
        actions.check("bob").unwrap();
    }
}
