import { defineConfig } from "@playwright/test";

// The suite runs against a freshly built server. `make test` chooses a free
// port and passes it in AIGOV_E2E_PORT; the server is started here.
const port = Number(process.env.AIGOV_E2E_PORT ?? "3100");
const baseURL = `http://127.0.0.1:${port}`;
const binary = process.env.AIGOV_E2E_BINARY ?? "../target/debug/aigov";
const siteRoot = process.env.AIGOV_E2E_SITE_ROOT ?? "../target/site";
// The apiserver's audit webhook listener (flags of `aigov serve`), from
// the devcluster's env when it names them.
const apiserverAuditFlags = [
  ["--apiserver-audit-listen", process.env.AIGOV_APISERVER_AUDIT_LISTEN],
  ["--apiserver-audit-token-file", process.env.AIGOV_APISERVER_AUDIT_TOKEN_FILE],
  ["--apiserver-audit-tls-cert-file", process.env.AIGOV_APISERVER_AUDIT_TLS_CERT_FILE],
  ["--apiserver-audit-tls-key-file", process.env.AIGOV_APISERVER_AUDIT_TLS_KEY_FILE],
]
  .filter(([, value]) => value)
  .map(([flag, value]) => ` ${flag} ${value}`)
  .join("");

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      // Debian's Chromium: never a downloaded browser.
      executablePath: process.env.AIGOV_CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        // Trust the development identity provider's certificate (its CA is
        // generated locally), and nothing else that is self-signed.
        ...(process.env.AIGOV_IDP_TLS_SPKI_SHA256
          ? [`--ignore-certificate-errors-spki-list=${process.env.AIGOV_IDP_TLS_SPKI_SHA256}`]
          : []),
      ],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium", headless: true } }],
  webServer: {
    // Sign-in, session and cluster settings come from the environment
    // (`.dev/env`, sourced by `make e2e`).
    // Every browser test acts as one of five demo people, two at a time, so
    // their changes share five per-person rate limits: a wider burst keeps
    // the suite from tripping the limit its own tests check elsewhere; for
    // the same reason the cap on one person's open requests is raised (the
    // Rust tests check it).
    // When the devcluster's env names them, the portal also receives the
    // apiserver's audit events (use through the service proxy and pod logs).
    command: `${binary} serve --listen 127.0.0.1:${port} --site-root ${siteRoot} --action-burst 200 --max-open-requests 100${apiserverAuditFlags}`,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});
