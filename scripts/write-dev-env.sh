#!/usr/bin/env bash
# Writes .dev/env: everything a shell, a test or the portal needs to use the
# local stack (portal URL, identity provider, devcluster kubeconfigs, the
# model server).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dev="${AIGOV_DEV_DIR:-$root/.dev}"
url="${AIGOV_URL:-http://127.0.0.1:3000}"
{
  echo "# Written by scripts/write-dev-env.sh; source it: set -a; . .dev/env; set +a"
  echo "AIGOV_URL='$url'"
  cat "$dev/devcluster.env"
  cat "$dev/idp.env"
  # The model server (scripts/model-server.sh); in development the portal
  # forwards calls of models to it.
  model_server_url="$(sed -n 's/^AIGOV_MODEL_SERVER_URL=//p' "$dev/model-server.env")"
  echo "AIGOV_MODEL_SERVER_URL='$model_server_url'"
  echo "AIGOV_MODEL_UPSTREAM='$model_server_url'"
  echo "AIGOV_KUBECONFIG='$dev/portal-kubeconfig'"
  echo "AIGOV_PUBLIC_URL='$url'"
  echo "AIGOV_DEV=true"
  # carol (governance) oversees every namespace, mona (llm-managers) only
  # llm: their RBAC decides (tools/devcluster/models/).
  echo "AIGOV_MANAGER_GROUPS=governance,llm-managers"
  # The API takes the command line's ID tokens (`aigov token`) as bearer
  # tokens too.
  cli_client="$(sed -n "s/^AIGOV_OIDC_CLI_CLIENT_ID=//p" "$dev/idp.env" | tr -d "'")"
  echo "AIGOV_API_ID_TOKEN_AUDIENCES='${cli_client:-aigov-cli}'"
} > "$dev/env"
