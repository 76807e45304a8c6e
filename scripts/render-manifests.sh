#!/usr/bin/env bash
# Renders deploy/aigov.yaml, the plain manifests of a whole installation,
# from the chart (deploy/helm/aigov) with the example values in
# deploy/aigov-values.yaml, for people who install without Helm. The tests
# check that the committed file is what this prints.
# Usage: scripts/render-manifests.sh [--check]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PATH="$("$root/scripts/tools-path.sh"):$PATH"
out="$root/deploy/aigov.yaml"
rendered="$(
  printf '%s\n' "# Rendered from deploy/helm/aigov by scripts/render-manifests.sh with" \
    "# deploy/aigov-values.yaml; edit those, not this file. Apply" \
    "# deploy/namespace.yaml first."
  helm template aigov "$root/deploy/helm/aigov" --namespace aigov-system --include-crds \
    --values "$root/deploy/aigov-values.yaml"
)"
if [ "${1:-}" = "--check" ]; then
  if ! diff -u "$out" <(printf '%s\n' "$rendered") >/dev/null; then
    echo "deploy/aigov.yaml is stale: run scripts/render-manifests.sh" >&2
    exit 1
  fi
  exit 0
fi
printf '%s\n' "$rendered" >"$out"
echo "wrote ${out#"$root"/}"
