//! One test per control and edge, following the Pod Security Standards.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PodSpec;
use serde_json::{Value, json};

use super::*;

/// A pod spec that satisfies restricted, with `patch` merged into it.
fn restricted_pod(patch: Value) -> PodSpec {
    let mut base = json!({
        "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{"name": "app", "image": "app:1", "securityContext": {
            "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]
    });
    merge(&mut base, patch);
    serde_json::from_value(base).expect("valid pod spec")
}

fn merge(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                merge(b.entry(k).or_insert(Value::Null), v);
            }
        }
        (Value::Array(b), Value::Array(p)) => {
            for (i, v) in p.into_iter().enumerate() {
                if i < b.len() {
                    merge(&mut b[i], v)
                } else {
                    b.push(v)
                }
            }
        }
        (b, p) => *b = p,
    }
}

fn evaluate_spec(spec: &PodSpec) -> Evaluation {
    evaluate(spec, &BTreeMap::new())
}

fn failing(spec: &PodSpec) -> Vec<&'static str> {
    evaluate_spec(spec)
        .outcomes
        .iter()
        .filter(|o| !o.violations.is_empty())
        .map(|o| o.id)
        .collect()
}

fn level(patch: Value) -> Level {
    evaluate_spec(&restricted_pod(patch)).level
}

#[test]
fn hardened_pod_is_restricted() {
    assert_eq!(failing(&restricted_pod(json!({}))), Vec::<&str>::new());
    assert_eq!(level(json!({})), Level::Restricted);
}

#[test]
fn default_pod_is_baseline_not_restricted() {
    let spec: PodSpec =
        serde_json::from_value(json!({"containers": [{"name": "c", "image": "x:1"}]})).unwrap();
    let e = evaluate_spec(&spec);
    assert_eq!(e.level, Level::Baseline);
    let ids = failing(&spec);
    for id in [
        "pss.restricted.privilege-escalation",
        "pss.restricted.run-as-non-root",
        "pss.restricted.seccomp",
        "pss.restricted.capabilities",
    ] {
        assert!(ids.contains(&id), "{id} should fail: {ids:?}");
    }
}

#[test]
fn host_process_container_is_privileged_level() {
    assert_eq!(
        level(
            json!({"containers": [{"securityContext": {"windowsOptions": {"hostProcess": true}}}]})
        ),
        Level::Privileged
    );
    assert_eq!(
        level(json!({"securityContext": {"windowsOptions": {"hostProcess": true}}})),
        Level::Privileged
    );
}

#[test]
fn host_network_pid_or_ipc_is_privileged_level() {
    for field in ["hostNetwork", "hostPID", "hostIPC"] {
        assert_eq!(level(json!({field: true})), Level::Privileged, "{field}");
        assert_eq!(level(json!({field: false})), Level::Restricted, "{field}");
    }
}

#[test]
fn privileged_container_is_privileged_level() {
    assert_eq!(
        level(json!({"containers": [{"securityContext": {"privileged": true}}]})),
        Level::Privileged
    );
}

#[test]
fn privileged_init_container_counts_too() {
    let spec = restricted_pod(
        json!({"initContainers": [{"name": "init", "image": "x:1", "securityContext": {
        "privileged": true, "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]}),
    );
    assert!(failing(&spec).contains(&"pss.baseline.privileged"));
}

#[test]
fn ephemeral_containers_are_checked() {
    let spec = restricted_pod(
        json!({"ephemeralContainers": [{"name": "debug", "image": "busybox:1",
        "securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}}]}),
    );
    let ids = failing(&spec);
    assert!(ids.contains(&"pss.baseline.capabilities"), "{ids:?}");
    assert!(
        ids.contains(&"pss.restricted.privilege-escalation"),
        "{ids:?}"
    );
}

#[test]
fn baseline_allows_default_capabilities_but_not_others() {
    let add =
        |cap: &str| json!({"containers": [{"securityContext": {"capabilities": {"add": [cap]}}}]});
    assert_eq!(level(add("CHOWN")), Level::Baseline);
    assert_eq!(level(add("NET_ADMIN")), Level::Privileged);
}

#[test]
fn restricted_allows_adding_only_net_bind_service() {
    let add =
        |cap: &str| json!({"containers": [{"securityContext": {"capabilities": {"add": [cap]}}}]});
    assert_eq!(level(add("NET_BIND_SERVICE")), Level::Restricted);
}

#[test]
fn restricted_requires_dropping_all_capabilities() {
    assert_eq!(
        level(
            json!({"containers": [{"securityContext": {"capabilities": {"drop": ["NET_RAW"]}}}]})
        ),
        Level::Baseline
    );
}

#[test]
fn host_path_volume_is_privileged_level() {
    assert_eq!(
        level(json!({"volumes": [{"name": "h", "hostPath": {"path": "/var/run"}}]})),
        Level::Privileged
    );
}

#[test]
fn host_port_is_privileged_level_but_zero_is_fine() {
    let port = |h: i32| json!({"containers": [{"ports": [{"containerPort": 80, "hostPort": h}]}]});
    assert_eq!(level(port(8080)), Level::Privileged);
    assert_eq!(level(port(0)), Level::Restricted);
}

#[test]
fn apparmor_unconfined_is_privileged_level() {
    assert_eq!(
        level(json!({"securityContext": {"appArmorProfile": {"type": "Unconfined"}}})),
        Level::Privileged
    );
    assert_eq!(
        level(
            json!({"containers": [{"securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}}}]})
        ),
        Level::Restricted
    );
}

#[test]
fn apparmor_annotation_unconfined_is_privileged_level() {
    let spec = restricted_pod(json!({}));
    let key = "container.apparmor.security.beta.kubernetes.io/app".to_string();
    let bad = BTreeMap::from([(key.clone(), "unconfined".to_string())]);
    assert_eq!(evaluate(&spec, &bad).level, Level::Privileged);
    let good = BTreeMap::from([(key, "localhost/my-profile".to_string())]);
    assert_eq!(evaluate(&spec, &good).level, Level::Restricted);
}

#[test]
fn selinux_custom_type_user_or_role_is_privileged_level() {
    let opts = |o: Value| json!({"securityContext": {"seLinuxOptions": o}});
    assert_eq!(level(opts(json!({"type": "spc_t"}))), Level::Privileged);
    assert_eq!(
        level(opts(json!({"type": "container_init_t"}))),
        Level::Restricted
    );
    assert_eq!(level(opts(json!({"user": "system_u"}))), Level::Privileged);
    assert_eq!(
        level(
            json!({"containers": [{"securityContext": {"seLinuxOptions": {"role": "sysadm_r"}}}]})
        ),
        Level::Privileged
    );
    assert_eq!(
        level(opts(json!({"level": "s0:c123,c456"}))),
        Level::Restricted
    );
}

#[test]
fn unmasked_proc_mount_is_privileged_level() {
    assert_eq!(
        level(json!({"containers": [{"securityContext": {"procMount": "Unmasked"}}]})),
        Level::Privileged
    );
    assert_eq!(
        level(json!({"containers": [{"securityContext": {"procMount": "Default"}}]})),
        Level::Restricted
    );
}

#[test]
fn seccomp_unconfined_is_privileged_level() {
    assert_eq!(
        level(json!({"securityContext": {"seccompProfile": {"type": "Unconfined"}}})),
        Level::Privileged
    );
    assert_eq!(
        level(
            json!({"containers": [{"securityContext": {"seccompProfile": {"type": "Unconfined"}}}]})
        ),
        Level::Privileged
    );
}

#[test]
fn restricted_seccomp_may_be_set_per_container_instead_of_pod() {
    let spec = restricted_pod(json!({"securityContext": {"seccompProfile": null},
        "containers": [{"securityContext": {"seccompProfile": {"type": "Localhost", "localhostProfile": "p.json"}}}]}));
    assert_eq!(evaluate_spec(&spec).level, Level::Restricted);
    let none = restricted_pod(json!({"securityContext": {"seccompProfile": null}}));
    assert!(failing(&none).contains(&"pss.restricted.seccomp"));
}

#[test]
fn unsafe_sysctl_is_privileged_level_and_safe_one_is_not() {
    let sysctl =
        |name: &str| json!({"securityContext": {"sysctls": [{"name": name, "value": "1"}]}});
    assert_eq!(level(sysctl("kernel.msgmax")), Level::Privileged);
    assert_eq!(
        level(sysctl("net.ipv4.tcp_keepalive_time")),
        Level::Restricted
    );
    assert_eq!(level(sysctl("net.ipv4.tcp_rmem")), Level::Restricted);
}

#[test]
fn restricted_volume_types_exclude_nfs_but_allow_projected_and_ephemeral() {
    assert_eq!(
        level(json!({"volumes": [{"name": "n", "nfs": {"server": "s", "path": "/"}}]})),
        Level::Baseline
    );
    assert_eq!(
        level(
            json!({"volumes": [{"name": "p", "projected": {"sources": []}}, {"name": "e", "emptyDir": {}}]})
        ),
        Level::Restricted
    );
}

#[test]
fn privilege_escalation_must_be_explicitly_false() {
    assert_eq!(
        level(json!({"containers": [{"securityContext": {"allowPrivilegeEscalation": null}}]})),
        Level::Baseline
    );
    assert_eq!(
        level(json!({"containers": [{"securityContext": {"allowPrivilegeEscalation": true}}]})),
        Level::Baseline
    );
}

#[test]
fn run_as_non_root_on_containers_suffices_without_pod_level() {
    let spec = restricted_pod(json!({"securityContext": {"runAsNonRoot": null},
        "containers": [{"securityContext": {"runAsNonRoot": true}}]}));
    assert_eq!(evaluate_spec(&spec).level, Level::Restricted);
}

#[test]
fn container_setting_run_as_non_root_false_overrides_pod() {
    assert_eq!(
        level(json!({"containers": [{"securityContext": {"runAsNonRoot": false}}]})),
        Level::Baseline
    );
}

#[test]
fn run_as_user_zero_is_not_restricted_but_other_uids_are() {
    assert_eq!(
        level(json!({"securityContext": {"runAsUser": 0}})),
        Level::Baseline
    );
    assert_eq!(
        level(json!({"containers": [{"securityContext": {"runAsUser": 0}}]})),
        Level::Baseline
    );
    assert_eq!(
        level(json!({"securityContext": {"runAsUser": 1000}})),
        Level::Restricted
    );
}

#[test]
fn windows_pods_are_exempt_from_linux_only_restricted_controls() {
    let spec: PodSpec = serde_json::from_value(json!({"os": {"name": "windows"},
        "securityContext": {"runAsNonRoot": true},
        "containers": [{"name": "c", "image": "x:1"}]}))
    .unwrap();
    assert_eq!(evaluate_spec(&spec).level, Level::Restricted);
}

#[test]
fn probe_or_lifecycle_handler_aimed_at_another_host_is_privileged_level() {
    let probe =
        json!({"containers": [{"livenessProbe": {"httpGet": {"port": 80, "host": "10.0.0.1"}}}]});
    assert_eq!(level(probe), Level::Privileged);
    let hook = json!({"containers": [{"lifecycle": {"preStop": {"tcpSocket": {"port": 80, "host": "db"}}}}]});
    assert_eq!(level(hook), Level::Privileged);
    let local = json!({"containers": [{"readinessProbe": {"httpGet": {"port": 80, "host": ""}}}]});
    assert_eq!(level(local), Level::Restricted);
}

#[test]
fn unknown_seccomp_type_is_not_baseline() {
    assert_eq!(
        level(json!({"securityContext": {"seccompProfile": {"type": "Custom"}}})),
        Level::Privileged
    );
}
