import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { signInAt } from "./sign-in";

// The managers' access overview (/grants) and audit trail (/audit). A
// namespace of its own holds a model, 55 pending requests (two pages of
// "requested" events) and a RoleBinding made by hand to one of the model's
// roles, which the overview must mark as access outside aigov.

// One namespace for the whole file: its tests run in order in one worker,
// so the hooks below run once (in fully parallel mode every test would run
// them again, seeding a namespace and 57 objects per test).
test.describe.configure({ mode: "default" });

const repo = path.resolve(__dirname, "../..");
const namespace = `e2e-oversight-${randomBytes(4).toString("hex")}`;
const requests = 55;

function kubectl(args: string[], input?: string): string {
  return execFileSync(path.join(repo, "scripts/devcluster.sh"), ["kubectl", ...args], {
    input,
    stdio: ["pipe", "pipe", "pipe"],
  }).toString();
}

function list(items: object[]): string {
  return JSON.stringify({ apiVersion: "v1", kind: "List", items });
}

test.beforeAll(() => {
  kubectl(["create", "namespace", namespace]);
  kubectl(["label", "namespace", namespace, "aigov.dev/test=true"]);
  const model = {
    apiVersion: "aigov.dev/v1alpha1",
    kind: "Model",
    metadata: { name: "fraud-scorer", namespace },
    spec: {
      displayName: "Fraud scorer",
      ownerTeam: "fraud",
      dataClassification: "Confidential",
      accessLevels: [{ name: "viewer", roleRef: { kind: "ClusterRole", name: "aigov-model-viewer" } }],
      approvers: { groups: ["fraud-leads"] },
      maxDuration: "7d",
    },
  };
  const asks = Array.from({ length: requests }, (_, i) => {
    const person = `person-${String(i).padStart(2, "0")}`;
    return {
      apiVersion: "aigov.dev/v1alpha1",
      kind: "AccessRequest",
      metadata: { name: `fraud-scorer-${person}`, namespace },
      spec: {
        requester: person,
        subject: `oidc:${person}`,
        model: "fraud-scorer",
        level: "viewer",
        duration: "1h",
        justification: "=1+1 reading",
      },
    };
  });
  const byHand = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: "mallory-by-hand", namespace },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "aigov-model-viewer" },
    subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "oidc:mallory" }],
  };
  kubectl(["create", "-f", "-"], list([model, ...asks, byHand]));
});

test.afterAll(() => {
  kubectl(["delete", "namespace", namespace, "--wait=false"]);
});

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? "hydrated" : "without JavaScript";

  test.describe(`managers' access pages (${mode})`, () => {
    test.use({ javaScriptEnabled });

    test("carol opens the access overview, filters by namespace and sees access outside aigov", async ({ page }) => {
      await signInAt(page, "carol", "/");
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Access overview" }).click();
      await expect(page).toHaveURL(/\/grants$/);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Access overview");
      const filters = page.getByTestId("grant-filters");
      await filters.getByLabel("Namespace").selectOption(namespace);
      await filters.getByTestId("apply-filters").click();
      await expect(page).toHaveURL(new RegExp(`namespace=${namespace}`));
      const holders = page.getByTestId("grants");
      await expect(holders.getByTestId("outside-aigov")).toHaveCount(1);
      await expect(holders).toContainText("oidc:mallory");
      await expect(page.getByTestId("expiring-day-empty")).toBeVisible();
      await expect(page.getByTestId("pending-longest").locator("tbody tr")).toHaveCount(10);
      await expect(page.getByTestId("export-csv")).toHaveAttribute("href", `/grants/export.csv?namespace=${namespace}`);
    });

    test("carol filters the audit trail and follows a page link", async ({ page }) => {
      await signInAt(page, "carol", "/");
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit trail" }).click();
      await expect(page).toHaveURL(/\/audit$/);
      const filters = page.getByTestId("audit-filters");
      await filters.getByLabel("Namespace").selectOption(namespace);
      await filters.getByLabel("Action").selectOption("requested");
      await filters.getByTestId("apply-filters").click();
      await expect(page).toHaveURL(/action=requested/);
      await expect(page.getByTestId("audit-range")).toHaveText(`1–50 of ${requests} events`);
      const rows = page.getByTestId("audit-events").locator("tbody tr");
      await expect(rows).toHaveCount(50);
      await expect(page.getByTestId("history-note")).toContainText("does not touch");

      await page.getByTestId("pager").getByRole("link", { name: "Page 2" }).click();
      await expect(page).toHaveURL(/page=2/);
      await expect(page.getByTestId("audit-range")).toHaveText(`51–${requests} of ${requests} events`);
      await expect(rows).toHaveCount(requests - 50);
      await expect(page.getByTestId("audit-filters").getByLabel("Action")).toHaveValue("requested");
    });

    test("a bad date and a page past the last are named, not an error", async ({ page }) => {
      await signInAt(page, "carol", "/");
      const response = await page.goto(`/audit?namespace=${namespace}&from=2026-13-01&page=9`);
      expect(response?.status()).toBe(200);
      const problems = page.getByTestId("filter-problems");
      await expect(problems).toContainText("“2026-13-01” is not a date");
      await page.goto(`/audit?namespace=${namespace}&page=9`);
      await expect(page.getByTestId("filter-problems")).toContainText("Page 9 does not exist: there are 2 pages.");
    });

    test("alice gets the pages that are not for her, with status 403", async ({ page }) => {
      await signInAt(page, "alice", "/");
      await expect(page.getByRole("link", { name: "Audit trail" })).toHaveCount(0);
      for (const path of ["/grants", "/audit"]) {
        const response = await page.goto(path);
        expect(response?.status()).toBe(403);
        await expect(page.getByRole("heading", { name: "This page is for managers" })).toBeVisible();
        await expect(page.getByTestId("audit-events")).toHaveCount(0);
      }
    });
  });
}

test("carol downloads the audit trail as CSV with its filters", async ({ page }) => {
  await signInAt(page, "carol", `/audit?namespace=${namespace}&action=requested`);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
  expect(download.suggestedFilename()).toMatch(/^aigov-audit-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = readFileSync(await download.path(), "utf8");
  const lines = text.trim().split("\r\n");
  expect(lines[0]).toBe("time,actor,action,phase,requester,model,namespace,level,request,comment,request_gone");
  expect(lines).toHaveLength(requests + 1);
  expect(lines.slice(1).every((line) => line.includes(`,requested,`) && line.includes(namespace))).toBe(true);
});
