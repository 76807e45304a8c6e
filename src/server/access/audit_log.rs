//! The audit trail: one JSON object per line for every change to an access
//! request, on standard output or appended to a file.
//!
//! Each record is serialised to a single line first (JSON escapes newlines
//! and control characters inside strings, so one record is always one line)
//! and then written with one call while holding a lock, so lines from
//! concurrent callers never interleave. Failing to write is logged and
//! otherwise ignored: the audit trail never takes a decision down with it.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use super::audit_args::AuditArgs;

/// One change to an access request.
#[derive(Clone, Debug, serde::Serialize, PartialEq)]
pub struct AuditRecord {
    /// When it happened (RFC 3339, UTC).
    pub time: String,
    /// Who acted: a person's username, or `aigov` for the reconciler.
    pub actor: String,
    /// `requested`, `approved`, `denied`, `granted`, `cancelled`,
    /// `relinquished`, `revoked`, `expired`, `extension-requested`, …
    pub action: String,
    /// `<namespace>/<name>` of the AccessRequest.
    pub request: String,
    pub requester: String,
    pub model: String,
    pub level: String,
    pub namespace: String,
    /// `approve` or `deny`, for reviews.
    pub decision: Option<String>,
    pub comment: String,
    /// The request's phase after the change.
    pub phase: String,
    pub expires_at: Option<String>,
}

/// The current time as RFC 3339 in UTC, for [`AuditRecord::time`].
pub fn now() -> String {
    k8s_openapi::jiff::Timestamp::now().to_string()
}

/// `record` as one line of JSON, without the line break.
pub fn line(record: &AuditRecord) -> String {
    match serde_json::to_string(record) {
        Ok(line) => line,
        // Serialising plain strings cannot fail; should it ever, the line
        // still says what happened.
        Err(error) => serde_json::json!({
            "time": record.time,
            "actor": record.actor,
            "action": record.action,
            "request": record.request,
            "error": error.to_string(),
        })
        .to_string(),
    }
}

/// Where the audit trail is written. Cheap to clone; clones share the
/// destination and its lock.
#[derive(Clone)]
pub struct AuditLog {
    sink: Arc<Mutex<Sink>>,
    destination: Arc<str>,
}

enum Sink {
    Stdout,
    File(File),
    Writer(Box<dyn Write + Send>),
}

impl AuditLog {
    /// Audit lines on standard output.
    pub fn stdout() -> Self {
        Self::with_sink(Sink::Stdout, "standard output".into())
    }

    /// Audit lines appended to `path`, which is created if missing.
    pub fn to_file(path: impl AsRef<Path>) -> io::Result<Self> {
        let path = path.as_ref();
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Self::with_sink(
            Sink::File(file),
            path.display().to_string(),
        ))
    }

    /// Audit lines written to any writer (tests, or a destination of the
    /// embedding program's choosing).
    pub fn to_writer(writer: impl Write + Send + 'static) -> Self {
        Self::with_sink(Sink::Writer(Box::new(writer)), "a writer".into())
    }

    /// The destination `--audit-log` names: the file, or standard output.
    pub fn from_args(args: &AuditArgs) -> io::Result<Self> {
        match &args.audit_log {
            Some(path) => Self::to_file(path),
            None => Ok(Self::stdout()),
        }
    }

    fn with_sink(sink: Sink, destination: String) -> Self {
        Self {
            sink: Arc::new(Mutex::new(sink)),
            destination: destination.into(),
        }
    }

    /// Where lines go, for startup logs.
    pub fn destination(&self) -> &str {
        &self.destination
    }

    /// Writes `record` as one line. Never fails: a write error is logged.
    pub fn write(&self, record: &AuditRecord) {
        tracing::info!(
            target: "aigov::audit",
            actor = %record.actor,
            action = %record.action,
            request = %record.request,
            "audit"
        );
        let mut bytes = line(record).into_bytes();
        bytes.push(b'\n');
        // A panic elsewhere while holding the lock leaves nothing half-done
        // that matters here: each write is a whole line.
        let mut sink = self
            .sink
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let result = match &mut *sink {
            Sink::Stdout => {
                let mut out = io::stdout().lock();
                out.write_all(&bytes).and_then(|()| out.flush())
            }
            Sink::File(file) => file.write_all(&bytes),
            Sink::Writer(writer) => writer.write_all(&bytes).and_then(|()| writer.flush()),
        };
        drop(sink);
        if let Err(error) = result {
            tracing::error!(
                destination = %self.destination,
                %error,
                request = %record.request,
                action = %record.action,
                "audit line not written"
            );
        }
    }
}

impl Default for AuditLog {
    fn default() -> Self {
        Self::stdout()
    }
}

impl fmt::Debug for AuditLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditLog")
            .field("destination", &self.destination)
            .finish()
    }
}

#[cfg(test)]
mod tests {
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
            time: "2025-01-02T03:04:05Z".into(),
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
            expires_at: Some("2025-01-02T11:04:05Z".into()),
        }
    }

    fn hostile_comment() -> String {
        let mut text =
            String::from("line one\nline two\r\n<script>alert('x')</script> \"quoted\" \\ ");
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
    fn now_is_rfc3339_utc() {
        let time = now();
        assert!(time.ends_with('Z'), "{time}");
        time.parse::<k8s_openapi::jiff::Timestamp>().unwrap();
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
        };
        assert!(AuditLog::from_args(&args).is_err());
        let stdout = AuditArgs {
            audit_log: None,
            notify_webhook_url: None,
        };
        assert_eq!(
            AuditLog::from_args(&stdout).unwrap().destination(),
            "standard output"
        );
    }
}
