//! The apiserver unreachable for 20 s (a relay between the portal and the
//! apiserver cut: open connections dropped, new ones refused) while an
//! approver works through the inbox and grants come due. While it is cut,
//! every action is answered with 503 and words saying it was not carried out
//! (a plain form post goes back to its page with them), never a 500; once
//! it is back, the portal converges: the grants due meanwhile end, every
//! approval has its one binding, each transition is recorded once.

use std::time::{Duration, Instant};

use aigov::api::respond::NOT_CARRIED_OUT;
use aigov::crd::{AccessRequest, Phase};
use reqwest::StatusCode;

use super::invariants::{audit_lines, converged};
use super::portals::{Launch, Relayed, Scratch, create_models, file, post, try_approve};
use crate::support::running_portal::RunningPortal;
use crate::support::{TestNamespace, devcluster, unique_name, wait_until};

const OUTAGE: Duration = Duration::from_secs(20);
/// Grants that come due during the outage (seconds after the cut, roughly).
const DUE_DURING: [u64; 4] = [5, 8, 11, 14];
/// Requests bob approves one after the other, across the outage.
const TO_APPROVE: usize = 6;

#[tokio::test(flavor = "multi_thread")]
async fn approvals_and_expiries_through_a_20_second_apiserver_outage() {
    let ns = devcluster().namespace("fault-outage").await;
    create_models(&ns, DUE_DURING.len() + TO_APPROVE, &["fraud-leads"], 1).await;
    let scratch = Scratch::new();
    let relayed = Relayed::start(&scratch).await;
    let audit = scratch.path("audit.jsonl");
    let lease = unique_name("fault-outage");
    let portal = Launch {
        ns: &ns,
        lease: &lease,
        audit_log: &audit,
        kubeconfig: Some(&relayed.kubeconfig),
        session_key: None,
    }
    .start()
    .await;
    let (alice, bob, dave) = tokio::join!(
        portal.signed_in("alice"),
        portal.signed_in("bob"),
        portal.signed_in("dave")
    );

    // Dave's requests, approved by bob one after the other before, during
    // and after the outage; then alice's grants, due during it.
    let mut pending = Vec::new();
    for index in DUE_DURING.len()..DUE_DURING.len() + TO_APPROVE {
        pending.push(file(&dave, &portal, &ns, &format!("m-{index}"), "1h").await);
    }
    let mut due = Vec::new();
    for (index, seconds) in DUE_DURING.iter().enumerate() {
        let duration = format!("{}s", seconds + 2);
        let name = file(&alice, &portal, &ns, &format!("m-{index}"), &duration).await;
        let approved = try_approve(&bob, &portal, &ns, &name).await.unwrap();
        assert_eq!(approved.status, 200, "{}", approved.body);
        due.push(name);
    }
    let approving = tokio::spawn(approve_all(
        bob.clone(),
        portal_url(&portal),
        ns.name.clone(),
        pending.clone(),
    ));
    tokio::time::sleep(Duration::from_millis(2500)).await;

    let cut_at = jiff::Timestamp::now();
    relayed.relay.cut();
    tokio::time::sleep(Duration::from_secs(2)).await;
    refused_while_cut(&alice, &bob, &portal, &ns, &pending[TO_APPROVE - 1]).await;
    tokio::time::sleep(OUTAGE - Duration::from_secs(2)).await;
    let restored_at = jiff::Timestamp::now();
    let restored = Instant::now();
    relayed.relay.restore();

    // The grants that came due while the apiserver was away end now.
    let requests = ns.api::<AccessRequest>();
    wait_until(
        Duration::from_secs(30),
        "the grants due during the outage ended",
        || async {
            for name in &due {
                if requests.get(name).await.ok()?.phase() != Phase::Expired {
                    return None;
                }
            }
            Some(())
        },
    )
    .await;
    let expiries_ended = restored.elapsed();
    let answers = approving.await.unwrap();
    let (checked, settled) = converged(&ns, Duration::from_secs(30)).await;
    let converged_after = restored.elapsed();

    for name in &due {
        let request = requests.get(name).await.unwrap();
        let expires = request.status.unwrap().expires_at.unwrap().0;
        assert!(
            expires > cut_at && expires < restored_at,
            "{name} came due at {expires}, not during the outage ({cut_at} – {restored_at})"
        );
    }
    for name in &pending {
        assert_eq!(
            requests.get(name).await.unwrap().phase(),
            Phase::Active,
            "{name}"
        );
    }
    let refused = answers
        .iter()
        .filter(|s| **s == StatusCode::SERVICE_UNAVAILABLE)
        .count();
    assert!(
        refused >= 5,
        "approvals refused during the outage: {answers:?}"
    );
    assert_eq!(checked.requests, DUE_DURING.len() + TO_APPROVE);
    assert_eq!(checked.active, TO_APPROVE);
    assert_eq!(checked.ended_grants, DUE_DURING.len());
    // The audit log never says anything twice (it may miss an approval
    // whose answer the outage swallowed: the history keeps it).
    for name in due.iter().chain(&pending) {
        let key = format!("{}/{name}", ns.name);
        for action in ["requested", "approved", "expired"] {
            assert!(
                audit_lines(std::slice::from_ref(&audit), &key, action) <= 1,
                "{key} {action}"
            );
        }
    }
    println!(
        "outage {OUTAGE:?}: {} approval answers ({refused} of them 503), grants due meanwhile \
         ended {expiries_ended:.1?} after the apiserver was back, everything converged \
         {converged_after:.1?} after (the last check took {settled:.1?}); checked {checked:?}",
        answers.len()
    );
}

fn portal_url(portal: &RunningPortal) -> String {
    portal.url.clone()
}

/// Bob approves each request in turn, a second apart, trying again a
/// second after each 503 until it is approved (or already is); the status
/// of every answer.
async fn approve_all(
    bob: reqwest::Client,
    url: String,
    namespace: String,
    names: Vec<String>,
) -> Vec<StatusCode> {
    let mut answers = Vec::new();
    for name in names {
        loop {
            let form = [
                ("namespace", namespace.as_str()),
                ("name", name.as_str()),
                ("decision", "approve"),
            ];
            let answer = bob
                .post(format!("{url}/api/review"))
                .header("origin", &url)
                .form(&form)
                .send()
                .await
                .unwrap();
            let status = answer.status();
            let body = answer.text().await.unwrap();
            answers.push(status);
            match status.as_u16() {
                200 => break,
                // Approved by an attempt whose answer the outage swallowed.
                409 if body.contains("already") => break,
                503 => assert!(
                    body.contains(NOT_CARRIED_OUT),
                    "a 503 without saying the action was not carried out: {body}"
                ),
                _ => panic!("approving {name}: {status} {body}"),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    answers
}

/// While the apiserver is away: filing a request is refused with 503 and
/// words; a plain form post (no JavaScript) goes back to its page with the
/// message; a revocation too is refused with 503; no page answers 500.
async fn refused_while_cut(
    alice: &reqwest::Client,
    bob: &reqwest::Client,
    portal: &RunningPortal,
    ns: &TestNamespace,
    pending: &str,
) {
    let form = [
        ("namespace", ns.name.as_str()),
        ("model", "m-0"),
        ("level", "viewer"),
        ("duration", "1h"),
    ];
    let filed = post(alice, portal, "request-access", &form).await;
    assert_eq!(filed.status, 503, "{}", filed.body);
    assert!(filed.body.contains("not answering"), "{}", filed.body);

    let review = [
        ("namespace", ns.name.as_str()),
        ("name", pending),
        ("decision", "approve"),
    ];
    let plain = bob
        .post(format!("{}/api/review", portal.url))
        .header("origin", &portal.url)
        .header("accept", "text/html,application/xhtml+xml")
        .header("referer", format!("{}/reviews", portal.url))
        .form(&review)
        .send()
        .await
        .unwrap();
    assert!(plain.status().is_redirection(), "{}", plain.status());
    // Back to the page, with the error (base64 JSON) for it to show.
    let location: url::Url = plain.headers()["location"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(location.path(), "/reviews", "{location}");
    let (_, error) = location
        .query_pairs()
        .find(|(key, _)| key == "__err")
        .unwrap_or_else(|| panic!("no error in {location}"));
    use base64::Engine;
    let error = base64::engine::general_purpose::STANDARD
        .decode(error.as_bytes())
        .unwrap();
    let error: serde_json::Value = serde_json::from_slice(&error).unwrap();
    assert_eq!(error["kind"], "unavailable", "{error}");
    assert!(
        error["message"].as_str().unwrap().contains(NOT_CARRIED_OUT),
        "{error}"
    );

    let detail = format!("/requests/{}/{pending}", ns.name);
    for page in ["/", "/reviews", "/models", "/access", detail.as_str()] {
        let response = bob
            .get(format!("{}{page}", portal.url))
            .send()
            .await
            .unwrap();
        assert_ne!(response.status(), 500, "{page} while the apiserver is away");
    }
}
