//! The audit trail: every history entry of every request the viewer may
//! see, newest first, filtered by user, model, namespace, action and dates.
//! Entries come from the durable access records merged with the live
//! requests ([`super::records`]), so a deleted request stays in the trail,
//! marked as gone.

use super::pagination::{PER_PAGE, paginate, parse_page};
use super::records::{Recorded, recorded};
use super::words::{query_string, rough, seconds_between, with_query};
use crate::crd::{AccessRecord, AccessRequest, ModelUsageSpec};
use crate::wire::audit_trail::{
    AuditChoices, AuditEvent, AuditFilterValues, AuditTrail, Pagination,
};
use jiff::{SignedDuration, Timestamp};

/// The actions the workflow records, in the order a request lives them.
pub const KNOWN_ACTIONS: [&str; 16] = [
    "requested",
    "break-glass",
    "extension-requested",
    "approved",
    "self-approved",
    "denied",
    "granted",
    "role-recorded",
    "emergency-reviewed",
    "cancelled",
    "relinquished",
    "revoked",
    "expired",
    "removed",
    "deleted",
    "used",
];

/// The filters, checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Lower-case; matches the actor or the requester exactly.
    pub user: Option<String>,
    pub model: Option<String>,
    pub namespace: Option<String>,
    pub action: Option<String>,
    /// Events at or after this moment.
    pub from: Option<Timestamp>,
    /// Events before this moment (the day after the "to" date).
    pub until: Option<Timestamp>,
}

impl AuditFilter {
    /// Checks the filters as typed: dates must be real `YYYY-MM-DD` dates
    /// in order, and the action one the workflow records (or one that
    /// occurs). Every problem is named.
    pub fn parse(values: &AuditFilterValues, actions: &[String]) -> Result<Self, Vec<String>> {
        let text = |value: &str| {
            let value = value.trim();
            (!value.is_empty()).then(|| value.to_owned())
        };
        let mut problems = Vec::new();
        let from = date_start(&values.from, "start", &mut problems);
        // The last representable day has no day after it: its end is the
        // end of time, not "no end date".
        let until = date_start(&values.to, "end", &mut problems).map(|day| {
            day.checked_add(SignedDuration::from_hours(24))
                .unwrap_or(Timestamp::MAX)
        });
        if let (Some(from), Some(until)) = (from, until)
            && from >= until
        {
            problems.push(format!(
                "The start date {} is after the end date {}.",
                values.from.trim(),
                values.to.trim()
            ));
        }
        let action = text(&values.action);
        if let Some(action) = &action
            && !actions.iter().any(|known| known == action)
        {
            problems.push(format!(
                "“{action}” is not an action the audit trail records; choose one from the list."
            ));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(AuditFilter {
            user: text(&values.user).map(|user| user.to_lowercase()),
            model: text(&values.model),
            namespace: text(&values.namespace),
            action,
            from,
            until,
        })
    }

    /// Whether `event` passes every filter.
    pub fn admits(&self, event: &AuditEvent) -> bool {
        self.user.as_ref().is_none_or(|user| {
            event.actor.to_lowercase() == *user || event.requester.to_lowercase() == *user
        }) && self
            .model
            .as_ref()
            .is_none_or(|model| &event.model == model)
            && self
                .namespace
                .as_ref()
                .is_none_or(|namespace| &event.namespace == namespace)
            && self
                .action
                .as_ref()
                .is_none_or(|action| &event.action == action)
            && self.from.is_none_or(|from| event.at >= from)
            && self.until.is_none_or(|until| event.at < until)
    }
}

/// The moment a `YYYY-MM-DD` day begins (UTC); a problem is noted for
/// anything else. Empty is no date.
fn date_start(text: &str, which: &str, problems: &mut Vec<String>) -> Option<Timestamp> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let shaped = text.len() == 10
        && text.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    match shaped
        .then(|| format!("{text}T00:00:00Z").parse::<Timestamp>().ok())
        .flatten()
    {
        Some(start) => Some(start),
        None => {
            problems.push(format!(
                "The {which} date “{text}” is not a date; write it as YYYY-MM-DD, e.g. 2026-11-27."
            ));
            None
        }
    }
}

/// Every event of `requests`, newest first (ties: by request, later entry
/// first).
pub fn events(requests: &[Recorded]) -> Vec<AuditEvent> {
    let mut events = Vec::new();
    for request in requests {
        for (index, entry) in request.history.iter().enumerate() {
            events.push((
                index,
                AuditEvent {
                    at: entry.at.0,
                    actor: entry.actor.clone(),
                    action: entry.action.clone(),
                    phase: entry.phase.as_str().to_owned(),
                    requester: request.asked.requester.clone(),
                    model: request.asked.model.clone(),
                    namespace: request.namespace.clone(),
                    level: request.asked.level.clone(),
                    request: request.name.clone(),
                    comment: entry.comment.clone(),
                    request_gone: request.gone.clone(),
                    ago: String::new(),
                },
            ));
        }
    }
    events.sort_by(|a, b| {
        b.1.at
            .cmp(&a.1.at)
            .then_with(|| a.1.namespace.cmp(&b.1.namespace))
            .then_with(|| a.1.request.cmp(&b.1.request))
            .then_with(|| b.0.cmp(&a.0))
    });
    events.into_iter().map(|(_, event)| event).collect()
}

/// `events` and `uses` together, newest first.
pub fn with_uses(mut events: Vec<AuditEvent>, uses: Vec<AuditEvent>) -> Vec<AuditEvent> {
    if uses.is_empty() {
        return events;
    }
    events.extend(uses);
    // Stable: the order among the requests' own events is kept.
    events.sort_by_key(|event| std::cmp::Reverse(event.at));
    events
}

/// One `used` event per person, model and day of the model use records
/// (`(namespace, record)`): who used which model, how often and how, under
/// which grant, at their last use that day. `person_of` names a
/// Kubernetes subject as people know it.
pub fn use_events(
    records: &[(String, ModelUsageSpec)],
    person_of: impl Fn(&str) -> String,
) -> Vec<AuditEvent> {
    let mut events = Vec::new();
    for (namespace, record) in records {
        for person in &record.people {
            let who = person_of(&person.subject);
            let mut through = Vec::new();
            if person.through_portal > 0 {
                through.push(format!("{} through the portal", person.through_portal));
            }
            if person.through_service_proxy > 0 {
                through.push(format!(
                    "{} through the API server's service proxy",
                    person.through_service_proxy
                ));
            }
            if person.log_reads > 0 {
                through.push(format!("{} reads of its pods' logs", person.log_reads));
            }
            events.push(AuditEvent {
                at: person.last_used.0,
                actor: who.clone(),
                action: "used".to_owned(),
                phase: String::new(),
                requester: who,
                model: record.model.clone(),
                namespace: namespace.clone(),
                level: String::new(),
                request: person.grants.first().cloned().unwrap_or_default(),
                comment: format!(
                    "{} on {} ({} answered, {} refused, {} failed): {}",
                    count(person.calls, "use", "uses"),
                    record.day,
                    person.answered,
                    person.refused,
                    person.failed,
                    through.join(", ")
                ),
                request_gone: String::new(),
                ago: String::new(),
            });
        }
    }
    events
}

fn count(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The actions a filter may name: the known ones, then any other that
/// occurs among `events`.
pub fn actions(events: &[AuditEvent]) -> Vec<String> {
    let mut actions: Vec<String> = KNOWN_ACTIONS.iter().map(|a| (*a).to_owned()).collect();
    let mut others: Vec<String> = events
        .iter()
        .map(|event| event.action.clone())
        .filter(|action| !actions.contains(action))
        .collect();
    others.sort();
    others.dedup();
    actions.extend(others);
    actions
}

/// The filters as a query string, without the page.
pub fn filter_query(values: &AuditFilterValues) -> String {
    query_string(&[
        ("user", &values.user),
        ("model", &values.model),
        ("namespace", &values.namespace),
        ("action", &values.action),
        ("from", &values.from),
        ("to", &values.to),
    ])
}

/// Every event passing the filters, newest first (for exports), or what
/// is wrong with the filters.
pub fn filtered(
    requests: &[AccessRequest],
    records: &[AccessRecord],
    uses: Vec<AuditEvent>,
    values: &AuditFilterValues,
) -> Result<Vec<AuditEvent>, Vec<String>> {
    let all = with_uses(events(&recorded(requests, records)), uses);
    let filter = AuditFilter::parse(values, &actions(&all))?;
    Ok(all
        .into_iter()
        .filter(|event| filter.admits(event))
        .collect())
}

/// One page of the audit trail for the page at `/audit`.
pub fn audit_trail(
    requests: &[AccessRequest],
    records: &[AccessRecord],
    uses: Vec<AuditEvent>,
    values: AuditFilterValues,
    page: &str,
    limited: bool,
    now: Timestamp,
) -> AuditTrail {
    let requests = recorded(requests, records);
    let all = with_uses(events(&requests), uses);
    let actions = actions(&all);
    let mut models: Vec<String> = requests.iter().map(|r| r.asked.model.clone()).collect();
    models.sort();
    models.dedup();
    let mut namespaces: Vec<String> = requests.iter().map(|r| r.namespace.clone()).collect();
    namespaces.sort();
    namespaces.dedup();
    let query = filter_query(&values);
    let mut trail = AuditTrail {
        total_visible: all.len(),
        choices: AuditChoices {
            models,
            namespaces,
            actions: actions.clone(),
        },
        export_query: query.clone(),
        limited,
        ..Default::default()
    };
    let filter = match AuditFilter::parse(&values, &actions) {
        Ok(filter) => filter,
        Err(mut problems) => {
            problems.extend(parse_page(page).err());
            trail.filter = values;
            trail.problems = problems;
            return trail;
        }
    };
    trail.filter = values;
    let matching: Vec<AuditEvent> = all
        .into_iter()
        .filter(|event| filter.admits(event))
        .collect();
    let href = |number: usize| {
        let page = number.to_string();
        let pairs = if number == 1 { "" } else { page.as_str() };
        let with_page = [query.as_str(), &query_string(&[("page", pairs)])]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join("&");
        with_query("/audit", &with_page)
    };
    let shown = parse_page(page).and_then(|page| paginate(matching.len(), page, PER_PAGE, href));
    match shown {
        Ok((range, pagination)) => {
            trail.pagination = pagination;
            trail.events = matching[range].to_vec();
            for event in &mut trail.events {
                event.ago = format!("{} ago", rough(seconds_between(event.at, now)));
            }
        }
        Err(problem) => {
            trail.problems.push(problem);
            trail.pagination = Pagination {
                total: matching.len(),
                pages: matching.len().div_ceil(PER_PAGE).max(1),
                ..Default::default()
            };
        }
    }
    trail
}

#[cfg(test)]
#[path = "audit_trail_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "audit_trail_source_tests.rs"]
mod source_tests;
