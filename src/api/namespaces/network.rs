//! A namespace's network view, and the read as the signed-in person that
//! every namespace view shares.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::wire::namespace::{NamespaceRead, NetworkView};

/// The network view of `namespace`, read as the signed-in person, with the
/// answer to the question when one is asked.
#[server(endpoint = "namespace-network")]
pub async fn namespace_network(
    namespace: String,
    from: String,
    to: String,
    port: String,
    protocol: String,
) -> Result<NamespaceRead<NetworkView>, ApiError> {
    crate::api::respond::answer(
        async move {
            use crate::server::cluster_cache::snapshot::View;
            use crate::wire::namespace::ReachQuestion;
            let question = ReachQuestion {
                from,
                to,
                port,
                protocol,
            };
            ssr::read(&namespace, View::Network, |objects, left_out| {
                crate::present::network::network_view(&namespace, objects, &question, left_out)
            })
            .await
        }
        .await,
    )
}

/// Server side shared by the namespace views.
#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::api::ApiError;

    use crate::api::respond::{app_state, require_session};
    use crate::server::cluster_cache::snapshot::{Reader, View};
    use crate::server::cluster_cache::workload_objects::NamespaceObjects;
    use crate::wire::namespace::NamespaceRead;

    /// Reads `namespace` as the signed-in person and builds a view of it;
    /// a refusal becomes the request-access notice.
    pub async fn read<T>(
        namespace: &str,
        view: View,
        build: impl FnOnce(&NamespaceObjects, Vec<String>) -> T,
    ) -> Result<NamespaceRead<T>, ApiError> {
        let session = require_session()?;
        let state = app_state()?;
        if !is_namespace_name(namespace) {
            return Err(ApiError::invalid(format!(
                "`{namespace}` is not a namespace name."
            )));
        }
        let user = state.kube.as_user(&session.kube).map_err(ApiError::from)?;
        let reader = Reader {
            cache: &state.cluster_cache,
            user: &user,
            identity: &session.kube,
        };
        match reader.read(namespace, view).await {
            Ok(objects) => {
                let left_out = objects.left_out(view);
                Ok(NamespaceRead::Shown(build(&objects, left_out)))
            }
            Err(error) if error.is_forbidden() => Ok(NamespaceRead::NoAccess {
                message: error.to_string(),
            }),
            Err(error) => Err(error.into()),
        }
    }

    /// A DNS-1123 label, as namespace names are.
    fn is_namespace_name(name: &str) -> bool {
        !name.is_empty()
            && name.len() <= 63
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !name.starts_with('-')
            && !name.ends_with('-')
    }
}
