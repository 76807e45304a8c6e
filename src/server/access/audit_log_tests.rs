//! Tests of the audit log.

use std::path::PathBuf;

use super::*;

/// A writer whose bytes the test can read back.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A writer that always fails.
struct Broken;

impl Write for Broken {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::other("disk on fire"))
    }
    fn flush(&mut self) -> io::Result<()> {
        Err(io::Error::other("disk on fire"))
    }
}

fn record(comment: &str) -> AuditRecord {
    AuditRecord {
        time: "2025-01-02T03:04:05Z".parse().unwrap(),
        actor: "bob".into(),
        action: "approved".into(),
        request: "fraud-detection/alice-viewer-x7k2p".into(),
        requester: "alice".into(),
        model: "fraud-scorer".into(),
        level: "viewer".into(),
        namespace: "fraud-detection".into(),
        decision: Some("approve".into()),
        comment: comment.into(),
        phase: "Active".into(),
        expires_at: Some("2025-01-02T11:04:05Z".parse().unwrap()),
    }
}

fn hostile_comment() -> String {
    let mut text = String::from("line one\nline two\r\n<script>alert('x')</script> \"quoted\" \\ ");
    text.extend((0u8..0x20).map(char::from));
    text.push('\u{7f}');
    text.push('\u{2028}');
    text.push_str("ünïcødé ✓ 🚀");
    while text.len() < 10 * 1024 {
        text.push_str("filler with\nnewlines\tand\ttabs; ");
    }
    text
}

#[test]
fn a_record_is_one_line_of_json_with_every_field() {
    let value: serde_json::Value = serde_json::from_str(&line(&record("looks fine"))).unwrap();
    assert_eq!(
        value,
        serde_json::json!({
            "time": "2025-01-02T03:04:05Z",
            "actor": "bob",
            "action": "approved",
            "request": "fraud-detection/alice-viewer-x7k2p",
            "requester": "alice",
            "model": "fraud-scorer",
            "level": "viewer",
            "namespace": "fraud-detection",
            "decision": "approve",
            "comment": "looks fine",
            "phase": "Active",
            "expires_at": "2025-01-02T11:04:05Z",
        })
    );
}

#[test]
fn hostile_comments_stay_on_one_line_and_round_trip() {
    let comment = hostile_comment();
    assert!(comment.len() >= 10 * 1024);
    let text = line(&record(&comment));
    assert!(!text.contains('\n'));
    assert!(!text.contains('\r'));
    assert!(
        !text.bytes().any(|b| b < 0x20),
        "raw control character in {text:?}"
    );
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["comment"], comment.as_str());
}

#[test]
fn written_lines_end_with_one_line_break_each() {
    let buffer = Shared::default();
    let log = AuditLog::to_writer(buffer.clone());
    log.write(&record(&hostile_comment()));
    log.write(&record("second"));
    let written = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = written.split_terminator('\n').collect();
    assert_eq!(lines.len(), 2);
    assert!(written.ends_with('\n'));
    for line in lines {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
}

#[test]
fn missing_decision_and_expiry_are_null() {
    let mut pending = record("");
    pending.decision = None;
    pending.expires_at = None;
    let value: serde_json::Value = serde_json::from_str(&line(&pending)).unwrap();
    assert!(value["decision"].is_null());
    assert!(value["expires_at"].is_null());
}

#[test]
fn write_errors_do_not_panic() {
    let log = AuditLog::to_writer(Broken);
    log.write(&record("x"));
    log.write(&record("y"));
}

#[test]
fn the_time_is_written_as_rfc3339_utc() {
    let mut now = record("");
    now.time = Timestamp::now();
    let value: serde_json::Value = serde_json::from_str(&line(&now)).unwrap();
    let time = value["time"].as_str().unwrap();
    assert!(time.ends_with('Z'), "{time}");
    assert_eq!(time.parse::<Timestamp>().unwrap(), now.time);
}

#[test]
fn eight_concurrent_writers_to_a_file_give_one_json_line_per_record() {
    let path = std::env::temp_dir().join(format!("aigov-audit-{}.log", uuid::Uuid::new_v4()));
    let log = AuditLog::to_file(&path).unwrap();
    let comment = hostile_comment();
    std::thread::scope(|scope| {
        for writer in 0..8 {
            let log = log.clone();
            let comment = &comment;
            scope.spawn(move || {
                for n in 0..100 {
                    let mut r = record(comment);
                    r.actor = format!("writer-{writer}");
                    r.request = format!("ns/request-{n}");
                    log.write(&r);
                }
            });
        }
    });
    // Appending to an existing file keeps what is there.
    AuditLog::to_file(&path)
        .unwrap()
        .write(&record("after reopening"));
    let written = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let lines: Vec<&str> = written.split_terminator('\n').collect();
    assert_eq!(lines.len(), 801);
    let mut seen = std::collections::HashSet::new();
    for line in &lines[..800] {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(value["comment"], comment.as_str());
        seen.insert((
            value["actor"].as_str().unwrap().to_owned(),
            value["request"].as_str().unwrap().to_owned(),
        ));
    }
    assert_eq!(seen.len(), 800);
    assert!(lines[800].contains("after reopening"));
}

#[test]
fn a_file_that_cannot_be_opened_is_an_error() {
    let args = AuditArgs {
        audit_log: Some(PathBuf::from("/nonexistent-dir/aigov/audit.log")),
        notify_webhook_url: None,
        record_namespace: "aigov-system".into(),
    };
    assert!(AuditLog::from_args(&args).is_err());
    let stdout = AuditArgs {
        audit_log: None,
        notify_webhook_url: None,
        record_namespace: "aigov-system".into(),
    };
    assert_eq!(
        AuditLog::from_args(&stdout).unwrap().destination(),
        "standard output"
    );
}

mod properties {
    use super::*;
    use crate::hostile::{config, hostile_string};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn any_words_make_exactly_one_line_that_reads_back(
            actor in hostile_string(),
            comment in hostile_string(),
        ) {
            let record = AuditRecord {
                time: Timestamp::UNIX_EPOCH,
                actor: actor.clone(),
                action: "approved".into(),
                request: "ns/r".into(),
                requester: "alice".into(),
                model: "m".into(),
                level: "viewer".into(),
                namespace: "ns".into(),
                decision: None,
                comment: comment.clone(),
                phase: "Active".into(),
                expires_at: None,
            };
            let text = line(&record);
            prop_assert!(!text.contains(['\n', '\r']));
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(value["actor"].as_str(), Some(actor.as_str()));
            prop_assert_eq!(value["comment"].as_str(), Some(comment.as_str()));
        }
    }
}
