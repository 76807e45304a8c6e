//! A governance policy changed with kubectl changes, within a minute and
//! without a restart, the namespace compliance page a person sees and the
//! PolicyReport the reporter publishes: both judge by the cluster's
//! policies, kept by watches.

mod support;

use std::collections::BTreeSet;
use std::process::Command;
use std::time::Duration;

use aigov::crd::policy_report::PolicyReport;
use aigov::server::policy::store::PolicyStore;
use aigov::server::reports::{ReportSettings, Reporter};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::Api;
use kube::api::{Patch, PatchParams, PostParams};
use serde_json::json;
use support::running_portal::RunningPortal;
use support::{devcluster, unique_name, wait_until};

const WITHIN: Duration = Duration::from_secs(60);

fn kubectl(args: &[&str]) {
    let cluster = devcluster();
    let output = Command::new(cluster.repo.join("scripts/devcluster.sh"))
        .arg("kubectl")
        .args(args)
        .env("DEVCLUSTER_DIR", &cluster.dir)
        .output()
        .expect("running kubectl");
    assert!(
        output.status.success(),
        "kubectl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn policy(name: &str, severity: &str, staging: &str) -> String {
    json!({
        "apiVersion": "aigov.dev/v1alpha1", "kind": "GovernancePolicy",
        "metadata": {"name": name},
        "spec": {"rules": [{"check": "probes.liveness", "severity": severity,
            "enforcement": {"staging": staging}}]}
    })
    .to_string()
}

/// Applies `manifest` with `kubectl apply -f -`.
fn kubectl_apply(manifest: &str) {
    let cluster = devcluster();
    let mut child = Command::new(cluster.repo.join("scripts/devcluster.sh"))
        .args(["kubectl", "apply", "-f", "-"])
        .env("DEVCLUSTER_DIR", &cluster.dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("running kubectl");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(manifest.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success(), "kubectl apply failed");
}

/// The severity of the report's probes.liveness result, once there is one.
async fn reported_severity(api: &Api<PolicyReport>) -> Option<String> {
    let report = api.get_opt("aigov-compliance").await.ok()??;
    report
        .results
        .iter()
        .find(|r| r.policy == "probes.liveness")
        .and_then(|r| r.severity.clone())
}

#[tokio::test]
async fn a_policy_edited_with_kubectl_changes_the_page_and_the_report_within_a_minute() {
    let cluster = devcluster();
    let namespace = cluster.namespace("policy-live").await;
    let admin = namespace.client.clone();
    Api::<Namespace>::all(admin.clone())
        .patch(
            &namespace.name,
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"aigov.dev/environment": "staging"}}})),
        )
        .await
        .unwrap();
    let deployment: Deployment = serde_json::from_value(json!({
        "metadata": {"name": "no-probes"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "no-probes"}},
            "template": {"metadata": {"labels": {"app": "no-probes"}},
                "spec": {"containers": [{"name": "c", "image": "registry.example.com/x:1.0"}]}}}
    }))
    .unwrap();
    namespace
        .api::<Deployment>()
        .create(&PostParams::default(), &deployment)
        .await
        .unwrap();
    let view: RoleBinding = serde_json::from_value(json!({
        "metadata": {"name": "alice-view"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "oidc:alice"}]
    }))
    .unwrap();
    namespace
        .api::<RoleBinding>()
        .create(&PostParams::default(), &view)
        .await
        .unwrap();
    let name = unique_name("policy-live");
    kubectl_apply(&policy(&name, "low", "Audit"));

    // The page, from a portal started before the change.
    let portal = RunningPortal::start().await;
    let alice = portal.signed_in("alice").await;
    let url = format!(
        "{}/namespaces/{}/compliance?check=probes.liveness",
        portal.url, namespace.name
    );
    let page = |alice: reqwest::Client, url: String| async move {
        alice.get(&url).send().await.ok()?.text().await.ok()
    };
    let html = wait_until(WITHIN, "the page judged by the new policy", || {
        let (alice, url, name) = (alice.clone(), url.clone(), name.clone());
        async move { page(alice, url).await.filter(|html| html.contains(&name)) }
    })
    .await;
    assert!(html.contains("severity-low"), "{html}");
    assert!(html.contains("staging"));
    assert!(html.contains("reported only"));

    // The reporter, on a Lease of its own, with an interval long enough
    // that only the change can make it publish again.
    let portal_client = support::portal::portal_access().await.portal().clone();
    let store = PolicyStore::start(&portal_client);
    let reporter = Reporter::new(
        portal_client,
        ReportSettings {
            interval: Duration::from_secs(3600),
            namespaces: Some(BTreeSet::from([namespace.name.clone()])),
            ..ReportSettings::default()
        },
    )
    .with_policy(store);
    let lease = unique_name("lease-policy-live");
    let reporting = tokio::spawn(async move {
        reporter
            .run_with_lease("aigov-system".into(), &lease, "policy-live-test".into())
            .await
    });
    let reports = Api::<PolicyReport>::namespaced(admin.clone(), &namespace.name);
    wait_until(WITHIN, "the first report", || {
        let reports = reports.clone();
        async move { reported_severity(&reports).await.filter(|s| s == "low") }
    })
    .await;

    kubectl(&[
        "patch",
        "governancepolicy",
        &name,
        "--type=json",
        "-p",
        r#"[{"op":"replace","path":"/spec/rules/0/severity","value":"critical"},
            {"op":"replace","path":"/spec/rules/0/enforcement/staging","value":"Warn"}]"#,
    ]);

    let html = wait_until(WITHIN, "the page after the change", || {
        let (alice, url) = (alice.clone(), url.clone());
        async move {
            page(alice, url)
                .await
                .filter(|html| html.contains("severity-critical"))
        }
    })
    .await;
    assert!(!html.contains("severity-low"), "the old severity is gone");
    assert!(html.contains("warned at admission"), "{html}");
    wait_until(WITHIN, "the report after the change", || {
        let reports = reports.clone();
        async move {
            reported_severity(&reports)
                .await
                .filter(|s| s == "critical")
        }
    })
    .await;

    reporting.abort();
    kubectl(&["delete", "governancepolicy", &name, "--wait=false"]);
}
