// What the browser benchmarks share: Debian's Chromium, launched the same
// way, and a sign-in through the development identity provider's form.
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
