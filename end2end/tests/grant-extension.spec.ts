import { expect, test, type Page } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { createModel, createTestNamespace, kubectl, personAt } from "./cluster";

// Extending a grant in force: alice's grant is approved by bob; she asks to
// extend it from its page, bob approves, and her access goes on to a later
// end (both bindings exist, so there is no gap). A second extension, denied,
// leaves everything as it was. The grant's page names its extension, and
// revoking the grant ends the extension too. A namespace of its own keeps
// it apart.

const namespace = `e2e-extend-${randomUUID().slice(0, 8)}`;
const model = "extend-model";

test.beforeAll(() => {
  createTestNamespace(namespace);
  createModel(namespace, model, { displayName: "Extension model" });
});

test.afterAll(() => {
  kubectl(["delete", "namespace", namespace, "--wait=false"]);
});


/** Bob decides `name` from his inbox. */
async function decide(bob: Page, name: string, decision: "approve" | "deny") {
  await bob.goto("/reviews");
  const item = bob.locator(`[data-request="${name}"]`);
  await expect(item).toBeVisible({ timeout: 20_000 });
  await item.getByTestId(decision).click();
  await expect(bob.locator(`[data-request="${name}"]`)).toHaveCount(0, { timeout: 20_000 });
}

/** The grant's end as the cluster holds it. */
function endOf(name: string): Date {
  return new Date(kubectl(["-n", namespace, "get", "accessrequest", name, "-o", "jsonpath={.status.expiresAt}"]));
}

/** Alice asks, from the grant's page, for `duration` more; returns the extension's name. */
async function askToExtend(alice: Page, grant: string, duration: string): Promise<string> {
  await alice.goto(`/requests/${namespace}/${grant}`);
  await alice.getByTestId("extend-toggle").click();
  const form = alice.getByTestId("extend-form");
  await form.getByLabel("For how long").selectOption(duration);
  await form.getByLabel("Why").fill("the migration runs into the evening");
  await form.getByTestId("extend").click();
  const said = alice.getByTestId("action-feedback");
  await expect(said).toContainText("Extension requested", { timeout: 20_000 });
  const match = (await said.textContent())!.match(new RegExp(`${namespace}/([a-z0-9.-]+) is Pending`));
  expect(match, "the confirmation names the new request").not.toBeNull();
  return match![1];
}

test("alice extends her grant, bob approves, access goes on to a later end; a denied one changes nothing", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const alice = await personAt(browser, "alice", `/models/${namespace}/${model}`);
  const bob = await personAt(browser, "bob", "/reviews");

  // The grant: two hours, approved by bob.
  const form = alice.getByTestId("request-form");
  await form.getByTestId("level-choice").first().check();
  await form.getByTestId("duration").selectOption("2h");
  await form.getByTestId("justification-input").fill("the quarterly migration");
  await alice.getByTestId("submit-request").click();
  await alice.waitForURL(new RegExp(`/requests/${namespace}/`));
  const grant = alice.url().split("/").pop()!;
  await decide(bob, grant, "approve");
  const ends = endOf(grant);

  // An extension of one hour, approved: it runs on from the grant's end.
  const extension = await askToExtend(alice, grant, "1h");
  await alice.goto(`/requests/${namespace}/${extension}`);
  const detail = alice.getByTestId("request-detail");
  await expect(detail.getByTestId("phase")).toHaveText("Pending");
  await expect(detail).toContainText(`Extends`);
  await decide(bob, extension, "approve");
  await expect(detail.getByTestId("phase")).toHaveText("Active", { timeout: 20_000 });
  expect(endOf(extension).getTime() - ends.getTime()).toBe(3_600_000);
  await expect(detail.getByTestId("time-left")).toHaveText(/^2h 5\dm \d+s left$/);
  await expect(alice.getByTestId("history")).toContainText(`continuing ${grant}`);
  const bindings = kubectl(["-n", namespace, "get", "rolebindings", "-o", "name"]);
  expect(bindings).toContain(`aigov-${grant}`);
  expect(bindings).toContain(`aigov-${extension}`);

  // A second extension, denied: the grant and the first extension stay as they were.
  const denied = await askToExtend(alice, extension, "30m");
  await decide(bob, denied, "deny");
  await alice.goto(`/requests/${namespace}/${denied}`);
  await expect(alice.getByTestId("request-detail").getByTestId("phase")).toHaveText("Denied");
  expect(endOf(extension).getTime() - ends.getTime()).toBe(3_600_000);
  expect(kubectl(["-n", namespace, "get", "rolebindings", "-o", "name"])).not.toContain(`aigov-${denied}`);

  // The grant's page names the extension that continues it.
  await alice.goto(`/requests/${namespace}/${grant}`);
  const extendedBy = alice.getByTestId("request-detail").getByTestId("extended-by");
  await expect(extendedBy.getByRole("link", { name: extension })).toBeVisible();
  await expect(extendedBy).toContainText("Active");

  // Bob revokes the grant: the extension that continues it ends with it.
  await bob.goto(`/requests/${namespace}/${grant}`);
  await bob.getByTestId("revoke-form").getByLabel("Reason for revoking").fill("the migration is done");
  await bob.getByTestId("revoke").click();
  await expect(bob.getByTestId("request-detail").getByTestId("phase")).toHaveText("Revoked", { timeout: 20_000 });
  await expect
    .poll(() => kubectl(["-n", namespace, "get", "rolebindings", "-o", "name"]), { timeout: 20_000 })
    .not.toContain(`aigov-${extension}`);
  await alice.goto(`/requests/${namespace}/${extension}`);
  await expect(alice.getByTestId("request-detail").getByTestId("phase")).toHaveText("Revoked");
});
