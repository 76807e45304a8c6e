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

use jiff::Timestamp;

use super::audit_args::AuditArgs;

/// One change to an access request.
#[derive(Clone, Debug, serde::Serialize, PartialEq)]
pub struct AuditRecord {
    /// When it happened (written as RFC 3339, UTC).
    pub time: Timestamp,
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
    pub expires_at: Option<Timestamp>,
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
        self.append(line(record), &record.request, &record.action);
    }

    /// Appends `line` (one line of JSON, without the line break) about
    /// `subject` and `action`, which an unwritten line is logged with.
    pub fn append(&self, line: String, subject: &str, action: &str) {
        let mut bytes = line.into_bytes();
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
                request = %subject,
                action = %action,
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
#[path = "audit_log_tests.rs"]
mod tests;
