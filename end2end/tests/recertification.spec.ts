import { expect, test, type Page } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { createModel, createTestNamespace, kubectl, personAt } from "./cluster";
import { portalOrigin } from "./sign-in";

// A review of standing access: alice holds three grants approved by bob.
// Carol starts a recertification of the namespace on the page, with a
// deadline a minute away that revokes what is unanswered. Bob certifies one
// grant and revokes another from the review's page; at the deadline the
// third is revoked by aigov, and the review closes.

const namespace = `e2e-recert-${randomUUID().slice(0, 8)}`;
const model = "recert-model";

test.beforeAll(() => {
  createTestNamespace(namespace);
  createModel(namespace, model, { displayName: "Recertified model" });
});

test.afterAll(() => {
  kubectl(["delete", "namespace", namespace, "--wait=false"]);
});

/** Alice asks for viewer access and bob approves it, through the API. */
async function grant(alice: Page, bob: Page, why: string): Promise<string> {
  const headers = { Origin: portalOrigin };
  const asked = await alice.request.post("/api/request-access", {
    form: { namespace, model, level: "viewer", duration: "2h", justification: why },
    headers,
  });
  expect(asked.status(), await asked.text()).toBe(200);
  const name = (await asked.json()).name as string;
  const approved = await bob.request.post("/api/review", {
    form: { namespace, name, decision: "approve", comment: "" },
    headers,
  });
  expect(approved.status(), await approved.text()).toBe(200);
  return name;
}

function phaseOf(name: string): string {
  return kubectl(["-n", namespace, "get", "accessrequest", name, "-o", "jsonpath={.status.phase}"]);
}

/** `at` as a datetime-local field takes it, in UTC. */
function localField(at: Date): string {
  return at.toISOString().slice(0, 19);
}

test("bob certifies one grant and revokes another; the deadline revokes the rest", async ({ browser }) => {
  test.setTimeout(180_000);
  const alice = await personAt(browser, "alice", "/access");
  const bob = await personAt(browser, "bob", "/recertifications");
  const kept = await grant(alice, bob, "daily scoring");
  const revoked = await grant(alice, bob, "the old migration");
  const left = await grant(alice, bob, "nobody remembers");

  // Carol starts it on the page; the browser goes to the new review.
  const carol = await personAt(browser, "carol", "/recertifications");
  const start = carol.getByTestId("start-recertification");
  if (!(await start.evaluate((details) => (details as HTMLDetailsElement).open))) {
    await start.locator("summary").click();
  }
  await start.getByLabel("Namespace").fill(namespace);
  const deadline = new Date(Date.now() + 60_000);
  await start.getByLabel("Deadline (UTC)").fill(localField(deadline));
  await start.getByLabel("Unanswered at the deadline").selectOption("revoke");
  await start.getByLabel("Description").fill("Quarterly review of the recertified model");
  await start.getByTestId("start-submit").click();
  await carol.waitForURL(/\/recertifications\/[a-z0-9-]+$/, { timeout: 20_000 });
  const review = carol.url().split("/").pop()!;
  await expect(carol.getByTestId("phase")).toHaveText("Open");
  await expect(carol.getByTestId("item")).toHaveCount(3);
  await expect(carol.getByTestId("progress-words")).toContainText("0 of 3 answered");
  await expect(carol.getByTestId("export-csv")).toBeVisible();

  // Bob finds it on his list, with three items to answer.
  await bob.goto("/recertifications");
  const row = bob.locator(`[data-name="${review}"]`);
  await expect(row.getByTestId("yours")).toHaveText("3");
  await row.getByRole("link", { name: review }).click();
  await bob.waitForURL(new RegExp(`/recertifications/${review}$`));
  const item = (request: string) => bob.locator(`[data-item="request/${namespace}/${request}"]`);

  await item(kept).getByTestId("answer-comment").fill("still scores every day");
  await item(kept).getByTestId("certify").click();
  await expect(item(kept).getByTestId("verdict")).toHaveText("Certified", { timeout: 20_000 });

  // Revoking without a reason is refused next to the form; with one, done.
  await item(revoked).getByTestId("revoke").click();
  await expect(item(revoked).getByTestId("form-error")).toContainText("a comment is required");
  expect(phaseOf(revoked)).toBe("Active");
  await item(revoked).getByTestId("answer-comment").fill("the migration is over");
  await item(revoked).getByTestId("revoke").click();
  await expect(item(revoked).getByTestId("verdict")).toHaveText("Revoked", { timeout: 20_000 });
  expect(phaseOf(revoked)).toBe("Revoked");
  await expect(bob.getByTestId("progress-words")).toContainText("2 of 3 answered");

  // The deadline revokes the third grant, and the review closes.
  await expect
    .poll(() => phaseOf(left), { timeout: 90_000, intervals: [2_000] })
    .toBe("Revoked");
  await expect
    .poll(
      async () => {
        await bob.reload();
        return bob.getByTestId("phase").textContent();
      },
      { timeout: 30_000, intervals: [2_000] },
    )
    .toBe("Closed");
  await expect(item(left).getByTestId("verdict")).toHaveText("Revoked");
  await expect(item(left)).toContainText("by aigov");
  expect(phaseOf(kept)).toBe("Active");
  const bindings = kubectl(["-n", namespace, "get", "rolebindings", "-o", "name"]);
  expect(bindings).toContain(`aigov-${kept}`);
  expect(bindings).not.toContain(`aigov-${left}`);

  // The evidence names who decided what.
  const csv = await carol.request.get(`/recertifications/${review}/export.csv`);
  expect(csv.status()).toBe(200);
  const text = await csv.text();
  expect(text).toContain("still scores every day");
  expect(text).toContain("the migration is over");
  expect(text.split("\n")[0]).toContain("decided_by");
  const refused = await alice.request.get(`/recertifications/${review}/export.csv`);
  expect(refused.status()).toBe(403);
});
