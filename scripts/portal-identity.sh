#!/usr/bin/env bash
# Gives the local portal the identity it has in a real cluster and what it
# governs: applies, in order, the CRDs (deploy/crds.yaml, then waits until
# they are Established), the default access levels
# (deploy/access-levels.yaml, labelled bindable), the portal's RBAC
# (deploy/portal-rbac.yaml), the admission policies that let it bind only
# bindable roles (deploy/portal-admission.yaml),
# the PolicyReport CRD when absent and the managers' read role
# (deploy/governance-rbac.yaml)
# the demo models (tools/devcluster/models/) and the chart's default
# GovernancePolicy (templates/governance-policy.yaml), and writes
# .dev/portal-kubeconfig with a token of ServiceAccount aigov-system/aigov
# (never the admin). Idempotent: re-running changes nothing that is in place.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dev="${AIGOV_DEV_DIR:-$root/.dev}"
kubectl() { "$root/scripts/devcluster.sh" kubectl "$@"; }

kubectl apply -f "$root/deploy/namespace.yaml" -f "$root/deploy/crds.yaml" >/dev/null
kubectl wait --for=condition=Established \
  crd/models.aigov.dev crd/accessrequests.aigov.dev crd/accessrecords.aigov.dev \
  --timeout=60s >/dev/null
# The PolicyReport CRD only where absent: a cluster running Kyverno or Policy
# Reporter already has it, and theirs is kept.
if ! kubectl get crd policyreports.wgpolicyk8s.io >/dev/null 2>&1; then
  kubectl create -f "$root/deploy/policyreport-crd.yaml" >/dev/null
fi
kubectl wait --for=condition=Established crd/policyreports.wgpolicyk8s.io --timeout=60s >/dev/null
# The admission policies refuse any RoleBinding the portal makes to a role not
# labelled aigov.dev/bindable=true, so the roles grants bind are labelled
# first. Server-side apply: it owns the label, so a client-side apply of an
# older copy of the file without it (another checkout sharing the
# devcluster) does not remove it.
kubectl apply --server-side --field-manager=aigov-setup --force-conflicts \
  -f "$root/deploy/access-levels.yaml" >/dev/null
kubectl apply -f "$root/deploy/portal-rbac.yaml" -f "$root/deploy/governance-rbac.yaml" >/dev/null
kubectl apply -f "$root/deploy/portal-admission.yaml" >/dev/null
kubectl apply -f "$root/tools/devcluster/models/" >/dev/null
PATH="$("$root/scripts/tools-path.sh"):$PATH" helm template aigov "$root/deploy/helm/aigov" --namespace aigov-system \
  --values "$root/deploy/aigov-values.yaml" \
  --show-only templates/governance-policy.yaml | kubectl apply -f - >/dev/null
token="$(kubectl -n aigov-system create token aigov --duration=24h)"
server="$(kubectl config view --raw --minify -o jsonpath='{.clusters[0].cluster.server}')"
ca="$(kubectl config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority-data}')"
umask 077
# Written beside it and moved into place, so that a test reading it while
# another test binary runs this script never sees half a file.
cat > "$dev/portal-kubeconfig.tmp.$$" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: devcluster
  cluster:
    server: $server
    certificate-authority-data: $ca
users:
- name: aigov
  user:
    token: $token
contexts:
- name: aigov@devcluster
  context: {cluster: devcluster, user: aigov, namespace: aigov-system}
current-context: aigov@devcluster
KUBECONFIG
mv "$dev/portal-kubeconfig.tmp.$$" "$dev/portal-kubeconfig"
echo "portal identity: system:serviceaccount:aigov-system:aigov ($dev/portal-kubeconfig)"
