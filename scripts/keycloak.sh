#!/usr/bin/env bash
# keycloak: Keycloak from Maven Central as a second real identity provider,
# with the realm tools/keycloak/realm-aigov.json (the demo people, the
# portal's and the command line's clients), served over HTTPS on 127.0.0.1.
# See tools/keycloak/README.md.
#
#   scripts/keycloak.sh up        download and build once (cached), start unless running,
#                                 wait for the realm's discovery, write .dev/keycloak.env
#   scripts/keycloak.sh down      stop it
#   scripts/keycloak.sh restart   down, then up
#   scripts/keycloak.sh status    process and health (exit 1 unless healthy)
#   scripts/keycloak.sh logs      the log's tail
#   scripts/keycloak.sh install   only download and build (e.g. to warm a cache)
#
# Environment: AIGOV_KEYCLOAK_PORT (default 9643), AIGOV_DEV_DIR (default <repo>/.dev),
# AIGOV_KEYCLOAK_START_TIMEOUT (seconds, default 180), AIGOV_KEYCLOAK_JAVA_HOME (a JDK 21+;
# otherwise the newest JDK 21+ under /usr/lib/jvm, or JAVA_HOME), AIGOV_TOOLS_DIR.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/versions.sh"
repo="$aigov_root"
dev_dir="${AIGOV_DEV_DIR:-$repo/.dev}"
state="$dev_dir/keycloak"
port="${AIGOV_KEYCLOAK_PORT:-9643}"
url="https://127.0.0.1:$port"
issuer="$url/realms/aigov"
env_file="$dev_dir/keycloak.env"
log_file="$state/keycloak.log"
start_timeout="${AIGOV_KEYCLOAK_START_TIMEOUT:-180}"
realm_file="$repo/tools/keycloak/realm-aigov.json"
home="$tools/keycloak-$keycloak_version"
maven="https://repo1.maven.org/maven2/org/keycloak/keycloak-quarkus-dist/$keycloak_version"
# Build-time options: fixed into the install by `kc.sh build`, so that each
# start can skip that step (`start --optimized`). An in-memory database: every
# start imports the realm afresh, so the server always matches the file.
build_options=(--db=dev-mem --health-enabled=false --metrics-enabled=false)

log() { echo "keycloak.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# The newest JDK of at least the version Keycloak needs.
find_java() {
  local candidate version best="" best_version=0
  local candidates=("${AIGOV_KEYCLOAK_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/*)
  if [[ -n "${AIGOV_KEYCLOAK_JAVA_HOME:-}" ]]; then candidates=("$AIGOV_KEYCLOAK_JAVA_HOME"); fi
  for candidate in "${candidates[@]}"; do
    [[ -n "$candidate" && -x "$candidate/bin/java" && -f "$candidate/release" ]] || continue
    version="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$candidate/release")"
    [[ "$version" =~ ^[0-9]+$ ]] || continue
    if ((version >= keycloak_java_min && version > best_version)); then
      best="$candidate"; best_version="$version"
    fi
  done
  if [[ -z "$best" && -n "${AIGOV_KEYCLOAK_JAVA_HOME:-}" ]]; then
    die "AIGOV_KEYCLOAK_JAVA_HOME=$AIGOV_KEYCLOAK_JAVA_HOME is not a JDK $keycloak_java_min or later, which Keycloak $keycloak_version needs"
  fi
  [[ -n "$best" ]] || die "Keycloak $keycloak_version needs Java $keycloak_java_min or later, and none was found \
(looked at JAVA_HOME and /usr/lib/jvm/*). Install a JDK $keycloak_java_min+ (Debian 13: openjdk-21-jdk-headless; \
Debian 12: Temurin 21 or 25 from packages.adoptium.net) or point AIGOV_KEYCLOAK_JAVA_HOME at one."
  echo "$best"
}

# Downloads the distribution once into $home, checked against Maven Central's
# SHA-1, and fixes the build-time options into it; both are cached per version.
install() {
  local stamp="$home/.aigov-build" want
  want="${build_options[*]}"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return 0; fi
  local java
  java="$(find_java)"
  mkdir -p "$tools"
  exec 8>"$tools/.keycloak-$keycloak_version.lock"
  flock 8
  if [[ ! -x "$home/bin/kc.sh" ]]; then
    local tmp archive="keycloak-quarkus-dist-$keycloak_version.tar.gz" started=$SECONDS
    tmp="$(mktemp -d "$tools/.keycloak-download.XXXXXX")"
    log "downloading Keycloak $keycloak_version from Maven Central (about 165 MB)"
    curl -fsSL --retry 3 -o "$tmp/$archive" "$maven/$archive" || die "download of $maven/$archive failed"
    curl -fsSL --retry 3 -o "$tmp/$archive.sha1" "$maven/$archive.sha1" || die "download of $archive.sha1 failed"
    local expected actual
    expected="$(cut -c1-40 "$tmp/$archive.sha1")"
    actual="$(sha1sum "$tmp/$archive" | cut -c1-40)"
    [[ "$expected" == "$actual" ]] || { rm -rf "$tmp"; die "checksum mismatch for $archive: $actual, Maven Central says $expected"; }
    tar -xzf "$tmp/$archive" -C "$tmp"
    rm -rf "$home"
    mv "$tmp/keycloak-$keycloak_version" "$home"
    rm -rf "$tmp"
    log "downloaded and unpacked into $home in $((SECONDS - started)) s"
  fi
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    local started=$SECONDS
    log "building Keycloak with ${build_options[*]} (once per install; Java at $java)"
    JAVA_HOME="$java" "$home/bin/kc.sh" build "${build_options[@]}" >"$home/.aigov-build.log" 2>&1 \
      || { tail -n 30 "$home/.aigov-build.log" >&2; die "kc.sh build failed"; }
    echo "$want" >"$stamp"
    log "built in $((SECONDS - started)) s"
  fi
  exec 8>&-
}

# A certificate authority of this checkout's, and a serving certificate for
# 127.0.0.1 and localhost signed by it (renewed when it ends within 30 days).
certificates() {
  mkdir -p "$state"
  chmod 700 "$state"
  if [[ ! -f "$state/ca.pem" || ! -f "$state/ca-key.pem" ]]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=aigov Keycloak development CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout "$state/ca-key.pem" -out "$state/ca.pem" 2>/dev/null
    rm -f "$state/tls.pem"
  fi
  if [[ -f "$state/tls.pem" ]] && openssl x509 -checkend 2592000 -noout -in "$state/tls.pem" >/dev/null \
    && openssl verify -CAfile "$state/ca.pem" "$state/tls.pem" >/dev/null 2>&1; then
    return 0
  fi
  openssl req -new -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$state/tls-key.pem" -out "$state/tls.csr" 2>/dev/null
  openssl x509 -req -in "$state/tls.csr" -CA "$state/ca.pem" -CAkey "$state/ca-key.pem" -CAcreateserial \
    -days 825 -out "$state/tls.pem" -extfile <(printf '%s\n' \
      "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=critical,CA:FALSE" \
      "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth") 2>/dev/null
  rm -f "$state/tls.csr"
  chmod 600 "$state"/*key.pem
}

# A secret kept in the state folder, made on first use.
secret() {
  local file="$state/$1"
  [[ -s "$file" ]] || (umask 077 && openssl rand -hex 24 >"$file")
  cat "$file"
}

running_pid() {
  local pid
  [[ -f "$state/pid" ]] || return 1
  pid="$(cat "$state/pid")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "keycloak" || return 1
  echo "$pid"
}

healthy() {
  [[ -f "$state/ca.pem" ]] || return 1
  curl -fsS --max-time 3 --cacert "$state/ca.pem" "$issuer/.well-known/openid-configuration" 2>/dev/null \
    | grep -q "\"issuer\":\"$issuer\""
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

write_env() {
  mkdir -p "$dev_dir"
  (
    umask 077
    cat >"$env_file.tmp" <<EOF
AIGOV_KEYCLOAK_URL='$url'
AIGOV_OIDC_ISSUER='$issuer'
AIGOV_OIDC_CLIENT_ID='aigov-portal'
AIGOV_OIDC_CLIENT_SECRET='$(secret portal-client-secret)'
AIGOV_OIDC_CLI_CLIENT_ID='aigov-cli'
AIGOV_OIDC_CA_FILE='$state/ca.pem'
AIGOV_KEYCLOAK_ADMIN_USER='admin'
AIGOV_KEYCLOAK_ADMIN_PASSWORD='$(secret admin-password)'
EOF
  )
  mv "$env_file.tmp" "$env_file"
}

realm_hash() {
  sha256sum "$realm_file" | cut -c1-64
}

# A Keycloak started by a checkout that no longer exists (e.g. a removed CI
# clone) holds the port; stop it. Anything else is left alone.
stop_orphan_on_port() {
  command -v ss >/dev/null 2>&1 || return 0
  local pid cmdline other_import
  pid="$(ss -Hltnp "sport = :$port" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n1)"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 0
  cmdline="$(tr '\0' '\n' <"/proc/$pid/cmdline")"
  other_import="$(sed -n 's/^-Dkeycloak.migration.dir=//p' <<<"$cmdline" | head -n1)"
  [[ -n "$other_import" && "$other_import" == */keycloak/import && ! -d "$other_import" ]] || return 0
  log "stopping an orphaned Keycloak (pid $pid; its folder $other_import is gone)"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do port_in_use "$port" || return 0; sleep 0.25; done
}

up() {
  local pid
  if pid="$(running_pid)"; then
    if [[ "$(cat "$state/realm.sha256" 2>/dev/null)" != "$(realm_hash)" ]]; then
      log "$realm_file changed since Keycloak started; restarting to import it"
      down
    else
      healthy || die "running (pid $pid) but $issuer does not answer; see 'scripts/keycloak.sh logs', or run 'down' and 'up'"
      write_env
      log "already running at $url (pid $pid); wrote $env_file"
      return 0
    fi
  fi
  port_in_use "$port" && stop_orphan_on_port
  if port_in_use "$port"; then
    die "port $port on 127.0.0.1 is in use by another process; stop it or choose AIGOV_KEYCLOAK_PORT=<port>"
  fi
  install
  certificates
  local java started=$SECONDS
  java="$(find_java)"
  # The realm is imported from a folder of this checkout's (not the shared
  # install's data/import), with the client secret filled in from the
  # environment (Keycloak replaces ${...} placeholders at import).
  rm -rf "$state/import"
  mkdir -p "$state/import"
  cp "$realm_file" "$state/import/realm-aigov.json"
  realm_hash >"$state/realm.sha256"
  echo "---- $(date -u +%Y-%m-%dT%H:%M:%SZ) starting on $url with Java at $java" >>"$log_file"
  # On Java 24 and later, JBoss Threads' thread-local reset needs java.lang
  # opened, or worker threads die with IllegalAccessError. The quick (C1)
  # compiler only: a test server lives minutes, and starts in 19 s instead
  # of 25 s on two busy cores.
  local java_opens="--add-opens=java.base/java.lang=ALL-UNNAMED -XX:TieredStopAtLevel=1"
  local launcher=()
  command -v setsid >/dev/null 2>&1 && launcher=(setsid)
  AIGOV_KEYCLOAK_PORTAL_SECRET="$(secret portal-client-secret)" \
    KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD="$(secret admin-password)" \
    JAVA_HOME="$java" JAVA_OPTS_KC_HEAP="${AIGOV_KEYCLOAK_HEAP:--Xms64m -Xmx768m}" \
    JAVA_OPTS_APPEND="$java_opens" \
    nohup "${launcher[@]}" "$home/bin/kc.sh" start --optimized \
    "-Dkeycloak.migration.dir=$state/import" --import-realm \
    --cache=local --hostname="$url" --http-enabled=false --http-host=127.0.0.1 --https-port="$port" \
    --https-certificate-file="$state/tls.pem" --https-certificate-key-file="$state/tls-key.pem" \
    >>"$log_file" 2>&1 </dev/null &
  local child=$!
  echo "$child" >"$state/pid"
  local waited=0
  until healthy; do
    if ! kill -0 "$child" 2>/dev/null; then
      log "Keycloak exited during start; last log lines:"
      tail -n 30 "$log_file" >&2
      rm -f "$state/pid"
      exit 1
    fi
    if ((waited >= start_timeout * 2)); then
      log "no answer from $issuer after ${start_timeout}s; last log lines:"
      tail -n 30 "$log_file" >&2
      exit 1
    fi
    sleep 0.5; waited=$((waited + 1))
  done
  write_env
  log "ready at $issuer in $((SECONDS - started)) s (pid $child); wrote $env_file"
  log "demo users: alice, bob, carol, dave, erin, frank, mona (password = user name); mallory is disabled"
}

down() {
  local pid
  if ! pid="$(running_pid)"; then
    log "not running"
    rm -f "$state/pid"
    return 0
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid did not stop on SIGTERM; sending SIGKILL to its process group"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$state/pid"
  log "stopped (pid $pid)"
}

status() {
  local pid
  if ! pid="$(running_pid)"; then
    echo "keycloak: not running (state in $state)"
    return 1
  fi
  if healthy; then
    echo "keycloak: running at $issuer (pid $pid), healthy; env file: $env_file"
    return 0
  fi
  echo "keycloak: process $pid is running but $issuer does not answer"
  return 1
}

cmd="${1:-}"
[[ $# -gt 0 ]] && shift
case "$cmd" in
  up) up ;;
  down) down ;;
  restart) down; up ;;
  status) status ;;
  install) install; log "Keycloak $keycloak_version is installed in $home" ;;
  logs)
    [[ -f "$log_file" ]] || die "no log yet ($log_file)"
    tail -n "${LINES_TO_SHOW:-100}" "$log_file"
    ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | sed -n 's/^# \{0,1\}//p'
    [[ -z "$cmd" || "$cmd" == -h || "$cmd" == --help || "$cmd" == help ]] || exit 2
    ;;
esac
