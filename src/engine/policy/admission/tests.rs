use std::collections::BTreeMap;

use jiff::Timestamp;

use super::*;
use crate::engine::policy::PerEnvironment;
use crate::engine::policy::effective::Settings;
use crate::engine::policy::exception::Exempted;

fn rule(check: &str, sandbox: Enforcement, production: Enforcement) -> Rule {
    Rule {
        check: check.into(),
        severity: None,
        enforcement: PerEnvironment {
            sandbox,
            staging: Enforcement::Audit,
            production,
        },
    }
}

fn policy(rules: Vec<Rule>) -> Policy {
    Policy {
        name: "baseline".into(),
        default_environment: Environment::Sandbox,
        settings: Settings::default(),
        rules,
        access: BTreeMap::new(),
    }
}

fn now() -> Timestamp {
    "2026-12-06T00:00:00Z".parse().unwrap()
}

fn owner() -> Owner {
    Owner {
        name: "baseline".into(),
        uid: "1234".into(),
    }
}

fn privileged_exception(expires: &str) -> Exception {
    Exception {
        namespace: "fraud".into(),
        name: "driver".into(),
        workloads: Exempted::Names(vec!["scorer".into()]),
        rules: vec!["pss.baseline.privileged".into()],
        reason: "driver installer".into(),
        expires_at: expires.parse().unwrap(),
    }
}

fn find<'a>(rendered: &'a Rendered, name: &str) -> &'a ValidatingAdmissionPolicy {
    rendered
        .policies
        .iter()
        .find(|p| p.metadata.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("{name} not rendered: {:?}", rendered.names()))
}

fn binding<'a>(rendered: &'a Rendered, name: &str) -> &'a ValidatingAdmissionPolicyBinding {
    rendered
        .bindings
        .iter()
        .find(|b| b.metadata.name.as_deref() == Some(name))
        .unwrap()
}

#[test]
fn each_environment_and_enforcement_in_use_gets_a_policy_and_a_binding() {
    let rendered = render(
        &policy(vec![rule(
            "pss.baseline.privileged",
            Enforcement::Warn,
            Enforcement::Deny,
        )]),
        Some(&owner()),
        &[],
        now(),
    );
    assert_eq!(
        rendered.names(),
        [
            "aigov-policy-baseline-sandbox-warn",
            "aigov-policy-baseline-staging-audit",
            "aigov-policy-baseline-production-deny",
        ]
    );
    let deny = binding(&rendered, "aigov-policy-baseline-production-deny");
    let spec = deny.spec.as_ref().unwrap();
    assert_eq!(
        spec.policy_name.as_deref(),
        Some("aigov-policy-baseline-production-deny")
    );
    assert_eq!(
        spec.validation_actions.as_deref(),
        Some(&["Deny".to_string()][..])
    );
    let selector = spec
        .match_resources
        .as_ref()
        .unwrap()
        .namespace_selector
        .as_ref()
        .unwrap();
    assert_eq!(
        selector.match_labels.as_ref().unwrap()["aigov.dev/environment"],
        "production"
    );
    let warn = binding(&rendered, "aigov-policy-baseline-sandbox-warn");
    assert_eq!(
        warn.spec.as_ref().unwrap().validation_actions.as_deref(),
        Some(&["Warn".to_string()][..])
    );
    let audit = binding(&rendered, "aigov-policy-baseline-staging-audit");
    assert_eq!(
        audit.spec.as_ref().unwrap().validation_actions.as_deref(),
        Some(&["Audit".to_string()][..])
    );
}

#[test]
fn the_default_environment_also_selects_namespaces_without_the_label() {
    let rendered = render(
        &policy(vec![rule(
            "pss.baseline.privileged",
            Enforcement::Warn,
            Enforcement::Deny,
        )]),
        None,
        &[],
        now(),
    );
    let sandbox = binding(&rendered, "aigov-policy-baseline-sandbox-warn");
    let selector = sandbox
        .spec
        .as_ref()
        .unwrap()
        .match_resources
        .as_ref()
        .unwrap()
        .namespace_selector
        .clone()
        .unwrap();
    assert_eq!(selector.match_labels, None);
    let requirements = selector.match_expressions.unwrap();
    assert_eq!(requirements[0].key, "aigov.dev/environment");
    assert_eq!(requirements[0].operator, "NotIn");
    assert_eq!(
        requirements[0].values.as_deref(),
        Some(&["staging".to_string(), "production".to_string()][..])
    );
    assert_eq!(requirements[1].key, "kubernetes.io/metadata.name");
}

#[test]
fn objects_are_labelled_and_owned_by_their_governance_policy() {
    let rendered = render(
        &policy(vec![rule(
            "images.tag-pinned",
            Enforcement::Audit,
            Enforcement::Deny,
        )]),
        Some(&owner()),
        &[],
        now(),
    );
    let vap = find(&rendered, "aigov-policy-baseline-production-deny");
    let labels = vap.metadata.labels.as_ref().unwrap();
    assert_eq!(labels["app.kubernetes.io/managed-by"], "aigov");
    assert_eq!(labels["aigov.dev/governance-policy"], "baseline");
    let reference = &vap.metadata.owner_references.as_ref().unwrap()[0];
    assert_eq!(
        (
            reference.kind.as_str(),
            reference.name.as_str(),
            reference.uid.as_str()
        ),
        ("GovernancePolicy", "baseline", "1234")
    );
    assert_eq!(reference.controller, Some(true));
    let unowned = render(&policy(vec![]), None, &[], now());
    assert!(unowned.policies.is_empty());
}

#[test]
fn a_validation_names_its_check_and_says_what_to_fix() {
    let rendered = render(
        &policy(vec![rule(
            "pss.baseline.privileged",
            Enforcement::Audit,
            Enforcement::Deny,
        )]),
        None,
        &[],
        now(),
    );
    let spec = find(&rendered, "aigov-policy-baseline-production-deny")
        .spec
        .clone()
        .unwrap();
    let validation = &spec.validations.unwrap()[0];
    assert_eq!(
        validation.expression,
        "variables.containers.all(c, !c.?securityContext.?privileged.orValue(false))"
    );
    let message = validation.message_expression.as_deref().unwrap();
    assert!(message.starts_with("'pss.baseline.privileged (GovernancePolicy baseline): '"));
    assert!(message.contains("Remove securityContext.privileged or set it to false."));
    let resources = spec.match_constraints.unwrap().resource_rules.unwrap();
    let all: Vec<String> = resources
        .iter()
        .flat_map(|r| r.resources.clone().unwrap())
        .collect();
    assert_eq!(
        all,
        [
            "pods",
            "deployments",
            "statefulsets",
            "daemonsets",
            "replicasets",
            "jobs",
            "cronjobs"
        ]
    );
    let variables: Vec<String> = spec
        .variables
        .unwrap()
        .into_iter()
        .map(|v| v.name)
        .collect();
    assert!(variables.contains(&"spec".to_string()));
}

#[test]
fn the_pod_spec_is_picked_per_kind() {
    let spec = objects::variables()
        .into_iter()
        .find(|v| v.name == "spec")
        .unwrap();
    assert_eq!(
        spec.expression,
        "object.kind == 'Pod' ? object.spec : (object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec)"
    );
}

#[test]
fn an_exception_in_force_is_skipped_by_the_rules_it_names_and_an_expired_one_is_not() {
    let policy = policy(vec![
        rule(
            "pss.baseline.privileged",
            Enforcement::Audit,
            Enforcement::Deny,
        ),
        rule("images.digest", Enforcement::Audit, Enforcement::Deny),
    ]);
    let in_force = render(
        &policy,
        None,
        &[privileged_exception("2026-12-06T00:00:20Z")],
        now(),
    );
    let validations = find(&in_force, "aigov-policy-baseline-production-deny")
        .spec
        .clone()
        .unwrap()
        .validations
        .unwrap();
    assert!(
        validations[0]
            .expression
            .starts_with("((request.namespace == 'fraud' && ")
    );
    assert!(validations[0].expression.ends_with(
        ") || (variables.containers.all(c, !c.?securityContext.?privileged.orValue(false)))"
    ));
    assert!(!validations[1].expression.contains("request.namespace"));
    let expired = render(
        &policy,
        None,
        &[privileged_exception("2026-12-05T23:59:59Z")],
        now(),
    );
    let validations = find(&expired, "aigov-policy-baseline-production-deny")
        .spec
        .clone()
        .unwrap()
        .validations
        .unwrap();
    assert!(!validations[0].expression.contains("request.namespace"));
}

#[test]
fn the_next_render_is_due_when_the_first_exception_in_force_ends() {
    let soon = privileged_exception("2026-12-06T00:00:20Z");
    let later = privileged_exception("2026-12-07T00:00:00Z");
    let gone = privileged_exception("2026-12-05T00:00:00Z");
    assert_eq!(
        next_expiry(&[later, soon.clone(), gone], now()),
        Some(soon.expires_at)
    );
    assert_eq!(next_expiry(&[], now()), None);
}

#[test]
fn report_only_and_unknown_checks_are_skipped_with_the_reason() {
    let rendered = render(
        &policy(vec![
            rule("resources.quota", Enforcement::Deny, Enforcement::Deny),
            rule("no.such-check", Enforcement::Deny, Enforcement::Deny),
        ]),
        None,
        &[],
        now(),
    );
    assert!(rendered.policies.is_empty() && rendered.bindings.is_empty());
    assert_eq!(rendered.skipped.len(), 2);
    assert!(rendered.skipped[0].why.contains("ResourceQuota"));
    assert!(rendered.skipped[1].why.contains("not a check"));
}

#[test]
fn objects_of_a_policy_gone_or_of_a_level_no_longer_used_are_stale() {
    let rendered = render(
        &policy(vec![rule(
            "pss.baseline.privileged",
            Enforcement::Warn,
            Enforcement::Warn,
        )]),
        None,
        &[],
        now(),
    );
    let all = BTreeMap::from([("baseline".to_string(), rendered)]);
    let existing = vec![
        (
            "aigov-policy-baseline-production-warn".to_string(),
            Some("baseline".to_string()),
        ),
        (
            "aigov-policy-baseline-production-deny".to_string(),
            Some("baseline".to_string()),
        ),
        (
            "aigov-policy-gone-sandbox-deny".to_string(),
            Some("gone".to_string()),
        ),
        ("aigov-policy-unlabelled".to_string(), None),
        ("someone-elses".to_string(), None),
    ];
    assert_eq!(
        stale(&existing, &all),
        [
            "aigov-policy-baseline-production-deny",
            "aigov-policy-gone-sandbox-deny",
            "aigov-policy-unlabelled"
        ]
    );
}
