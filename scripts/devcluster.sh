#!/usr/bin/env bash
# devcluster: a real Kubernetes control plane (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kwok) for development and tests.
# See tools/devcluster/README.md.
#
#   scripts/devcluster.sh build            build the binaries (cached), print the bin dir
#   scripts/devcluster.sh up [--fresh]     build if needed, start if not running, install
#                                          the network-policy API's CRDs, seed, write
#                                          .dev/devcluster.env
#   scripts/devcluster.sh down             stop (data is kept in .dev/devcluster)
#   scripts/devcluster.sh status           show processes and health (exit 1 unless healthy)
#   scripts/devcluster.sh seed             apply the demo data again (idempotent; installs
#                                          the network-policy API's CRDs first)
#   scripts/devcluster.sh log-append NS POD CONTAINER [LINE...]   append to a pod's log
#   scripts/devcluster.sh kubectl ARGS...  kubectl against the devcluster
#   scripts/devcluster.sh bin-dir          print the bin dir (building if needed)
#   scripts/devcluster.sh env              print the lines of .dev/devcluster.env
#
# Environment: DEVCLUSTER_DIR (default <repo>/.dev), DEVCLUSTER_CACHE
# (default ~/.cache/aigov/devcluster), DEVCLUSTER_PORT_BASE (default 27000).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$repo/tools/devcluster"
dev_dir="${DEVCLUSTER_DIR:-$repo/.dev}"
cache_root="${DEVCLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aigov/devcluster}"
kube_version_ldflags() {
  local v
  v="$(awk '{ for (i = 1; i < NF; i++) if ($i == "k8s.io/kubernetes") { print $(i + 1); exit } }' "$src/go.mod")"
  local minor="${v#v1.}"; minor="${minor%%.*}"
  local flags="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $p.gitVersion=$v -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  echo "$flags"
}

log() { echo "devcluster.sh: $*" >&2; }

need_go() {
  command -v go >/dev/null 2>&1 || { log "Go is required to build devcluster (go.mod asks for $(awk '/^go /{print $2}' "$src/go.mod"))"; exit 1; }
}

# Hash of everything the binaries are built from (docs excluded) and the Go version.
source_hash() {
  need_go
  {
    (cd "$src" && find . -type f ! -name '*.md' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    go version
    echo "recipe 1: $(kube_version_ldflags)"
  } | sha256sum | cut -c1-16
}

bin_dir() { echo "$cache_root/$(source_hash)/bin"; }

build() {
  local hash dir bin
  hash="$(source_hash)"
  dir="$cache_root/$hash"
  bin="$dir/bin"
  if [[ -x "$bin/devcluster" && -f "$dir/complete" ]]; then
    echo "$bin"
    return 0
  fi
  mkdir -p "$cache_root"
  exec 9>"$cache_root/build.lock"
  if ! flock -n 9; then
    log "waiting for another devcluster build to finish"
    flock 9
  fi
  if [[ -x "$bin/devcluster" && -f "$dir/complete" ]]; then
    echo "$bin"; exec 9>&-; return 0
  fi
  log "building devcluster ($hash) into $bin; a first build takes a while, later ones are cached"
  rm -rf "$dir"
  mkdir -p "$dir/bin.tmp"
  local start=$SECONDS
  (cd "$src" && GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:-} -mod=readonly" \
    nice -n 10 go build -trimpath -ldflags "$(kube_version_ldflags)" -o "$dir/bin.tmp/" ./cmd/...)
  mv "$dir/bin.tmp" "$bin"
  echo "built in $((SECONDS - start))s with $(go version)" >"$dir/complete"
  log "built in $((SECONDS - start))s"
  # Keep the three most recent builds.
  ls -1dt "$cache_root"/*/ 2>/dev/null | tail -n +4 | while read -r old; do rm -rf "$old"; done
  exec 9>&-
  echo "$bin"
}

devcluster() {
  local bin
  bin="$(build)"
  "$bin/devcluster" "$@"
}

write_env() {
  mkdir -p "$dev_dir"
  local bin
  bin="$(build)"
  {
    # KUBECONFIG, and where the portal receives the apiserver's audit events.
    "$bin/devcluster" env --dir "$dev_dir"
    echo "DEVCLUSTER_BIN_DIR=$bin"
  } >"$dev_dir/devcluster.env.tmp.$$"
  mv "$dev_dir/devcluster.env.tmp.$$" "$dev_dir/devcluster.env"
}

cmd="${1:-}"
[[ $# -gt 0 ]] && shift
case "$cmd" in
  build | bin-dir)
    build
    ;;
  up)
    up_args=(--dir "$dev_dir")
    [[ -n "${DEVCLUSTER_PORT_BASE:-}" ]] && up_args+=(--port-base "$DEVCLUSTER_PORT_BASE")
    devcluster up "${up_args[@]}" "$@"
    # The seed's network guardrails need the network-policy API's CRDs.
    "$repo/scripts/network-policy-api.sh"
    devcluster seed --dir "$dev_dir"
    write_env
    log "ready: KUBECONFIG=$dev_dir/kubeconfig (also in $dev_dir/devcluster.env)"
    ;;
  down)
    if [[ -d "$dev_dir/devcluster" ]]; then devcluster down --dir "$dev_dir" "$@"; else log "not running"; fi
    ;;
  status)
    devcluster status --dir "$dev_dir" "$@"
    ;;
  seed)
    "$repo/scripts/network-policy-api.sh"
    devcluster seed --dir "$dev_dir" "$@"
    ;;
  log-append)
    devcluster log-append --dir "$dev_dir" "$@"
    ;;
  kubectl)
    bin="$(build)"
    KUBECONFIG="$dev_dir/kubeconfig" exec "$bin/kubectl" "$@"
    ;;
  env)
    write_env
    cat "$dev_dir/devcluster.env"
    ;;
  *)
    sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
    [[ -z "$cmd" || "$cmd" == -h || "$cmd" == --help || "$cmd" == help ]] || exit 2
    ;;
esac
