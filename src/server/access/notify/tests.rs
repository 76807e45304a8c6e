use backon::BackoffBuilder;

use super::words::MAX_SECTION_TEXT;
use super::*;
use crate::server::access::audit_log::AuditRecord;

fn alice() -> RequestRef {
    RequestRef {
        namespace: "fraud-detection".into(),
        name: "alice-viewer-x7k2p".into(),
        requester: "alice".into(),
        model: "Fraud scorer".into(),
        level: "viewer".into(),
    }
}

fn portal() -> Url {
    Url::parse("https://aigov.example.com").unwrap()
}

#[test]
fn slack_escaping_covers_ampersand_and_angle_brackets() {
    assert_eq!(escape("a & b <c> d"), "a &amp; b &lt;c&gt; d");
    assert_eq!(escape("<!channel>"), "&lt;!channel&gt;");
    assert_eq!(escape("&amp;"), "&amp;amp;");
    assert_eq!(escape("plain *bold* ü"), "plain *bold* ü");
}

#[test]
fn a_new_request_reads_well_and_links_to_the_review() {
    let event = Notification::NewRequest {
        request: alice(),
        duration: Some("8h".into()),
        justification: String::new(),
        extension: false,
    };
    assert_eq!(
        event.text(Some(&portal())),
        ":key: alice requests viewer access to Fraud scorer (fraud-detection) for 8h — \
         <https://aigov.example.com/requests/fraud-detection/alice-viewer-x7k2p|Review>"
    );
}

#[test]
fn links_keep_a_path_prefix_and_drop_without_a_public_url() {
    let event = Notification::Expired { request: alice() };
    let prefixed = Url::parse("https://example.com/portal/").unwrap();
    assert!(
        event.text(Some(&prefixed)).contains(
            "<https://example.com/portal/requests/fraud-detection/alice-viewer-x7k2p|View>"
        )
    );
    assert_eq!(
        event.text(None),
        ":alarm_clock: alice's viewer access to Fraud scorer (fraud-detection) has expired"
    );
}

#[test]
fn hostile_text_is_escaped_everywhere() {
    let mut request = alice();
    request.requester = "<!channel>".into();
    request.model = "A & B <script>".into();
    let event = Notification::Revoked {
        request,
        actor: "eve <@U123>".into(),
        comment: "<https://evil.example|click>\nsecond line".into(),
    };
    let text = event.text(Some(&portal()));
    assert!(!text.contains("<!channel>"));
    assert!(!text.contains("<script>"));
    assert!(!text.contains("<https://evil"));
    assert!(!text.contains("<@U123>"));
    assert!(text.contains("A &amp; B &lt;script&gt;"));
    // The comment is quoted line by line; the only real link is ours.
    assert!(text.ends_with("\n>&lt;https://evil.example|click&gt;\n>second line"));
    assert_eq!(text.matches('<').count(), 1);
}

#[test]
fn payload_has_text_and_one_mrkdwn_section() {
    let event = Notification::Decision {
        request: alice(),
        approved: true,
        actor: "bob".into(),
        comment: "ok for the audit".into(),
        expires_at: Some("2025-01-02T11:04:05.123Z".parse().unwrap()),
    };
    let payload = event.payload(Some(&portal()));
    let text = payload["text"].as_str().unwrap();
    assert!(text.starts_with(
        ":white_check_mark: bob approved alice's viewer access to Fraud scorer (fraud-detection), until 2025-01-02 11:04 UTC — <"
    ));
    assert!(text.ends_with("|View>\n>ok for the audit"));
    assert_eq!(payload["blocks"][0]["type"], "section");
    assert_eq!(payload["blocks"][0]["text"]["type"], "mrkdwn");
    assert_eq!(payload["blocks"][0]["text"]["text"], text);
    assert_eq!(payload["blocks"].as_array().unwrap().len(), 1);
}

#[test]
fn long_comments_are_shortened_below_slacks_limit() {
    let event = Notification::NewRequest {
        request: alice(),
        duration: None,
        justification: "<&>".repeat(5_000),
        extension: true,
    };
    let text = event.text(Some(&portal()));
    assert!(text.chars().count() <= MAX_SECTION_TEXT);
    assert!(text.starts_with(":hourglass_flowing_sand: alice asks to extend viewer access"));
    assert!(text.ends_with('…'));
}

#[test]
fn backoff_doubles_from_half_a_second() {
    let settings = Settings::default();
    let schedule: Vec<u64> = backoff(&settings)
        .build()
        .map(|wait| wait.as_millis() as u64)
        .collect();
    // Five tries: four waits between them.
    assert_eq!(schedule, [500, 1_000, 2_000, 4_000]);
    // Many tries stop doubling at 2^16 times the first wait.
    let many = Settings {
        max_attempts: 40,
        ..Settings::default()
    };
    let longest = backoff(&many).build().last().unwrap();
    assert_eq!(longest, Duration::from_millis(500) * (1 << 16));
    // One try means no wait at all.
    let once = Settings {
        max_attempts: 1,
        ..Settings::default()
    };
    assert_eq!(backoff(&once).build().count(), 0);
}

#[test]
fn statuses_decide_retries() {
    assert_eq!(outcome(200, None), Outcome::Delivered);
    assert_eq!(outcome(204, None), Outcome::Delivered);
    assert_eq!(outcome(500, None), Outcome::Retry(None));
    assert_eq!(outcome(502, Some("7")), Outcome::Retry(None));
    assert_eq!(
        outcome(503, Some("7")),
        Outcome::Retry(Some(Duration::from_secs(7)))
    );
    assert_eq!(
        outcome(429, Some(" 3 ")),
        Outcome::Retry(Some(Duration::from_secs(3)))
    );
    assert_eq!(outcome(429, None), Outcome::Retry(None));
    assert_eq!(outcome(429, Some("soon")), Outcome::Retry(None));
    assert_eq!(outcome(408, None), Outcome::Retry(None));
    assert_eq!(outcome(400, None), Outcome::Rejected);
    assert_eq!(outcome(404, None), Outcome::Rejected);
}

#[test]
fn retry_after_as_an_http_date() {
    let past = outcome(429, Some("Sun, 06 Nov 1994 08:49:37 GMT"));
    assert_eq!(past, Outcome::Retry(Some(Duration::ZERO)));
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(30);
    let header = later.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string();
    let Outcome::Retry(Some(wait)) = outcome(429, Some(&header)) else {
        panic!("no wait from {header}");
    };
    assert!(
        wait > Duration::from_secs(25) && wait <= Duration::from_secs(30),
        "{wait:?}"
    );
}

fn audit(action: &str, phase: &str) -> AuditRecord {
    AuditRecord {
        time: "2025-01-02T03:04:05Z".parse().unwrap(),
        actor: "bob".into(),
        action: action.into(),
        request: "fraud-detection/alice-viewer-x7k2p".into(),
        requester: "alice".into(),
        model: "fraud-scorer".into(),
        level: "viewer".into(),
        namespace: "fraud-detection".into(),
        decision: None,
        comment: "why".into(),
        phase: phase.into(),
        expires_at: Some("2025-01-02T11:04:05Z".parse().unwrap()),
    }
}

#[test]
fn audit_records_map_to_notifications() {
    let new = Notification::from_record(&audit("requested", "Pending"), "Fraud scorer").unwrap();
    assert_eq!(new.request(), Some(&alice()));
    assert!(
        matches!(new, Notification::NewRequest { extension: false, ref justification, .. } if justification == "why")
    );
    assert!(matches!(
        Notification::from_record(&audit("extension-requested", "Pending"), "Fraud scorer"),
        Some(Notification::NewRequest {
            extension: true,
            ..
        })
    ));
    assert!(matches!(
        Notification::from_record(&audit("approved", "Active"), "x"),
        Some(Notification::Decision {
            approved: true,
            expires_at: Some(_),
            ..
        })
    ));
    assert!(matches!(
        Notification::from_record(&audit("approved", "Pending"), "x"),
        Some(Notification::Decision {
            approved: true,
            expires_at: None,
            ..
        })
    ));
    assert!(matches!(
        Notification::from_record(&audit("denied", "Denied"), "x"),
        Some(Notification::Decision {
            approved: false,
            ..
        })
    ));
    assert!(matches!(
        Notification::from_record(&audit("expires-soon", "Active"), "x"),
        Some(Notification::ExpiresSoon { .. })
    ));
    assert!(matches!(
        Notification::from_record(&audit("revoked", "Revoked"), "x"),
        Some(Notification::Revoked { .. })
    ));
    assert!(matches!(
        Notification::from_record(&audit("expired", "Expired"), "x"),
        Some(Notification::Expired { .. })
    ));
    for quiet in ["granted", "cancelled", "relinquished"] {
        assert_eq!(
            Notification::from_record(&audit(quiet, "Active"), "x"),
            None,
            "{quiet}"
        );
    }
    // Without a display name the model's name stands in.
    let named = Notification::from_record(&audit("expired", "Expired"), "").unwrap();
    assert_eq!(named.request().unwrap().model, "fraud-scorer");
}

#[test]
fn an_emergency_access_is_announced_loudly_with_its_justification() {
    let mut record = audit("break-glass", "Active");
    record.actor = "alice".into();
    record.comment = "INC-7 <!channel> scorer down".into();
    let event = Notification::from_record(&record, "Fraud scorer").unwrap();
    assert!(matches!(event, Notification::Emergency { .. }), "{event:?}");
    let text = event.text(Some(&portal()));
    assert!(
        text.starts_with(
            ":rotating_light: *Emergency access*: alice activated viewer access to Fraud scorer \
             (fraud-detection), in force until 2025-01-02 11:04 UTC without approval."
        ),
        "{text}"
    );
    assert!(text.contains("|Review the use>"), "{text}");
    assert!(
        text.ends_with(">INC-7 &lt;!channel&gt; scorer down"),
        "{text}"
    );

    let mut judged = audit("emergency-reviewed", "Revoked");
    judged.comment = "unjustified: no incident".into();
    let event = Notification::from_record(&judged, "Fraud scorer").unwrap();
    assert!(
        matches!(
            event,
            Notification::EmergencyReviewed {
                justified: false,
                ..
            }
        ),
        "{event:?}"
    );
    assert!(
        event
            .text(None)
            .starts_with(":warning: bob judged alice's emergency viewer access"),
        "{}",
        event.text(None)
    );
}

#[test]
fn without_a_url_notify_does_nothing() {
    let notifier = Notifier::start(None, Some(portal()));
    assert!(!notifier.is_enabled());
    notifier.notify(Notification::Expired { request: alice() });
    assert_eq!(notifier.dropped(), 0);
}

#[test]
fn an_approval_that_completes_a_stage_is_told_to_the_next_stages_approvers() {
    use crate::crd::fixtures::{self, stage};
    use crate::crd::{Decision, ModelSpec};
    use crate::engine::access::permissions::{Oversight, Person};
    use crate::engine::access::transitions;
    use crate::server::access::audit::Change;

    let spec = ModelSpec {
        approval_stages: vec![
            stage("team-lead", "fraud-leads"),
            stage("data-owner", "governance"),
        ],
        ..fixtures::model_spec()
    };
    let model = fixtures::model("fraud-detection", "fraud-scorer", spec.clone());
    let approve = |request: &crate::crd::AccessRequest, who: &str, group: &str, comment: &str| {
        let groups = vec![group.to_owned()];
        let person = Person {
            username: who,
            groups: &groups,
            oversight: Oversight::None,
        };
        let status = transitions::review(
            "fraud-scorer",
            &spec,
            request,
            &person,
            Decision::Approve,
            comment,
            fixtures::at(600).0,
        )
        .unwrap();
        let mut next = request.clone();
        next.status = Some(status);
        let change = Change::of(
            &next,
            Some(&model),
            who,
            "approved",
            Some(Decision::Approve),
            comment,
        );
        (next, Notification::from_change(&change).unwrap())
    };

    let mut request = fixtures::request("fraud-detection", "fraud-scorer-alice-x1", "alice");
    request.spec.duration = "2h".into();
    let (after_lead, told) = approve(&request, "bob", "fraud-leads", "ok <!channel>");
    let text = told.text(Some(&portal()));
    assert!(matches!(told, Notification::StageOpened { .. }), "{told:?}");
    assert!(
        text.contains("*data-owner stage*, stage 2 of 2: bob approved alice's request"),
        "{text}"
    );
    assert!(
        text.contains("which now waits for you, members of group governance"),
        "{text}"
    );
    assert!(
        text.contains("/requests/fraud-detection/fraud-scorer-alice-x1|Review>"),
        "{text}"
    );
    assert!(
        text.contains("&lt;!channel&gt;") && !text.contains("<!channel>"),
        "{text}"
    );

    // The last stage's approval grants: an ordinary decision.
    let (_, granted) = approve(&after_lead, "carol", "governance", "");
    assert!(
        matches!(granted, Notification::Decision { approved: true, .. }),
        "{granted:?}"
    );
}
