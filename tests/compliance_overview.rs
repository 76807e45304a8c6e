//! The managers' compliance overview against the devcluster: aigov's
//! reports (created here with the admin client) read as the manager,
//! sorted and filtered; the refusal of everyone else, by the server
//! function, the page and the exports; a manager whose RBAC covers only
//! some namespaces; and a report whose summary does not read.
#![cfg(feature = "ssr")]

mod support;

use std::time::Duration;

use aigov::crd::policy_report::{AIGOV_REPORT, PolicyReport, annotations};
use aigov::server::auth::session::{Session, session_cookie_header};
use aigov::server::cluster_compliance::{ClusterComplianceError, overview};
use aigov::server::router::build_router;
use aigov::server::state::AppState;
use aigov::wire::cluster_compliance::{ClusterCompliance, ReportState};
use aigov::wire::cluster_filter::{ClusterFilter, SortKey};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::api::{Api, Patch, PatchParams, PostParams};
use serde_json::json;
use support::portal::{app_state, session};
use support::{TestNamespace, devcluster, unique_name, wait_until};
use tower::ServiceExt;

fn carol() -> Session {
    session("carol", &["governance"], true)
}

fn summary(score: Option<u32>, gpus: u32, ingress: &str, privileged: u32) -> String {
    json!({
        "generatedAt": "2026-11-27T03:00:00Z",
        "score": score,
        "workloads": 3,
        "pods": 6,
        "podSecurity": {"restricted": 1, "baseline": 2 - privileged.min(2), "privileged": privileged},
        "worstChecks": [{"id": "pss.baseline.privileged", "severity": "critical", "workloads": privileged}],
        "ingress": ingress,
        "egress": "DefaultDeny",
        "unprotectedIngress": if ingress == "DefaultDeny" { 0 } else { 3 },
        "unprotectedEgress": 0,
        "gpusRequested": gpus,
        "gpuWorkloads": u32::from(gpus > 0),
    })
    .to_string()
}

fn trend(scores: &[u32]) -> String {
    let points: Vec<_> = scores
        .iter()
        .enumerate()
        .map(|(i, s)| json!({"at": format!("2026-11-27T0{i}:00:00Z"), "score": s}))
        .collect();
    serde_json::Value::Array(points).to_string()
}

/// aigov's report in `namespace` with these annotations, and a team label
/// on the namespace.
async fn report(namespace: &TestNamespace, team: &str, summary: String, trend: String) {
    let mut report = PolicyReport::new(&namespace.name, AIGOV_REPORT);
    report.metadata.labels = Some(
        [(
            "app.kubernetes.io/managed-by".to_owned(),
            "aigov".to_owned(),
        )]
        .into(),
    );
    report.metadata.annotations = Some(
        [
            (annotations::SUMMARY.to_owned(), summary),
            (annotations::TREND.to_owned(), trend),
        ]
        .into(),
    );
    namespace
        .api::<PolicyReport>()
        .create(&PostParams::default(), &report)
        .await
        .expect("creating aigov's report");
    Api::<Namespace>::all(namespace.client.clone())
        .patch(
            &namespace.name,
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"team": team}}})),
        )
        .await
        .unwrap();
}

/// Four namespaces whose names share a prefix unique to the test.
struct Fixture {
    prefix: String,
    poor: TestNamespace,
    fair: TestNamespace,
    good: TestNamespace,
    broken: TestNamespace,
}

async fn fixture() -> Fixture {
    let cluster = devcluster();
    let prefix = unique_name("ovw");
    let poor = cluster.namespace(&format!("{prefix}-poor")).await;
    let fair = cluster.namespace(&format!("{prefix}-fair")).await;
    let good = cluster.namespace(&format!("{prefix}-good")).await;
    let broken = cluster.namespace(&format!("{prefix}-broken")).await;
    report(
        &poor,
        &format!("{prefix}-red"),
        summary(Some(30), 4, "Open", 2),
        trend(&[20, 30]),
    )
    .await;
    report(
        &fair,
        &format!("{prefix}-red"),
        summary(Some(75), 0, "DefaultDeny", 0),
        trend(&[70, 75]),
    )
    .await;
    report(
        &good,
        &format!("{prefix}-blue"),
        summary(Some(95), 1, "DefaultDeny", 0),
        trend(&[90, 95]),
    )
    .await;
    report(
        &broken,
        &format!("{prefix}-blue"),
        "{\"score\": \"high\"".into(),
        "[".into(),
    )
    .await;
    let kyverno: PolicyReport = serde_json::from_value(json!({
        "metadata": {"name": "cpol-require-labels", "labels": {"app.kubernetes.io/managed-by": "kyverno"}},
        "results": [
            {"source": "kyverno", "policy": "require-labels", "result": "fail"},
            {"source": "kyverno", "policy": "require-limits", "result": "fail"},
            {"source": "kyverno", "policy": "disallow-latest", "result": "pass"}
        ]
    }))
    .unwrap();
    poor.api::<PolicyReport>()
        .create(&PostParams::default(), &kyverno)
        .await
        .unwrap();
    Fixture {
        prefix,
        poor,
        fair,
        good,
        broken,
    }
}

fn names(overview: &ClusterCompliance) -> Vec<&str> {
    overview.rows.iter().map(|r| r.namespace.as_str()).collect()
}

async fn read(state: &AppState, who: &Session, filter: ClusterFilter) -> ClusterCompliance {
    overview(state, who, &filter)
        .await
        .expect("the overview reads")
}

#[tokio::test]
async fn carol_sees_the_reports_with_their_scores_sorted_and_filtered() {
    let f = fixture().await;
    let state = app_state().await;
    let only_ours = ClusterFilter {
        name: f.prefix.clone(),
        ..ClusterFilter::default()
    };
    let all = read(&state, &carol(), only_ours.clone()).await;
    assert_eq!(
        names(&all),
        [&f.poor.name, &f.fair.name, &f.good.name, &f.broken.name],
        "worst score first, the unreadable report last"
    );
    assert_eq!(all.rows[0].score(), Some(30));
    assert_eq!(all.rows[2].score(), Some(95));
    assert_eq!(
        all.rows[0].team.as_deref(),
        Some(format!("{}-red", f.prefix).as_str())
    );
    let ReportState::Unreadable { reason } = &all.rows[3].report else {
        panic!(
            "the malformed summary is shown as unreadable: {:?}",
            all.rows[3]
        );
    };
    assert!(reason.contains("does not read"), "{reason}");
    assert_eq!(all.rows[0].other_tools.len(), 1);
    assert_eq!(all.rows[0].other_tools[0].source, "kyverno");
    assert_eq!(all.rows[0].other_tools[0].failed, 2);
    assert_eq!(all.headline.reported, 3);
    assert_eq!(all.headline.unreadable, 1);
    assert_eq!(all.headline.average_score.map(|a| a.round()), Some(67.0));
    assert_eq!(all.headline.gpus_requested, 5);
    assert_eq!(all.headline.without_ingress_deny, 1);
    assert!(all.total > 4, "carol sees every namespace, not only these");
    let averages: Vec<f64> = all.trend.iter().map(|b| b.average).collect();
    assert_eq!(averages.first(), Some(&60.0), "{:?}", all.trend);
    assert_eq!(averages.last().map(|a| a.round()), Some(67.0));

    let by = |change: fn(&mut ClusterFilter)| {
        let mut filter = only_ours.clone();
        change(&mut filter);
        filter
    };
    let named = read(
        &state,
        &carol(),
        by(|f| {
            f.sort = SortKey::Name;
            f.descending = true;
        }),
    )
    .await;
    assert_eq!(names(&named)[0], f.poor.name);
    assert_eq!(names(&named)[3], f.broken.name);
    let gpus = read(
        &state,
        &carol(),
        by(|f| {
            f.with_gpus = true;
            f.sort = SortKey::Gpus;
            f.descending = true;
        }),
    )
    .await;
    assert_eq!(names(&gpus), [&f.poor.name, &f.good.name]);
    let scored = read(
        &state,
        &carol(),
        by(|f| {
            f.min_score = Some(50);
            f.max_score = Some(90);
        }),
    )
    .await;
    assert_eq!(names(&scored), [&f.fair.name]);
    let open = read(&state, &carol(), by(|f| f.not_default_deny = true)).await;
    assert_eq!(names(&open), [&f.poor.name]);
    let mut team = only_ours.clone();
    team.team = format!("{}-blue", f.prefix);
    let blue = read(&state, &carol(), team).await;
    assert_eq!(names(&blue), [&f.good.name, &f.broken.name]);
}

async fn get(
    state: &AppState,
    path: &str,
    who: Option<&Session>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut request = Request::get(path);
    if let Some(who) = who {
        request = request.header(
            header::COOKIE,
            session_cookie_header(&state.auth.key, &state.auth.policy, who),
        );
    }
    let response = build_router(state.clone())
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    (
        parts.status,
        parts.headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

#[tokio::test]
async fn alice_is_refused_by_the_server_function_the_page_and_the_exports() {
    let state = app_state().await;
    let alice = session("alice", &["fraud-team"], false);
    let refused = overview(&state, &alice, &ClusterFilter::default()).await;
    assert!(
        matches!(refused, Err(ClusterComplianceError::NotManager)),
        "{refused:?}"
    );

    let call = Request::post("/api/compliance-overview")
        .header(header::ORIGIN, "http://portal.test")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(
            header::COOKIE,
            session_cookie_header(&state.auth.key, &state.auth.policy, &alice),
        )
        .body(Body::from(
            "filter[name]=&filter[team]=&filter[notDefaultDeny]=false&filter[withGpus]=false&filter[sort]=name&filter[descending]=false",
        ))
        .unwrap();
    let response = build_router(state.clone()).oneshot(call).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let body = String::from_utf8_lossy(&body);
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the server function answers alice with {status}: {body}"
    );
    assert!(body.contains("for managers"), "{body}");

    let (status, _, body) = get(&state, "/compliance", Some(&alice)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("This page is for managers"));
    for path in [
        "/compliance/export.csv",
        "/compliance/export.json?sort=name",
    ] {
        let (status, _, body) = get(&state, path, Some(&alice)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(body.contains("for managers"), "{body}");
        let (status, headers, _) = get(&state, path, None).await;
        assert!(
            status.is_redirection(),
            "{path} without a session: {status}"
        );
        let location = headers[header::LOCATION].to_str().unwrap();
        assert!(location.starts_with("/auth/login?next="), "{location}");
    }
}

#[tokio::test]
async fn carol_gets_the_page_with_charts_and_exports_with_the_page_filters() {
    let f = fixture().await;
    let state = app_state().await;
    let (status, _, page) = get(
        &state,
        &format!("/compliance?q={}", f.prefix),
        Some(&carol()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&f.poor.name) && page.contains(&f.good.name));
    assert!(
        page.contains("role=\"img\""),
        "charts are drawn on the server"
    );
    assert!(page.contains("Scores of the 3 lowest-scoring namespaces"));
    assert!(page.contains("Report unreadable"));
    assert!(page.contains(&format!("/namespaces/{}/network", f.fair.name)));

    let (status, headers, csv) = get(
        &state,
        &format!("/compliance/export.csv?q={}&sort=name", f.prefix),
        Some(&carol()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"aigov-compliance-20")
            && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("namespace,team,environment,report,score"));
    assert_eq!(lines.len(), 5, "{csv}");
    assert!(
        lines[1].starts_with(&format!("{},", f.broken.name)),
        "sorted by name: {csv}"
    );
    assert!(lines[3].contains(",reported,95,"), "{csv}");
    assert!(lines[4].contains("kyverno: 2 failed"), "{csv}");

    let (status, headers, json) = get(
        &state,
        &format!("/compliance/export.json?q={}&gpus=1", f.prefix),
        Some(&carol()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = value["namespaces"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["namespace"], f.poor.name.as_str());
    assert_eq!(rows[0]["report"]["summary"]["score"], 30);

    let (status, _, body) = get(&state, "/compliance/export.csv?min=abc", Some(&carol())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("0 to 100"), "{body}");
}

#[tokio::test]
async fn a_manager_sees_only_the_reports_of_namespaces_their_rbac_covers() {
    let f = fixture().await;
    let state = app_state().await;
    let manager = unique_name("manager");
    let binding: RoleBinding = serde_json::from_value(json!({
        "metadata": {"name": "overview-manager"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": format!("oidc:{manager}")}]
    }))
    .unwrap();
    for namespace in [&f.fair, &f.broken] {
        namespace
            .api::<RoleBinding>()
            .create(&PostParams::default(), &binding)
            .await
            .unwrap();
    }
    let who = session(&manager, &["partial-managers"], true);
    let filter = ClusterFilter {
        name: f.prefix.clone(),
        ..ClusterFilter::default()
    };
    let seen = wait_until(
        Duration::from_secs(20),
        "the manager's RoleBindings",
        || {
            let (state, who, filter) = (&state, &who, &filter);
            async move {
                let seen = overview(state, who, filter).await.ok()?;
                (seen.rows.len() == 2).then_some(seen)
            }
        },
    )
    .await;
    assert_eq!(names(&seen), [&f.fair.name, &f.broken.name]);
    assert_eq!(seen.rows[0].score(), Some(75));
    assert!(matches!(
        seen.rows[1].report,
        ReportState::Unreadable { .. }
    ));
    assert!(
        seen.notes.iter().any(|n| n.contains("read on its own")),
        "the fallback is explained: {:?}",
        seen.notes
    );
    assert!(
        seen.rows.iter().all(|r| r.namespace != f.poor.name),
        "no report of a namespace outside the manager's RBAC"
    );
}

#[tokio::test]
async fn an_unreachable_cluster_gives_a_notice_with_what_to_do() {
    devcluster();
    // Nothing listens on port 9: every request is refused at once.
    let kube = aigov::server::kube::KubeAccess::from_config(kube::Config::new(
        "https://127.0.0.1:9".parse().unwrap(),
    ))
    .unwrap();
    let state = support::portal::app_state_with(
        kube,
        &support::portal::workflow(Duration::from_secs(3600)),
    );
    let error = overview(&state, &carol(), &ClusterFilter::default())
        .await
        .expect_err("no cluster to read");
    assert!(error.to_string().contains("is not answering"), "{error}");
    let (status, _, page) = get(&state, "/compliance", Some(&carol())).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.contains("Compliance could not be loaded"), "{page}");
    assert!(page.contains("try again in a minute"));
    assert!(!page.contains("overview-table"));
}
