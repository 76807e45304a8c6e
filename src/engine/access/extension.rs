//! When an approved extension ends. An extension is a request of its own
//! that names the grant in force it extends (`spec.extends`). Approved
//! while that grant is still in force, it continues it: access goes on
//! without a gap (the extension's binding exists before the grant's is
//! removed) and ends the requested length after the grant would have
//! ended. Approved after the grant has ended, it is a grant from the
//! approval like any other.
//!
//! No single approval reaches further than the longest grant the rules
//! allow, counted from the approval: extending an 8-hour grant by 8 hours
//! an hour after it began ends 8 hours after the approval, not 15.

use std::time::Duration;

use jiff::Timestamp;

use super::clock::add;
use super::permissions::{self, Person};
use super::refusal::Refusal;
use super::transitions::{check_visible, phase_word};
use crate::crd::{AccessRequest, ModelSpec, Phase};

/// The end of `grant` when it is in force at `now`: what an extension of
/// it continues from.
pub fn in_force_until(grant: &AccessRequest, now: Timestamp) -> Option<Timestamp> {
    if grant.phase() != Phase::Active {
        return None;
    }
    let until = grant.status.as_ref()?.expires_at.as_ref()?.0;
    (until > now).then_some(until)
}

/// When access approved at `now` for `length` ends: `length` after
/// `continues_until` (the end of the grant in force it extends) or after
/// `now`, never more than `longest` after `now`, and never more than
/// `longest` long itself.
pub fn ends_at(
    now: Timestamp,
    length: Duration,
    longest: Duration,
    continues_until: Option<Timestamp>,
) -> Timestamp {
    let length = length.min(longest);
    let from = continues_until.filter(|until| *until > now).unwrap_or(now);
    add(from, length).min(add(now, longest))
}

/// The words of a grant's `granted` history entry: until when, and the
/// grant it continues, if any.
pub fn granted_words(
    until: &str,
    extends: Option<&str>,
    continues_until: Option<Timestamp>,
) -> String {
    match (extends, continues_until) {
        (Some(grant), Some(was)) => {
            format!("access until {until}, continuing {grant} (which was to end at {was})")
        }
        _ => format!("access until {until}"),
    }
}

/// Checks that `grant` can be extended by `person`: a grant in force, theirs.
/// `model` (when it still exists) decides who else may see the grant.
pub fn check_extension(
    model: Option<&ModelSpec>,
    grant: &AccessRequest,
    person: &Person,
) -> Result<(), Refusal> {
    check_visible(model, grant, person)?;
    if !permissions::is_requester(grant, person) {
        return Err(Refusal::NotTheRequester(grant.spec.requester.clone()));
    }
    let phase = grant.phase();
    if phase != Phase::Active {
        return Err(Refusal::NothingToExtend {
            model: grant.spec.model.clone(),
            request: grant.metadata.name.clone().unwrap_or_default(),
            phase: phase_word(phase),
        });
    }
    Ok(())
}

/// The grants in force that continue `grant` of `namespace`: its approved
/// extensions, theirs in turn, and so on. A grant that is revoked or given
/// up ends them too, or access would go on through them.
pub fn continuations<'a>(
    namespace: &str,
    grant: &str,
    requests: &'a [AccessRequest],
) -> Vec<&'a AccessRequest> {
    let mut found: Vec<&AccessRequest> = Vec::new();
    let mut ends = vec![grant.to_owned()];
    while let Some(extended) = ends.pop() {
        for request in requests {
            let name = request.metadata.name.as_deref().unwrap_or_default();
            let continues = request.metadata.namespace.as_deref() == Some(namespace)
                && request.spec.extends.as_deref() == Some(extended.as_str())
                && request.phase() == Phase::Active
                && name != grant
                && !found
                    .iter()
                    .any(|seen| seen.metadata.name.as_deref() == Some(name));
            if continues {
                found.push(request);
                ends.push(name.to_owned());
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

    use super::*;
    use crate::crd::fixtures::{self, request_in_phase};

    const HOUR: Duration = Duration::from_secs(3_600);

    fn at(seconds: i64) -> Timestamp {
        fixtures::at(seconds).0
    }

    fn grant(phase: Phase, until: Timestamp) -> AccessRequest {
        let mut grant = request_in_phase("alice", phase);
        if let Some(status) = grant.status.as_mut() {
            status.expires_at = Some(Time(until));
        }
        grant
    }

    #[test]
    fn a_new_grant_lasts_its_length_from_the_approval() {
        assert_eq!(ends_at(at(0), 2 * HOUR, 8 * HOUR, None), at(7_200));
    }

    #[test]
    fn an_extension_continues_from_the_end_of_the_grant_in_force() {
        // The grant ends in 30 minutes; two more hours run from then.
        let until = at(1_800);
        assert_eq!(
            ends_at(at(0), 2 * HOUR, 8 * HOUR, Some(until)),
            at(1_800 + 7_200)
        );
    }

    #[test]
    fn no_approval_reaches_past_the_longest_grant_from_now() {
        // Seven hours left of an 8-hour grant, extended by eight: it ends 8
        // hours after the approval.
        let until = at(7 * 3_600);
        assert_eq!(
            ends_at(at(0), 8 * HOUR, 8 * HOUR, Some(until)),
            at(8 * 3_600)
        );
        // A length past the longest is cut to it.
        assert_eq!(ends_at(at(0), 24 * HOUR, 8 * HOUR, None), at(8 * 3_600));
    }

    #[test]
    fn an_extension_of_a_grant_already_over_starts_at_the_approval() {
        assert_eq!(
            ends_at(at(100), HOUR, 8 * HOUR, Some(at(50))),
            at(100 + 3_600)
        );
    }

    #[test]
    fn the_grants_continuing_one_are_its_extensions_in_force_and_theirs() {
        let named = |name: &str, extends: Option<&str>, phase: Phase| {
            let mut request = request_in_phase("alice", phase);
            request.metadata.name = Some(name.into());
            request.spec.extends = extends.map(Into::into);
            request
        };
        let requests = [
            named("g", None, Phase::Active),
            named("e1", Some("g"), Phase::Active),
            named("e2", Some("e1"), Phase::Active),
            named("pending", Some("g"), Phase::Pending),
            named("denied", Some("e1"), Phase::Denied),
            named("other", Some("h"), Phase::Active),
        ];
        let mut names: Vec<&str> = continuations("fraud-detection", "g", &requests)
            .into_iter()
            .map(|r| r.metadata.name.as_deref().unwrap())
            .collect();
        names.sort_unstable();
        assert_eq!(names, ["e1", "e2"]);
        // Another namespace's request of the same name is another grant.
        assert!(continuations("llm", "g", &requests).is_empty());
        // A request naming itself ends the walk.
        let looped = [named("x", Some("x"), Phase::Active)];
        assert!(continuations("fraud-detection", "x", &looped).is_empty());
    }

    #[test]
    fn only_a_grant_in_force_is_continued() {
        let now = at(0);
        assert_eq!(
            in_force_until(&grant(Phase::Active, at(60)), now),
            Some(at(60))
        );
        assert_eq!(in_force_until(&grant(Phase::Active, at(-1)), now), None);
        for ended in [
            Phase::Revoked,
            Phase::Expired,
            Phase::Pending,
            Phase::Denied,
        ] {
            assert_eq!(
                in_force_until(&grant(ended, at(60)), now),
                None,
                "{ended:?}"
            );
        }
    }
}
