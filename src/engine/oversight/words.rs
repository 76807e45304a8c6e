//! Small shared pieces: durations in a few words, seconds between two
//! times, and query strings for links.

use jiff::Timestamp;

pub use crate::wire::time_words::rough_duration_words as rough;

/// Seconds from `from` to `to`, zero when `to` is earlier.
pub fn seconds_between(from: Timestamp, to: Timestamp) -> u64 {
    (to.as_second() - from.as_second()).max(0) as u64
}

/// `key=value&…` of the pairs whose value is not empty, URL-encoded.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        if !value.trim().is_empty() {
            query.append_pair(key, value.trim());
        }
    }
    query.finish()
}

/// `path`, with `query` when there is one.
pub fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_their_two_largest_adjacent_units() {
        assert_eq!(rough(0), "0s");
        assert_eq!(rough(45), "45s");
        assert_eq!(rough(310), "5m 10s");
        assert_eq!(rough(2 * 86_400 + 3 * 3_600 + 59), "2d 3h");
        assert_eq!(rough(86_400 + 5), "1d");
    }

    #[test]
    fn query_strings_leave_out_empty_values_and_encode_the_rest() {
        assert_eq!(
            query_string(&[("user", "a b&c"), ("model", ""), ("to", " 2026-01-02 ")]),
            "user=a+b%26c&to=2026-01-02"
        );
        assert_eq!(with_query("/audit", ""), "/audit");
        assert_eq!(with_query("/audit", "page=2"), "/audit?page=2");
    }

    #[test]
    fn seconds_between_never_go_negative() {
        let early: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let late: Timestamp = "2026-01-01T00:01:00Z".parse().unwrap();
        assert_eq!(seconds_between(early, late), 60);
        assert_eq!(seconds_between(late, early), 0);
    }
}
