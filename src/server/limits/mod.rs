//! What one signed-in person, or one request, may take of the portal: the
//! size of a request's body ([`body`]), how quickly a person may change
//! things ([`rate`]), how many live streams a person may hold open
//! ([`streams`]), and how many open requests a person may have
//! (`--max-open-requests`, enforced by the access workflow when a request is
//! filed). Each refusal says, in words, which limit was hit and what
//! to do ([`refusal`]).
//!
//! Reads are not rate-limited: a page view changes nothing, and what it
//! costs the cluster is bounded by the watch caches and the access reviews'
//! cache. Every limit is a flag of `aigov serve` ([`LimitArgs`]);
//! `docs/security.md` lists them with what an abuser gets.

pub mod body;
pub mod rate;
pub mod refusal;
pub mod streams;

use std::num::NonZeroU32;

pub use crate::engine::access::open_requests::DEFAULT_MAX_OPEN_REQUESTS;

use self::rate::ActionRate;
use self::streams::StreamSlots;

/// The default largest body, in KiB: a form or a server function call is a
/// few hundred bytes; the longest field (a justification) is 2000 characters.
pub const DEFAULT_BODY_KIB: usize = 64;
/// The default burst of changes one person may make at once.
pub const DEFAULT_ACTION_BURST: u32 = 20;
/// The default sustained rate of changes, per minute (one a second).
pub const DEFAULT_ACTIONS_PER_MINUTE: u32 = 60;
/// The default number of live streams of each kind one person may hold.
pub const DEFAULT_STREAMS_PER_PERSON: usize = 5;

/// The limits' flags of `aigov serve`.
#[derive(clap::Args, Clone, Debug)]
pub struct LimitArgs {
    /// The largest request body accepted, in KiB (forms and server
    /// functions); a larger one is refused with 413 before it is read.
    #[arg(
        long,
        env = "AIGOV_BODY_LIMIT_KIB",
        default_value_t = DEFAULT_BODY_KIB,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=16_384),
        value_name = "KIB"
    )]
    pub body_limit_kib: usize,

    /// How many changes (requests, decisions, cancellations, revocations,
    /// …) one person may make in a burst before being slowed to
    /// `--actions-per-minute`; over it they get 429 with Retry-After.
    #[arg(
        long,
        env = "AIGOV_ACTION_BURST",
        default_value_t = NonZeroU32::new(DEFAULT_ACTION_BURST).expect("non-zero"),
        value_name = "N"
    )]
    pub action_burst: NonZeroU32,

    /// The sustained rate of changes one person may make, per minute.
    #[arg(
        long,
        env = "AIGOV_ACTIONS_PER_MINUTE",
        default_value_t = NonZeroU32::new(DEFAULT_ACTIONS_PER_MINUTE).expect("non-zero"),
        value_name = "N"
    )]
    pub actions_per_minute: NonZeroU32,

    /// How many live log streams, and separately how many live-update
    /// connections (`/api/live`), one person may hold open at once; one
    /// more is refused with 429.
    #[arg(
        long,
        env = "AIGOV_STREAMS_PER_PERSON",
        default_value_t = DEFAULT_STREAMS_PER_PERSON,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000),
        value_name = "N"
    )]
    pub streams_per_person: usize,

    /// How many open requests (pending, or approved and not yet ended) one
    /// person may have in the cluster at once; one more is refused with
    /// 409 until they cancel one or one is decided or ends.
    #[arg(
        long,
        env = "AIGOV_MAX_OPEN_REQUESTS",
        default_value_t = DEFAULT_MAX_OPEN_REQUESTS,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=10_000),
        value_name = "N"
    )]
    pub max_open_requests: usize,
}

impl Default for LimitArgs {
    fn default() -> Self {
        LimitArgs {
            body_limit_kib: DEFAULT_BODY_KIB,
            action_burst: NonZeroU32::new(DEFAULT_ACTION_BURST).expect("non-zero"),
            actions_per_minute: NonZeroU32::new(DEFAULT_ACTIONS_PER_MINUTE).expect("non-zero"),
            streams_per_person: DEFAULT_STREAMS_PER_PERSON,
            max_open_requests: DEFAULT_MAX_OPEN_REQUESTS,
        }
    }
}

/// The limits of one portal process, shared by every request.
#[derive(Debug)]
pub struct Limits {
    /// The largest body, in bytes.
    pub body_bytes: usize,
    /// Changes per person.
    pub actions: ActionRate,
    /// Live log streams per person.
    pub log_streams: StreamSlots,
    /// Live-update connections per person.
    pub live_streams: StreamSlots,
}

impl Limits {
    pub fn from_args(args: &LimitArgs) -> Limits {
        Limits {
            body_bytes: args.body_limit_kib * 1024,
            actions: ActionRate::new(args.action_burst, args.actions_per_minute),
            log_streams: StreamSlots::new("live log streams", args.streams_per_person),
            live_streams: StreamSlots::new("live-update connections", args.streams_per_person),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::from_args(&LimitArgs::default())
    }
}
