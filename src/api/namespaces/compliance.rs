//! A namespace's workloads against the compliance rules.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::wire::namespace::{ComplianceView, NamespaceRead};

/// The compliance of every workload of `namespace`, read as the signed-in
/// person and judged by the governance policy in force there: its
/// environment's rules and exceptions (`docs/governance-policy.md`).
#[server(endpoint = "namespace-compliance")]
pub async fn namespace_compliance(
    namespace: String,
) -> Result<NamespaceRead<ComplianceView>, ApiError> {
    crate::api::respond::answer(
        async move {
            use super::network::ssr::read;
            use crate::api::respond::{app_state, require_session};
            use crate::server::cluster_cache::snapshot::View;
            require_session()?;
            let judged = app_state()?
                .policy
                .for_namespace(&namespace)
                .await
                .map_err(|error| ApiError::unavailable(error.to_string()))?;
            read(&namespace, View::Compliance, |objects, left_out| {
                crate::present::compliance::compliance_view(
                    &judged,
                    &objects.compliance_inputs(),
                    left_out,
                )
            })
            .await
        }
        .await,
    )
}
