# syntax=docker/dockerfile:1
# The aigov image: the release binary and the built site, nothing else.
#   docker build -t aigov .
# `make dist` builds the same tree (dist/aigov/app) without Docker, and
# `make dist-test` runs the portal from it as this image would.

# ---- build: the Rust toolchain, the wasm target and the site's build tools
FROM rust:1.95-bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so a change of the sources alone reuses their layer.
COPY Cargo.toml Cargo.lock ./
COPY scripts ./scripts
COPY tools/build ./tools/build
RUN AIGOV_SKIP_BROWSER_TOOLS=1 scripts/setup.sh
COPY . .
RUN make dist CARGO_TARGET_DIR=/src/target-build

# ---- runtime: no shell, no package manager, a non-root user
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build --chown=65532:65532 /src/dist/aigov/app /app
USER 65532:65532
WORKDIR /app
ENV AIGOV_LISTEN=0.0.0.0:8080 \
    AIGOV_SITE_ROOT=/app/site \
    AIGOV_LOG_FORMAT=json
EXPOSE 8080
# Runs with a read-only root filesystem: nothing is written outside /tmp.
ENTRYPOINT ["/app/aigov"]
CMD ["serve"]
