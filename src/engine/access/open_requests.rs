//! The cap on open requests per person: a request is open while it waits
//! for a decision (Pending), its grant waits for its start (Scheduled) or
//! is in force (Active). A person
//! with `--max-open-requests` open requests in the cluster may file no
//! other until one is cancelled, decided or ended, so nobody can fill the
//! cluster with requests.

use super::refusal::Refusal;
use crate::crd::{AccessRequest, Phase};

/// The default cap (`--max-open-requests`).
pub const DEFAULT_MAX_OPEN_REQUESTS: usize = 10;

/// Whether a request still counts against its requester's cap.
pub fn is_open(request: &AccessRequest) -> bool {
    matches!(
        request.phase(),
        Phase::Pending | Phase::Scheduled | Phase::Active
    )
}

/// How many of `requests` are open requests of `requester` (the
/// identity-provider name, compared exactly).
pub fn open_count(requests: &[AccessRequest], requester: &str) -> usize {
    requests
        .iter()
        .filter(|request| request.spec.requester == requester && is_open(request))
        .count()
}

/// Refuses a new request when `requester` already has `max` open ones.
pub fn check_cap(requests: &[AccessRequest], requester: &str, max: usize) -> Result<(), Refusal> {
    let open = open_count(requests, requester);
    if open >= max {
        return Err(Refusal::TooManyOpen { open, max });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::fixtures::request_in_phase;

    #[test]
    fn pending_and_active_requests_count_settled_ones_and_other_people_do_not() {
        let mut requests = Vec::new();
        for phase in [Phase::Pending, Phase::Scheduled, Phase::Active] {
            requests.push(request_in_phase("alice", phase));
        }
        for phase in [
            Phase::Denied,
            Phase::Expired,
            Phase::Revoked,
            Phase::Cancelled,
        ] {
            requests.push(request_in_phase("alice", phase));
        }
        requests.push(request_in_phase("bob", Phase::Pending));
        // The same name in another case is another person.
        requests.push(request_in_phase("Alice", Phase::Pending));
        assert_eq!(open_count(&requests, "alice"), 3);
        assert_eq!(open_count(&requests, "bob"), 1);
        assert_eq!(open_count(&requests, "carol"), 0);
    }

    #[test]
    fn the_cap_refuses_at_the_limit_and_frees_up_when_one_settles() {
        let mut requests: Vec<_> = (0..10)
            .map(|_| request_in_phase("alice", Phase::Pending))
            .collect();
        let refusal = check_cap(&requests, "alice", 10).unwrap_err();
        assert_eq!(refusal, Refusal::TooManyOpen { open: 10, max: 10 });
        assert_eq!(
            refusal.to_string(),
            "You have 10 open requests, the most one person may have; cancel one or wait for a decision."
        );
        assert!(check_cap(&requests, "bob", 10).is_ok());
        requests[3] = request_in_phase("alice", Phase::Cancelled);
        assert!(check_cap(&requests, "alice", 10).is_ok());
        assert!(check_cap(&requests, "alice", 9).is_err());
    }
}
