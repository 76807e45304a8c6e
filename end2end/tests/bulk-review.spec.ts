import { expect, test, type Page } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { createModel, createTestNamespace, kubectl, personAt } from "./cluster";
import { portalOrigin } from "./sign-in";

// The inbox at scale: alice files two requests; bob narrows his inbox to
// the namespace (newest first), selects one by keyboard and one by mouse,
// and approves both at once. Each carries bob's review on its own.

const namespace = `e2e-bulk-${randomUUID().slice(0, 8)}`;
const model = "bulk-model";

test.beforeAll(() => {
  createTestNamespace(namespace);
  createModel(namespace, model, {
    displayName: "Bulk model",
    accessLevels: [
      { name: "viewer", roleRef: { kind: "ClusterRole", name: "aigov-model-viewer" } },
      { name: "invoker", roleRef: { kind: "ClusterRole", name: "aigov-model-invoker" } },
    ],
  });
});

test.afterAll(() => {
  kubectl(["delete", "namespace", namespace, "--wait=false"]);
});

async function ask(alice: Page, level: string, duration: string): Promise<string> {
  const asked = await alice.request.post("/api/request-access", {
    form: { namespace, model, level, duration, justification: `needs ${level} for ${duration}` },
    headers: { Origin: portalOrigin },
  });
  expect(asked.status(), await asked.text()).toBe(200);
  return (await asked.json()).name as string;
}

function phaseOf(name: string): string {
  return kubectl(["-n", namespace, "get", "accessrequest", name, "-o", "jsonpath={.status.phase}"]);
}

test("bob narrows his inbox, selects two requests and approves them at once", async ({ browser }) => {
  test.setTimeout(120_000);
  const alice = await personAt(browser, "alice", "/access");
  const first = await ask(alice, "viewer", "1h");
  // Creation times have whole seconds: the second is newer by one at least.
  await alice.waitForTimeout(1_100);
  const second = await ask(alice, "invoker", "2h");
  const bob = await personAt(browser, "bob", `/reviews?namespace=${namespace}&sort=newest`);
  await expect(bob.getByTestId("inbox-count")).toHaveText("2 requests wait for your decision");
  await expect(bob.getByLabel("Namespace")).toHaveValue(namespace);
  const entries = bob.getByTestId("inbox-entry");
  // Newest first: the invoker request, then the viewer request.
  await expect(entries.first().locator(`[data-request="${second}"]`)).toBeVisible();

  // The keyboard: j focuses the first request, x selects it. The shortcuts
  // need the page's bundle: wait until it has taken the page over (the
  // theme toggle is shown only then).
  await expect(bob.getByTestId("theme-toggle")).toBeVisible({ timeout: 30_000 });
  await bob.locator("body").click({ position: { x: 1, y: 1 } });
  await bob.keyboard.press("j");
  await expect(entries.first()).toBeFocused();
  await bob.keyboard.press("x");
  await expect(entries.first().getByTestId("select-request")).toBeChecked();
  // The mouse: the second.
  await entries.nth(1).getByTestId("select-request").check();

  await bob.getByLabel("Comment for the selected requests").fill("both for the quarter");
  await bob.getByTestId("approve-selected").click();
  await expect(bob.getByTestId("bulk-outcome")).toHaveText("2 requests decided.", { timeout: 20_000 });
  await expect(entries).toHaveCount(0, { timeout: 20_000 });
  await expect(bob.getByTestId("inbox-filtered-empty")).toBeVisible();
  for (const name of [first, second]) {
    expect(phaseOf(name)).toBe("Active");
    const reviewers = kubectl([
      "-n", namespace, "get", "accessrequest", name, "-o", "jsonpath={.status.reviews[*].reviewer}",
    ]);
    expect(reviewers).toBe("bob");
  }
});
