#!/usr/bin/env bash
# The devcluster's apiserver trusts the identity provider the way the portal
# does: writes its AuthenticationConfiguration with
# `aigov cluster-auth-config`, from the same settings the portal runs with
# (.dev/devcluster.env and .dev/idp.env; more issuers with
# AIGOV_CLUSTER_AUTH_ENV=FILE, e.g. .dev/keycloak.env, added beside those
# already trusted), then waits until the apiserver has loaded it.
# Idempotent: the file is only rewritten when it would change.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dev="${AIGOV_DEV_DIR:-$root/.dev}"
say() { echo "cluster-auth.sh: $*" >&2; }

set -a
# shellcheck disable=SC1091
. "$dev/devcluster.env"
# shellcheck disable=SC1090
. "${AIGOV_CLUSTER_AUTH_ENV:-$dev/idp.env}"
set +a
config="$AIGOV_DEVCLUSTER_AUTHN_CONFIG"

# The portal's own binary (shared with `cargo test`, which builds the same).
cargo build --quiet --features ssr --bin aigov
aigov="${CARGO_TARGET_DIR:-$root/target}/debug/aigov"

next="$(mktemp "$(dirname "$config")/.next.XXXXXX")"
trap 'rm -f "$next"' EXIT
"$aigov" cluster-auth-config --merge "$config" >"$next"
if cmp -s "$next" "$config"; then
  say "the apiserver already trusts $AIGOV_OIDC_ISSUER as the portal does"
  exit 0
fi

kubectl() { "$DEVCLUSTER_BIN_DIR/kubectl" --kubeconfig "$KUBECONFIG" "$@"; }
# The apiserver reports the hash of the configuration it has loaded.
loaded() {
  kubectl get --raw /metrics 2>/dev/null |
    sed -n 's/^apiserver_authentication_config_controller_last_config_info{.*hash="\([^"]*\)".*/\1/p'
}
chmod 0644 "$next"
mv "$next" "$config"
want="sha256:$(sha256sum "$config" | cut -d' ' -f1)"
for _ in $(seq 1 190); do
  if [[ "$(loaded)" == "$want" ]]; then
    say "the apiserver trusts $AIGOV_OIDC_ISSUER as the portal does ($config)"
    exit 0
  fi
  sleep 0.4
done
say "the apiserver has not loaded $config within 75 s (it reports $(loaded || true)); see .dev/devcluster/logs/kube-apiserver.log"
exit 1
