import { expect, test } from "@playwright/test";
import { signInAt } from "./sign-in";

test.describe("with the browser bundle", () => {
  test("hydrates without errors and the theme toggle works", async ({ page }) => {
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()}`);
    });

    await signInAt(page, "alice");
    // The toggle is rendered hidden and only shown once the wasm has taken over.
    const toggle = page.getByTestId("theme-toggle");
    // The debug bundle is several megabytes: allow a busy machine time to
    // compile it.
    await expect(toggle).toBeVisible({ timeout: 30_000 });
    await expect(toggle).toContainText("System theme");

    await toggle.click();
    await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
    await toggle.click();
    await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");

    // The choice survives a reload, applied before the page hydrates.
    await page.reload();
    await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
    await expect(page.getByTestId("theme-toggle")).toContainText("Dark theme");

    await page.getByTestId("theme-toggle").click();
    await expect(page.locator("html")).not.toHaveAttribute("data-theme", /.+/);
    expect(problems).toEqual([]);
  });

  test("client-side navigation keeps the page and updates the title", async ({ page }) => {
    await signInAt(page, "alice");
    await expect(page.getByTestId("theme-toggle")).toBeVisible({ timeout: 30_000 });
    // A marker on the document survives only if navigation happens in the client.
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My access" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("My access");
    await expect(page).toHaveTitle("My access · aigov");
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
  });
});
