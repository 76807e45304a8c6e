import { expect, test } from "@playwright/test";
import { signInAt } from "./sign-in";

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the shell renders and links navigate by full page loads", async ({ page }) => {
    await signInAt(page, "alice");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Overview");
    // Needs the wasm, so it stays hidden.
    await expect(page.getByTestId("theme-toggle")).toBeHidden();

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reviews" }).click();
    await expect(page).toHaveURL(/\/reviews$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Reviews");
    await expect(page).toHaveTitle("Reviews · aigov");
  });

  test("a namespace view renders its tabs from the address", async ({ page }) => {
    await signInAt(page, "alice", "/namespaces/fraud-detection/logs");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("fraud-detection · Logs");
    const tabs = page.getByRole("navigation", { name: "Namespace views" });
    await expect(tabs.getByRole("link", { name: "Logs" })).toHaveAttribute("aria-current", "page");
    await tabs.getByRole("link", { name: "Network" }).click();
    await expect(page).toHaveURL(/\/namespaces\/fraud-detection\/network$/);
  });
});

test.describe("signing in without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("alice signs in and sees her namespaces", async ({ page }) => {
    await signInAt(page, "alice", "/namespaces");
    await expect(page.getByTestId("user-name")).toHaveText("Alice Anders");
    const table = page.getByTestId("namespace-table");
    await expect(table.getByRole("rowheader", { name: "fraud-detection" })).toBeVisible();
    await expect(table.getByRole("rowheader", { name: "vision" })).toHaveCount(0);
  });
});
