import { expect, test } from "@playwright/test";
import { signInAt } from "./sign-in";

test.describe("roles decided on the server", () => {
  test("a manager is offered and shown the cross-namespace pages", async ({ page }) => {
    await signInAt(page, "carol");
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Compliance", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Compliance");
    await expect(page.getByText("This page is for managers")).toHaveCount(0);
    await expect(nav.getByRole("link", { name: "Audit trail" })).toBeVisible();
  });

  test("someone else who opens a manager page is told it is not for them", async ({ page }) => {
    await signInAt(page, "alice");
    for (const path of ["/compliance", "/audit"]) {
      const response = await page.goto(path);
      expect(response?.status()).toBe(403);
      await expect(page.getByRole("heading", { name: "This page is for managers" })).toBeVisible();
    }
  });
});
