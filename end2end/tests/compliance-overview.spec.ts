import { expect, test, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { signInAt } from "./sign-in";

// The managers' compliance overview. The portal's reporter writes a report
// in every seeded namespace that has workloads; so that nothing depends on
// when its first pass runs, each namespace used here gets a report now if
// it has none yet (the reporter replaces it with its own on its next pass,
// which changes scores but nothing these journeys check).

const repo = path.resolve(__dirname, "../..");
const seeded = ["fraud-detection", "llm", "vision"];

function kubectl(args: string[], input?: string): string {
  return execFileSync(path.join(repo, "scripts/devcluster.sh"), ["kubectl", ...args], {
    input,
    stdio: ["pipe", "pipe", "pipe"],
  }).toString();
}

function report(namespace: string, score: number, gpus: number): string {
  const summary = {
    generatedAt: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    score,
    workloads: 3,
    pods: 5,
    podSecurity: { restricted: 1, baseline: 1, privileged: 1 },
    worstChecks: [{ id: "pss.baseline.privileged", severity: "critical", workloads: 1 }],
    ingress: "DefaultDeny",
    egress: "Partial",
    unprotectedIngress: 0,
    unprotectedEgress: 2,
    gpusRequested: gpus,
    gpuWorkloads: gpus > 0 ? 1 : 0,
  };
  const hour = 3600 * 1000;
  const trend = [2, 1, 0].map((ago) => ({
    at: new Date(Date.now() - ago * hour).toISOString().replace(/\.\d+Z$/, "Z"),
    score: score - ago * 5,
  }));
  return JSON.stringify({
    apiVersion: "wgpolicyk8s.io/v1alpha2",
    kind: "PolicyReport",
    metadata: {
      name: "aigov-compliance",
      namespace,
      labels: { "app.kubernetes.io/managed-by": "aigov" },
      annotations: { "aigov.dev/summary": JSON.stringify(summary), "aigov.dev/score-trend": JSON.stringify(trend) },
    },
  });
}

test.beforeAll(() => {
  seeded.forEach((namespace, i) => {
    try {
      kubectl(["-n", namespace, "get", "policyreport", "aigov-compliance"]);
    } catch {
      try {
        kubectl(["create", "-f", "-"], report(namespace, 50 + i * 20, i === 1 ? 2 : 0));
      } catch (error) {
        // Written by the reporter meanwhile: that one will do.
        if (!String((error as { stderr?: Buffer }).stderr ?? error).includes("AlreadyExists")) throw error;
      }
    }
  });
});

async function rowNames(page: Page): Promise<string[]> {
  return page.getByTestId("overview-row").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-namespace") ?? ""));
}

async function apply(page: Page): Promise<void> {
  await page.getByTestId("apply-filters").click();
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? "hydrated" : "without JavaScript";

  test.describe(`compliance overview (${mode})`, () => {
    test.use({ javaScriptEnabled });

    test("carol sees cards, charts with accessible names and every namespace's score", async ({ page }) => {
      await signInAt(page, "carol", "/compliance");
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Compliance");
      await expect(page.getByTestId("overview-cards")).toContainText("Average score");
      await expect(page.getByRole("img", { name: /Scores of the \d+ lowest-scoring namespaces/ })).toBeVisible();
      await expect(page.getByRole("img", { name: /Average score over time/ })).toBeVisible();
      await expect(page.getByRole("img", { name: /^Workloads by Pod Security level: / })).toBeVisible();
      const names = await rowNames(page);
      for (const namespace of seeded) expect(names).toContain(namespace);
      const fraud = page.locator('[data-testid="overview-row"][data-namespace="fraud-detection"]');
      await expect(fraud.locator(".score")).toHaveText(/^\d+$/);
      await expect(fraud.getByRole("img", { name: /Pod Security of fraud-detection/ })).toBeVisible();
    });

    test("carol sorts and filters with the form, and the address keeps the state", async ({ page }) => {
      await signInAt(page, "carol", "/compliance");
      const filters = page.getByTestId("overview-filters");
      await filters.getByLabel("Sort by").selectOption("name");
      await filters.getByLabel("Order").selectOption("desc");
      await apply(page);
      await expect(page).toHaveURL(/sort=name/);
      await expect(page).toHaveURL(/order=desc/);
      const header = page.getByTestId("overview-table").getByRole("columnheader", { name: /^Namespace/ });
      await expect(header).toHaveAttribute("aria-sort", "descending");
      // Namespaces are grouped by environment, production first; the
      // chosen order holds within each group.
      const groups = await page.getByTestId("environment-group").evaluateAll((groups) =>
        groups.map((group) => ({
          environment: group.getAttribute("data-environment") ?? "",
          names: Array.from(group.querySelectorAll('[data-testid="overview-row"]')).map(
            (row) => row.getAttribute("data-namespace") ?? "",
          ),
        })),
      );
      expect(groups.flatMap((group) => group.names).length).toBeGreaterThan(2);
      expect(groups[0].environment).toBe("production");
      expect(groups[0].names).toContain("fraud-detection");
      for (const group of groups) expect(group.names).toEqual([...group.names].sort().reverse());

      await filters.getByLabel("Namespace contains").fill("fraud");
      await apply(page);
      await expect(page).toHaveURL(/q=fraud/);
      await expect(page.getByTestId("overview-row")).toHaveCount(1);
      expect(await rowNames(page)).toEqual(["fraud-detection"]);
      await expect(page.getByTestId("export-csv")).toHaveAttribute("href", /\/compliance\/export\.csv\?q=fraud/);

      await page.goto("/compliance?team=vision");
      await expect(page.getByTestId("overview-filters").getByLabel("Team")).toHaveValue("vision");
      expect(await rowNames(page)).toEqual(["vision"]);
    });

    test("carol drills down from a row to the namespace's network view", async ({ page }) => {
      await signInAt(page, "carol", "/compliance?q=fraud-detection");
      const row = page.locator('[data-testid="overview-row"][data-namespace="fraud-detection"]');
      await row.getByRole("link", { name: "Network" }).click();
      await expect(page).toHaveURL(/\/namespaces\/fraud-detection\/network$/);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("fraud-detection · Network");
    });

    test("alice gets the page that is not for her, with status 403", async ({ page }) => {
      await signInAt(page, "alice", "/");
      const response = await page.goto("/compliance");
      expect(response?.status()).toBe(403);
      await expect(page.getByRole("heading", { name: "This page is for managers" })).toBeVisible();
      await expect(page.getByTestId("overview-table")).toHaveCount(0);
    });
  });
}

test("the CSV export carries the page's filters and is refused to alice", async ({ browser }) => {
  const carol = await browser.newPage();
  await signInAt(carol, "carol", "/compliance?q=fraud");
  const csv = await carol.request.get("/compliance/export.csv?q=fraud");
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect(csv.headers()["content-disposition"]).toMatch(/attachment; filename="aigov-compliance-\d{4}-\d{2}-\d{2}\.csv"/);
  const lines = (await csv.text()).trim().split("\r\n");
  expect(lines[0]).toMatch(/^namespace,team,environment,report,score/);
  expect(lines.slice(1).map((line) => line.split(",")[0])).toEqual(["fraud-detection"]);

  const alice = await browser.newPage();
  await signInAt(alice, "alice", "/");
  const refused = await alice.request.get("/compliance/export.json");
  expect(refused.status()).toBe(403);
});
