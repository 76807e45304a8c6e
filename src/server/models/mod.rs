//! Calling models through the portal: `POST /models/{ns}/{name}/invoke`
//! authorised as the person by Kubernetes (a SelfSubjectAccessReview for
//! `create` on `services/proxy` of the model's Service, made as them) and
//! forwarded to the model's Service ([`invoke`]); whether each model's
//! endpoint answers ([`endpoint`]); and the short-lived answers of calls
//! made from a page without JavaScript ([`answers`]).

pub mod answers;
pub mod endpoint;
pub mod invoke;
pub mod routes;
pub mod settings;
pub mod upstream;

use std::sync::Arc;

use self::answers::Answers;
use self::endpoint::EndpointChecks;
use self::settings::ModelCallArgs;
use crate::server::limits::rate::ActionRate;

/// What calling models needs, shared by every request.
#[derive(Debug)]
pub struct ModelCalls {
    pub settings: ModelCallArgs,
    /// The HTTP client calls and readiness checks go through.
    pub http: reqwest::Client,
    /// Calls per person.
    pub rate: ActionRate,
    pub answers: Answers,
    pub endpoints: EndpointChecks,
}

impl ModelCalls {
    pub fn from_args(settings: ModelCallArgs) -> Arc<Self> {
        let http = reqwest::Client::builder()
            .timeout(settings.call_timeout())
            .connect_timeout(std::time::Duration::from_secs(5))
            // Never follow a model's redirect elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Arc::new(Self {
            rate: ActionRate::new(settings.call_burst, settings.calls_per_minute),
            http,
            answers: Answers::default(),
            endpoints: EndpointChecks::default(),
            settings,
        })
    }
}

impl Default for ModelCalls {
    fn default() -> Self {
        Arc::into_inner(Self::from_args(ModelCallArgs::default())).expect("just made")
    }
}
