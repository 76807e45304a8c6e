import { expect, test, type Browser, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { signInAt, type DemoUser } from "./sign-in";

// Calling a model through the portal, the way people do it: alice is
// refused, asks for the invoker level, bob approves, her call from the
// model's page returns the model server's own answer and is recorded (her
// use on the model page, a "used" event in carol's audit trail), carol
// revokes and alice is refused again; the model beside it stays refused
// throughout. A namespace of its own keeps it apart from the demo data.

const repo = path.resolve(__dirname, "../..");
// A new namespace each time the hooks run: Playwright may run this file's
// hooks again in the same worker (after a failure elsewhere), while the
// previous namespace is still being deleted.
let namespace = "";
const input = '{"instances": [{"amount": 640, "hour": 2, "merchant_risk": 0.7, "foreign": true, "card_present": false}]}';

function kubectl(args: string[], stdin?: string): string {
  return execFileSync(path.join(repo, "scripts/devcluster.sh"), ["kubectl", ...args], {
    input: stdin,
    stdio: ["pipe", "pipe", "pipe"],
  }).toString();
}

function servedModel(name: string) {
  return {
    apiVersion: "aigov.dev/v1alpha1",
    kind: "Model",
    metadata: { name, namespace },
    spec: {
      displayName: `Calls ${name}`,
      ownerTeam: "fraud",
      dataClassification: "Internal",
      accessLevels: [
        { name: "viewer", modelRole: "Viewer" },
        { name: "invoker", modelRole: "Invoker" },
      ],
      serving: { service: name, port: 8080, pathPrefix: `/v1/models/${name}`, exampleInput: input },
      approvers: { users: ["bob"] },
      requiredApprovals: 1,
      maxDuration: "8h",
      justificationRequired: false,
    },
  };
}

test.beforeAll(() => {
  namespace = `e2e-calls-${randomUUID().slice(0, 8)}`;
  kubectl(["create", "namespace", namespace]);
  kubectl(["apply", "-f", "-"], JSON.stringify(servedModel("fraud-scorer")));
  kubectl(["apply", "-f", "-"], JSON.stringify(servedModel("chargeback-risk")));
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

async function callFromThePage(page: Page): Promise<void> {
  await page.getByTestId("try-it").getByRole("button", { name: "Call the model" }).click();
}

test("a grant lets alice call her model from its page, and its end stops her", async ({ browser, request }) => {
  test.setTimeout(120_000);
  const scorer = `/models/${namespace}/fraud-scorer`;
  const alice = await personAt(browser, "alice", scorer);

  // Before any grant: refused, with the next step named.
  await expect(alice.getByTestId("try-it-no-grant")).toBeVisible();
  await expect(alice.getByTestId("endpoint-state")).toHaveText("Endpoint answers");
  await callFromThePage(alice);
  await expect(alice.getByTestId("try-it-answer")).toContainText("Not answered (403)");
  await expect(alice.getByTestId("try-it-answer-body")).toContainText("Request access");

  // She asks for the invoker level; bob approves from his inbox.
  const form = alice.getByTestId("request-form");
  await form.locator('input[value="invoker"]').check();
  await alice.getByTestId("submit-request").click();
  await alice.waitForURL(new RegExp(`/requests/${namespace}/`));
  const name = alice.url().split("/").pop()!;
  const bob = await personAt(browser, "bob", "/reviews");
  const atBob = bob.locator(`[data-request="${name}"]`);
  await expect(atBob).toBeVisible({ timeout: 20_000 });
  await atBob.getByTestId("approve").click();
  await expect(alice.getByTestId("request-detail").getByTestId("phase")).toHaveText("Active", { timeout: 20_000 });

  // Her call answers as the model server itself does.
  await alice.goto(scorer);
  await callFromThePage(alice);
  await expect(alice.getByTestId("try-it-answer")).toContainText("The model answered (200)");
  const direct = await request.post(`${process.env.AIGOV_MODEL_SERVER_URL}/v1/models/fraud-scorer:predict`, { data: input });
  const expected = (await direct.json()).predictions[0].fraud_probability as number;
  const shown = JSON.parse((await alice.getByTestId("try-it-answer-body").textContent())!);
  expect(shown.predictions[0].fraud_probability).toBe(expected);
  await expect(alice.getByTestId("try-it-answer")).toContainText(`under grant ${name}`);

  // Recorded: her use on the model page, and a "used" event in the audit trail.
  await alice.reload();
  const mine = alice.getByTestId("calls-per-person-row");
  await expect(mine).toHaveCount(1);
  await expect(mine).toContainText("alice");
  const carol = await personAt(browser, "carol", `/audit?namespace=${namespace}&action=used`);
  await expect(carol.locator("body")).toContainText("fraud-scorer");
  await expect(carol.locator("body")).toContainText("through the portal");

  // The model beside it: refused.
  await alice.goto(`/models/${namespace}/chargeback-risk`);
  await callFromThePage(alice);
  await expect(alice.getByTestId("try-it-answer")).toContainText("Not answered (403)");

  // Carol revokes; alice's next call is refused.
  await carol.goto(`/requests/${namespace}/${name}`);
  await carol.getByTestId("revoke-form").getByRole("textbox").fill("case closed");
  await carol.getByTestId("revoke").click();
  await expect(carol.getByTestId("request-detail").getByTestId("phase")).toHaveText("Revoked", { timeout: 20_000 });
  await alice.goto(scorer);
  await callFromThePage(alice);
  await expect(alice.getByTestId("try-it-answer")).toContainText("Not answered (403)", { timeout: 2_000 });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the Try it form posts, and the page shows the answer", async ({ page }) => {
    await signInAt(page, "dave", `/models/${namespace}/fraud-scorer`);
    await page.getByTestId("try-it").getByRole("button", { name: "Call the model" }).click();
    await page.waitForURL(/\?call=/);
    await expect(page.getByTestId("try-it-answer")).toContainText("Not answered (403)");
    await expect(page.getByTestId("try-it-answer-body")).toContainText("Request access");
  });
});
