//! The inbox narrowed by its filters and put in the order asked for.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use kube::ResourceExt;

use crate::crd::{AccessRequest, Model, Phase};
use crate::wire::inbox::{InboxFilter, InboxSort};

fn contains(haystack: &str, needle: &str) -> bool {
    let needle = needle.trim().to_lowercase();
    needle.is_empty() || haystack.to_lowercase().contains(&needle)
}

/// When a request stops waiting: its pending timeout, or the end of the
/// grant it extends if that comes first.
pub fn stops_waiting(
    request: &AccessRequest,
    requests: &[AccessRequest],
    pending_timeout: Duration,
) -> Option<Timestamp> {
    let created = request.metadata.creation_timestamp.as_ref()?.0;
    let timeout = SignedDuration::try_from(pending_timeout).unwrap_or(SignedDuration::MAX);
    let times_out = created.checked_add(timeout).ok();
    let grant_ends = request.spec.extends.as_ref().and_then(|grant| {
        requests
            .iter()
            .find(|other| {
                other.name_any() == *grant
                    && other.namespace() == request.namespace()
                    && other.phase() == Phase::Active
            })
            .and_then(|other| other.status.as_ref()?.expires_at.as_ref().map(|t| t.0))
    });
    match (times_out, grant_ends) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// `items` kept to `filter` and ordered by its sort.
pub fn arrange<'a>(
    mut items: Vec<(&'a AccessRequest, &'a Model)>,
    filter: &InboxFilter,
    requests: &[AccessRequest],
    pending_timeout: Duration,
) -> Vec<(&'a AccessRequest, &'a Model)> {
    let namespace = filter.namespace.trim();
    items.retain(|(request, model)| {
        (namespace.is_empty() || request.namespace().as_deref() == Some(namespace))
            && (contains(&request.spec.model, &filter.model)
                || contains(&model.spec.display_name, &filter.model))
            && contains(&request.spec.requester, &filter.requester)
    });
    // Creation times have whole seconds: the name breaks a tie, so the
    // order never changes between two loads.
    let created = |request: &AccessRequest| {
        (
            request.metadata.creation_timestamp.as_ref().map(|t| t.0),
            request.name_any(),
        )
    };
    match InboxSort::parse(&filter.sort) {
        InboxSort::Oldest => items.sort_by_key(|(request, _)| created(request)),
        InboxSort::Newest => {
            items.sort_by_key(|(request, _)| std::cmp::Reverse(created(request)));
        }
        InboxSort::Expiring => items.sort_by_key(|(request, _)| {
            (
                stops_waiting(request, requests, pending_timeout).unwrap_or(Timestamp::MAX),
                created(request),
            )
        }),
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::fixtures::{at, model, model_spec, request};

    fn pending(name: &str, requester: &str, created: i64) -> AccessRequest {
        let mut request = request("fraud", name, requester);
        request.metadata.creation_timestamp = Some(at(created));
        request
    }

    #[test]
    fn filters_narrow_by_model_namespace_and_requester_and_sorts_order() {
        let scorer = model("fraud", "fraud-scorer", model_spec());
        let mut other = model("vision", "detector", model_spec());
        other.spec.display_name = "Object detector".into();
        let a = pending("a", "alice", -300);
        let b = pending("b", "bob", -100);
        let mut c = pending("c", "Alice.Smith", -200);
        c.metadata.namespace = Some("vision".into());
        c.spec.model = "detector".into();
        // An extension whose grant ends in two hours: before a day's
        // timeout, after an hour's.
        let mut grant = pending("grant", "dave", -7200);
        grant.status = Some(crate::crd::AccessRequestStatus {
            phase: Phase::Active,
            expires_at: Some(at(7200)),
            ..Default::default()
        });
        let mut d = pending("d", "dave", -50);
        d.spec.extends = Some("grant".into());
        let requests = vec![a.clone(), b.clone(), c.clone(), d.clone(), grant];
        let items = vec![(&a, &scorer), (&b, &scorer), (&c, &other), (&d, &scorer)];
        let names = |items: Vec<(&AccessRequest, &Model)>| -> Vec<String> {
            items.iter().map(|(r, _)| r.name_any()).collect()
        };
        let hour = Duration::from_secs(3600);
        let any = InboxFilter::default();
        assert_eq!(
            names(arrange(items.clone(), &any, &requests, hour)),
            ["a", "c", "b", "d"]
        );
        let newest = InboxFilter {
            sort: "newest".into(),
            ..Default::default()
        };
        assert_eq!(
            names(arrange(items.clone(), &newest, &requests, hour)),
            ["d", "b", "c", "a"]
        );
        let expiring = InboxFilter {
            sort: "expiring".into(),
            ..Default::default()
        };
        assert_eq!(
            names(arrange(items.clone(), &expiring, &requests, hour)),
            ["a", "c", "b", "d"]
        );
        let short = Duration::from_secs(86_400);
        assert_eq!(
            names(arrange(items.clone(), &expiring, &requests, short)),
            ["d", "a", "c", "b"]
        );
        let alice = InboxFilter {
            requester: " ALICE ".into(),
            ..Default::default()
        };
        assert_eq!(
            names(arrange(items.clone(), &alice, &requests, hour)),
            ["a", "c"]
        );
        let detector = InboxFilter {
            model: "object".into(),
            ..Default::default()
        };
        assert_eq!(
            names(arrange(items.clone(), &detector, &requests, hour)),
            ["c"]
        );
        let vision = InboxFilter {
            namespace: "vision".into(),
            ..Default::default()
        };
        assert_eq!(
            names(arrange(items.clone(), &vision, &requests, hour)),
            ["c"]
        );
        let nothing = InboxFilter {
            namespace: "vis".into(),
            ..Default::default()
        };
        assert!(
            arrange(items, &nothing, &requests, hour).is_empty(),
            "namespace: exact"
        );
    }
}
