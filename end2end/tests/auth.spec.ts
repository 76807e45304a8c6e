import { expect, test } from "@playwright/test";
import { portalOrigin, signInAt, submitLoginForm } from "./sign-in";

test.describe("signing in and out", () => {
  test("alice signs in through the identity provider, sees her namespaces, and signs out", async ({ page }) => {
    await signInAt(page, "alice", "/namespaces");
    await expect(page.getByTestId("user-name")).toHaveText("Alice Anders");
    const table = page.getByTestId("namespace-table");
    await expect(table.getByRole("rowheader", { name: "fraud-detection" })).toBeVisible();
    for (const other of ["vision", "llm", "aigov-system", "kube-system"]) {
      await expect(table.getByRole("rowheader", { name: other, exact: true })).toHaveCount(0);
    }

    // Another site sending the browser to the sign-out address only asks.
    await page.goto(`${process.env.AIGOV_OIDC_ISSUER}/.well-known/openid-configuration`);
    await page.evaluate((url) => window.location.assign(url), `${portalOrigin}/auth/logout`);
    await expect(page.getByRole("heading", { name: "Sign out?" })).toBeVisible();
    await page.getByRole("link", { name: "Stay signed in" }).click();
    await expect(page.getByTestId("user-name")).toHaveText("Alice Anders");

    await page.getByRole("link", { name: "Sign out" }).click();
    // The identity provider asks to confirm ending its own session.
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(`${portalOrigin}/auth/logged-out`);
    await expect(page.getByRole("heading", { name: "Signed out" })).toBeVisible();

    // The portal session is gone: a page needs a new sign-in.
    await page.goto("/namespaces");
    await expect(page.getByLabel("Username")).toBeVisible();
  });

  test("a sign-out another site started ends the session once confirmed", async ({ page }) => {
    await signInAt(page, "dave", "/namespaces");
    await page.goto(`${process.env.AIGOV_OIDC_ISSUER}/.well-known/openid-configuration`);
    await page.evaluate((url) => window.location.assign(url), `${portalOrigin}/auth/logout`);
    await expect(page.getByRole("heading", { name: "Sign out?" })).toBeVisible();
    await page.getByRole("button", { name: "Sign out" }).click();
    // On through the identity provider, which asks to end its own session.
    await page.waitForURL((url) => url.origin !== portalOrigin);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(`${portalOrigin}/auth/logged-out`);
    await page.goto("/namespaces");
    await expect(page.getByLabel("Username")).toBeVisible();
  });

  test("dave does not see the fraud team's namespace", async ({ page }) => {
    await signInAt(page, "dave", "/namespaces");
    const table = page.getByTestId("namespace-table");
    await expect(table.getByRole("rowheader", { name: "llm", exact: true })).toBeVisible();
    await expect(table.getByRole("rowheader", { name: "fraud-detection" })).toHaveCount(0);
  });

  test("a deep link survives the sign-in round trip", async ({ page }) => {
    await page.goto("/namespaces/fraud-detection/network?view=graph");
    await submitLoginForm(page, "erin");
    await expect(page).toHaveURL(`${portalOrigin}/namespaces/fraud-detection/network?view=graph`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("fraud-detection · Network");
  });

  test("a next= pointing to another site lands on the overview instead", async ({ page }) => {
    await page.goto("/auth/login?next=https://evil.example/steal");
    await submitLoginForm(page, "bob");
    await expect(page).toHaveURL(`${portalOrigin}/`);
    await expect(page.getByTestId("user-name")).toHaveText("Bob Berger");
  });

  test("a callback that was not started here is refused with a clear page and no session", async ({ page }) => {
    const response = await page.goto("/auth/callback?code=forged&state=forged");
    expect(response?.status()).toBe(400);
    await expect(page.getByRole("heading", { name: "Sign-in failed" })).toBeVisible();
    await page.goto("/");
    await expect(page.getByLabel("Username")).toBeVisible();
  });
});
