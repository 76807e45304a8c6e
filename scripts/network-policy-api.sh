#!/usr/bin/env bash
# Installs the Kubernetes network-policy API's CRDs (policy.networking.k8s.io)
# into the devcluster: AdminNetworkPolicy and BaselineAdminNetworkPolicy
# (v1alpha1) from one release of the sigs.k8s.io/network-policy-api Go module,
# ClusterNetworkPolicy (v1alpha2, v1beta1) from a newer one (versions in
# scripts/versions.sh). The module comes through `go mod download` (the Go
# module proxy, cached in GOMODCACHE); its standard-channel CRDs are applied
# and waited for until Established. Idempotent; run by scripts/devcluster.sh
# before the seed, whose guardrails need these kinds.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=versions.sh
. "$root/scripts/versions.sh"
kubectl() { "$root/scripts/devcluster.sh" kubectl "$@"; }
log() { echo "network-policy-api.sh: $*" >&2; }

# The folder of the module at VERSION, downloaded when not cached.
module_dir() {
  local json dir
  # Outside any module, so the download is of exactly this version.
  json="$(cd / && GOFLAGS=-mod=mod GOTOOLCHAIN=local go mod download -json "$network_policy_api_module@$1")" || {
    log "cannot download $network_policy_api_module@$1 (is the Go module proxy reachable? GOPROXY=$(go env GOPROXY))"
    exit 1
  }
  dir="$(printf '%s' "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')"
  [[ -d "$dir/config/crd/standard" ]] || { log "$network_policy_api_module@$1 has no config/crd/standard"; exit 1; }
  echo "$dir"
}

anp="$(module_dir "$network_policy_api_anp_version")/config/crd/standard"
cnp="$(module_dir "$network_policy_api_cnp_version")/config/crd/standard"
# Server-side: the CRDs are larger than the annotation a client-side apply
# keeps.
kubectl apply --server-side --force-conflicts --field-manager=aigov-setup \
  -f "$anp/policy.networking.k8s.io_adminnetworkpolicies.yaml" \
  -f "$anp/policy.networking.k8s.io_baselineadminnetworkpolicies.yaml" \
  -f "$cnp/policy.networking.k8s.io_clusternetworkpolicies.yaml" >/dev/null
kubectl wait --for=condition=Established --timeout=60s \
  crd/adminnetworkpolicies.policy.networking.k8s.io \
  crd/baselineadminnetworkpolicies.policy.networking.k8s.io \
  crd/clusternetworkpolicies.policy.networking.k8s.io >/dev/null
log "AdminNetworkPolicy, BaselineAdminNetworkPolicy ($network_policy_api_anp_version)" \
  "and ClusterNetworkPolicy ($network_policy_api_cnp_version) are served"
