//! ServiceAccounts of a test's own, and tokens made for them by the
//! devcluster's TokenRequest API, as a pipeline gets them
//! (`kubectl create token NAME --audience aigov`).

use k8s_openapi::api::authentication::v1::{TokenRequest, TokenRequestSpec};
use k8s_openapi::api::core::v1::ServiceAccount;
use kube::api::PostParams;

use super::TestNamespace;

/// Creates ServiceAccount `name` in `ns`; its Kubernetes user name.
pub async fn service_account(ns: &TestNamespace, name: &str) -> String {
    let account: ServiceAccount = serde_json::from_value(serde_json::json!({
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": name},
    }))
    .unwrap();
    ns.api::<ServiceAccount>()
        .create(&PostParams::default(), &account)
        .await
        .unwrap();
    format!("system:serviceaccount:{}:{name}", ns.name)
}

/// A token of `name` in `ns` for `audience` (the apiserver's own when
/// `None`), valid ten minutes.
pub async fn token(ns: &TestNamespace, name: &str, audience: Option<&str>) -> String {
    let request = TokenRequest {
        spec: TokenRequestSpec {
            audiences: audience.map(|a| vec![a.to_owned()]).unwrap_or_default(),
            expiration_seconds: Some(600),
            ..Default::default()
        },
        ..Default::default()
    };
    ns.api::<ServiceAccount>()
        .create_token_request(name, &PostParams::default(), &request)
        .await
        .unwrap()
        .status
        .expect("a token")
        .token
}

/// A client of the devcluster that presents `token` (and nothing else).
pub async fn client_with_token(token: &str) -> kube::Client {
    let mut config = super::devcluster().config().await;
    config.auth_info = kube::config::AuthInfo {
        token: Some(token.to_owned().into()),
        ..Default::default()
    };
    kube::Client::try_from(config).unwrap()
}
