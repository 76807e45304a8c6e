//! The portal's own parts, as `aigov serve` builds them, for integration
//! tests against the devcluster: its ServiceAccount identity (never the
//! admin), its state, and sessions of the demo people.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use aigov::crd::{Decision, Phase};
use aigov::identity::SignedInUser;
use aigov::server::access::audit_args::AuditArgs;
use aigov::server::access::context::{AccessContext, WorkflowArgs};
use aigov::server::access::service::{self, NewRequest};
use aigov::server::auth::AuthState;
use aigov::server::auth::claims::KubeIdentity;
use aigov::server::auth::session::{Session, new_session, now};
use aigov::server::cluster_cache::ClusterCache;
use aigov::server::health::Readiness;
use aigov::server::kube::{KubeAccess, KubeArgs};
use aigov::server::state::AppState;
use clap::Parser;
use kube::ResourceExt;
use leptos::config::LeptosOptions;

/// The portal as it runs in development: ServiceAccount aigov-system/aigov
/// with deploy/portal-rbac.yaml, with a token fresh for this run.
pub async fn portal_access() -> KubeAccess {
    static IDENTITY: OnceLock<()> = OnceLock::new();
    let cluster = super::devcluster();
    IDENTITY.get_or_init(|| {
        let status = std::process::Command::new(cluster.repo.join("scripts/portal-identity.sh"))
            .env("AIGOV_DEV_DIR", &cluster.dir)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("running scripts/portal-identity.sh");
        assert!(status.success(), "scripts/portal-identity.sh failed");
    });
    let args = KubeArgs {
        kubeconfig: Some(cluster.dir.join("portal-kubeconfig")),
        cluster_timeout: aigov::server::kube::DEFAULT_CLUSTER_TIMEOUT,
    };
    KubeAccess::from_args(&args)
        .await
        .expect("the portal's kube access")
}

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    auth: aigov::server::auth::config::AuthArgs,
}

/// Sign-in settings; the issuer is never contacted by these tests.
fn auth() -> Arc<AuthState> {
    let args = Args::parse_from([
        "aigov",
        "--oidc-issuer",
        "https://idp.invalid",
        "--public-url",
        "http://portal.test",
        "--dev",
    ]);
    Arc::new(AuthState::from_args(&args.auth, "127.0.0.1:3000".parse().unwrap()).unwrap())
}

/// Workflow settings with a pending timeout of `pending_timeout`.
pub fn workflow(pending_timeout: Duration) -> WorkflowArgs {
    WorkflowArgs {
        pending_timeout,
        expiry_warning: Duration::from_secs(5),
        lease_namespace: "aigov-system".into(),
        reconciler_lease: "aigov-reconciler".into(),
        no_reconciler: true,
        settled_retention: std::time::Duration::from_secs(400 * 86_400),
        reconcile_namespace: None,
    }
}

/// The portal's state over `kube` (no reconciler is started).
pub fn app_state_with(kube: KubeAccess, workflow: &WorkflowArgs) -> AppState {
    let audit = AuditArgs {
        audit_log: None,
        notify_webhook_url: None,
        record_namespace: "aigov-system".into(),
    };
    app_state_with_audit(kube, workflow, &audit)
}

/// The cap on a person's open requests in the portals of tests.
pub const TEST_MAX_OPEN_REQUESTS: usize = 1000;

/// [`app_state_with`], with audit and notification settings.
pub fn app_state_with_audit(
    kube: KubeAccess,
    workflow: &WorkflowArgs,
    audit: &AuditArgs,
) -> AppState {
    let readiness = Arc::new(Readiness::default());
    readiness.set_ready(true);
    // Test binaries run side by side and share the demo people: the cap on
    // one person's open requests is tested with a person of its own.
    let access = AccessContext::start(
        kube.portal().clone(),
        workflow,
        audit,
        "http://portal.test".parse().unwrap(),
        "test",
    )
    .expect("the access workflow")
    .with_max_open_requests(TEST_MAX_OPEN_REQUESTS);
    AppState {
        leptos_options: LeptosOptions::builder().output_name("aigov").build(),
        readiness,
        auth: auth(),
        cluster_cache: Arc::new(ClusterCache::new(kube.portal().clone())),
        policy: aigov::server::policy::store::PolicyStore::start(kube.portal()),
        limits: Default::default(),
        usage: aigov::server::usage::recorder::Recorder::channel().0,
        calls: Default::default(),
        kube,
        access,
    }
}

/// The portal's state, as the portal's ServiceAccount, telling the webhook
/// at `url` of every change.
pub async fn app_state_with_webhook(url: url::Url) -> AppState {
    let audit = AuditArgs {
        audit_log: None,
        notify_webhook_url: Some(url),
        record_namespace: "aigov-system".into(),
    };
    app_state_with_audit(
        portal_access().await,
        &workflow(Duration::from_secs(3600)),
        &audit,
    )
}

/// The portal's state, as the portal's ServiceAccount.
pub async fn app_state() -> AppState {
    app_state_with(portal_access().await, &workflow(Duration::from_secs(3600)))
}

/// A session of `username` in identity-provider `groups`, mapped to the
/// cluster's names as the devcluster's OIDC prefix does.
pub fn session(username: &str, groups: &[&str], is_manager: bool) -> Session {
    let user = SignedInUser {
        username: username.into(),
        display_name: username.into(),
        email: None,
        groups: groups.iter().map(|g| g.to_string()).collect(),
        is_manager,
    };
    let kube = KubeIdentity {
        username: format!("oidc:{username}"),
        groups: groups.iter().map(|g| format!("oidc:{g}")).collect(),
    };
    new_session(user, kube, now())
}

/// Alice's request for the viewer level of `fraud-scorer` in `namespace`
/// for `duration`, approved by bob (a fraud lead) and so in force; returns
/// its name.
pub async fn granted_to_alice(state: &AppState, namespace: &str, duration: &str) -> String {
    let alice = session("alice", &["fraud-team"], false);
    let bob = session("bob", &["fraud-team", "fraud-leads"], false);
    let form = NewRequest {
        namespace: namespace.to_owned(),
        model: "fraud-scorer".into(),
        level: "viewer".into(),
        duration: duration.into(),
        justification: String::new(),
        extends: None,
        emergency: false,
        starts_at: None,
    };
    let request = service::submit(&state.access, &alice, form).await.unwrap();
    let name = request.name_any();
    let approved = service::review(
        &state.access,
        &bob,
        namespace,
        &name,
        Decision::Approve,
        String::new(),
    )
    .await
    .unwrap();
    assert_eq!(approved.phase(), Phase::Active);
    name
}

/// Whether the RoleBinding of grant `request` exists in `ns`.
pub async fn has_binding(ns: &super::TestNamespace, request: &str) -> bool {
    ns.api::<k8s_openapi::api::rbac::v1::RoleBinding>()
        .get_opt(&aigov::server::access::grant::binding_name(request))
        .await
        .unwrap()
        .is_some()
}
