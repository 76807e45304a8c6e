import { expect, test, type Page } from "@playwright/test";
import { signInAt } from "./sign-in";

// The demo models of the dev stack: fraud-detection/fraud-scorer
// (Confidential, team fraud), fraud-detection/chargeback-risk (Internal,
// team fraud), llm/support-assistant (Restricted),
// sandbox/playground-llm (Public), vision/object-detector (Internal).

async function catalogJourney(page: Page) {
  await signInAt(page, "alice", "/models");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Models");
  const cards = page.getByTestId("model-card");
  await expect(page.getByTestId("model-count")).toHaveText(/^\d+ models$/);
  await expect(page.locator('[data-model="fraud-detection/fraud-scorer"]')).toBeVisible();
  await expect(page.locator('[data-model="llm/support-assistant"]')).toBeVisible();

  // Search: every word must match.
  await page.getByLabel("Search").fill("fraud scorer");
  await page.getByTestId("apply-filters").click();
  await expect(page).toHaveURL(/[?&]q=fraud/);
  await expect(cards).toHaveCount(1);
  const fraud = page.locator('[data-model="fraud-detection/fraud-scorer"]');
  await expect(fraud.getByTestId("classification")).toHaveText("Confidential");
  await expect(fraud.getByTestId("level").first()).toBeVisible();
  // Its endpoint answers: the model server of the dev stack serves it.
  await expect(fraud.getByTestId("endpoint-state")).toHaveText("Endpoint answers");
  await expect(page.getByTestId("model-count")).toHaveText(/^1 of \d+ models$/);

  // Classification filter, from a clean search.
  await page.getByLabel("Search").fill("");
  await page.getByLabel("Data classification").selectOption("Restricted");
  await page.getByTestId("apply-filters").click();
  await expect(page).toHaveURL(/classification=Restricted/);
  await expect(cards).toHaveCount(1);
  await expect(page.locator('[data-model="llm/support-assistant"]')).toBeVisible();

  // A team that has no Restricted model: the empty state.
  await page.getByLabel("Team").selectOption("fraud");
  await page.getByTestId("apply-filters").click();
  await expect(page.getByTestId("no-match")).toBeVisible();
  await expect(cards).toHaveCount(0);

  // The filters are in the address: a link restores them.
  await page.goto("/models?team=fraud");
  await expect(cards).toHaveCount(2);
  await expect(page.getByLabel("Team")).toHaveValue("fraud");

  await page.getByTestId("clear-filters").click();
  await expect(page).toHaveURL(/\/models$/);
  await expect(page.getByTestId("model-count")).toHaveText(/^\d+ models$/);
}

test.describe("the model catalog", () => {
  test("searches and filters by team and classification", async ({ page }) => {
    await catalogJourney(page);
  });
});

test.describe("the model catalog without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("searches and filters with a plain GET form", async ({ page }) => {
    await catalogJourney(page);
  });

  test("a refused request comes back with the error and what was typed", async ({ page }) => {
    await signInAt(page, "alice", "/models/fraud-detection/fraud-scorer");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Fraud scorer");
    const form = page.getByTestId("request-form");
    await form.getByTestId("duration").selectOption("custom");
    await form.getByLabel(/Another duration/).fill("400d");
    const words = "<b>case 4711</b> & <script>window.hostile = 1</script>";
    await form.getByLabel(/Justification/).fill(words);
    await page.getByTestId("submit-request").click();
    await expect(page.getByTestId("form-error")).toContainText("longer than model fraud-scorer allows");
    await expect(form.getByLabel(/Justification/)).toHaveValue(words);
    await expect(form.getByLabel(/Another duration/)).toHaveValue("400d");
  });

  test("a request nobody may see reads as not found", async ({ page }) => {
    await signInAt(page, "dave", "/requests/fraud-detection/does-not-exist");
    await expect(page.getByTestId("request-not-found")).toBeVisible();
  });
});

test.describe("access pages", () => {
  test("my access and the review inbox render their sections or empty states", async ({ page }) => {
    await signInAt(page, "bob", "/access");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("My access");
    await expect(page.getByTestId("active").or(page.getByText("No requests yet"))).toBeVisible();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reviews" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Reviews");
    await expect(page.getByTestId("inbox").or(page.getByText("Nothing to review"))).toBeVisible();
  });
});
