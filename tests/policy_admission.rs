//! Governance policy enforced by the apiserver itself: a GovernancePolicy
//! that denies images not pinned by digest in production and warns in
//! sandbox is
//! rendered by the portal's leader into ValidatingAdmissionPolicies, and
//! `kubectl apply` meets them: refused in production with the rule's
//! message, admitted with a warning in sandbox, admitted in production
//! while an approved exception is in force and refused again once it ends;
//! a change to the policy made with kubectl reaches the admission objects
//! within a minute, and the objects go with their policy.
#![cfg(feature = "ssr")]

mod support;

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use aigov::crd::governance_policy::GovernancePolicy;
use aigov::crd::policy_exception::PolicyException;
use k8s_openapi::api::admissionregistration::v1::{
    ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding,
};
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use kube::{Client, ResourceExt};
use serde_json::json;
use support::running_portal::RunningPortal;
use support::{devcluster, unique_name, wait_until};

/// A check the default policy of the devcluster (`aigov-default`) does not
/// enforce, so what is refused here is refused by this test's policy.
const CHECK: &str = "images.digest";

/// Runs the devcluster's kubectl as its admin with `stdin`.
fn kubectl(args: &[&str], stdin: &str) -> Output {
    let cluster = devcluster();
    let mut command = match std::env::var_os("DEVCLUSTER_BIN_DIR") {
        Some(dir) => Command::new(std::path::Path::new(&dir).join("kubectl")),
        None => {
            let mut script = Command::new(cluster.repo.join("scripts/devcluster.sh"));
            script.arg("kubectl");
            script
        }
    };
    let mut child = command
        .args(args)
        .env("KUBECONFIG", &cluster.kubeconfig)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running kubectl");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// What `kubectl apply` said of one apply of the Deployment.
struct Applied {
    admitted: bool,
    stderr: String,
}

/// `kubectl apply -f -` of a Deployment `name` in `namespace` whose image
/// is pinned by tag, not by digest (and which breaks no other rule); `attempt` changes it on every apply, so each one is a
/// real change that admission judges.
fn apply_undigested(namespace: &str, name: &str, attempt: u32) -> Applied {
    let manifest = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "annotations": {"aigov.dev/test-attempt": attempt.to_string()},
        },
        "spec": {
            "replicas": 0,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{
                    "name": "driver",
                    "image": "registry.example.com/gpu-driver:1.0",
                    "resources": {
                        "requests": {"cpu": "100m", "memory": "64Mi"},
                        "limits": {"cpu": "100m", "memory": "64Mi"},
                    },
                }]},
            },
        },
    });
    let out = kubectl(&["apply", "-f", "-"], &manifest.to_string());
    Applied {
        admitted: out.status.success(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Applies until `wanted` holds (admission follows the objects the portal
/// applies within moments), panicking after `timeout`.
fn apply_until(
    namespace: &str,
    name: &str,
    attempt: &mut u32,
    timeout: Duration,
    what: &str,
    wanted: impl Fn(&Applied) -> bool,
) -> Applied {
    let deadline = Instant::now() + timeout;
    loop {
        *attempt += 1;
        let applied = apply_undigested(namespace, name, *attempt);
        if wanted(&applied) {
            return applied;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}; kubectl said: {}",
            applied.stderr
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Deletes the policy when dropped (also when the test fails).
struct PolicyGuard(String);

impl Drop for PolicyGuard {
    fn drop(&mut self) {
        let _ = kubectl(
            &[
                "delete",
                "governancepolicy",
                &self.0,
                "--ignore-not-found",
                "--wait=false",
            ],
            "",
        );
    }
}

async fn label_environment(admin: &Client, namespace: &str, environment: &str) {
    Api::<Namespace>::all(admin.clone())
        .patch(
            namespace,
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"aigov.dev/environment": environment}}})),
        )
        .await
        .unwrap();
}

async fn rendered_names(admin: &Client, policy: &str) -> Vec<String> {
    let selector = format!("aigov.dev/governance-policy={policy}");
    let mut names: Vec<String> = Api::<ValidatingAdmissionPolicy>::all(admin.clone())
        .list(&ListParams::default().labels(&selector))
        .await
        .unwrap()
        .items
        .iter()
        .map(|p| p.name_any())
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_apiserver_enforces_a_governance_policy_with_its_exceptions_and_changes() {
    let cluster = devcluster();
    // This policy refuses undigested workloads in every production
    // namespace, the seed's included: no other test binary seeds meanwhile.
    let _hold = cluster.hold_start();
    let admin = cluster.client().await;
    let production = cluster.namespace("policy-prod").await;
    let sandbox = cluster.namespace("policy-sandbox").await;
    label_environment(&admin, &production.name, "production").await;
    label_environment(&admin, &sandbox.name, "sandbox").await;

    let lease = unique_name("policy-admission");
    let _portal = RunningPortal::start_reconciling(&[("AIGOV_RECONCILER_LEASE", &lease)]).await;

    let policy = unique_name("digest");
    let _guard = PolicyGuard(policy.clone());
    let manifest = json!({
        "apiVersion": "aigov.dev/v1alpha1",
        "kind": "GovernancePolicy",
        "metadata": {"name": policy},
        "spec": {
            "defaultEnvironment": "staging",
            "rules": [{
                "check": CHECK,
                "enforcement": {"sandbox": "Warn", "staging": "Audit", "production": "Deny"},
            }],
        },
    });
    let out = kubectl(&["apply", "-f", "-"], &manifest.to_string());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let deny = format!("aigov-policy-{policy}-production-deny");
    let warn = format!("aigov-policy-{policy}-sandbox-warn");
    // The policies are written before their bindings: wait for both.
    wait_until(
        Duration::from_secs(30),
        "the rendered admission objects",
        || {
            let admin = admin.clone();
            let (policy, deny, warn) = (policy.clone(), deny.clone(), warn.clone());
            async move {
                let names = rendered_names(&admin, &policy).await;
                let bindings = Api::<ValidatingAdmissionPolicyBinding>::all(admin.clone());
                let bound = bindings.get_opt(&deny).await.ok().flatten().is_some()
                    && bindings.get_opt(&warn).await.ok().flatten().is_some();
                (names.contains(&deny) && names.contains(&warn) && bound).then_some(())
            }
        },
    )
    .await;
    let vap = Api::<ValidatingAdmissionPolicy>::all(admin.clone())
        .get(&deny)
        .await
        .unwrap();
    let owner = &vap.owner_references()[0];
    assert_eq!(
        (owner.kind.as_str(), owner.name.as_str()),
        ("GovernancePolicy", policy.as_str())
    );
    let binding = Api::<ValidatingAdmissionPolicyBinding>::all(admin.clone())
        .get(&deny)
        .await
        .unwrap();
    assert_eq!(binding.spec.unwrap().validation_actions.unwrap(), ["Deny"]);

    // Production: refused, with the rule's message.
    let workload = "gpu-driver";
    let mut attempt = 0;
    let refused = apply_until(
        &production.name,
        workload,
        &mut attempt,
        Duration::from_secs(30),
        "the Deployment to be refused in production",
        |a| !a.admitted,
    );
    assert!(
        refused
            .stderr
            .contains(&format!("{CHECK} (GovernancePolicy {policy})"))
            && refused.stderr.contains("Refer to images by digest"),
        "refused without the rule's message: {}",
        refused.stderr
    );
    assert!(refused.stderr.contains(&deny), "{}", refused.stderr);

    // Sandbox: admitted, with a warning.
    let warned = apply_until(
        &sandbox.name,
        workload,
        &mut attempt,
        Duration::from_secs(30),
        "the Deployment to be admitted with a warning in sandbox",
        |a| a.admitted && a.stderr.contains("Warning:") && a.stderr.contains(CHECK),
    );
    let warning = warned
        .stderr
        .lines()
        .find(|line| line.starts_with("Warning:") && line.contains(CHECK))
        .unwrap_or_else(|| panic!("no warning of {CHECK}: {}", warned.stderr));
    assert!(
        warning.contains(&format!("{CHECK} (GovernancePolicy {policy})")),
        "{warning}"
    );

    // An approved exception, in force for 20 seconds: admitted in production.
    let exception = unique_name("driver");
    let filed: PolicyException = serde_json::from_value(json!({
        "apiVersion": "aigov.dev/v1alpha1",
        "kind": "PolicyException",
        "metadata": {"name": exception, "namespace": production.name},
        "spec": {
            "requester": "erin",
            "workloads": {"names": [workload]},
            "rules": [CHECK],
            "reason": "the vendor publishes the driver image by tag only",
            "duration": "1h",
        },
    }))
    .unwrap();
    let exceptions: Api<PolicyException> = production.api();
    exceptions
        .create(&PostParams::default(), &filed)
        .await
        .unwrap();
    let expires_at = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(20);
    exceptions
        .patch_status(
            &exception,
            &PatchParams::default(),
            &Patch::Merge(
                json!({"status": {"phase": "Active", "expiresAt": expires_at.to_string()}}),
            ),
        )
        .await
        .unwrap();
    let admitted = apply_until(
        &production.name,
        workload,
        &mut attempt,
        Duration::from_secs(15),
        "the exempted Deployment to be admitted in production",
        |a| a.admitted,
    );
    assert!(
        jiff::Timestamp::now() < expires_at,
        "admitted only after the exception ended"
    );
    assert!(!admitted.stderr.contains(CHECK), "{}", admitted.stderr);
    // Another workload in the namespace is not exempted.
    let other = apply_undigested(&production.name, "not-exempted", 1);
    assert!(
        !other.admitted,
        "a workload the exception does not name was admitted"
    );

    // Once the exception ends, the next apply is refused again.
    let wait = expires_at
        .duration_since(jiff::Timestamp::now())
        .unsigned_abs();
    tokio::time::sleep(wait).await;
    let ended = Instant::now();
    let refused = apply_until(
        &production.name,
        workload,
        &mut attempt,
        Duration::from_secs(15),
        "the Deployment to be refused again once the exception ended",
        |a| !a.admitted,
    );
    assert!(refused.stderr.contains(CHECK), "{}", refused.stderr);
    assert!(ended.elapsed() < Duration::from_secs(15));

    // Production switched to Warn with kubectl: the admission objects follow
    // within a minute.
    let changed = Instant::now();
    let out = kubectl(
        &[
            "patch",
            "governancepolicy",
            &policy,
            "--type=json",
            "-p",
            r#"[{"op":"replace","path":"/spec/rules/0/enforcement/production","value":"Warn"}]"#,
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let production_warn = format!("aigov-policy-{policy}-production-warn");
    wait_until(
        Duration::from_secs(60),
        "the production policy switched to Warn",
        || {
            let admin = admin.clone();
            let (policy, deny, production_warn) =
                (policy.clone(), deny.clone(), production_warn.clone());
            async move {
                let names = rendered_names(&admin, &policy).await;
                (names.contains(&production_warn) && !names.contains(&deny)).then_some(())
            }
        },
    )
    .await;
    assert!(changed.elapsed() < Duration::from_secs(60));
    apply_until(
        &production.name,
        workload,
        &mut attempt,
        Duration::from_secs(30),
        "the Deployment to be admitted with a warning in production",
        |a| a.admitted && a.stderr.contains("Warning:") && a.stderr.contains(CHECK),
    );

    // The objects go with their policy.
    Api::<GovernancePolicy>::all(admin.clone())
        .delete(&policy, &Default::default())
        .await
        .unwrap();
    wait_until(
        Duration::from_secs(60),
        "the admission objects to go with their policy",
        || {
            let admin = admin.clone();
            let policy = policy.clone();
            async move {
                let bindings = Api::<ValidatingAdmissionPolicyBinding>::all(admin.clone())
                    .list(
                        &ListParams::default()
                            .labels(&format!("aigov.dev/governance-policy={policy}")),
                    )
                    .await
                    .unwrap();
                (rendered_names(&admin, &policy).await.is_empty() && bindings.items.is_empty())
                    .then_some(())
            }
        },
    )
    .await;
}
