#!/usr/bin/env bash
# model-server: the development model server (tools/model-server), serving
# the devcluster's demo models over KServe V1 on 127.0.0.1. See
# tools/model-server/README.md.
#
#   scripts/model-server.sh up        build (cargo, dev profile), start in the background unless
#                                     already running, wait until it answers, write .dev/model-server.env
#   scripts/model-server.sh down      stop it
#   scripts/model-server.sh status    show process and health (exit 1 unless healthy)
#   scripts/model-server.sh logs [-f] show (or follow) the log
#   scripts/model-server.sh env       print .dev/model-server.env
#
# Environment: MODEL_SERVER_PORT (default 9300), AIGOV_DEV_DIR (default <repo>/.dev),
# AIGOV_MODEL_SERVER_START_TIMEOUT (seconds, default 30), CARGO_TARGET_DIR (default
# ~/.cache/aigov/target, as in the Makefile).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tool="$repo/tools/model-server"
dev_dir="${AIGOV_DEV_DIR:-$repo/.dev}"
state="$dev_dir/model-server"
port="${MODEL_SERVER_PORT:-9300}"
url="http://127.0.0.1:$port"
log_file="$state/model-server.log"
pid_file="$state/pid"
env_file="$dev_dir/model-server.env"
start_timeout="${AIGOV_MODEL_SERVER_START_TIMEOUT:-30}"
target_dir="${CARGO_TARGET_DIR:-$HOME/.cache/aigov/target}"
binary="$target_dir/debug/aigov-model-server"

log() { echo "model-server.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# The same build `cargo test -p aigov-model-server` (make unit) makes: when
# that ran first, this is a no-op. The binary is copied into the state
# folder, so another build of the shared target folder cannot change the
# running one.
build() {
  command -v cargo >/dev/null 2>&1 || die "cargo is required (run 'make setup')"
  log "building tools/model-server (cargo build -p aigov-model-server)"
  (cd "$repo" && CARGO_TARGET_DIR="$target_dir" cargo build --quiet -p aigov-model-server) >&2
  mkdir -p "$state"
  cp "$binary" "$state/aigov-model-server.tmp"
  mv "$state/aigov-model-server.tmp" "$state/aigov-model-server"
}

# PID of the server started from this state folder, if it still runs.
running_pid() {
  local pid
  [[ -f "$pid_file" ]] || return 1
  pid="$(head -n1 "$pid_file")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$state/aigov-model-server" || return 1
  echo "$pid"
}

running_port() {
  sed -n 2p "$pid_file"
}

healthy() {
  curl -fsS --max-time 3 "$1/v2/health/ready" >/dev/null 2>&1
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

write_env() {
  mkdir -p "$dev_dir"
  echo "AIGOV_MODEL_SERVER_URL=$url" >"$env_file.tmp"
  mv "$env_file.tmp" "$env_file"
}

up() {
  local pid
  if pid="$(running_pid)"; then
    [[ "$(running_port)" == "$port" ]] \
      || die "already running on port $(running_port) (pid $pid), not $port; run 'scripts/model-server.sh down' first"
    healthy "$url" || die "running (pid $pid) but $url does not answer; see 'scripts/model-server.sh logs' or run 'down' and 'up'"
    write_env
    log "already running at $url (pid $pid); wrote $env_file"
    return 0
  fi
  build
  if port_in_use; then
    die "port $port on 127.0.0.1 is already in use by another process:
$(ss -Hltnp "sport = :$port" 2>/dev/null || true)
stop that process or choose another port with MODEL_SERVER_PORT=<port>"
  fi
  echo "---- $(date -u +%Y-%m-%dT%H:%M:%SZ) starting on $url" >>"$log_file"
  local launcher=()
  command -v setsid >/dev/null 2>&1 && launcher=(setsid)
  nohup "${launcher[@]}" "$state/aigov-model-server" --listen "127.0.0.1:$port" --models "$tool/models" \
    >>"$log_file" 2>&1 </dev/null &
  local child=$!
  printf '%s\n%s\n' "$child" "$port" >"$pid_file"
  local waited=0
  until healthy "$url"; do
    if ! kill -0 "$child" 2>/dev/null; then
      log "the model server exited during start; last log lines:"
      tail -n 20 "$log_file" >&2
      rm -f "$pid_file"
      exit 1
    fi
    if ((waited >= start_timeout * 10)); then
      log "no answer from $url after ${start_timeout}s; last log lines:"
      tail -n 20 "$log_file" >&2
      exit 1
    fi
    sleep 0.1; waited=$((waited + 1))
  done
  write_env
  log "ready at $url (pid $child); wrote $env_file"
}

down() {
  local pid
  if ! pid="$(running_pid)"; then
    log "not running"
    rm -f "$pid_file"
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
  rm -f "$pid_file"
  log "stopped (pid $pid)"
}

status() {
  local pid
  if ! pid="$(running_pid)"; then
    echo "model-server: not running (state in $state)"
    return 1
  fi
  local running_url="http://127.0.0.1:$(running_port)"
  if healthy "$running_url"; then
    echo "model-server: running at $running_url (pid $pid), healthy"
    curl -fsS --max-time 3 "$running_url/v1/models" 2>/dev/null && echo
    echo "env file: $env_file"
    return 0
  fi
  echo "model-server: process $pid is running but $running_url does not answer"
  return 1
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
  env)
    [[ -f "$env_file" ]] || die "no $env_file yet; run 'scripts/model-server.sh up'"
    cat "$env_file"
    ;;
  *)
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
    [[ -z "$cmd" || "$cmd" == -h || "$cmd" == --help || "$cmd" == help ]] || exit 2
    ;;
esac
