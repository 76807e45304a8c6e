# Versions of the build tools, in one place. Sourced by the other scripts.
# shellcheck shell=bash
aigov_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="${AIGOV_TOOLS_DIR:-$HOME/.cache/aigov/tools}"
# 0.3.11 and later need a newer Rust than the project's toolchain.
cargo_leptos_version="0.3.10"
# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
wasm_bindgen_version="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/, ""); print; exit}' "$aigov_root/Cargo.lock")"
# helm renders and checks the chart (deploy/helm/aigov); built from the Go
# module proxy by scripts/setup.sh.
helm_version="3.22.0"
# The Kubernetes network-policy API (sigs.k8s.io/network-policy-api), whose
# CRDs the devcluster serves (scripts/network-policy-api.sh): the last
# release with AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1),
# and the release with ClusterNetworkPolicy (v1alpha2, v1beta1) that replaces
# them. Both generations are installed, as in a cluster in transition.
network_policy_api_module="sigs.k8s.io/network-policy-api"
network_policy_api_anp_version="v0.1.7"
network_policy_api_cnp_version="v0.3.0"
# Keycloak, the second real identity provider (scripts/keycloak.sh), from
# Maven Central (org.keycloak:keycloak-quarkus-dist). It needs Java 21 or later.
keycloak_version="26.5.6"
keycloak_java_min="21"
