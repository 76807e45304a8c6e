use super::*;

fn marked(text: &str, needle: &str) -> String {
    highlight_segments(text, needle)
        .into_iter()
        .map(|s| {
            if s.is_match {
                format!("[{}]", s.text)
            } else {
                s.text.to_owned()
            }
        })
        .collect()
}

#[test]
fn matches_are_marked_ignoring_ascii_case() {
    assert_eq!(
        marked("ERROR: error in Error", "error"),
        "[ERROR]: [error] in [Error]"
    );
}

#[test]
fn a_line_without_a_match_or_an_empty_search_is_one_plain_segment() {
    assert_eq!(
        highlight_segments("plain", "x"),
        vec![Segment {
            text: "plain",
            is_match: false
        }]
    );
    assert_eq!(highlight_segments("plain", "").len(), 1);
    assert!(highlight_segments("", "x").is_empty());
}

#[test]
fn matches_do_not_overlap_and_respect_character_boundaries() {
    assert_eq!(marked("aaaa", "aa"), "[aa][aa]");
    assert_eq!(marked("grüße grüße", "üß"), "gr[üß]e gr[üß]e");
    assert_eq!(marked("é", "\u{a9}"), "é");
}

#[test]
fn markup_in_a_line_stays_text() {
    let segments = highlight_segments("<script>alert(1)</script>", "alert");
    assert_eq!(segments[0].text, "<script>");
    assert!(segments[1].is_match);
}

#[test]
fn a_bounded_buffer_drops_the_oldest_lines() {
    let mut kept: std::collections::VecDeque<i32> = (1..=3).collect();
    assert_eq!(push_bounded(&mut kept, [4, 5], 4), 1);
    assert_eq!(kept, [2, 3, 4, 5]);
    assert_eq!(push_bounded(&mut kept, 0..10, 4), 10);
    assert_eq!(kept, [6, 7, 8, 9]);
    assert_eq!(push_bounded(&mut kept, [1], 0), 1);
}

#[test]
fn the_form_fields_are_read_with_defaults_and_bounds() {
    let query = LogQuery::from_params(|name| match name {
        "pod" => Some(" log-generator ".into()),
        "tail" => Some("999999".into()),
        "previous" => Some("on".into()),
        "search" => Some(" error ".into()),
        _ => None,
    });
    assert_eq!(query.pod, "log-generator");
    assert_eq!(query.tail_lines(), MAX_TAIL_LINES);
    assert!(query.previous && !query.timestamps);
    assert_eq!(query.search, " error ");
    assert_eq!(LogQuery::default().tail_lines(), DEFAULT_TAIL_LINES);
}

#[test]
fn workloads_are_written_kind_slash_name() {
    let workload = WorkloadRef::parse("Deployment/fraud-scorer").unwrap();
    assert_eq!(workload.kind, WorkloadKind::Deployment);
    assert_eq!(workload.to_string(), "Deployment/fraud-scorer");
    assert_eq!(WorkloadRef::parse("DaemonSet/x"), None);
    assert_eq!(WorkloadRef::parse("Job/"), None);
}

#[test]
fn stream_and_download_addresses_encode_their_parts() {
    let query = LogQuery {
        since: "1h".into(),
        tail: Some(10),
        ..LogQuery::default()
    };
    assert_eq!(
        query.follow_url("sandbox", "log-generator", "gen erator"),
        "/api/logs/sandbox/log-generator?container=gen%20erator&tailLines=0&timestamps=false"
    );
    assert_eq!(
        query.download_url("sandbox", "p", "c"),
        "/api/logs/sandbox/p/download?container=c&timestamps=false&previous=false&tailLines=10&since=1h"
    );
}
