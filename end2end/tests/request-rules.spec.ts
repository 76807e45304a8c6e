import { expect, test } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { createModel, createTestNamespace, kubectl, personAt } from "./cluster";

// A model whose requests start with a ticket id and whose approvers must
// say why: alice sees the rule under the field and is told, in the owners'
// words, when her justification is not in the form; bob's comment is
// required before his approval counts.

const namespace = `e2e-rules-${randomUUID().slice(0, 8)}`;
const model = "ticketed-model";
const hint = "Start with the ticket id, e.g. OPS-123.";

test.beforeAll(() => {
  createTestNamespace(namespace);
  createModel(namespace, model, {
    displayName: "Ticketed model",
    justificationPattern: "^[A-Z]+-[0-9]+",
    justificationHint: hint,
    // The pattern alone makes a justification necessary.
    justificationRequired: false,
    approverCommentRequired: true,
  });
});

test.afterAll(() => {
  kubectl(["delete", "namespace", namespace, "--wait=false"]);
});


test("a justification in the model's form, and an approver's comment, are asked for", async ({ browser }) => {
  test.setTimeout(120_000);
  const alice = await personAt(browser, "alice", `/models/${namespace}/${model}`);
  await expect(alice.getByTestId("justification-rule")).toHaveText(`required: ${hint}`);
  await expect(alice.getByTestId("comment-rule")).toHaveText("required");

  const form = alice.getByTestId("request-form");
  await expect(form.getByTestId("justification-form")).toHaveText(hint);
  await expect(form.getByTestId("justification-input")).toHaveAttribute("required", "");
  await form.getByTestId("level-choice").first().check();
  await form.getByTestId("justification-input").fill("the nightly job fails");
  await alice.getByTestId("submit-request").click();
  await expect(alice.getByTestId("form-error")).toContainText(hint);
  await expect(alice).toHaveURL(new RegExp(`/models/${namespace}/${model}$`));

  await form.getByTestId("justification-input").fill("OPS-4711 the nightly job fails");
  await alice.getByTestId("submit-request").click();
  await alice.waitForURL(new RegExp(`/requests/${namespace}/`));
  const name = alice.url().split("/").pop()!;

  const bob = await personAt(browser, "bob", "/reviews");
  const item = bob.locator(`[data-request="${name}"]`);
  await expect(item).toBeVisible({ timeout: 20_000 });
  const comment = item.getByLabel("Comment (required)");
  await expect(comment).toHaveAttribute("required", "");
  await comment.fill("ticket OPS-4711 checked");
  await item.getByTestId("approve").click();
  await expect(alice.getByTestId("request-detail").getByTestId("phase")).toHaveText("Active", { timeout: 20_000 });
  await expect(alice.getByTestId("history")).toContainText("ticket OPS-4711 checked");
});
