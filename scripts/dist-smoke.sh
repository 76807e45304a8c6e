#!/usr/bin/env bash
# Runs the portal from a dist tree (`make dist`) as the container image
# would: a copy of the tree made read-only, started from / with no home
# directory, a production session key (no dev mode), the portal's own
# identity and the development identity provider from .dev/env. Checks that
# it becomes ready, serves the hydration bundle and the stylesheet, sends
# people to sign in, exposes metrics on their own port (and not on the
# public one), and stops cleanly on SIGTERM.
# Usage: scripts/dist-smoke.sh DIST_DIR (with .dev/env sourced)
set -euo pipefail
dist="$(cd "${1:?usage: dist-smoke.sh DIST_DIR}" && pwd)"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${AIGOV_OIDC_ISSUER:?source .dev/env first}"

work="$(mktemp -d)"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  chmod -R u+w "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "dist-smoke: FAIL: $*" >&2; echo "--- portal log" >&2; cat "$work/log" >&2 || true; exit 1; }

cp -R "$dist/app" "$work/app"
chmod -R a-w "$work/app"
port="$(python3 "$root/scripts/free-port.py")"
metrics_port="$(python3 "$root/scripts/free-port.py")"
url="http://127.0.0.1:$port"
key="$(head -c 64 /dev/urandom | base64 -w0)"

(
  cd /
  exec env -i PATH=/usr/bin:/bin HOME=/nonexistent \
    AIGOV_LISTEN="127.0.0.1:$port" AIGOV_PUBLIC_URL="$url" \
    AIGOV_METRICS_LISTEN="127.0.0.1:$metrics_port" \
    AIGOV_SITE_ROOT="$work/app/site" AIGOV_SESSION_KEY="$key" \
    AIGOV_KUBECONFIG="$AIGOV_KUBECONFIG" AIGOV_OIDC_ISSUER="$AIGOV_OIDC_ISSUER" \
    AIGOV_OIDC_CLIENT_ID="$AIGOV_OIDC_CLIENT_ID" AIGOV_OIDC_CLIENT_SECRET="$AIGOV_OIDC_CLIENT_SECRET" \
    AIGOV_OIDC_CA_FILE="$AIGOV_OIDC_CA_FILE" AIGOV_PROBE_INTERVAL_SECONDS=1 \
    AIGOV_NO_RECONCILER=true AIGOV_LOG_FORMAT=json \
    "$work/app/aigov" serve
) >"$work/log" 2>&1 &
pid=$!

ready=""
for _ in $(seq 1 60); do
  if body="$(curl -fsS "$url/readyz" 2>/dev/null)" && grep -q "identity provider: ok" <<<"$body"; then
    ready="$body"; break
  fi
  kill -0 "$pid" 2>/dev/null || fail "the portal exited"
  sleep 0.5
done
[ -n "$ready" ] || fail "not ready within 30 s: $(curl -sS "$url/readyz" || true)"
grep -q "kubernetes: ok" <<<"$ready" || fail "readyz: $ready"

status() { curl -s -o /dev/null -w '%{http_code} %{content_type} %{redirect_url}' "$url$1"; }
page="$(status /models)"
[[ "$page" == 303* && "$page" == *"/auth/login?next=%2Fmodels"* ]] || fail "GET /models: $page"
# The site's files carry a content hash in their names (hash.txt, beside
# the binary, lists them), come precompressed, and may be kept for good.
hashed() { sed -n "s/^$1: *//p" "$work/app/hash.txt"; }
[ -f "$work/app/hash.txt" ] || fail "no hash.txt beside the binary"
asset() { # path, content type, encoding the browser accepts
  local headers
  headers="$(curl -s -o /dev/null -D - -H "Accept-Encoding: $3" "$url$1" | tr -d '\r')"
  grep -q "^HTTP/1.1 200" <<<"$headers" || fail "GET $1: $(head -1 <<<"$headers")"
  grep -qi "^content-type: $2" <<<"$headers" || fail "GET $1: not $2"
  grep -qi "^content-encoding: $3" <<<"$headers" || fail "GET $1 (accepting $3): not sent as $3"
  grep -qi "^cache-control: .*immutable" <<<"$headers" || fail "GET $1: not cached as immutable"
}
asset "/pkg/aigov.$(hashed wasm).wasm" application/wasm br
asset "/pkg/aigov.$(hashed wasm).wasm" application/wasm gzip
asset "/pkg/aigov.$(hashed js).js" text/javascript br
asset "/pkg/aigov.$(hashed css).css" text/css br
# Pages outside the app's shell (a sign-in error here) link the hashed stylesheet too.
error_page="$(curl -s "$url/auth/callback?code=forged&state=forged")"
grep -q "/pkg/aigov.$(hashed css).css" <<<"$error_page" || fail "the sign-in error page does not link the hashed stylesheet"
# Read whole before matching: `grep -q` stops at the first match, and curl,
# still writing, would fail the pipeline.
metrics="$(curl -fsS "http://127.0.0.1:$metrics_port/metrics")" || fail "GET /metrics on the metrics port"
grep -q '^aigov_http_request_duration_seconds_count{route="/models"' <<<"$metrics" \
  || fail "metrics do not count /models"
public_metrics="$(status /metrics)"
[[ "$public_metrics" == 404* ]] || fail "GET /metrics on the public port: $public_metrics"
grep -q '"level":"INFO"' "$work/log" || fail "no JSON log lines"

kill -TERM "$pid"
for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
kill -0 "$pid" 2>/dev/null && fail "still running 10 s after SIGTERM"
wait "$pid" && code=0 || code=$?
pid=""
[ "$code" = 0 ] || fail "exit code $code after SIGTERM"
echo "dist-smoke: ok (ready, hashed and precompressed bundle and stylesheet served as immutable, sign-in redirect, metrics, clean stop)"
