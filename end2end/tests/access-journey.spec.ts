import { expect, test, type Browser, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { signInAt, type DemoUser } from "./sign-in";

// The whole journey across three people at once: alice requests access,
// bob and carol (two approvals needed) review it from their inboxes, and
// every open page follows along without reloads. A namespace of its own
// keeps the journey apart from the demo data (and its team, classification
// and approvers from the catalog's filters).

const repo = path.resolve(__dirname, "../..");
const namespace = `e2e-journey-${randomUUID().slice(0, 8)}`;
const model = "journey-model";

function kubectl(args: string[], input?: string): string {
  return execFileSync(path.join(repo, "scripts/devcluster.sh"), ["kubectl", ...args], {
    input,
    stdio: ["pipe", "pipe", "pipe"],
  }).toString();
}

test.beforeAll(() => {
  kubectl(["create", "namespace", namespace]);
  kubectl(
    ["apply", "-f", "-"],
    JSON.stringify({
      apiVersion: "aigov.dev/v1alpha1",
      kind: "Model",
      metadata: { name: model, namespace },
      spec: {
        displayName: "Journey model",
        description: "A model for the browser journey.",
        ownerTeam: "journey",
        dataClassification: "Internal",
        accessLevels: [{ name: "viewer", roleRef: { kind: "ClusterRole", name: "aigov-model-viewer" } }],
        approvers: { users: ["bob", "carol"] },
        requiredApprovals: 2,
        maxDuration: "8h",
        justificationRequired: true,
      },
    }),
  );
});

test.afterAll(() => {
  kubectl(["delete", "namespace", namespace, "--wait=false"]);
});

async function personAt(browser: Browser, user: DemoUser, where: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAt(page, user, where);
  return page;
}

test("a request is reviewed by two approvers and every page follows live", async ({ browser }) => {
  test.setTimeout(120_000);
  const bob = await personAt(browser, "bob", "/reviews");
  const carol = await personAt(browser, "carol", "/reviews");
  const alice = await personAt(browser, "alice", `/models/${namespace}/${model}`);

  // Alice asks, with text that must stay text.
  const justification = "case 4711 <script>window.hostile = 1</script>";
  const form = alice.getByTestId("request-form");
  await form.getByTestId("level-choice").first().check();
  await form.getByTestId("duration").selectOption("custom");
  await form.getByTestId("custom-duration").fill("2h");
  await form.getByTestId("justification-input").fill(justification);
  await alice.getByTestId("submit-request").click();
  await alice.waitForURL(new RegExp(`/requests/${namespace}/`));
  const name = alice.url().split("/").pop()!;
  await expect(alice.getByTestId("request-detail").getByTestId("phase")).toHaveText("Pending");
  await expect(alice.getByTestId("justification")).toHaveText(justification);
  expect(await alice.evaluate(() => (window as unknown as { hostile?: number }).hostile)).toBeUndefined();

  // Bob's open inbox shows it without a reload; he approves.
  const atBob = bob.locator(`[data-request="${name}"]`);
  await expect(atBob).toBeVisible({ timeout: 20_000 });
  await expect(atBob.getByTestId("justification")).toHaveText(justification);
  await atBob.getByRole("textbox").first().fill("fine for the case");
  await atBob.getByTestId("approve").click();
  await expect(bob.locator(`[data-request="${name}"]`)).toHaveCount(0, { timeout: 20_000 });
  await expect(alice.getByTestId("request-detail").getByTestId("approvals")).toHaveText("1 of 2", { timeout: 20_000 });

  // Carol's inbox has it too; her approval grants access.
  const atCarol = carol.locator(`[data-request="${name}"]`);
  await expect(atCarol).toBeVisible({ timeout: 20_000 });
  await atCarol.getByTestId("approve").click();
  await expect(alice.getByTestId("request-detail").getByTestId("phase")).toHaveText("Active", { timeout: 20_000 });
  await expect(alice.getByTestId("role-binding")).toHaveText(`aigov-${name}`);
  const subject = kubectl(["-n", namespace, "get", "rolebinding", `aigov-${name}`, "-o", "jsonpath={.subjects[0].name}"]);
  expect(subject).toBe("oidc:alice");

  // The time left counts down in the open page, second by second.
  const left = alice.getByTestId("request-detail").getByTestId("time-left");
  await expect(left).toHaveText(/^1h 59m \d+s left$/);
  const before = await left.textContent();
  await expect.poll(() => left.textContent(), { timeout: 5_000 }).not.toBe(before);
  await expect(left).toHaveText(/^1h 59m \d+s left$/);

  // Carol, a manager, revokes from the request's page; alice sees it end.
  await carol.goto(`/requests/${namespace}/${name}`);
  await carol.getByTestId("revoke-form").getByRole("textbox").fill("audit finished");
  await carol.getByTestId("revoke").click();
  await expect(alice.getByTestId("request-detail").getByTestId("phase")).toHaveText("Revoked", { timeout: 20_000 });
  await expect(alice.getByTestId("history")).toContainText("revoked");
  await expect
    .poll(() => kubectl(["-n", namespace, "get", "rolebindings", "-o", "name"]).trim(), { timeout: 15_000 })
    .toBe("");
});
