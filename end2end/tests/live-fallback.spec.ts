import { expect, test } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { createModel, createTestNamespace, kubectl, personAt } from "./cluster";

// A person with more pages open than the portal keeps live streams for
// (five by default): the next page's stream is refused (429), and the page
// still shows a change made meanwhile, because it then fetches again on its
// own and tries the stream later.

const namespace = `e2e-live-${randomUUID().slice(0, 8)}`;
const model = "live-model";

test.beforeAll(() => {
  createTestNamespace(namespace);
  createModel(namespace, model, { displayName: "Live model", approvers: { users: ["erin"] } });
});

test.afterAll(() => {
  kubectl(["delete", "namespace", namespace, "--wait=false"]);
});

test("a page whose live stream is refused still shows what changed", async ({ browser }) => {
  test.setTimeout(120_000);
  const url = `/models/${namespace}/${model}`;
  const first = await personAt(browser, "erin", url);
  const context = first.context();
  for (let i = 0; i < 5; i++) {
    const page = await context.newPage();
    await page.goto(url);
  }
  const last = await context.newPage();
  const refused = last.waitForResponse((r) => r.url().endsWith("/api/live") && r.status() === 429, {
    timeout: 30_000,
  });
  await last.goto(url);
  await refused;
  await expect(last.getByRole("heading", { level: 1 })).toHaveText("Live model");

  kubectl(["-n", namespace, "patch", "model", model, "--type=merge", "-p", '{"spec":{"displayName":"Live model, renamed"}}']);
  await expect(last.getByRole("heading", { level: 1 })).toHaveText("Live model, renamed", { timeout: 20_000 });
});
