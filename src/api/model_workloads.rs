//! The model itself on its page: its workloads, their compliance, who may
//! reach them, who holds a grant now. Loaded apart from the model's
//! metadata: in the browser the section loads on its own while the rest of
//! the page is shown, and its failure is its own, never the page's.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::wire::model_workloads::ModelWorkloadsView;

/// What `namespace/name` runs, read as the signed-in person: the workloads
/// its `workloadSelector` names among what they may list (the
/// request-access notice when they may not list pods there), and the
/// grants in force they may see. 404 when there is no such model.
#[server(endpoint = "model-workloads")]
pub async fn model_workloads(
    namespace: String,
    name: String,
) -> Result<ModelWorkloadsView, ApiError> {
    crate::api::respond::signed_in(async move |state, session| {
        use crate::api::namespaces::network::ssr::read;
        use crate::present::model_workloads::{grant_holders, running_workloads};
        use crate::server::access::service;
        use crate::server::cluster_cache::snapshot::View;
        let model = service::model(&state.access, &namespace, &name).await?;
        let selector = model.spec.workload_selector.as_ref();
        let judged = state
            .policy
            .for_namespace(&namespace)
            .await
            .map_err(|error| ApiError::unavailable(error.to_string()))?;
        let (running, requests, person) = futures::join!(
            read(&namespace, View::Model, |objects, left_out| {
                running_workloads(&judged, selector, objects, left_out)
            }),
            service::requests(&state.access),
            service::person_in(&state.access, &session, &namespace),
        );
        Ok(ModelWorkloadsView {
            namespace: namespace.clone(),
            model: name.clone(),
            running: running?,
            grants: grant_holders(&model, &requests?, &person?, jiff::Timestamp::now()),
        })
    })
    .await
}
