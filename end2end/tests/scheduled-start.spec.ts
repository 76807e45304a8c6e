import { expect, test } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { createModel, createTestNamespace, kubectl, personAt } from "./cluster";

// A scheduled start: alice asks for access from a moment a little ahead;
// bob approves before it; the request is Scheduled and binds nothing
// until the start, when the portal puts it in force.

const namespace = `e2e-start-${randomUUID().slice(0, 8)}`;
const model = "scheduled-model";

test.beforeAll(() => {
  createTestNamespace(namespace);
  createModel(namespace, model, { displayName: "Scheduled model" });
});

test.afterAll(() => {
  kubectl(["delete", "namespace", namespace, "--wait=false"]);
});

/** `at` as the form's date-time field takes it, in UTC, to the second. */
function field(at: Date): string {
  return at.toISOString().slice(0, 19);
}

function bindingExists(name: string): boolean {
  const found = kubectl(["get", "rolebindings", "-n", namespace, "-o", "name"]);
  return found.includes(`aigov-${name}`);
}

test("the binding appears at the scheduled start, not before", async ({ browser }) => {
  test.setTimeout(150_000);
  // Whole seconds, as the field and the cluster keep them.
  const start = new Date(Math.ceil((Date.now() + 45_000) / 1000) * 1000);
  const alice = await personAt(browser, "alice", `/models/${namespace}/${model}`);
  const form = alice.getByTestId("request-form");
  await form.getByTestId("level-choice").first().check();
  await form.getByTestId("starts-at").fill(field(start));
  await form.getByTestId("justification-input").fill("the release window");
  await alice.getByTestId("submit-request").click();
  await alice.waitForURL(new RegExp(`/requests/${namespace}/`));
  const name = alice.url().split("/").pop()!;
  await expect(alice.getByTestId("request-detail").getByTestId("starts-at")).toContainText(
    `${field(start).slice(0, 10)} ${field(start).slice(11, 16)} UTC`,
  );

  const bob = await personAt(browser, "bob", `/requests/${namespace}/${name}`);
  await bob.getByTestId("approve").click();
  const detail = bob.getByTestId("request-detail");
  await expect(detail.getByTestId("phase")).toHaveText("Scheduled", { timeout: 20_000 });
  await expect(detail.getByTestId("role-binding")).toHaveCount(0);
  expect(bindingExists(name)).toBe(false);
  await expect(bob.getByTestId("history")).toContainText("no access before");
  // The model's page tells alice her access is approved and when it starts.
  await alice.goto(`/models/${namespace}/${model}`);
  await expect(alice.getByTestId("my-scheduled")).toContainText(
    `is approved and starts ${field(start).slice(0, 10)} ${field(start).slice(11, 16)} UTC`,
  );

  // Until the start nothing binds; after it, the grant is in force.
  while (Date.now() < start.getTime() - 3_000) {
    expect(bindingExists(name)).toBe(false);
    await bob.waitForTimeout(2_000);
  }
  await expect
    .poll(() => bindingExists(name), { timeout: 40_000, intervals: [1_000] })
    .toBe(true);
  expect(Date.now()).toBeGreaterThanOrEqual(start.getTime());
  await alice.goto(`/requests/${namespace}/${name}`);
  await expect(alice.getByTestId("request-detail").getByTestId("phase")).toHaveText("Active");
  await expect(alice.getByTestId("request-detail").getByTestId("role-binding")).toBeVisible();
});
