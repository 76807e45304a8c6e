import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { signInAt } from "./sign-in";

// Another tool's PolicyReport (as Kyverno writes them) appears on a
// namespace's compliance page beside aigov's own audit, folded by default.
// Tests run in parallel, and each worker sets up and tears down its own
// copy: the name is unique per worker, so one worker's clean-up never takes
// the report from under another's test.

const repo = path.resolve(__dirname, "../..");
const namespace = "vision";
const name = `e2e-cpol-require-team-label-${randomBytes(4).toString("hex")}`;

function kubectl(args: string[], input?: string): string {
  return execFileSync(path.join(repo, "scripts/devcluster.sh"), ["kubectl", ...args], {
    input,
    stdio: ["pipe", "pipe", "pipe"],
  }).toString();
}

const report = {
  apiVersion: "wgpolicyk8s.io/v1alpha2",
  kind: "PolicyReport",
  metadata: { name, namespace, labels: { "app.kubernetes.io/managed-by": "kyverno" } },
  summary: { pass: 1, fail: 2, warn: 0, error: 0, skip: 0 },
  results: [
    {
      source: "kyverno",
      policy: "require-team-label",
      rule: "check-team",
      result: "fail",
      severity: "medium",
      message: "validation error: the label `team` is required",
      resources: [{ apiVersion: "apps/v1", kind: "Deployment", name: "object-detector", namespace }],
    },
    {
      source: "kyverno",
      policy: "disallow-latest-tag",
      rule: "validate-image-tag",
      result: "fail",
      severity: "high",
      message: "using a mutable image tag e.g. 'latest' is not allowed",
      resources: [{ apiVersion: "apps/v1", kind: "Deployment", name: "batch-labeler", namespace }],
    },
    { source: "kyverno", policy: "require-requests", rule: "check-requests", result: "pass" },
  ],
};

test.beforeAll(() => {
  kubectl(["apply", "-f", "-"], JSON.stringify(report));
});

test.afterAll(() => {
  kubectl(["-n", namespace, "delete", "policyreport", name, "--ignore-not-found"]);
});

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? "hydrated" : "without JavaScript";

  test.describe(`policy reports on the compliance page (${mode})`, () => {
    test.use({ javaScriptEnabled });

    test("carol sees another tool's report with its counts and failed results", async ({ page }) => {
      await signInAt(page, "carol", `/namespaces/${namespace}/compliance`);
      const section = page.getByTestId("policy-reports");
      await expect(section.getByRole("heading", { name: "Policy reports" })).toBeVisible();
      await expect(section.getByTestId("aigov-report-age")).toBeVisible();
      const card = section.getByTestId("other-report").filter({ hasText: name });
      // The portal keeps what carol read of other tools' reports for 3 s
      // (`PERSONAL_READ_TTL`); the other mode's test, as carol too, may
      // have read this namespace just before the report was made. As a
      // person would, reload until it shows.
      await expect(async () => {
        if (!(await card.isVisible())) await page.reload();
        await expect(card).toBeVisible({ timeout: 2_000 });
      }).toPass({ timeout: 15_000 });
      await expect(card).toContainText("by kyverno");
      await expect(card.getByTestId("other-report-counts")).toHaveText("1 pass · 2 fail · 0 warn · 0 error · 0 skip");

      // Failed results are folded until asked for.
      const details = card.locator("details");
      await expect(details).not.toHaveAttribute("open", "");
      await expect(card.getByTestId("other-report-result").first()).toBeHidden();
      await details.locator("summary").click();
      const rows = card.getByTestId("other-report-result");
      await expect(rows).toHaveCount(2);
      const first = rows.filter({ hasText: "require-team-label" });
      await expect(first).toContainText("check-team");
      await expect(first).toContainText("Deployment/object-detector");
      await expect(first).toContainText("medium");
      await expect(first).toContainText("the label `team` is required");
    });
  });
}
