import { expect, test } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { createModel, createTestNamespace, kubectl, personAt } from "./cluster";

// Emergency access: the model names the llm team. Dave activates it on the
// model's page and has access at once; bob, whose reviews page is open,
// sees the use appear without reloading and judges it; dave's grant then
// shows bob's review. Alice, whom the model does not name, gets no form.

const namespace = `e2e-glass-${randomUUID().slice(0, 8)}`;
const model = "on-call-model";

test.beforeAll(() => {
  createTestNamespace(namespace);
  createModel(namespace, model, {
    displayName: "On-call model",
    approvers: { groups: ["fraud-leads"] },
    accessLevels: [
      { name: "viewer", roleRef: { kind: "ClusterRole", name: "aigov-model-viewer" } },
      { name: "invoker", roleRef: { kind: "ClusterRole", name: "aigov-model-invoker" } },
    ],
    breakGlass: { groups: ["llm-team"], levels: ["viewer", "invoker"], maxDuration: "1h" },
  });
});

test.afterAll(() => {
  kubectl(["delete", "namespace", namespace, "--wait=false"]);
});

test("dave activates emergency access, bob is told at once and reviews the use", async ({ browser }) => {
  test.setTimeout(150_000);
  const alice = await personAt(browser, "alice", `/models/${namespace}/${model}`);
  const offered = alice.getByTestId("emergency-section");
  await expect(offered.getByTestId("emergency-terms")).toContainText(
    "Members of group llm-team may activate viewer or invoker access at once, for at most 1h",
  );
  await expect(offered.getByTestId("emergency-form")).toHaveCount(0);

  const bob = await personAt(browser, "bob", "/reviews");
  await expect(bob.getByRole("heading", { name: "Reviews" })).toBeVisible();

  const dave = await personAt(browser, "dave", `/models/${namespace}/${model}`);
  await dave.getByTestId("emergency-toggle").click();
  const form = dave.getByTestId("emergency-form");
  await expect(form.getByTestId("emergency-duration")).toHaveValue("1h");
  await form.getByTestId("emergency-justification").fill("INC-4711 the scorer refuses every call");
  await form.getByTestId("activate-emergency").click();
  await dave.waitForURL(new RegExp(`/requests/${namespace}/`), { timeout: 20_000 });
  const name = dave.url().split("/").pop()!;
  const detail = dave.getByTestId("request-detail");
  await expect(detail.getByTestId("phase")).toHaveText("Active");
  await expect(detail.getByTestId("emergency-badge")).toBeVisible();
  await expect(detail.getByTestId("use-review")).toHaveText("waiting for an approver");
  await expect(detail.getByTestId("role-binding")).toBeVisible();
  await expect(dave.getByTestId("history")).toContainText("break glass");

  // Bob's open page shows the use without a reload.
  const uses = bob.getByTestId("emergency-uses");
  const item = uses.locator(`[data-request="${name}"]`);
  await expect(item).toBeVisible({ timeout: 20_000 });
  await expect(item.getByTestId("justification")).toHaveText("INC-4711 the scorer refuses every call");
  await item.getByLabel("Your review of this emergency use").fill("INC-4711 was real; the rota was empty");
  await item.getByTestId("use-justified").click();
  await expect(item).toHaveCount(0, { timeout: 20_000 });

  await dave.reload();
  await expect(dave.getByTestId("request-detail").getByTestId("use-review")).toContainText(
    "Justified by bob",
  );
  await expect(dave.getByTestId("request-detail").getByTestId("phase")).toHaveText("Active");
});

test("an unjustified emergency use ends the grant", async ({ browser }) => {
  test.setTimeout(120_000);
  const dave = await personAt(browser, "dave", `/models/${namespace}/${model}`);
  await dave.getByTestId("emergency-toggle").click();
  const form = dave.getByTestId("emergency-form");
  await form.getByTestId("emergency-level").selectOption("invoker");
  await form.getByTestId("emergency-duration").selectOption("30m");
  await form.getByTestId("emergency-justification").fill("needed to look around");
  await form.getByTestId("activate-emergency").click();
  await dave.waitForURL(new RegExp(`/requests/${namespace}/`), { timeout: 20_000 });

  const bob = await personAt(browser, "bob", dave.url().replace(/^https?:\/\/[^/]+/, ""));
  const review = bob.getByTestId("review-use-form");
  await review.getByLabel("Your review of this emergency use").fill("no incident that night");
  await review.getByTestId("use-unjustified").click();
  await expect(bob.getByTestId("request-detail").getByTestId("phase")).toHaveText("Revoked", { timeout: 20_000 });
  await expect(bob.getByTestId("request-detail").getByTestId("use-review")).toContainText(
    "Unjustified by bob",
  );
});
