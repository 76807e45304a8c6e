import { expect, test, type Page } from "@playwright/test";
import { signInAt } from "./sign-in";

/** Both journeys run hydrated and with JavaScript disabled. */
for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? "hydrated" : "without JavaScript";

  test.describe(`namespace views (${mode})`, () => {
    test.use({ javaScriptEnabled });

    test("the network view shows policies in words, the picture and default deny", async ({ page }) => {
      await signInAt(page, "alice", "/namespaces/fraud-detection/network");
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("fraud-detection · Network");
      const policies = page.getByTestId("netpol-policies");
      await expect(policies.getByRole("heading", { name: "default-deny-all" })).toBeVisible();
      await expect(policies.getByText("Denies all incoming traffic to them (no ingress rule).").first()).toBeVisible();
      // The YAML is there on demand.
      const yaml = policies.locator("details", { hasText: "YAML" }).first();
      await yaml.locator("summary").click();
      await expect(yaml.locator("pre")).toContainText("kind: NetworkPolicy");
      // The picture is inline SVG rendered by the server.
      const picture = page.getByTestId("netpol-picture");
      await expect(picture.locator("svg")).toBeVisible();
      await expect(picture.locator("svg .netpol-node").first()).toBeVisible();
      expect(await picture.locator("svg .netpol-edge").count()).toBeGreaterThan(0);
      await expect(page.getByTestId("deny-ingress")).toContainText("Default deny");
      await expect(page.getByTestId("deny-egress")).toContainText("Default deny");
    });

    test("can A reach B: the form answers with the policy and rule", async ({ page }) => {
      await signInAt(page, "alice", "/namespaces/fraud-detection/network");
      await ask(page, "Deployment/fraud-scorer", "Deployment/fraud-feature-api", "8080");
      const answer = page.getByTestId("reach-answer");
      await expect(answer).toContainText("Allowed");
      await expect(answer).toContainText("feature-api-from-scorer");
      await expect(page).toHaveURL(/from=Deployment%2Ffraud-scorer/);

      await ask(page, "Deployment/fraud-scorer", "Deployment/fraud-feature-api", "9090");
      await expect(answer).toContainText("Denied");
      // The namespace's NetworkPolicies deny the egress; the seeded guardrail
      // that keeps scrapes to monitoring denies the ingress.
      await expect(answer).toContainText("denied because");
      await expect(answer).toContainText("no-other-scrapers");
    });

    test("the compliance view lists workloads, a score, and filters", async ({ page }) => {
      await signInAt(page, "alice", "/namespaces/fraud-detection/compliance");
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("fraud-detection · Compliance");
      await expect(page.getByTestId("namespace-score")).toContainText(/\d+/);
      const rows = page.getByTestId("compliance-row");
      await expect(rows.filter({ hasText: "fraud-scorer" })).toBeVisible();
      expect(await rows.count()).toBeGreaterThan(1);
      // Details carry the remediation of failed checks.
      const first = rows.first().locator("details.compliance-details");
      await first.locator("> summary").click();
      await expect(first.locator(".check").first()).toBeVisible();

      const filters = page.getByTestId("compliance-filters");
      await filters.getByLabel("Severity").selectOption("critical");
      await filters.getByLabel("Show").selectOption("failing");
      await filters.getByRole("button", { name: "Filter" }).click();
      await expect(page).toHaveURL(/severity=critical/);
      await expect(page.getByTestId("compliance-filters").getByLabel("Severity")).toHaveValue("critical");
    });

    test("a namespace alice may not see shows the way to request access", async ({ page }) => {
      await signInAt(page, "alice");
      for (const view of ["network", "compliance"]) {
        const response = await page.goto(`/namespaces/llm/${view}`);
        expect(response?.status()).toBe(403);
        await expect(page.getByRole("heading", { name: "You don't have access to this namespace" })).toBeVisible();
        await expect(page.getByTestId("namespace-no-access")).toContainText("namespace llm");
        await expect(page.getByRole("main").getByRole("link", { name: "Models" })).toHaveAttribute("href", "/models");
        // Nothing of the namespace leaks into the page.
        await expect(page.getByTestId("netpol-policies")).toHaveCount(0);
        await expect(page.getByTestId("compliance-table")).toHaveCount(0);
      }
    });
  });
}

async function ask(page: Page, from: string, to: string, port: string): Promise<void> {
  const form = page.getByTestId("reach-form");
  await form.getByLabel("From", { exact: true }).fill(from);
  await form.getByLabel("To", { exact: true }).fill(to);
  await form.getByLabel("Port", { exact: true }).fill(port);
  await form.getByRole("button", { name: "Check" }).click();
  await page.waitForURL(new RegExp(`port=${port}`));
}
