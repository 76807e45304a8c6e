#!/usr/bin/env bash
# Prints the PATH entries of the build tools that scripts/setup.sh installs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/versions.sh"
printf '%s:%s:%s:%s' "$tools/cargo-leptos-$cargo_leptos_version/bin" \
  "$tools/wasm-bindgen-$wasm_bindgen_version/bin" "$aigov_root/tools/build/node_modules/.bin" \
  "$tools/helm-$helm_version/bin"
