#!/usr/bin/env bash
# Installs what a fresh machine lacks to build and test aigov. Idempotent and
# quick when everything is already there. Tools live under the home
# directory (keyed by version), so a fresh clone reuses them.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/versions.sh"
root="$aigov_root"

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

if ! grep -qx wasm32-unknown-unknown <<<"$(rustup target list --installed)"; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The build tools are compiled without link-time optimisation and in
# parallel codegen units: their release profiles ask for whole-program LTO
# in one unit, which makes the install several minutes longer on two cores
# for a tool that runs for seconds.
fast_install() {
  CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_DEBUG=false cargo install "$@"
}

cargo_leptos="$tools/cargo-leptos-$cargo_leptos_version/bin/cargo-leptos"
if [ ! -x "$cargo_leptos" ]; then
  say "installing cargo-leptos $cargo_leptos_version (several minutes on 2 cores)"
  fast_install cargo-leptos --version "$cargo_leptos_version" --locked \
    --features no_downloads --root "$tools/cargo-leptos-$cargo_leptos_version"
fi

wasm_bindgen="$tools/wasm-bindgen-$wasm_bindgen_version/bin/wasm-bindgen"
if [ ! -x "$wasm_bindgen" ]; then
  say "installing wasm-bindgen-cli $wasm_bindgen_version (the version in Cargo.lock)"
  # Without --locked: its lockfile names a crate version the registry lacks.
  fast_install wasm-bindgen-cli --version "$wasm_bindgen_version" \
    --root "$tools/wasm-bindgen-$wasm_bindgen_version"
fi

# AIGOV_SKIP_BROWSER_TOOLS=1 (the image build) leaves out what only the
# browser tests and the chart tests need.
browser_tools="${AIGOV_SKIP_BROWSER_TOOLS:-}"

if [ -z "$browser_tools" ] && ! command -v chromium >/dev/null 2>&1; then
  say "installing Debian's Chromium"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
  else
    sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
  fi
fi

# npm packages: Playwright (never its browser download) and binaryen's wasm-opt.
npm_ci() {
  local dir="$1"
  local stamp="$dir/node_modules/.aigov-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
    say "npm ci in ${dir#"$root"/}"
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$stamp"
  fi
}
[ -n "$browser_tools" ] || npm_ci "$root/end2end"
npm_ci "$root/tools/build"

# helm, from the Go module proxy, to render and check the chart.
helm="$tools/helm-$helm_version/bin/helm"
if [ -z "$browser_tools" ] && [ ! -x "$helm" ]; then
  say "installing helm $helm_version from the Go module proxy (a few minutes on 2 cores)"
  GOBIN="$tools/helm-$helm_version/bin" GOFLAGS=-mod=mod \
    go install "helm.sh/helm/v3/cmd/helm@v$helm_version"
fi

say "tools ready"
