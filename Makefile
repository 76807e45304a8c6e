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

.PHONY: help setup dev build dist test lint fmt unit e2e clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

setup: ## Install the tools a fresh machine lacks (idempotent)
	@scripts/setup.sh

dev: setup ## Run the portal at http://127.0.0.1:3000 with live reload
	@mkdir -p $(DEV_DIR)
	@printf 'AIGOV_URL=http://127.0.0.1:3000\n' > $(DEV_DIR)/env
	@echo "aigov: http://127.0.0.1:3000  (environment in $(DEV_DIR)/env)"
	cargo leptos watch

build: setup ## Build the release binary and site (optimised wasm)
	cargo leptos build --release
	@echo "binary: $(CARGO_TARGET_DIR)/release/aigov  site: target/site"

test: setup lint unit e2e ## Run every check and test

fmt: ## Format the code
	cargo fmt --all

lint: ## Formatting and clippy for the server and the browser bundle
	cargo fmt --all -- --check
	cargo clippy --features ssr --all-targets -- -D warnings
	cargo clippy --lib --no-default-features --features hydrate --target wasm32-unknown-unknown -- -D warnings

unit: ## Rust unit and integration tests
	cargo test --features ssr

e2e: ## Browser tests against a freshly built server on a free port
	cargo leptos build
	cd end2end && AIGOV_E2E_PORT=$$(python3 ../scripts/free-port.py) \
	  AIGOV_E2E_BINARY=$(CARGO_TARGET_DIR)/debug/aigov \
	  AIGOV_E2E_SITE_ROOT=$(CURDIR)/target/site \
	  npx playwright test

clean: ## Remove build output of this clone
	cargo clean
