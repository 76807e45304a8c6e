//! A namespace's workloads against the compliance rules.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::wire::namespace::{ComplianceView, NamespaceRead};

/// The compliance of every workload of `namespace`, read as the signed-in
/// person and audited with the built-in rules (`docs/compliance.md`).
#[server(endpoint = "namespace-compliance")]
pub async fn namespace_compliance(
    namespace: String,
) -> Result<NamespaceRead<ComplianceView>, ApiError> {
    crate::api::respond::answer(
        async move {
            use super::network::ssr::read;
            use crate::server::cluster_cache::snapshot::View;
            read(&namespace, View::Compliance, |objects, left_out| {
                crate::present::compliance::compliance_view(
                    &namespace,
                    &objects.compliance_inputs(),
                    left_out,
                )
            })
            .await
        }
        .await,
    )
}
