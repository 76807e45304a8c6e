import { expect, test, type Page } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { createTestNamespace, kubectl, personAt } from "./cluster";

// A policy exception from request to expiry: erin (vision team) asks to
// exempt a privileged workload of a namespace her team views from
// `pss.baseline.privileged`; carol, an approver of the namespace's model,
// approves it from her review inbox; the finding shows as exempted until
// the expiry, and as failing again once it has passed. A namespace of its
// own keeps the test apart from the demo data.

const namespace = `e2e-polex-${randomUUID().slice(0, 8)}`;
const workload = "gpu-driver";
const rule = "pss.baseline.privileged";


test.beforeAll(() => {
  createTestNamespace(namespace);
  const objects = [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "vision-team-view", namespace },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "oidc:vision-team" }],
    },
    {
      apiVersion: "aigov.dev/v1alpha1",
      kind: "Model",
      metadata: { name: "detector", namespace },
      spec: {
        displayName: "Detector",
        ownerTeam: "vision",
        dataClassification: "Internal",
        accessLevels: [{ name: "viewer", roleRef: { kind: "ClusterRole", name: "aigov-model-viewer" } }],
        approvers: { users: ["carol"] },
        maxDuration: "8h",
      },
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: workload, namespace },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: workload } },
        template: {
          metadata: { labels: { app: workload } },
          spec: {
            containers: [
              { name: "driver", image: "registry.example/driver:1.0", securityContext: { privileged: true } },
            ],
          },
        },
      },
    },
  ];
  kubectl(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }));
});

test.afterAll(() => {
  kubectl(["delete", "namespace", namespace, "--wait=false"]);
});


/** The privileged check of the workload, its details opened. */
async function privilegedCheck(page: Page) {
  const row = page.getByTestId("compliance-row").filter({ hasText: workload });
  await expect(row).toBeVisible();
  await row.locator("details.compliance-details > summary").click();
  return row.locator(`[data-testid="check"][data-check="${rule}"]`);
}

test("erin asks for an exception, carol approves, the finding is exempted until it expires", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const compliance = `/namespaces/${namespace}/compliance`;
  const erin = await personAt(browser, "erin", compliance);

  // Erin asks, from the failed check.
  const check = await privilegedCheck(erin);
  await expect(check).toContainText("failed");
  await check.getByText("Request exception", { exact: true }).first().click();
  await check.getByLabel("Reason").fill("The GPU driver needs it until the vendor ships the fix.");
  await check.getByLabel("Duration (at most 90d)").fill("1m");
  // The answer is awaited, as a person would, whether the page submitted
  // it hydrated (a fetch) or as a plain form (a post and a redirect).
  const answered = erin.waitForResponse((r) => r.url().endsWith("/api/file-exception"));
  await check.getByRole("button", { name: "Request exception" }).click();
  expect((await answered).status()).toBeLessThan(400);

  // It waits on the namespace's Exceptions tab.
  await erin.goto(`/namespaces/${namespace}/exceptions`);
  const pending = erin.getByTestId("exceptions-pending").getByTestId("exception");
  await expect(pending).toHaveCount(1);
  await expect(pending).toContainText(workload);
  await expect(pending).toContainText("erin");
  // Erin may not approve her own.
  await expect(pending.getByRole("button", { name: "Approve" })).toHaveCount(0);

  // Carol approves it from her inbox.
  const carol = await personAt(browser, "carol", "/reviews");
  const awaiting = carol.getByTestId("exceptions-awaiting").getByTestId("exception").filter({ hasText: workload });
  await expect(awaiting).toHaveCount(1);
  await awaiting.getByLabel("Comment").fill("until the vendor's fix");
  await awaiting.getByRole("button", { name: "Approve" }).click();
  await expect(awaiting).toHaveCount(0);

  // The finding shows as exempted, with its expiry, not as passing.
  await erin.goto(compliance);
  const exempted = await privilegedCheck(erin);
  await expect(exempted).toContainText("failed, exempted");
  await expect(exempted.getByTestId("exemption")).toContainText("Exempted by");
  await expect(exempted.getByTestId("exemption")).toContainText(" until ");
  await expect(exempted).not.toContainText("✓ passed");

  // It is in force on the Exceptions tab, with its expiry.
  await erin.goto(`/namespaces/${namespace}/exceptions`);
  await expect(erin.getByTestId("exceptions-in-force").getByTestId("exception")).toContainText("in force until");

  // A minute later it has expired: the finding fails again.
  await expect(async () => {
    await erin.goto(compliance);
    const again = await privilegedCheck(erin);
    await expect(again).toContainText("✗ failed", { timeout: 2_000 });
    await expect(again.getByTestId("exemption")).toHaveCount(0);
  }).toPass({ timeout: 120_000, intervals: [5_000] });
  await erin.goto(`/namespaces/${namespace}/exceptions`);
  await expect(erin.getByTestId("exceptions-ended").getByTestId("exception")).toHaveAttribute(
    "data-phase",
    "Expired",
    { timeout: 30_000 },
  );
});
