#!/usr/bin/env bash
# dev-idp: the development OpenID Connect provider (tools/dev-idp) with the
# demo users, served over HTTPS on 127.0.0.1. See tools/dev-idp/README.md.
#
#   scripts/dev-idp.sh up            install dependencies if needed, start in the background
#                                    unless already running, wait for discovery, write .dev/idp.env
#   scripts/dev-idp.sh down          stop it (keys, CA and client secret are kept)
#   scripts/dev-idp.sh status        show process and health (exit 1 unless healthy)
#   scripts/dev-idp.sh logs [-f]     show (or follow) the log
#   scripts/dev-idp.sh rotate-keys   sign with a new key, keep publishing the previous one
#   scripts/dev-idp.sh env           print .dev/idp.env
#
# Environment: AIGOV_IDP_PORT (default 9443), AIGOV_DEV_DIR (default <repo>/.dev),
# AIGOV_IDP_STATE_DIR (default $AIGOV_DEV_DIR/idp), AIGOV_IDP_START_TIMEOUT (seconds),
# AIGOV_IDP_SKIP_INSTALL=1 (never run npm ci); the provider itself also reads
# AIGOV_IDP_CLIENT_SECRET, AIGOV_IDP_REDIRECT_URIS, AIGOV_IDP_POST_LOGOUT_REDIRECT_URIS,
# AIGOV_IDP_TOKEN_TTL.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tool="$repo/tools/dev-idp"
dev_dir="${AIGOV_DEV_DIR:-$repo/.dev}"
state="${AIGOV_IDP_STATE_DIR:-$dev_dir/idp}"
port="${AIGOV_IDP_PORT:-9443}"
url="https://127.0.0.1:$port"
log_file="$state/idp.log"
env_file="$dev_dir/idp.env"
start_timeout="${AIGOV_IDP_START_TIMEOUT:-60}"

log() { echo "dev-idp.sh: $*" >&2; }
die() { log "$*"; exit 1; }

need_node() {
  command -v node >/dev/null 2>&1 || die "Node.js 20 or later is required (node not found)"
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  ((major >= 20)) || die "Node.js 20 or later is required (found $(node --version))"
}

# npm ci when node_modules does not match package-lock.json (stamped by its hash).
ensure_deps() {
  need_node
  [[ "${AIGOV_IDP_SKIP_INSTALL:-}" == 1 ]] && return 0
  local stamp="$tool/node_modules/.aigov-lock-stamp" want
  want="$(sha256sum "$tool/package-lock.json" | cut -c1-64) node-$(node -p 'process.versions.modules')"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return 0; fi
  mkdir -p "$dev_dir"
  exec 8>"$dev_dir/.dev-idp-npm.lock"
  flock 8
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    log "installing dependencies (npm ci in tools/dev-idp)"
    (cd "$tool" && npm ci --no-audit --no-fund --loglevel=error) >&2
    echo "$want" >"$stamp"
  fi
  exec 8>&-
}

# PID of the provider running from this state directory, if any.
running_pid() {
  local pid
  [[ -f "$state/server.json" ]] || return 1
  pid="$(sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' "$state/server.json" | head -n1)"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "dev-idp/src/server.mjs" || return 1
  echo "$pid"
}

running_port() {
  sed -n 's/.*"port": *\([0-9]*\).*/\1/p' "$state/server.json" | head -n1
}

healthy() {
  [[ -f "$state/ca.pem" ]] || return 1
  local discovery
  discovery="$(curl -fsS --max-time 3 --cacert "$state/ca.pem" "$url/.well-known/openid-configuration" 2>/dev/null)" \
    || return 1
  grep -q "\"issuer\":\"$url\"" <<<"$discovery"
}

port_in_use() {
  if command -v ss >/dev/null 2>&1; then
    [[ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
  fi
}

# A dev identity provider left behind by a checkout that no longer exists
# (e.g. a removed CI clone) holds the port; stop it. Anything else is left
# alone.
stop_orphan_on_port() {
  command -v ss >/dev/null 2>&1 || return 0
  local pid cmdline other_state
  pid="$(ss -Hltnp "sport = :$port" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n1)"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 0
  cmdline="$(tr '\0' ' ' < "/proc/$pid/cmdline")"
  [[ "$cmdline" == *"dev-idp/src/server.mjs"* ]] || return 0
  other_state="$(sed -n 's/.*--state-dir \([^ ]*\).*/\1/p' <<<"$cmdline")"
  if [[ -n "$other_state" && ! -d "$other_state" ]]; then
    log "stopping an orphaned dev identity provider (pid $pid, its folder $other_state is gone)"
    kill "$pid" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do port_in_use || return 0; sleep 0.5; done
  fi
}

write_env() {
  [[ -f "$state/idp.env" ]] || die "$state/idp.env is missing; is the provider running?"
  mkdir -p "$dev_dir"
  cp "$state/idp.env" "$env_file.tmp"
  chmod 600 "$env_file.tmp"
  mv "$env_file.tmp" "$env_file"
}

up() {
  ensure_deps
  local pid
  if pid="$(running_pid)"; then
    if [[ "$(running_port)" != "$port" ]]; then
      die "already running on port $(running_port) (pid $pid), not $port; run 'scripts/dev-idp.sh down' first"
    fi
    local waited=0
    until healthy; do
      ((waited < start_timeout)) || die "running (pid $pid) but $url does not answer; see 'scripts/dev-idp.sh logs' or run 'down' and 'up'"
      sleep 1; waited=$((waited + 1))
    done
    write_env
    log "already running at $url (pid $pid); wrote $env_file"
    return 0
  fi
  port_in_use && stop_orphan_on_port
  if port_in_use; then
    die "port $port on 127.0.0.1 is already in use by another process (not the dev identity provider of $state):
$(ss -Hltnp "sport = :$port" 2>/dev/null || true)
stop that process or choose another port with AIGOV_IDP_PORT=<port>"
  fi

  mkdir -p "$state"
  chmod 700 "$state"
  rm -f "$state/server.json" "$state/idp.env"
  {
    echo "---- $(date -u +%Y-%m-%dT%H:%M:%SZ) starting on $url"
  } >>"$log_file"
  local launcher=()
  command -v setsid >/dev/null 2>&1 && launcher=(setsid)
  AIGOV_IDP_PORT="$port" nohup "${launcher[@]}" node "$tool/src/server.mjs" --port "$port" --state-dir "$state" \
    >>"$log_file" 2>&1 </dev/null &
  local child=$!

  local waited=0
  until [[ -f "$state/server.json" ]] && healthy; do
    if ! kill -0 "$child" 2>/dev/null && ! running_pid >/dev/null; then
      log "the provider exited during start; last log lines:"
      tail -n 20 "$log_file" >&2
      exit 1
    fi
    if ((waited >= start_timeout * 4)); then
      log "no answer from $url after ${start_timeout}s; last log lines:"
      tail -n 20 "$log_file" >&2
      exit 1
    fi
    sleep 0.25; waited=$((waited + 1))
  done
  write_env
  log "ready at $url (pid $(running_pid)); wrote $env_file"
  log "demo users: alice, bob, carol, dave, erin, frank (password = user name)"
}

down() {
  local pid
  if ! pid="$(running_pid)"; then
    log "not running"
    rm -f "$state/server.json"
    return 0
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid did not stop on SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$state/server.json"
  log "stopped (pid $pid)"
}

status() {
  local pid
  if ! pid="$(running_pid)"; then
    echo "dev-idp: not running (state in $state)"
    return 1
  fi
  local running_url="https://127.0.0.1:$(running_port)"
  url="$running_url"
  if healthy; then
    echo "dev-idp: running at $url (pid $pid), healthy"
    curl -fsS --max-time 3 --cacert "$state/ca.pem" "$url/dev/info" 2>/dev/null || true
    echo "env file: $env_file"
    return 0
  fi
  echo "dev-idp: process $pid is running but $url does not answer"
  return 1
}

rotate_keys() {
  local pid
  if pid="$(running_pid)"; then
    url="https://127.0.0.1:$(running_port)"
    local token
    token="$(cat "$state/admin-token")"
    curl -fsS --max-time 10 --cacert "$state/ca.pem" -X POST \
      -H "Authorization: Bearer $token" "$url/dev/rotate-keys"
    echo
    log "rotated while serving (pid $pid); $url/jwks now publishes the new and the previous key"
  else
    need_node
    node "$tool/src/server.mjs" rotate-keys --state-dir "$state"
    log "not running: rotated the keys in $state; they are used on the next 'up'"
  fi
}

cmd="${1:-}"
[[ $# -gt 0 ]] && shift
case "$cmd" in
  up) up ;;
  down) down ;;
  restart) down; up ;;
  status) status ;;
  logs)
    [[ -f "$log_file" ]] || die "no log yet ($log_file)"
    if [[ "${1:-}" == "-f" || "${1:-}" == "--follow" ]]; then exec tail -n 50 -F "$log_file"; fi
    tail -n "${LINES_TO_SHOW:-200}" "$log_file"
    ;;
  rotate-keys) rotate_keys ;;
  env)
    [[ -f "$env_file" ]] || die "no $env_file yet; run 'scripts/dev-idp.sh up'"
    cat "$env_file"
    ;;
  *)
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
    [[ -z "$cmd" || "$cmd" == -h || "$cmd" == --help || "$cmd" == help ]] || exit 2
    ;;
esac
