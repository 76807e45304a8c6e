//! How the deletion of a request is recorded. The portal never deletes a
//! request on a person's behalf (only its retention removes settled ones),
//! so a deletion came from outside: `kubectl delete`, a GitOps tool, or the
//! deletion of the namespace. The apiserver keeps no trace of who asked
//! (that is in its own audit log, if the cluster keeps one); what the
//! portal can read is when (`deletionTimestamp`) and whether the namespace
//! went with it, and it says so rather than guess a name.

use jiff::Timestamp;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use crate::crd::access_record::ending;
use crate::crd::{AccessRequest, HistoryEntry, Phase};

/// The actor of a deletion the portal did not make.
pub const OUTSIDE_ACTOR: &str = "someone outside the portal";

/// What the portal knows of a request's deletion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeletedWith {
    /// The request alone (its namespace stays).
    Itself,
    /// Its whole namespace is being deleted.
    Namespace,
}

/// The entry that ends the record of a request being deleted; `now` when
/// the request carries no deletion time.
pub fn deletion_entry(request: &AccessRequest, with: DeletedWith, now: Timestamp) -> HistoryEntry {
    let at = request
        .metadata
        .deletion_timestamp
        .as_ref()
        .map_or(now, |t| t.0);
    let namespace = request.metadata.namespace.clone().unwrap_or_default();
    let what = match with {
        DeletedWith::Itself => "The request was deleted in the cluster".to_owned(),
        DeletedWith::Namespace => {
            format!("The request was deleted with its namespace {namespace}")
        }
    };
    let consequence = match request.phase() {
        Phase::Active => "; the grant in force ended with it",
        Phase::Pending => " before anyone decided",
        _ => "",
    };
    HistoryEntry {
        at: Time(at),
        actor: OUTSIDE_ACTOR.to_owned(),
        action: ending::DELETED.to_owned(),
        phase: request.phase(),
        comment: format!(
            "{what}{consequence}. Kubernetes does not record who deletes an object (the \
             apiserver's audit log does, where the cluster keeps one)."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::AccessRequestStatus;
    use crate::crd::fixtures::{at, now, request};

    fn deleting(phase: Phase) -> AccessRequest {
        let mut request = request("fraud", "r1", "alice");
        request.metadata.deletion_timestamp = Some(at(-5));
        request.status = Some(AccessRequestStatus {
            phase,
            ..Default::default()
        });
        request
    }

    #[test]
    fn a_deletion_is_dated_by_the_apiserver_and_attributed_honestly() {
        let entry = deletion_entry(&deleting(Phase::Denied), DeletedWith::Itself, now());
        assert_eq!(entry.at, at(-5));
        assert_eq!(entry.actor, "someone outside the portal");
        assert_eq!(entry.action, "deleted");
        assert_eq!(entry.phase, Phase::Denied);
        assert!(
            entry
                .comment
                .starts_with("The request was deleted in the cluster.")
        );
        assert!(entry.comment.contains("does not record who"));
    }

    #[test]
    fn the_namespace_and_a_grant_in_force_are_named() {
        let entry = deletion_entry(&deleting(Phase::Active), DeletedWith::Namespace, now());
        assert!(
            entry
                .comment
                .starts_with("The request was deleted with its namespace fraud; the grant in force ended with it."),
            "{}",
            entry.comment
        );
    }

    #[test]
    fn without_a_deletion_time_the_moment_it_was_seen_counts() {
        let mut request = deleting(Phase::Pending);
        request.metadata.deletion_timestamp = None;
        let entry = deletion_entry(&request, DeletedWith::Itself, now());
        assert_eq!(entry.at, at(0));
        assert!(entry.comment.contains("before anyone decided"));
    }
}
