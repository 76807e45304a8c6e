// What the browser benchmarks share: Debian's Chromium, launched the same
// way, a sign-in through the development identity provider's form, the
// networks measured on, a fresh page on one, and the quantiles reported.
import { chromium } from "@playwright/test";

/** Debian's Chromium (or AIGOV_CHROMIUM), trusting the identity provider's
 *  development certificate when AIGOV_IDP_TLS_SPKI_SHA256 names it. */
export function launchChromium() {
  const spki = process.env.AIGOV_IDP_TLS_SPKI_SHA256;
  return chromium.launch({
    executablePath: process.env.AIGOV_CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run",
      ...(spki ? [`--ignore-certificate-errors-spki-list=${spki}`] : []),
    ],
  });
}

/** Signs `user` in on `page` at `base` (each demo password is the name). */
export async function signIn(page, base, user = "alice") {
  await page.goto(`${base}/`);
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill(user);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("user-name").waitFor();
}

/** Loopback, and Chrome's emulation of a 20 Mbit/s, 40 ms round-trip
 *  network, where the bytes count. */
export const networks = [
  { name: "loopback", conditions: null },
  {
    name: "20 Mbit/s, 40 ms",
    conditions: { offline: false, latency: 40, downloadThroughput: 2_500_000, uploadThroughput: 2_500_000 },
  },
];

/** A page of a new context (nothing cached) signed in as `storageState`,
 *  on the network `conditions` (none: loopback). */
export async function freshPage(browser, storageState, conditions, initScript) {
  const context = await browser.newContext({ storageState });
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  if (conditions) {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", conditions);
  }
  return { context, page };
}

/** The `q` quantile of `values`. */
export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}

export const ms = (value) => `${value.toFixed(0)} ms`;
