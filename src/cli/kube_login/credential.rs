//! What kubectl reads: the ExecCredential `aigov token` prints, and the
//! kubeconfig `aigov kubeconfig` writes, whose user runs `aigov token`.

use jiff::Timestamp;
use serde_json::{Value, json};

/// The client authentication API kubectl's exec plugins speak.
pub const EXEC_API_VERSION: &str = "client.authentication.k8s.io/v1";

/// The ExecCredential for an ID token expiring at `expires_at` (seconds
/// since the epoch): kubectl reuses it until then.
pub fn exec_credential(id_token: &str, expires_at: i64) -> Value {
    let expiry = Timestamp::from_second(expires_at)
        .map(|t| t.to_string())
        .unwrap_or_default();
    json!({
        "apiVersion": EXEC_API_VERSION,
        "kind": "ExecCredential",
        "status": {"token": id_token, "expirationTimestamp": expiry},
    })
}

/// Where the cluster is and how `aigov token` is called.
pub struct KubeconfigInput<'a> {
    pub name: &'a str,
    pub server: &'a str,
    /// The apiserver's CA, PEM (embedded), when not a public one.
    pub certificate_authority: Option<&'a [u8]>,
    pub namespace: Option<&'a str>,
    /// The program kubectl runs (this binary) and its arguments.
    pub command: &'a str,
    pub args: Vec<String>,
}

/// A kubeconfig with one cluster, one user (the exec plugin) and one
/// context; it holds no secret.
pub fn kubeconfig(input: &KubeconfigInput) -> Value {
    use base64::Engine;
    let mut cluster = json!({"server": input.server});
    if let Some(ca) = input.certificate_authority {
        cluster["certificate-authority-data"] =
            base64::engine::general_purpose::STANDARD.encode(ca).into();
    }
    let mut context = json!({"cluster": input.name, "user": input.name});
    if let Some(namespace) = input.namespace {
        context["namespace"] = namespace.into();
    }
    json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": input.name, "cluster": cluster}],
        "users": [{"name": input.name, "user": {"exec": {
            "apiVersion": EXEC_API_VERSION,
            "command": input.command,
            "args": input.args,
            "interactiveMode": "IfAvailable",
            "provideClusterInfo": false,
        }}}],
        "contexts": [{"name": input.name, "context": context}],
        "current-context": input.name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_credential_carries_the_token_and_its_expiry() {
        let credential = exec_credential("header.payload.sig", 1_800_000_000);
        assert_eq!(credential["apiVersion"], EXEC_API_VERSION);
        assert_eq!(credential["kind"], "ExecCredential");
        assert_eq!(credential["status"]["token"], "header.payload.sig");
        assert_eq!(
            credential["status"]["expirationTimestamp"],
            "2027-01-15T08:00:00Z"
        );
    }

    #[test]
    fn the_kubeconfig_runs_aigov_token_and_embeds_the_cluster_ca() {
        let config = kubeconfig(&KubeconfigInput {
            name: "aigov",
            server: "https://127.0.0.1:6443",
            certificate_authority: Some(b"PEM"),
            namespace: Some("fraud-detection"),
            command: "/usr/local/bin/aigov",
            args: vec!["token".into(), "--issuer".into(), "https://idp".into()],
        });
        assert_eq!(config["current-context"], "aigov");
        assert_eq!(
            config["clusters"][0]["cluster"]["certificate-authority-data"],
            "UEVN"
        );
        let exec = &config["users"][0]["user"]["exec"];
        assert_eq!(exec["apiVersion"], EXEC_API_VERSION);
        assert_eq!(exec["command"], "/usr/local/bin/aigov");
        assert_eq!(exec["args"][0], "token");
        assert_eq!(
            config["contexts"][0]["context"]["namespace"],
            "fraud-detection"
        );
        assert!(
            !config.to_string().contains("token\":\""),
            "no secret in a kubeconfig"
        );
    }
}
