import { expect, test } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { createModel, createTestNamespace, kubectl, personAt } from "./cluster";

// Several models at once from the catalogue: alice selects three models of
// one team with their checkboxes and files one request for each. Two are
// filed, and the third, which asks for a ticket id, is refused with its
// rule; each filed request is decided by its own model's approvers: bob
// sees and approves his model's request, not the other's.

const suffix = randomUUID().slice(0, 8);
const namespace = `e2e-many-${suffix}`;
const team = `many-${suffix}`;

test.beforeAll(() => {
  createTestNamespace(namespace);
  createModel(namespace, "alpha", { displayName: `Alpha ${suffix}`, ownerTeam: team });
  createModel(namespace, "beta", { displayName: `Beta ${suffix}`, ownerTeam: team, approvers: { users: ["carol"] } });
  createModel(namespace, "gamma", {
    displayName: `Gamma ${suffix}`,
    ownerTeam: team,
    justificationPattern: "^[A-Z]+-[0-9]+",
    justificationHint: "Start with the ticket id, e.g. OPS-123.",
  });
});

test.afterAll(() => {
  kubectl(["delete", "namespace", namespace, "--wait=false"]);
});

test("alice requests three models at once; each is filed or refused on its own, and decided by its own approvers", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const alice = await personAt(browser, "alice", `/models?team=${team}`);
  await expect(alice.getByTestId("model-card")).toHaveCount(3, { timeout: 20_000 });
  // Nothing selected yet: refused with what to do, and nothing is filed.
  await expect(alice.getByTestId("theme-toggle")).toBeVisible({ timeout: 30_000 });
  await alice.getByTestId("request-selected").click();
  await expect(alice.getByTestId("request-many-error")).toHaveText("Choose the models to request first.");
  await expect(alice.getByTestId("my-pending")).toHaveCount(0);

  for (const name of ["Alpha", "Beta", "Gamma"]) {
    await alice.getByRole("checkbox", { name: new RegExp(`Select ${name} ${suffix}`) }).check();
  }
  const form = alice.getByTestId("request-many-form");
  await form.getByTestId("request-many-level").selectOption("viewer");
  await form.getByTestId("request-many-duration").fill("1h");
  await form.getByTestId("request-many-justification").fill("the quarterly audit");
  await form.getByTestId("request-selected").click();

  const outcome = alice.getByTestId("request-many-outcome");
  await expect(outcome).toContainText("2 requests filed, 1 refused.", { timeout: 20_000 });
  await expect(outcome.getByTestId("request-many-filed")).toHaveCount(2);
  await expect(outcome.getByTestId("request-many-refused")).toHaveText(
    new RegExp(`${namespace}/gamma: .*Start with the ticket id`),
  );
  // The catalogue shows the two pending requests on their cards.
  const card = (model: string) => alice.locator(`[data-model="${namespace}/${model}"]`);
  await expect(card("alpha").getByTestId("my-pending")).toHaveCount(1, { timeout: 20_000 });
  await expect(card("beta").getByTestId("my-pending")).toHaveCount(1);
  await expect(card("gamma").getByTestId("my-pending")).toHaveCount(0);

  const link = async (model: string) => {
    const href = await outcome.getByRole("link", { name: `${model} ${suffix}` }).getAttribute("href");
    return href!.split("/").pop()!;
  };
  const [alpha, beta] = [await link("Alpha"), await link("Beta")];

  // Each is decided by its own model's approvers.
  const bob = await personAt(browser, "bob", "/reviews");
  const item = bob.locator(`[data-request="${alpha}"]`);
  await expect(item).toBeVisible({ timeout: 20_000 });
  await expect(bob.locator(`[data-request="${beta}"]`)).toHaveCount(0);
  await item.getByTestId("approve").click();
  await expect(bob.locator(`[data-request="${alpha}"]`)).toHaveCount(0, { timeout: 20_000 });
  await alice.goto(`/requests/${namespace}/${alpha}`);
  await expect(alice.getByTestId("request-detail")).toContainText("Active", { timeout: 20_000 });
  await alice.goto(`/requests/${namespace}/${beta}`);
  await expect(alice.getByTestId("request-detail")).toContainText("Pending");
});
