# aigov: two commands. `make dev` sets up and runs the local stack;
# `make test` runs every test. See README.md.

SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# Build tools installed by scripts/setup.sh, found first on PATH.
export PATH := $(shell scripts/tools-path.sh):$(PATH)
# One target folder under the home directory, so a fresh clone (as in CI)
# reuses earlier builds of the dependencies.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/aigov/target
# Never let Playwright fetch a browser: tests use Debian's Chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

DEV_DIR := .dev

.PHONY: help setup stack dev build dist dist-test budget test lint fmt unit idp-test model-test e2e keycloak-test down clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

setup: ## Install the tools a fresh machine lacks (idempotent)
	@scripts/setup.sh

stack: setup ## Start the devcluster, the identity provider and the model server; write .dev/env; the apiserver trusts the provider
	@mkdir -p $(DEV_DIR)
	scripts/devcluster.sh up
	scripts/dev-idp.sh up
	scripts/model-server.sh up
	scripts/portal-identity.sh
	scripts/write-dev-env.sh
	scripts/cluster-auth.sh

dev: stack ## The whole local stack, and the portal at http://127.0.0.1:3000 with live reload
	@echo
	@echo "aigov:             http://127.0.0.1:3000"
	@echo "identity provider: $$(. $(DEV_DIR)/idp.env && echo $$AIGOV_IDP_URL) (CA: $(DEV_DIR)/idp/ca.pem)"
	@echo "model server:      $$(. $(DEV_DIR)/model-server.env && echo $$AIGOV_MODEL_SERVER_URL)/v1/models"
	@echo "demo logins:       alice/alice bob/bob carol/carol dave/dave erin/erin"
	@echo "cluster:           export KUBECONFIG=$(CURDIR)/$(DEV_DIR)/kubeconfig   (all settings: $(DEV_DIR)/env)"
	@echo
	set -a; . $(DEV_DIR)/env; set +a; cargo leptos watch --split

down: ## Stop the local stack (data is kept)
	-scripts/keycloak.sh down
	-scripts/model-server.sh down
	-scripts/dev-idp.sh down
	-scripts/devcluster.sh down

# --split: each page's view is a chunk of its own (src/routes.rs);
# --precompress: brotli and gzip copies of the site's files, served as they are.
build: setup ## Build the release binary and site (optimised wasm, split per route, precompressed)
	cargo leptos build --release --split --precompress
	@echo "binary: $(CARGO_TARGET_DIR)/release/aigov  site: target/site"

dist: build ## The container image's file tree in dist/aigov (app/aigov, app/site)
	rm -rf dist/aigov && mkdir -p dist/aigov/app
	strip --strip-all -o dist/aigov/app/aigov $(CARGO_TARGET_DIR)/release/aigov
	cp $(CARGO_TARGET_DIR)/release/hash.txt dist/aigov/app/
	cp -R target/site dist/aigov/app/site
	@echo "dist/aigov: the tree the Dockerfile copies into its runtime image"

dist-test: dist stack ## Run the portal from dist/aigov as the image would, and check it serves
	set -a; . $(DEV_DIR)/env; set +a; scripts/dist-smoke.sh dist/aigov

budget: dist ## Check the release bundle's sizes against bundle-budgets.toml
	scripts/bundle-budget.py dist/aigov/app/site/pkg

# Keycloak's suite comes last, so that a failure there names itself.
test: setup lint stack unit idp-test model-test dist e2e dist-test budget keycloak-test ## Run every check and test

fmt: ## Format the code
	cargo fmt --all

lint: ## Formatting and clippy for the server and the browser bundle
	cargo fmt --all -- --check
	cargo clippy --features ssr --all-targets -- -D warnings
	cargo clippy --lib --no-default-features --features hydrate --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p aigov-model-server --all-targets -- -D warnings

# The test binaries run side by side (scripts/run-tests.py): most of them
# wait on the devcluster, not on the processor.
unit: ## Rust unit tests, and integration tests against the devcluster
	set -a; . $(DEV_DIR)/env; set +a; scripts/run-tests.py --alone high_availability --alone faults --alone access_resilience --alone expiry_warning -- --features ssr
	cargo test --doc --features ssr
	cargo test -p aigov-model-server

model-test: ## The model server's answers against ones computed independently (Python)
	cargo build -p aigov-model-server
	python3 tools/model-server/test/check_answers.py --binary $(CARGO_TARGET_DIR)/debug/aigov-model-server

idp-test: ## Tests of the development identity provider
	cd tools/dev-idp && npm test

# Keycloak (scripts/keycloak.sh); the devcluster's apiserver trusts it too,
# beside the development provider, for the suite's kubectl test.
keycloak-test: setup stack ## Sign in to the portal and kubectl through Keycloak (downloaded and started on demand)
	scripts/keycloak.sh up
	AIGOV_CLUSTER_AUTH_ENV=$(DEV_DIR)/keycloak.env scripts/cluster-auth.sh
	set -a; . $(DEV_DIR)/env; set +a; \
	  cargo test --features ssr --test keycloak_sign_in -- --include-ignored

# The browser tests run against what ships: the tree of `make dist`
# (release binary, split and precompressed site), so the release build
# that `make dist` needs anyway is the only browser bundle built.
e2e: dist stack ## Browser tests against the release build (dist/aigov) on a free port
	set -a; . $(DEV_DIR)/env; set +a; \
	  port=$$(python3 scripts/free-port.py); \
	  cd end2end && AIGOV_E2E_PORT=$$port AIGOV_PUBLIC_URL=http://127.0.0.1:$$port \
	  AIGOV_E2E_BINARY=$(CURDIR)/dist/aigov/app/aigov \
	  AIGOV_E2E_SITE_ROOT=$(CURDIR)/dist/aigov/app/site \
	  npx playwright test

clean: ## Remove build output of this clone
	cargo clean
