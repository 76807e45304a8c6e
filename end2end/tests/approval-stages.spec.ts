import { expect, test, type Page } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { createModel, createTestNamespace, kubectl, personAt } from "./cluster";

// Approval in stages: a model asks first its team lead (bob), then its data
// owner (carol). Alice requests; carol sees the request wait for the team
// lead and cannot decide yet; bob approves from his inbox; the request then
// reaches carol's inbox, she approves, and access is granted. The request's
// page shows each stage and which stage each review was given at.

const namespace = `e2e-stages-${randomUUID().slice(0, 8)}`;
const model = "staged-model";

test.beforeAll(() => {
  createTestNamespace(namespace);
  createModel(namespace, model, {
    displayName: "Staged model",
    approvalStages: [
      { name: "team-lead", approvers: { users: ["bob"] } },
      { name: "data-owner", approvers: { users: ["carol"] } },
    ],
  });
});

test.afterAll(() => {
  kubectl(["delete", "namespace", namespace, "--wait=false"]);
});

/** `who` approves `name` from their inbox. */
async function approve(who: Page, name: string) {
  await who.goto("/reviews");
  const item = who.locator(`[data-request="${name}"]`);
  await expect(item).toBeVisible({ timeout: 20_000 });
  await item.getByTestId("approve").click();
  await expect(who.locator(`[data-request="${name}"]`)).toHaveCount(0, { timeout: 20_000 });
}

test("the team lead approves first, then the data owner, and access is granted", async ({ browser }) => {
  test.setTimeout(180_000);
  const alice = await personAt(browser, "alice", `/models/${namespace}/${model}`);
  const form = alice.getByTestId("request-form");
  await form.getByTestId("level-choice").first().check();
  await form.getByTestId("duration").selectOption("1h");
  await form.getByTestId("justification-input").fill("the quarterly audit");
  await alice.getByTestId("submit-request").click();
  await alice.waitForURL(new RegExp(`/requests/${namespace}/`));
  const name = alice.url().split("/").pop()!;

  // The request waits for the team lead; the data owner cannot decide yet.
  const detail = alice.getByTestId("request-detail");
  await expect(detail.getByTestId("approvals")).toHaveText("0 of 2");
  const stages = detail.getByTestId("stages");
  await expect(stages.locator('[data-stage="team-lead"]')).toHaveAttribute("data-state", "deciding now");
  await expect(stages.locator('[data-stage="data-owner"]')).toHaveAttribute("data-state", "waiting");
  const carol = await personAt(browser, "carol", `/requests/${namespace}/${name}`);
  const carolsView = carol.getByTestId("request-detail");
  await expect(carolsView.getByTestId("stages")).toBeVisible();
  await expect(carolsView.getByTestId("approve")).toHaveCount(0);
  await carol.goto("/reviews");
  await expect(carol.locator(`[data-request="${name}"]`)).toHaveCount(0);

  // Bob (team lead) approves: one stage is not enough.
  const bob = await personAt(browser, "bob", "/reviews");
  await approve(bob, name);
  await alice.reload();
  await expect(detail.getByTestId("phase")).toHaveText("Pending");
  await expect(stages.locator('[data-stage="team-lead"]')).toHaveAttribute("data-state", "done");
  await expect(stages.locator('[data-stage="data-owner"]')).toHaveAttribute("data-state", "deciding now");
  expect(kubectl(["-n", namespace, "get", "rolebindings", "-o", "name"])).not.toContain(`aigov-${name}`);

  // Carol (data owner) approves: access is granted.
  await approve(carol, name);
  await alice.reload();
  await expect(detail.getByTestId("phase")).toHaveText("Active", { timeout: 20_000 });
  await expect(alice.getByTestId("reviews")).toContainText("stage team-lead");
  await expect(alice.getByTestId("reviews")).toContainText("stage data-owner");
  await expect
    .poll(() => kubectl(["-n", namespace, "get", "rolebindings", "-o", "name"]), { timeout: 20_000 })
    .toContain(`aigov-${name}`);
});
