//! The logs view of a namespace, shared by the server render and the
//! browser: what the person asked for (the GET form), what the server
//! found, and how search matches are marked in a line.
//!
//! Log lines are hostile input: they are only ever rendered as text, split
//! into plain and marked segments by [`highlight_segments`].

use super::url_words::encode;
use serde::{Deserialize, Serialize};

/// Lines shown when the form does not say.
pub const DEFAULT_TAIL_LINES: i64 = 500;
/// The most lines one page shows (and one workload view merges).
pub const MAX_TAIL_LINES: i64 = 5_000;
/// The most followed lines the browser keeps; older ones are dropped.
pub const MAX_LIVE_LINES: usize = 5_000;
/// The most lines kept while following is paused; older ones are dropped.
pub const MAX_PAUSED_LINES: usize = 5_000;
/// The choices of the "since" field, as the form offers them.
pub const SINCE_CHOICES: &[(&str, &str)] = &[
    ("", "Any time"),
    ("5m", "Last 5 minutes"),
    ("15m", "Last 15 minutes"),
    ("1h", "Last hour"),
    ("6h", "Last 6 hours"),
    ("24h", "Last 24 hours"),
    ("7d", "Last 7 days"),
];

/// What the person asked to see: the fields of the page's GET form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogQuery {
    /// One pod; ignored when a workload is chosen.
    pub pod: String,
    /// Its container; empty means the pod's first container.
    pub container: String,
    /// All pods of a workload, merged by time: `Deployment/name`.
    pub workload: String,
    /// The last lines to show (see [`LogQuery::tail_lines`]).
    pub tail: Option<i64>,
    /// How far back: `30s`, `15m`, `2h`, `7d`, or empty for any time.
    pub since: String,
    /// The previous (terminated) container's log.
    pub previous: bool,
    pub timestamps: bool,
    /// Text to mark in the lines, case-insensitively for ASCII letters.
    pub search: String,
    /// Show only the lines that contain the search text.
    pub matching_only: bool,
}

impl LogQuery {
    /// Reads the form's fields from a query string's parameters.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        let text = |name: &str| {
            get(name)
                .map(|value| value.trim().to_owned())
                .unwrap_or_default()
        };
        let flag = |name: &str| matches!(text(name).as_str(), "on" | "true" | "1" | "yes");
        LogQuery {
            pod: text("pod"),
            container: text("container"),
            workload: text("workload"),
            tail: text("tail").parse().ok(),
            since: text("since"),
            previous: flag("previous"),
            timestamps: flag("timestamps"),
            search: get("search").unwrap_or_default(),
            matching_only: flag("matching"),
        }
    }

    /// The number of lines to show, within 1 ..= [`MAX_TAIL_LINES`].
    pub fn tail_lines(&self) -> i64 {
        self.tail
            .unwrap_or(DEFAULT_TAIL_LINES)
            .clamp(1, MAX_TAIL_LINES)
    }

    /// The workload chosen, when the field names one.
    pub fn workload_ref(&self) -> Option<WorkloadRef> {
        WorkloadRef::parse(&self.workload)
    }

    /// The address that streams a pod's new lines as Server-Sent Events.
    pub fn follow_url(&self, namespace: &str, pod: &str, container: &str) -> String {
        format!(
            "/api/logs/{}/{}?container={}&tailLines=0&timestamps={}",
            encode(namespace),
            encode(pod),
            encode(container),
            self.timestamps
        )
    }

    /// The address that downloads a pod's log as the form selects it.
    pub fn download_url(&self, namespace: &str, pod: &str, container: &str) -> String {
        let mut url = format!(
            "/api/logs/{}/{}/download?container={}&timestamps={}&previous={}",
            encode(namespace),
            encode(pod),
            encode(container),
            self.timestamps,
            self.previous
        );
        if let Some(tail) = self.tail {
            url.push_str(&format!("&tailLines={}", tail.clamp(1, i64::MAX)));
        }
        if !self.since.is_empty() {
            url.push_str(&format!("&since={}", encode(&self.since)));
        }
        url
    }
}

/// The kinds of workload whose pods can be read together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum WorkloadKind {
    Deployment,
    StatefulSet,
    Job,
}

impl WorkloadKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::Job => "Job",
        }
    }
}

/// A workload by kind and name, written `Kind/name` in the form.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct WorkloadRef {
    pub kind: WorkloadKind,
    pub name: String,
}

impl WorkloadRef {
    pub fn parse(text: &str) -> Option<Self> {
        let (kind, name) = text.split_once('/')?;
        let kind = match kind {
            "Deployment" => WorkloadKind::Deployment,
            "StatefulSet" => WorkloadKind::StatefulSet,
            "Job" => WorkloadKind::Job,
            _ => return None,
        };
        (!name.is_empty()).then(|| WorkloadRef {
            kind,
            name: name.to_owned(),
        })
    }
}

impl std::fmt::Display for WorkloadRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.kind.as_str(), self.name)
    }
}

/// Where a container is in its life, as far as reading its log goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContainerState {
    Running,
    /// Not started yet (`ContainerCreating`, `ImagePullBackOff`, …).
    Waiting {
        reason: String,
    },
    Terminated {
        reason: String,
    },
    /// The pod has no status for it yet (for example, not scheduled).
    Unknown,
}

impl ContainerState {
    /// A few words for the container picker.
    pub fn label(&self) -> String {
        match self {
            ContainerState::Running => "running".into(),
            ContainerState::Waiting { reason } => format!("waiting: {reason}"),
            ContainerState::Terminated { reason } => format!("terminated: {reason}"),
            ContainerState::Unknown => "not started".into(),
        }
    }
}

/// A container of a pod, in the picker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerChoice {
    pub name: String,
    pub state: ContainerState,
    pub restarts: i32,
    pub init: bool,
}

/// A pod of the namespace, in the picker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PodChoice {
    pub name: String,
    pub phase: String,
    pub containers: Vec<ContainerChoice>,
}

/// A workload of the namespace, in the picker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkloadChoice {
    pub workload: WorkloadRef,
}

/// One line as shown: the pod it came from in a merged view, and the text
/// as the container wrote it (with the timestamp when asked for).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    pub pod: Option<String>,
    pub text: String,
}

/// Why there are no lines, or why they are not what was asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LogNotice {
    /// The namespace has no pods.
    NoPods,
    /// The container has written nothing (in the time range asked for).
    NoLogsYet { container: String, since: bool },
    /// The container has not started, so it has no log yet.
    NotStarted { container: String, reason: String },
    /// `previous` was asked for a container that never restarted.
    NoPrevious { container: String },
    /// The workload selects no pods.
    WorkloadWithoutPods { workload: WorkloadRef },
    /// Kubernetes RBAC does not let the person read these logs.
    Forbidden { message: String },
    /// Something failed; the message says what.
    Failed { message: String },
}

/// Everything the logs page shows for one query.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogsView {
    pub pods: Vec<PodChoice>,
    pub workloads: Vec<WorkloadChoice>,
    /// The pod and container shown (none for a workload view).
    pub pod: Option<String>,
    pub container: Option<String>,
    /// The workload shown, merged by time.
    pub workload: Option<WorkloadRef>,
    pub lines: Vec<LogLine>,
    /// Lines that contain the search text (all of them without a search).
    pub matching: usize,
    /// Lines read before a "matching only" filter.
    pub read: usize,
    pub notice: Option<LogNotice>,
}

/// A piece of a line: plain text, or a search match to mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment<'a> {
    pub text: &'a str,
    pub is_match: bool,
}

/// Where `needle` occurs in `text` (ASCII letters ignore case), as byte
/// ranges that never overlap and always fall on character boundaries.
pub fn match_ranges(text: &str, needle: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let (haystack, wanted) = (text.as_bytes(), needle.as_bytes());
    if wanted.is_empty() || wanted.len() > haystack.len() {
        return ranges;
    }
    let mut start = 0;
    while start + wanted.len() <= haystack.len() {
        let end = start + wanted.len();
        if text.is_char_boundary(start)
            && text.is_char_boundary(end)
            && haystack[start..end].eq_ignore_ascii_case(wanted)
        {
            ranges.push((start, end));
            start = end;
        } else {
            start += 1;
        }
    }
    ranges
}

/// Whether `text` contains `needle` as [`match_ranges`] finds it.
pub fn line_matches(text: &str, needle: &str) -> bool {
    needle.is_empty() || !match_ranges(text, needle).is_empty()
}

/// `text` split into plain and matching segments, in order, covering all
/// of it; no segment is empty.
pub fn highlight_segments<'a>(text: &'a str, needle: &str) -> Vec<Segment<'a>> {
    let mut segments = Vec::new();
    let mut at = 0;
    for (start, end) in match_ranges(text, needle) {
        if start > at {
            segments.push(Segment {
                text: &text[at..start],
                is_match: false,
            });
        }
        segments.push(Segment {
            text: &text[start..end],
            is_match: true,
        });
        at = end;
    }
    if at < text.len() {
        segments.push(Segment {
            text: &text[at..],
            is_match: false,
        });
    }
    segments
}

/// Appends `lines` to `kept`, dropping the oldest beyond `limit`; returns
/// how many were dropped. The browser's follow buffers stay bounded by it.
pub fn push_bounded<T>(
    kept: &mut std::collections::VecDeque<T>,
    lines: impl IntoIterator<Item = T>,
    limit: usize,
) -> usize {
    let mut dropped = 0;
    for line in lines {
        if limit == 0 {
            dropped += 1;
            continue;
        }
        if kept.len() == limit {
            kept.pop_front();
            dropped += 1;
        }
        kept.push_back(line);
    }
    dropped
}

#[cfg(test)]
mod tests;
