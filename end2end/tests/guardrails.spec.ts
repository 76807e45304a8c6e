import { expect, test, type Page } from "@playwright/test";
import { signInAt } from "./sign-in";

/**
 * Cluster network guardrails (AdminNetworkPolicy, BaselineAdminNetworkPolicy,
 * ClusterNetworkPolicy) on the network page and the managers' view, against
 * the guardrails seeded in the devcluster.
 */
for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? "hydrated" : "without JavaScript";

  test.describe(`network guardrails (${mode})`, () => {
    test.use({ javaScriptEnabled });

    test("carol sees the guardrails of fraud-detection in evaluation order", async ({ page }) => {
      await signInAt(page, "carol", "/namespaces/fraud-detection/network");
      await expect(page.getByRole("heading", { name: /Cluster guardrails \(\d+\)/ })).toBeVisible();
      const guardrails = page.getByTestId("guardrail");
      await expect(guardrails).toHaveCount(3);
      await expect(guardrails.nth(0).getByRole("heading")).toHaveText("AdminNetworkPolicy/model-egress");
      await expect(guardrails.nth(0).getByTestId("guardrail-rank")).toHaveText("Admin tier · priority 10");
      await expect(guardrails.nth(0)).toContainText("Egress rule #2 (no-internet): Deny traffic to addresses in 0.0.0.0/0, ::/0");
      await expect(guardrails.nth(1).getByRole("heading")).toHaveText("AdminNetworkPolicy/monitoring-scrapes-models");
      await expect(guardrails.nth(1).getByTestId("guardrail-rank")).toHaveText("Admin tier · priority 30");
      await expect(guardrails.nth(2).getByRole("heading")).toHaveText("BaselineAdminNetworkPolicy/default");
      await expect(guardrails.nth(2).getByTestId("guardrail-rank")).toHaveText("Baseline tier · evaluated last");
      // The sandbox guardrail selects sandbox only.
      await expect(page.getByText("sandbox-never-reaches-production")).toHaveCount(0);
      const yaml = guardrails.nth(0).locator("details", { hasText: "YAML" });
      await yaml.locator("summary").click();
      await expect(yaml.locator("pre")).toContainText("kind: AdminNetworkPolicy");
    });

    test("the reach question names the guardrail that denies the internet", async ({ page }) => {
      await signInAt(page, "carol", "/namespaces/fraud-detection/network");
      await ask(page, "Deployment/fraud-scorer", "8.8.8.8/32", "443");
      const answer = page.getByTestId("reach-answer");
      await expect(answer).toContainText("Denied");
      await expect(answer).toContainText("Egress: denied by AdminNetworkPolicy/model-egress, rule no-internet (Deny, priority 10)");
      await expect(answer).toContainText("a cluster guardrail of the Admin tier");
    });

    test("dave sees only how many guardrails apply to llm, and what reading them needs", async ({ page }) => {
      await signInAt(page, "dave", "/namespaces/llm/network");
      const hidden = page.getByTestId("guardrails-hidden");
      await expect(hidden).toContainText(/[1-9]\d* cluster guardrails? appl(y|ies) to this namespace; you may not read them/);
      await expect(hidden).toContainText("aigov-network-guardrails-reader");
      await expect(page.getByTestId("guardrail")).toHaveCount(0);
      const body = await page.locator("main").innerText();
      for (const name of ["model-egress", "monitoring-scrapes-models", "sandbox-never-reaches-production"]) {
        expect(body).not.toContain(name);
      }
    });

    test("carol, a manager, sees every guardrail once with its namespaces", async ({ page }) => {
      await signInAt(page, "carol", "/network-guardrails");
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Network guardrails");
      await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Network guardrails" })).toHaveAttribute("href", "/network-guardrails");
      const guardrails = page.getByTestId("guardrail");
      await expect(guardrails).toHaveCount(4);
      await expect(guardrails.nth(1).getByRole("heading")).toHaveText("ClusterNetworkPolicy/sandbox-never-reaches-production");
      await expect(guardrails.nth(1).getByTestId("guardrail-namespaces")).toHaveText("Namespaces: sandbox.");
      await expect(guardrails.nth(0).getByTestId("guardrail-namespaces")).toContainText("fraud-detection");
    });

    test("the managers' view is refused to dave", async ({ page }) => {
      await signInAt(page, "dave");
      const response = await page.goto("/network-guardrails");
      expect(response?.status()).toBe(403);
      await expect(page.getByTestId("guardrail")).toHaveCount(0);
      await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Network guardrails" })).toHaveCount(0);
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
