//! The flags of `aigov serve` for calling models.

use std::num::NonZeroU32;
use std::time::Duration;

/// Where calls go by default: the Service's in-cluster name.
pub const DEFAULT_UPSTREAM: &str = "http://{service}.{namespace}.svc:{port}";

#[derive(clap::Args, Clone, Debug)]
pub struct ModelCallArgs {
    /// Where a model's calls are sent: a URL with `{service}`, `{namespace}`
    /// and `{port}` filled in from the Model's `spec.serving`; the call's
    /// path (`pathPrefix` and the protocol's suffix) is appended. In a
    /// cluster the default reaches the Service directly; elsewhere (the
    /// development stack) point it at a model server.
    #[arg(long, env = "AIGOV_MODEL_UPSTREAM", default_value = DEFAULT_UPSTREAM, value_name = "URL")]
    pub model_upstream: String,

    /// How long a call may take, in seconds, before the person gets 504.
    #[arg(long, env = "AIGOV_MODEL_CALL_TIMEOUT_SECONDS", default_value_t = 30,
        value_parser = clap::builder::RangedU64ValueParser::<u64>::new().range(1..=600), value_name = "SECONDS")]
    pub model_call_timeout_seconds: u64,

    /// The largest answer passed back, in KiB; a larger one is cut off
    /// with 502.
    #[arg(long, env = "AIGOV_MODEL_ANSWER_LIMIT_KIB", default_value_t = 1024,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=65_536), value_name = "KIB")]
    pub model_answer_limit_kib: usize,

    /// How many calls one person may make in a burst before being slowed
    /// to `--model-calls-per-minute` (429 with Retry-After).
    #[arg(long = "model-call-burst", env = "AIGOV_MODEL_CALL_BURST", default_value_t = NonZeroU32::new(30).expect("non-zero"), value_name = "N")]
    pub call_burst: NonZeroU32,

    /// The sustained rate of calls one person may make, per minute.
    #[arg(long = "model-calls-per-minute", env = "AIGOV_MODEL_CALLS_PER_MINUTE", default_value_t = NonZeroU32::new(300).expect("non-zero"), value_name = "N")]
    pub calls_per_minute: NonZeroU32,

    /// How often, in seconds, each replica adds the uses it recorded to the
    /// models' `ModelUsage` records in the cluster (and at shutdown).
    #[arg(long, env = "AIGOV_USAGE_FLUSH_SECONDS", default_value_t = 60,
        value_parser = clap::builder::RangedU64ValueParser::<u64>::new().range(1..=3_600), value_name = "SECONDS")]
    pub usage_flush_seconds: u64,

    /// A grant held longer than this many days without being used for as
    /// long is flagged as unused on the access overview (`/grants`).
    #[arg(long, env = "AIGOV_UNUSED_GRANT_DAYS", default_value_t = 14,
        value_parser = clap::builder::RangedU64ValueParser::<u64>::new().range(1..=3_650), value_name = "DAYS")]
    pub unused_grant_days: u64,
}

impl ModelCallArgs {
    pub fn call_timeout(&self) -> Duration {
        Duration::from_secs(self.model_call_timeout_seconds)
    }

    pub fn answer_limit_bytes(&self) -> usize {
        self.model_answer_limit_kib * 1024
    }
}

impl Default for ModelCallArgs {
    fn default() -> Self {
        Self {
            model_upstream: DEFAULT_UPSTREAM.to_owned(),
            model_call_timeout_seconds: 30,
            model_answer_limit_kib: 1024,
            call_burst: NonZeroU32::new(30).expect("non-zero"),
            calls_per_minute: NonZeroU32::new(300).expect("non-zero"),
            usage_flush_seconds: 60,
            unused_grant_days: 14,
        }
    }
}
