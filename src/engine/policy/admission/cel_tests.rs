//! Tests of the CEL forms.
use super::*;
use crate::engine::compliance::catalog::CHECKS;
use crate::engine::compliance::pod_security::restricted::ALLOWED_VOLUME_SOURCES;

#[test]
fn strings_are_quoted_for_cel() {
    assert_eq!(quote("it's"), r"'it\'s'");
    assert_eq!(quote(r"a\b"), r"'a\\b'");
    assert_eq!(list(&["a", "b"]), "['a', 'b']");
}

#[test]
fn every_check_of_the_catalog_has_a_cel_form_or_a_reason_to_be_report_only() {
    let settings = Settings {
        required_labels: vec!["owner".into()],
        allowed_registries: vec!["ghcr.io/acme/".into()],
        gpu_namespaces: vec!["vision".into()],
        ..Settings::default()
    };
    for check in CHECKS {
        match form(check.id, &settings) {
            Form::Expression(cel) => assert!(!cel.is_empty(), "{}", check.id),
            Form::ReportOnly(why) => assert!(why.len() > 20, "{}", check.id),
            other => panic!("{} has no CEL form: {other:?}", check.id),
        }
    }
    for (id, _) in REPORT_ONLY {
        assert!(
            CHECKS.iter().any(|c| c.id == *id),
            "{id} is not in the catalog"
        );
    }
}

#[test]
fn checks_without_settings_to_enforce_always_pass() {
    let none = Settings::default();
    assert_eq!(form("images.registry", &none), Form::AlwaysPasses);
    assert_eq!(form("labels.required", &none), Form::AlwaysPasses);
    assert_eq!(form("gpu.allowed", &none), Form::AlwaysPasses);
    assert_eq!(form("no.such-check", &none), Form::Unknown);
}

#[test]
fn settings_are_baked_into_the_expressions() {
    let settings = Settings {
        required_labels: vec!["owner".into()],
        label_values: [("tier".to_string(), vec!["gold".to_string()])].into(),
        allowed_registries: vec!["ghcr.io/acme/".into(), "registry.example.com".into()],
        gpu_namespaces: vec!["vision".into(), "ml-*".into()],
    };
    let Form::Expression(registry) = form("images.registry", &settings) else {
        panic!()
    };
    assert!(registry.contains("['ghcr.io/acme', 'registry.example.com']"));
    let Form::Expression(labels) = form("labels.required", &settings) else {
        panic!()
    };
    assert!(labels.contains("'owner'") && labels.contains(" in ['gold'])"));
    let Form::Expression(gpu) = form("gpu.allowed", &settings) else {
        panic!()
    };
    assert!(gpu.contains("request.namespace == 'vision'"));
    assert!(gpu.contains("request.namespace.startsWith('ml-')"));
    assert!(gpu.contains("k.startsWith('nvidia.com/mig-')"));
}

#[test]
fn the_restricted_volume_list_covers_what_the_engine_does_not_allow() {
    for allowed in ALLOWED_VOLUME_SOURCES {
        assert!(!RESTRICTED_VOLUME_SOURCES.contains(allowed));
    }
}
