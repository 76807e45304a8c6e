import { expect, test } from "@playwright/test";
import { signInAt } from "./sign-in";

test.describe("the app shell", () => {
  test.beforeEach(async ({ page }) => {
    await signInAt(page, "alice");
  });

  test("renders the brand, the main navigation and the overview", async ({ page }) => {
    const response = await page.goto("/");
    expect(response?.status()).toBe(200);
    await expect(page).toHaveTitle("Overview · aigov");
    await expect(page.getByRole("link", { name: "aigov" })).toBeVisible();
    const nav = page.getByRole("navigation", { name: "Main" });
    for (const label of ["Overview", "Models", "My access", "Reviews", "Namespaces"]) {
      await expect(nav.getByRole("link", { name: label, exact: true })).toBeVisible();
    }
    // Alice is not a manager: the cross-namespace pages are not offered.
    for (const label of ["Compliance", "Audit trail"]) {
      await expect(nav.getByRole("link", { name: label, exact: true })).toHaveCount(0);
    }
    await expect(page.getByRole("main")).toContainText("Request access to AI models");
  });

  test("navigation moves between pages and marks the current one", async ({ page }) => {
    await page.goto("/");
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Models", exact: true }).click();
    await expect(page).toHaveURL(/\/models$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Models");
    await expect(nav.getByRole("link", { name: "Models", exact: true })).toHaveAttribute("aria-current", "page");

    await nav.getByRole("link", { name: "Namespaces", exact: true }).click();
    await expect(page).toHaveURL(/\/namespaces$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Namespaces");
  });

  test("an unknown address answers 404 with a way back", async ({ page }) => {
    const response = await page.goto("/no/such/page");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
    await page.getByRole("main").getByRole("link", { name: "overview" }).click();
    await expect(page).toHaveURL(/\/$/);
  });

  test("pages carry a nonce-based content security policy and no framing", async ({ page }) => {
    const response = await page.request.get("/models", { maxRedirects: 0 });
    expect(response.status()).toBe(200);
    const headers = response.headers();
    const policy = headers["content-security-policy"];
    expect(policy, `response headers: ${JSON.stringify(headers)}`).toMatch(/script-src 'nonce-[^']+' 'strict-dynamic' 'wasm-unsafe-eval'/);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    const nonce = /'nonce-([^']+)'/.exec(policy)![1];
    expect(await response.text()).toContain(`nonce="${nonce}"`);
  });

  test("the skip link is the first stop for the keyboard and jumps to the content", async ({ page }) => {
    await page.goto("/");
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    await expect(skip).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/#main$/);
  });
});
