//! From custom resources to what the pages show: pure functions over the
//! Models and AccessRequests, the person looking and the moment, with every
//! permission flag decided by [`crate::engine::access::permissions`]. The
//! server functions fetch, call these, and answer.

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use kube::ResourceExt;

use crate::crd::duration::{self, Human};
use crate::crd::{
    AccessLevel, AccessRequest, Approvers, DataClassification, Decision, Model, ModelSpec, Phase,
    RoleKind,
};
use crate::engine::access::permissions::{self as rules, Person};
use crate::views::access::{
    DecisionView, GrantBrief, HistoryView, InboxItem, LevelView, ModelCatalog, ModelDetail,
    ModelSummary, MyAccess, PendingBrief, PhaseView, RequestActions, RequestDetail, RequestSummary,
    ReviewView,
};

/// What each role permits in words, keyed by [`role_key`].
pub type Permits = BTreeMap<String, Vec<String>>;

/// The durations a form offers before the model's maximum cuts them off.
const DURATION_STEPS: [&str; 11] = [
    "15m", "30m", "1h", "2h", "4h", "8h", "1d", "3d", "7d", "14d", "30d",
];

/// The key of the role a level binds: a ClusterRole by name, a Role by
/// namespace and name.
pub fn role_key(namespace: &str, level: &AccessLevel) -> String {
    match level.role_ref.kind {
        RoleKind::ClusterRole => format!("ClusterRole/{}", level.role_ref.name),
        RoleKind::Role => format!("Role/{namespace}/{}", level.role_ref.name),
    }
}

/// The catalog filters, as the page's query string carries them; empty
/// means "any".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CatalogFilter {
    pub search: String,
    pub team: String,
    pub classification: String,
}

impl CatalogFilter {
    fn admits(&self, model: &ModelSummary) -> bool {
        let team = self.team.trim();
        let classification = self.classification.trim();
        let words = self.search.trim().to_lowercase();
        (team.is_empty() || model.owner_team == team)
            && (classification.is_empty() || model.classification == classification)
            && (words.is_empty()
                || words
                    .split_whitespace()
                    .all(|word| searchable_text(model).contains(word)))
    }
}

fn searchable_text(model: &ModelSummary) -> String {
    let levels: Vec<&str> = model.levels.iter().map(|l| l.name.as_str()).collect();
    format!(
        "{} {} {} {} {} {}",
        model.display_name,
        model.namespace,
        model.name,
        model.description,
        model.owner_team,
        levels.join(" ")
    )
    .to_lowercase()
}

/// The catalog: every model the filter admits, by display name, with the
/// choices the filters offer taken from all models.
pub fn catalog(mut models: Vec<ModelSummary>, filter: &CatalogFilter) -> ModelCatalog {
    let total = models.len();
    let mut teams: Vec<String> = models.iter().map(|m| m.owner_team.clone()).collect();
    teams.sort();
    teams.dedup();
    let classifications = DataClassification::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .filter(|c| models.iter().any(|m| &m.classification == c))
        .collect();
    models.retain(|model| filter.admits(model));
    models.sort_by(|a, b| {
        a.display_name
            .to_lowercase()
            .cmp(&b.display_name.to_lowercase())
            .then_with(|| a.namespace.cmp(&b.namespace))
            .then_with(|| a.name.cmp(&b.name))
    });
    ModelCatalog {
        models,
        total,
        teams,
        classifications,
    }
}

/// A model as `person` sees it in the catalog.
pub fn model_summary(
    model: &Model,
    permits: &Permits,
    requests: &[AccessRequest],
    person: &Person,
    now: Timestamp,
) -> ModelSummary {
    let namespace = model.namespace().unwrap_or_default();
    let name = model.name_any();
    let spec = &model.spec;
    let mine = requests.iter().filter(|request| {
        request.namespace().as_deref() == Some(namespace.as_str())
            && request.spec.model == name
            && rules::is_requester(request, person)
    });
    let mut my_grants = Vec::new();
    let mut my_pending = Vec::new();
    for request in mine {
        match request.phase() {
            Phase::Active => my_grants.push(grant_brief(request, now)),
            Phase::Pending => my_pending.push(PendingBrief {
                namespace: namespace.clone(),
                name: request.name_any(),
                level: request.spec.level.clone(),
                duration: request.spec.duration.clone(),
            }),
            _ => {}
        }
    }
    ModelSummary {
        levels: spec
            .access_levels
            .iter()
            .map(|level| LevelView {
                name: level.name.clone(),
                description: level.description.clone(),
                role: role_words(level),
                permits: permits
                    .get(&role_key(&namespace, level))
                    .cloned()
                    .unwrap_or_default(),
            })
            .collect(),
        namespace,
        name,
        display_name: spec.display_name.clone(),
        description: spec.description.clone(),
        owner_team: spec.owner_team.clone(),
        classification: spec.data_classification.as_str().to_owned(),
        approvers: approvers_in_words(&spec.approvers),
        required_approvals: required_approvals(spec),
        max_duration: spec.max_duration.clone(),
        max_duration_words: duration_words(&spec.max_duration),
        justification_required: spec.justification_required,
        allow_self_approval: spec.allow_self_approval,
        viewer_may_review: rules::is_approver(spec, person),
        my_grants,
        my_pending,
    }
}

/// A model's page: the summary and the durations its form offers.
pub fn model_detail(summary: ModelSummary) -> ModelDetail {
    let duration_choices = duration_choices(&summary.max_duration);
    ModelDetail {
        model: summary,
        duration_choices,
    }
}

/// The form's durations: the usual steps up to the model's maximum, and the
/// maximum itself.
pub fn duration_choices(max_duration: &str) -> Vec<String> {
    let Ok(max) = duration::parse(max_duration) else {
        return Vec::new();
    };
    let mut choices: Vec<(Duration, String)> = DURATION_STEPS
        .iter()
        .filter_map(|step| duration::parse(step).ok().map(|d| (d, (*step).to_owned())))
        .filter(|(d, _)| *d < max)
        .collect();
    choices.push((max, max_duration.trim().to_owned()));
    choices.into_iter().map(|(_, text)| text).collect()
}

/// Who may approve, in words.
pub fn approvers_in_words(approvers: &Approvers) -> String {
    let groups = (!approvers.groups.is_empty()).then(|| {
        let noun = if approvers.groups.len() == 1 {
            "group"
        } else {
            "groups"
        };
        format!("members of {noun} {}", approvers.groups.join(", "))
    });
    let users = (!approvers.users.is_empty()).then(|| approvers.users.join(", "));
    match (groups, users) {
        (Some(groups), Some(users)) => format!("{groups}, or {users}"),
        (Some(groups), None) => groups,
        (None, Some(users)) => users,
        (None, None) => "nobody (no approvers are declared)".to_owned(),
    }
}

/// A request as `person` sees it, with the actions they may take.
pub fn request_summary(
    request: &AccessRequest,
    model: Option<&Model>,
    person: &Person,
    now: Timestamp,
) -> RequestSummary {
    let spec = model.map(|model| &model.spec);
    let status = request.status_or_default();
    let time_left = rules::time_left(request, now);
    let extend = rules::may_extend(request, person);
    RequestSummary {
        namespace: request.namespace().unwrap_or_default(),
        name: request.name_any(),
        requester: request.spec.requester.clone(),
        model: request.spec.model.clone(),
        model_display_name: spec
            .map(|spec| spec.display_name.clone())
            .unwrap_or_else(|| request.spec.model.clone()),
        classification: spec.map(|spec| spec.data_classification.as_str().to_owned()),
        level: request.spec.level.clone(),
        duration: request.spec.duration.clone(),
        justification: request.spec.justification.clone(),
        extends: request.spec.extends.clone(),
        phase: phase_view(status.phase),
        created_at: request.metadata.creation_timestamp.as_ref().map(rfc3339),
        granted_at: status.granted_at.as_ref().map(rfc3339),
        expires_at: status.expires_at.as_ref().map(rfc3339),
        time_left_seconds: time_left.map(|left| left.as_secs()),
        time_left_words: time_left.map(|left| Human(left).to_string()),
        approvals: rules::approvals(request),
        required_approvals: spec.map_or(1, required_approvals),
        reviews: status
            .reviews
            .iter()
            .map(|review| ReviewView {
                reviewer: review.reviewer.clone(),
                decision: match review.decision {
                    Decision::Approve => DecisionView::Approve,
                    Decision::Deny => DecisionView::Deny,
                },
                comment: review.comment.clone(),
                at: rfc3339(&review.at),
                self_approval: review.self_approval,
            })
            .collect(),
        role_binding: status.role_binding.clone(),
        actions: RequestActions {
            review: spec.is_some_and(|spec| rules::may_review(spec, request, person)),
            cancel: rules::may_cancel(request, person),
            relinquish: rules::may_relinquish(request, person),
            revoke: rules::may_revoke(spec, request, person),
            extend,
            extend_choices: match spec {
                Some(spec) if extend => duration_choices(&spec.max_duration),
                _ => Vec::new(),
            },
        },
    }
}

/// The request page, or `None` when `person` may not see the request (the
/// page then says "not found", revealing nothing).
pub fn request_detail(
    request: &AccessRequest,
    model: Option<&Model>,
    person: &Person,
    now: Timestamp,
) -> Option<RequestDetail> {
    if !rules::may_view(model.map(|m| &m.spec), request, person) {
        return None;
    }
    let history = request
        .status
        .as_ref()
        .map(|status| {
            status
                .history
                .iter()
                .map(|entry| HistoryView {
                    at: rfc3339(&entry.at),
                    actor: entry.actor.clone(),
                    action: entry.action.clone(),
                    phase: phase_view(entry.phase),
                    comment: entry.comment.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    Some(RequestDetail {
        request: request_summary(request, model, person, now),
        history,
    })
}

/// The model a request is for, among `models`.
pub fn model_of<'a>(models: &'a [Model], request: &AccessRequest) -> Option<&'a Model> {
    let namespace = request.namespace();
    models
        .iter()
        .find(|model| model.namespace() == namespace && model.name_any() == request.spec.model)
}

/// `person`'s own requests: pending newest first, grants soonest to end
/// first, and the rest newest first.
pub fn my_access(
    requests: &[AccessRequest],
    models: &[Model],
    person: &Person,
    now: Timestamp,
) -> MyAccess {
    let mut mine: Vec<&AccessRequest> = requests
        .iter()
        .filter(|request| rules::is_requester(request, person))
        .collect();
    mine.sort_by_key(|request| std::cmp::Reverse(last_change(request)));
    let mut access = MyAccess::default();
    for request in mine {
        let summary = request_summary(request, model_of(models, request), person, now);
        match summary.phase {
            PhaseView::Pending => access.pending.push(summary),
            PhaseView::Active => access.active.push(summary),
            _ => access.history.push(summary),
        }
    }
    access
        .active
        .sort_by_key(|summary| summary.time_left_seconds.unwrap_or(u64::MAX));
    access
}

/// The requests `person` may review now, oldest first (first come, first
/// served), each with its model.
pub fn reviewable<'a>(
    requests: &'a [AccessRequest],
    models: &'a [Model],
    person: &Person,
) -> Vec<(&'a AccessRequest, &'a Model)> {
    let mut items: Vec<(&AccessRequest, &Model)> = requests
        .iter()
        .filter_map(|request| {
            let model = model_of(models, request)?;
            rules::may_review(&model.spec, request, person).then_some((request, model))
        })
        .collect();
    items.sort_by_key(|(request, _)| request.metadata.creation_timestamp.as_ref().map(|t| t.0));
    items
}

/// One inbox entry: the request, what its level permits, and the
/// requester's grants in force.
pub fn inbox_item(
    request: &AccessRequest,
    model: &Model,
    permits: &Permits,
    requests: &[AccessRequest],
    person: &Person,
    now: Timestamp,
) -> InboxItem {
    let namespace = request.namespace().unwrap_or_default();
    let level = model.spec.level(&request.spec.level);
    InboxItem {
        request: request_summary(request, Some(model), person, now),
        level_description: level.map(|l| l.description.clone()).unwrap_or_default(),
        role: level.map(role_words).unwrap_or_default(),
        permits: level
            .and_then(|level| permits.get(&role_key(&namespace, level)))
            .cloned()
            .unwrap_or_default(),
        requester_grants: requests
            .iter()
            .filter(|other| {
                other.spec.requester == request.spec.requester && other.phase() == Phase::Active
            })
            .map(|grant| grant_brief(grant, now))
            .collect(),
    }
}

fn grant_brief(request: &AccessRequest, now: Timestamp) -> GrantBrief {
    let left = rules::time_left(request, now);
    GrantBrief {
        namespace: request.namespace().unwrap_or_default(),
        name: request.name_any(),
        model: request.spec.model.clone(),
        level: request.spec.level.clone(),
        expires_at: request
            .status
            .as_ref()
            .and_then(|status| status.expires_at.as_ref())
            .map(rfc3339),
        time_left_seconds: left.map(|left| left.as_secs()),
        time_left_words: left.map(|left| Human(left).to_string()),
    }
}

/// When anything last happened to a request.
fn last_change(request: &AccessRequest) -> Option<Timestamp> {
    request
        .status
        .as_ref()
        .and_then(|status| status.history.last().map(|entry| entry.at.0))
        .or_else(|| request.metadata.creation_timestamp.as_ref().map(|t| t.0))
}

fn role_words(level: &AccessLevel) -> String {
    format!("{} {}", level.role_ref.kind.as_str(), level.role_ref.name)
}

fn required_approvals(spec: &ModelSpec) -> u32 {
    spec.required_approvals.max(1) as u32
}

fn duration_words(text: &str) -> String {
    duration::parse(text)
        .map(|d| Human(d).to_string())
        .unwrap_or_else(|_| text.to_owned())
}

fn rfc3339(time: &Time) -> String {
    time.0.to_string()
}

fn phase_view(phase: Phase) -> PhaseView {
    match phase {
        Phase::Pending => PhaseView::Pending,
        Phase::Active => PhaseView::Active,
        Phase::Denied => PhaseView::Denied,
        Phase::Expired => PhaseView::Expired,
        Phase::Revoked => PhaseView::Revoked,
        Phase::Cancelled => PhaseView::Cancelled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::{AccessRequestSpec, AccessRequestStatus, HistoryEntry, Review, RoleRef};

    const NOW: i64 = 1_800_000_000;

    fn at(seconds: i64) -> Time {
        Time(Timestamp::from_second(NOW + seconds).unwrap())
    }

    fn now() -> Timestamp {
        at(0).0
    }

    fn model(namespace: &str, name: &str, team: &str, class: DataClassification) -> Model {
        let mut model = Model::new(
            name,
            ModelSpec {
                display_name: format!("Model {name}"),
                description: "Scores card payments".into(),
                owner_team: team.into(),
                data_classification: class,
                workload_selector: None,
                access_levels: vec![AccessLevel {
                    name: "viewer".into(),
                    description: "Read the model's pods and logs".into(),
                    role_ref: RoleRef {
                        kind: RoleKind::ClusterRole,
                        name: "aigov-model-viewer".into(),
                    },
                }],
                approvers: Approvers {
                    groups: vec!["fraud-leads".into()],
                    users: vec!["carol".into()],
                },
                required_approvals: 2,
                max_duration: "8h".into(),
                justification_required: true,
                allow_self_approval: false,
            },
        );
        model.metadata.namespace = Some(namespace.into());
        model
    }

    fn request(name: &str, requester: &str, phase: Phase, created: i64) -> AccessRequest {
        let mut request = AccessRequest::new(
            name,
            AccessRequestSpec {
                requester: requester.into(),
                subject: format!("oidc:{requester}"),
                model: "fraud-scorer".into(),
                level: "viewer".into(),
                duration: "1h".into(),
                justification: "<script>alert(1)</script> case 4711".into(),
                extends: None,
            },
        );
        request.metadata.namespace = Some("fraud-detection".into());
        request.metadata.creation_timestamp = Some(at(created));
        let mut status = AccessRequestStatus {
            phase,
            history: vec![HistoryEntry {
                at: at(created),
                actor: requester.into(),
                action: "requested".into(),
                phase: Phase::Pending,
                comment: String::new(),
            }],
            ..Default::default()
        };
        if phase == Phase::Active {
            status.granted_at = Some(at(-600));
            status.expires_at = Some(at(3_000));
            status.role_binding = Some(format!("aigov-{name}"));
            status.reviews.push(Review {
                reviewer: "bob".into(),
                decision: Decision::Approve,
                comment: "ok".into(),
                at: at(-600),
                self_approval: false,
            });
        }
        request.status = Some(status);
        request
    }

    fn groups(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    fn fraud_scorer() -> Model {
        model(
            "fraud-detection",
            "fraud-scorer",
            "fraud",
            DataClassification::Confidential,
        )
    }

    #[test]
    fn a_model_summary_says_what_each_level_permits_and_who_approves() {
        let mut permits = Permits::new();
        permits.insert(
            "ClusterRole/aigov-model-viewer".into(),
            vec!["read pods".into()],
        );
        let no_groups = groups(&[]);
        let alice = Person {
            username: "alice",
            groups: &no_groups,
            is_manager: false,
        };
        let requests = [
            request("a1", "alice", Phase::Active, -700),
            request("a2", "alice", Phase::Pending, -10),
            request("d1", "dave", Phase::Active, -700),
        ];
        let summary = model_summary(&fraud_scorer(), &permits, &requests, &alice, now());
        assert_eq!(summary.levels[0].permits, ["read pods"]);
        assert_eq!(summary.levels[0].role, "ClusterRole aigov-model-viewer");
        assert_eq!(summary.approvers, "members of group fraud-leads, or carol");
        assert_eq!(summary.classification, "Confidential");
        assert_eq!(summary.max_duration_words, "8h");
        assert!(!summary.viewer_may_review);
        assert_eq!(summary.my_grants.len(), 1);
        assert_eq!(summary.my_grants[0].time_left_seconds, Some(3_000));
        assert_eq!(summary.my_grants[0].time_left_words.as_deref(), Some("50m"));
        assert_eq!(summary.my_pending[0].name, "a2");
    }

    #[test]
    fn the_catalog_filters_by_words_team_and_classification_and_keeps_the_choices() {
        let no_groups = groups(&[]);
        let alice = Person {
            username: "alice",
            groups: &no_groups,
            is_manager: false,
        };
        let models = [
            fraud_scorer(),
            model(
                "vision",
                "defect-detector",
                "vision",
                DataClassification::Internal,
            ),
            model(
                "llm",
                "support-assistant",
                "llm",
                DataClassification::Internal,
            ),
        ];
        let summaries = || {
            models
                .iter()
                .map(|m| model_summary(m, &Permits::new(), &[], &alice, now()))
                .collect::<Vec<_>>()
        };
        let all = catalog(summaries(), &CatalogFilter::default());
        assert_eq!(all.total, 3);
        assert_eq!(all.models.len(), 3);
        assert_eq!(all.teams, ["fraud", "llm", "vision"]);
        assert_eq!(all.classifications, ["Internal", "Confidential"]);

        let search = CatalogFilter {
            search: "  DEFECT ".into(),
            ..Default::default()
        };
        let found = catalog(summaries(), &search);
        assert_eq!(found.models.len(), 1);
        assert_eq!(found.models[0].name, "defect-detector");
        assert_eq!(found.total, 3);

        let internal_llm = CatalogFilter {
            team: "llm".into(),
            classification: "Internal".into(),
            ..Default::default()
        };
        assert_eq!(
            catalog(summaries(), &internal_llm).models[0].name,
            "support-assistant"
        );
        let none = CatalogFilter {
            team: "fraud".into(),
            classification: "Internal".into(),
            ..Default::default()
        };
        assert!(catalog(summaries(), &none).models.is_empty());
    }

    #[test]
    fn durations_offered_stop_at_the_model_maximum_which_is_always_offered() {
        assert_eq!(
            duration_choices("8h"),
            ["15m", "30m", "1h", "2h", "4h", "8h"]
        );
        assert_eq!(duration_choices("90m"), ["15m", "30m", "1h", "90m"]);
        assert!(duration_choices("nonsense").is_empty());
    }

    #[test]
    fn approvers_read_as_a_sentence() {
        let both = Approvers {
            groups: vec!["a".into(), "b".into()],
            users: vec!["carol".into()],
        };
        assert_eq!(
            approvers_in_words(&both),
            "members of groups a, b, or carol"
        );
        assert_eq!(
            approvers_in_words(&Approvers::default()),
            "nobody (no approvers are declared)"
        );
    }

    #[test]
    fn the_requester_may_relinquish_and_extend_an_active_grant_but_not_review_it() {
        let no_groups = groups(&[]);
        let alice = Person {
            username: "alice",
            groups: &no_groups,
            is_manager: false,
        };
        let grant = request("a1", "alice", Phase::Active, -700);
        let summary = request_summary(&grant, Some(&fraud_scorer()), &alice, now());
        assert_eq!(summary.phase, PhaseView::Active);
        assert_eq!(summary.approvals, 1);
        assert_eq!(summary.required_approvals, 2);
        assert_eq!(summary.time_left_seconds, Some(3_000));
        assert_eq!(summary.role_binding.as_deref(), Some("aigov-a1"));
        assert_eq!(summary.reviews[0].decision, DecisionView::Approve);
        assert!(summary.actions.relinquish && summary.actions.extend);
        assert!(!summary.actions.review && !summary.actions.revoke && !summary.actions.cancel);
        assert_eq!(
            summary.actions.extend_choices.last().map(String::as_str),
            Some("8h")
        );
        assert_eq!(summary.justification, "<script>alert(1)</script> case 4711");
    }

    #[test]
    fn an_approver_may_review_a_pending_request_and_revoke_an_active_one() {
        let leads = groups(&["fraud-leads"]);
        let bob = Person {
            username: "bob",
            groups: &leads,
            is_manager: false,
        };
        let model = fraud_scorer();
        let pending = request("a2", "alice", Phase::Pending, -10);
        let actions = request_summary(&pending, Some(&model), &bob, now()).actions;
        assert!(actions.review && !actions.cancel && !actions.revoke);
        let active = request("a1", "alice", Phase::Active, -700);
        let actions = request_summary(&active, Some(&model), &bob, now()).actions;
        assert!(actions.revoke && !actions.review && !actions.extend);
    }

    #[test]
    fn people_who_may_not_view_a_request_get_nothing_at_all() {
        let none = groups(&[]);
        let dave = Person {
            username: "dave",
            groups: &none,
            is_manager: false,
        };
        let pending = request("a2", "alice", Phase::Pending, -10);
        assert_eq!(
            request_detail(&pending, Some(&fraud_scorer()), &dave, now()),
            None
        );
        let carol = Person {
            username: "carol-manager",
            groups: &none,
            is_manager: true,
        };
        let detail = request_detail(&pending, Some(&fraud_scorer()), &carol, now()).unwrap();
        assert_eq!(detail.history.len(), 1);
        assert_eq!(detail.history[0].action, "requested");
        assert_eq!(detail.history[0].at, "2027-01-15T07:59:50Z");
    }

    #[test]
    fn my_access_sorts_pending_active_and_ended_requests() {
        let none = groups(&[]);
        let alice = Person {
            username: "alice",
            groups: &none,
            is_manager: false,
        };
        let requests = [
            request("old", "alice", Phase::Pending, -100),
            request("new", "alice", Phase::Pending, -10),
            request("grant", "alice", Phase::Active, -700),
            request("gone", "alice", Phase::Denied, -900),
            request("other", "dave", Phase::Pending, -5),
        ];
        let mine = my_access(&requests, &[fraud_scorer()], &alice, now());
        let names =
            |list: &[RequestSummary]| list.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&mine.pending), ["new", "old"]);
        assert_eq!(names(&mine.active), ["grant"]);
        assert_eq!(names(&mine.history), ["gone"]);
    }

    #[test]
    fn the_inbox_holds_what_the_approver_may_review_with_the_requesters_grants() {
        let leads = groups(&["fraud-leads"]);
        let bob = Person {
            username: "bob",
            groups: &leads,
            is_manager: false,
        };
        let models = [fraud_scorer()];
        let mut reviewed = request("reviewed", "alice", Phase::Pending, -50);
        if let Some(status) = reviewed.status.as_mut() {
            status.reviews.push(Review {
                reviewer: "bob".into(),
                decision: Decision::Approve,
                comment: String::new(),
                at: at(-40),
                self_approval: false,
            });
        }
        let requests = [
            request("second", "alice", Phase::Pending, -10),
            request("first", "alice", Phase::Pending, -20),
            request("own", "bob", Phase::Pending, -30),
            request("grant", "alice", Phase::Active, -700),
            reviewed,
        ];
        let items = reviewable(&requests, &models, &bob);
        let names: Vec<String> = items.iter().map(|(r, _)| r.name_any()).collect();
        assert_eq!(names, ["first", "second"]);
        let mut permits = Permits::new();
        permits.insert(
            "ClusterRole/aigov-model-viewer".into(),
            vec!["read pods".into()],
        );
        let item = inbox_item(items[0].0, items[0].1, &permits, &requests, &bob, now());
        assert_eq!(item.permits, ["read pods"]);
        assert_eq!(item.role, "ClusterRole aigov-model-viewer");
        assert_eq!(item.level_description, "Read the model's pods and logs");
        assert_eq!(item.requester_grants.len(), 1);
        assert_eq!(item.requester_grants[0].name, "grant");
        assert!(item.request.actions.review);
    }

    #[test]
    fn a_role_is_keyed_by_namespace_only_when_it_is_namespaced() {
        let mut level = fraud_scorer().spec.access_levels[0].clone();
        assert_eq!(role_key("ns", &level), "ClusterRole/aigov-model-viewer");
        level.role_ref.kind = RoleKind::Role;
        assert_eq!(role_key("ns", &level), "Role/ns/aigov-model-viewer");
    }
}
