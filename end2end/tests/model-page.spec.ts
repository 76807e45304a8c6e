import { expect, test, type Page } from "@playwright/test";
import { signInAt } from "./sign-in";

// The model page shows the model itself: the seeded fraud-scorer's
// Deployment (named by its workloadSelector), its Pod Security level and
// failed checks, who may reach it over the network, and its logs.

async function expectTheScorersWorkloads(page: Page): Promise<void> {
  const section = page.getByTestId("model-workloads");
  await expect(section.getByRole("heading", { name: "What the model runs" })).toBeVisible();
  const table = section.getByTestId("model-workloads-table");
  await expect(table).toBeVisible();
  const row = table.getByTestId("model-workload-row").filter({ hasText: "fraud-scorer" });
  await expect(row.getByTestId("model-workload-name")).toHaveText("fraud-scorer");
  await expect(row.getByTestId("model-workload-level")).toHaveText(/^(privileged|baseline|restricted)$/);
  // Only the workload the model names.
  await expect(table.getByTestId("model-workload-row")).toHaveCount(1);
  await expect(row.getByTestId("model-workload-reach")).toContainText("llm-gateway");
  await expect(row.getByRole("link", { name: "Logs of fraud-scorer" })).toHaveAttribute(
    "href",
    "/namespaces/fraud-detection/logs?workload=Deployment%2Ffraud-scorer",
  );
  await expect(section.getByRole("link", { name: "compliance" })).toHaveAttribute(
    "href",
    "/namespaces/fraud-detection/compliance",
  );
  await expect(section.getByRole("heading", { name: "Who holds a grant now" })).toBeVisible();
}

test("alice sees the scorer's workload, its level and who may reach it", async ({ page }) => {
  await signInAt(page, "alice", "/models/fraud-detection/fraud-scorer");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Fraud scorer");
  await expectTheScorersWorkloads(page);
});

test("dave, of another team, is shown how to request access instead", async ({ page }) => {
  await signInAt(page, "dave", "/models/fraud-detection/fraud-scorer");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Fraud scorer");
  const section = page.getByTestId("model-workloads");
  await expect(section.getByTestId("namespace-no-access")).toBeVisible();
  await expect(section.getByTestId("model-workloads-table")).toHaveCount(0);
  // The request form stays.
  await expect(page.getByRole("heading", { name: "Request access" })).toBeVisible();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("carol sees the scorer's workload from the server's page", async ({ page }) => {
    await signInAt(page, "carol", "/models/fraud-detection/fraud-scorer");
    await expectTheScorersWorkloads(page);
  });
});
