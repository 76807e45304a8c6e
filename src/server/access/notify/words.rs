//! The small pieces every notification is written with: Slack's escaping,
//! quoting, shortening, times and links to the portal.

use jiff::Timestamp;
use url::Url;

/// Slack truncates section text beyond 3000 characters.
pub(super) const MAX_SECTION_TEXT: usize = 3000;
/// Comments longer than this are shortened with an ellipsis.
pub(super) const MAX_COMMENT: usize = 1500;

/// Escapes the three characters Slack's mrkdwn gives meaning to: `&`, `<`
/// and `>` (so user text can neither forge links nor mention `<!channel>`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// `text`, escaped, as a block quote (every line starts with `>`).
pub(super) fn quote(text: &str) -> String {
    text.lines()
        .map(|line| format!(">{}", escape(line)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// At most `max` characters, ending in `…` when shortened.
pub(super) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(max.saturating_sub(1)).collect();
    short.push('…');
    short
}

/// `2025-01-02T11:04:05.123Z` → `2025-01-02 11:04 UTC`; anything else as is.
pub(super) fn human_time(at: Timestamp) -> String {
    at.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// `{public_url}/{segments…}`, keeping any path prefix, each segment
/// escaped as a path segment.
pub(super) fn portal_url(public_url: Option<&Url>, segments: &[&str]) -> Option<Url> {
    let mut url = public_url?.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.path_segments_mut()
        .ok()?
        .pop_if_empty()
        .extend(segments);
    Some(url)
}
