//! Calling a model through the portal beside calling the model server
//! directly, in the same run: 20 callers at once, each POSTing the same
//! JSON as fast as answers come, for 20 s to the model server
//! (`AIGOV_MODEL_SERVER_URL`), then for 20 s to the release build of the
//! portal (`POST /models/{ns}/{name}/invoke`, signed in as alice, who holds
//! an invoker grant on a served model in a namespace of the bench's own).
//! Per call the portal reads the Model, asks Kubernetes whether alice may
//! call its Service (a SelfSubjectAccessReview as her), looks up her grant
//! in its cache, forwards the body to the model server and records the use
//! (audit log line, metric, the day's ModelUsage record once a minute).
//! Between the two, for 20 s: the apiserver's part of a call alone, the
//! same Model read and access review made by 20 callers without the
//! portal, so the added latency can be taken apart.
//!
//! Reports calls per second, p50/p95/p99 of each way, the ratios
//! portal/direct, and the CPU time of the portal, the apiserver and etcd
//! while the portal was called. Fails on any answer but 200.
//!
//! Needs the dev stack (`make stack`, which starts the model server) and
//! the release build (`make build`). Run with
//! `set -a; . .dev/env; set +a; cargo bench --profile dev --features ssr --bench model_calls`.
//! Settings, from the environment: `AIGOV_CALL_CALLERS` (20),
//! `AIGOV_CALL_SECONDS` (20), and `AIGOV_LOAD_PORTAL` / `AIGOV_LOAD_SITE_ROOT`
//! as for `portal_load`. The per-person rate of calls is raised for the
//! run (`AIGOV_MODEL_CALL_BURST`, `AIGOV_MODEL_CALLS_PER_MINUTE`).

#[path = "../tests/support/mod.rs"]
mod support;

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use aigov::crd::{Decision, Model, Phase};
use aigov::server::access::service::{self, NewRequest};
use common::load::{CpuClock, quantiles, release_build, setting};
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use kube::ResourceExt;
use kube::api::{Api, PostParams};
use support::devcluster;
use support::models::create_served_model;
use support::portal::{app_state, session};
use support::running_portal::RunningPortal;

/// One fraud score: the same input for every call of the run.
const CALL: &str = r#"{"instances":[{"amount":912.5,"hour":3,"merchant_risk":0.8,"foreign":true,"card_present":false}]}"#;
const MODEL: &str = "fraud-scorer";

fn main() {
    common::on_tokio(run());
}

/// Where the callers send their calls, and with which client.
#[derive(Clone)]
struct Target {
    client: reqwest::Client,
    url: String,
    /// The portal's address, sent as `Origin` (the portal refuses
    /// cross-site posts); none for the model server.
    origin: Option<String>,
}

impl Target {
    /// One call: the model's answer on a 200, else what went wrong.
    async fn call(&self) -> Result<String, String> {
        let mut request = self
            .client
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(CALL);
        if let Some(origin) = &self.origin {
            request = request.header(reqwest::header::ORIGIN, origin);
        }
        let response = request.send().await.map_err(|e| e.to_string())?;
        let status = response.status();
        let body = response.text().await.map_err(|e| e.to_string())?;
        match status.as_u16() {
            200 => Ok(body),
            _ => Err(format!(
                "{status}: {}",
                body.chars().take(200).collect::<String>()
            )),
        }
    }
}

/// What the callers of one way got.
#[derive(Default)]
struct Calls {
    times: Vec<Duration>,
    errors: BTreeMap<String, usize>,
}

async fn run() {
    let callers: usize = setting("AIGOV_CALL_CALLERS", 20);
    let seconds: u64 = setting("AIGOV_CALL_SECONDS", 20);
    let (program, site_root) = release_build();
    let model_server = std::env::var("AIGOV_MODEL_SERVER_URL")
        .expect("AIGOV_MODEL_SERVER_URL (source .dev/env; `make stack` starts the model server)");

    let ns = devcluster().namespace("bench-calls").await;
    create_served_model(&ns, MODEL, "Internal").await;
    let audit_log = std::env::temp_dir().join(format!("{}-audit.log", ns.name));
    let portal = RunningPortal::start_program(
        &program,
        &[
            ("AIGOV_SITE_ROOT", site_root.to_str().unwrap()),
            ("AIGOV_AUDIT_LOG", audit_log.to_str().unwrap()),
            ("AIGOV_MODEL_CALL_BURST", "1000000000"),
            ("AIGOV_MODEL_CALLS_PER_MINUTE", "1000000000"),
        ],
    )
    .await;
    let grant = grant_invoker_to_alice(&ns.name).await;
    let through_portal = Target {
        client: portal.signed_in("alice").await,
        url: format!("{}/models/{}/{MODEL}/invoke", portal.url, ns.name),
        origin: Some(portal.url.clone()),
    };
    let direct = Target {
        client: reqwest::Client::new(),
        url: format!("{model_server}/v1/models/{MODEL}:predict"),
        origin: None,
    };

    // Warm-up: the grant has reached the authorizer, and both ways give
    // the same answer.
    let answer = support::wait_until(Duration::from_secs(20), "alice's call answered", || {
        let through_portal = through_portal.clone();
        async move { through_portal.call().await.ok() }
    })
    .await;
    let expected = direct.call().await.expect("the model server answering");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&answer).unwrap(),
        serde_json::from_str::<serde_json::Value>(&expected).unwrap(),
        "the portal must pass the model's answer on as it came"
    );
    for _ in 0..callers {
        through_portal.call().await.unwrap();
        direct.call().await.unwrap();
    }

    let (mut direct_calls, direct_time) = all_at_once(
        move || {
            let direct = direct.clone();
            async move { direct.call().await }
        },
        callers,
        seconds,
    )
    .await;
    let apiserver = ApiserverPart::new(&ns.name).await;
    apiserver
        .ask()
        .await
        .expect("the apiserver's part of a call");
    let (mut apiserver_calls, apiserver_time) = all_at_once(
        move || {
            let apiserver = apiserver.clone();
            async move { apiserver.ask().await }
        },
        callers,
        seconds,
    )
    .await;
    let cpu = CpuClock::start(portal.pid(), &devcluster().dir);
    let (mut portal_calls, portal_time) = all_at_once(
        move || {
            let through_portal = through_portal.clone();
            async move { through_portal.call().await }
        },
        callers,
        seconds,
    )
    .await;
    let cpu_used = cpu.used(portal_time);

    println!("portal: {}", program.display());
    println!("{callers} callers at once, {seconds} s each way, alice's grant {grant}:");
    let direct_figures = line("model server directly", &mut direct_calls, direct_time);
    line("the apiserver's part", &mut apiserver_calls, apiserver_time);
    let portal_figures = line("through the portal", &mut portal_calls, portal_time);
    println!(
        "  portal/direct: calls/s {:.2}, p50 {:.2}, p95 {:.2}, p99 {:.2}; added p50 {:.1} ms, p95 {:.1} ms",
        portal_figures[0] / direct_figures[0],
        portal_figures[1] / direct_figures[1],
        portal_figures[2] / direct_figures[2],
        portal_figures[3] / direct_figures[3],
        portal_figures[1] - direct_figures[1],
        portal_figures[2] - direct_figures[2],
    );
    println!("CPU while the portal was called: {cpu_used}");
    let errors: usize = [&direct_calls, &apiserver_calls, &portal_calls]
        .iter()
        .map(|calls| calls.errors.values().sum::<usize>())
        .sum();
    drop(portal);
    std::fs::remove_file(&audit_log).ok();
    assert_eq!(errors, 0, "every call must be answered with 200");
}

/// What the portal asks the apiserver for each call, without the portal:
/// the Model read, then the access review as the person (here with the
/// devcluster's admin credentials impersonating alice, as the portal's
/// ServiceAccount impersonates her).
#[derive(Clone)]
struct ApiserverPart {
    models: Api<Model>,
    alice: kube::Client,
    namespace: String,
}

impl ApiserverPart {
    async fn new(namespace: &str) -> Self {
        let cluster = devcluster();
        ApiserverPart {
            models: Api::namespaced(cluster.client().await, namespace),
            alice: cluster.client_as("oidc:alice", &["oidc:fraud-team"]).await,
            namespace: namespace.to_owned(),
        }
    }

    /// Reads the Model and asks whether alice may call its Service.
    async fn ask(&self) -> Result<(), String> {
        let model = self.models.get(MODEL).await.map_err(|e| e.to_string())?;
        let service = model.spec.serving.map(|s| s.service).unwrap_or_default();
        let review = SelfSubjectAccessReview {
            spec: SelfSubjectAccessReviewSpec {
                resource_attributes: Some(ResourceAttributes {
                    group: Some(String::new()),
                    resource: Some("services".into()),
                    subresource: Some("proxy".into()),
                    verb: Some("create".into()),
                    namespace: Some(self.namespace.clone()),
                    name: Some(service),
                    ..ResourceAttributes::default()
                }),
                ..SelfSubjectAccessReviewSpec::default()
            },
            ..SelfSubjectAccessReview::default()
        };
        let answer = Api::<SelfSubjectAccessReview>::all(self.alice.clone())
            .create(&PostParams::default(), &review)
            .await
            .map_err(|e| e.to_string())?;
        match answer.status.is_some_and(|status| status.allowed) {
            true => Ok(()),
            false => Err("the access review refused alice".into()),
        }
    }
}

/// Alice's request for the invoker level of the model, approved by bob;
/// returns the grant's name.
async fn grant_invoker_to_alice(namespace: &str) -> String {
    let state = app_state().await;
    let form = NewRequest {
        namespace: namespace.to_owned(),
        model: MODEL.into(),
        level: "invoker".into(),
        duration: "1h".into(),
        justification: "measuring the cost of a governed call".into(),
        extends: None,
        emergency: false,
        starts_at: None,
    };
    let alice = session("alice", &["fraud-team"], false);
    let request = service::submit(&state.access, &alice, form).await.unwrap();
    let name = request.name_any();
    let approved = service::review(
        &state.access,
        &session("bob", &["fraud-team", "fraud-leads"], false),
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

/// `callers` callers each making `call` without a pause until `seconds`
/// have passed; returns what they got and how long until the last call
/// ended.
async fn all_at_once<F, Fut, T>(call: F, callers: usize, seconds: u64) -> (Calls, Duration)
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<T, String>> + Send,
{
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let tasks = (0..callers).map(|_| {
        let call = call.clone();
        tokio::spawn(async move {
            let mut calls = Calls::default();
            while Instant::now() < deadline {
                let start = Instant::now();
                match call().await {
                    Ok(_) => calls.times.push(start.elapsed()),
                    Err(error) => *calls.errors.entry(error).or_default() += 1,
                }
            }
            calls
        })
    });
    let mut all = Calls::default();
    for calls in futures::future::join_all(tasks).await {
        let calls = calls.unwrap();
        all.times.extend(calls.times);
        for (error, count) in calls.errors {
            *all.errors.entry(error).or_default() += count;
        }
    }
    (all, started.elapsed())
}

/// Prints the figures of one way; returns calls/s, p50, p95 and p99.
fn line(name: &str, calls: &mut Calls, elapsed: Duration) -> [f64; 4] {
    let per_second = calls.times.len() as f64 / elapsed.as_secs_f64();
    let [p50, p95, p99] = quantiles(&mut calls.times);
    println!(
        "  {name:<22} {per_second:>7.1} calls/s  p50 {p50:>6.1} ms  p95 {p95:>6.1} ms  p99 {p99:>6.1} ms  ({} calls, {} errors)",
        calls.times.len(),
        calls.errors.values().sum::<usize>()
    );
    for (error, count) in &calls.errors {
        println!("    {count} × {error}");
    }
    [per_second, p50, p95, p99]
}
