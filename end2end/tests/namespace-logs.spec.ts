import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { signInAt } from "./sign-in";

const repo = path.resolve(__dirname, "../..");

/** Appends lines to sandbox/log-generator's `generator` log in the devcluster. */
function appendLog(...lines: string[]): void {
  execFileSync(path.join(repo, "scripts/devcluster.sh"), ["log-append", "sandbox", "log-generator", "generator", ...lines], {
    stdio: "pipe",
  });
}

const marker = (what: string) => `${what}-${randomUUID().slice(0, 8)}`;

test.describe("the logs view (hydrated)", () => {
  test("pick a container, search, and follow new lines live with a pause", async ({ page }) => {
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));

    await signInAt(page, "alice", "/namespaces/sandbox/logs");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("sandbox · Logs");
    // The follow panel is shown once the wasm has taken over.
    await expect(page.getByTestId("follow-button")).toBeVisible({ timeout: 30_000 });

    const form = page.getByTestId("log-form");
    await form.getByLabel("Pod", { exact: true }).selectOption("log-generator");
    await form.getByLabel("Last lines").fill("5000");
    await form.getByLabel("Search").fill("STARTED");
    await form.getByRole("button", { name: "Show" }).click();
    await expect(page).toHaveURL(/pod=log-generator/);
    await expect(page).toHaveURL(/search=STARTED/);
    const lines = page.getByTestId("log-lines");
    await expect(lines).toContainText("log-generator started");
    await expect(lines.locator("mark").first()).toHaveText("started");
    await expect(page.getByTestId("log-summary")).toContainText("log-generator / generator");
    await expect(page.getByTestId("download-log")).toHaveAttribute("href", /\/api\/logs\/sandbox\/log-generator\/download\?container=generator/);

    // Follow: an appended line appears without a reload, with its match marked.
    await page.getByTestId("follow-button").click();
    await expect(page.getByTestId("follow-status")).toContainText("Following");
    const live = page.getByTestId("live-lines");
    const first = marker("followed");
    // The stream needs a moment to open before lines are appended.
    await page.waitForTimeout(1_000);
    appendLog(`${first} started <b>not markup</b>`);
    await expect(live).toContainText(first, { timeout: 20_000 });
    await expect(live.locator("b")).toHaveCount(0);
    await expect(live.locator("mark").first()).toHaveText("started");

    // Paused: new lines wait, counted, and appear on resume.
    await page.getByTestId("pause-button").click();
    const second = marker("while-paused");
    appendLog(second);
    await expect(page.getByTestId("follow-status")).toContainText("1 new line waiting", { timeout: 20_000 });
    await expect(live).not.toContainText(second);
    await page.getByTestId("pause-button").click();
    await expect(live).toContainText(second);

    await page.getByTestId("follow-button").click();
    await expect(page.getByTestId("follow-status")).toContainText("Stopped following");
    expect(problems).toEqual([]);
  });

  test("a workload's pods are merged, each line naming its pod", async ({ page }) => {
    await signInAt(page, "alice", "/namespaces/fraud-detection/logs?workload=Deployment/fraud-scorer&tail=40");
    await expect(page.getByTestId("log-summary")).toContainText("Deployment/fraud-scorer, its pods merged by time");
    const pods = await page.getByTestId("log-lines").locator(".log-pod").allTextContents();
    expect(new Set(pods).size).toBe(2);
  });

  test("another team's namespace says how to get access", async ({ page }) => {
    await signInAt(page, "alice", "/namespaces/llm/logs");
    await expect(page.getByTestId("no-access")).toContainText("You don't have access to namespace llm");
    await expect(page.getByRole("main").getByRole("link", { name: "Models" })).toHaveAttribute("href", "/models");
  });
});

test.describe("the logs view without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the form and the lines work as plain HTML", async ({ page }) => {
    const line = marker("no-js");
    appendLog(`${line} visible without scripts`);
    await signInAt(page, "alice", "/namespaces/sandbox/logs");
    await expect(page.getByTestId("follow-button")).toBeHidden();

    const form = page.getByTestId("log-form");
    await form.getByLabel("Pod", { exact: true }).selectOption("log-generator");
    await form.getByLabel("Last lines").fill("50");
    await form.getByLabel("Search").fill(line);
    await form.getByRole("button", { name: "Show" }).click();
    await expect(page).toHaveURL(/tail=50/);
    const lines = page.getByTestId("log-lines");
    await expect(lines).toContainText(`${line} visible without scripts`);
    await expect(lines.locator("mark")).toHaveText(line);

    await form.getByLabel("Previous container").check();
    await form.getByLabel("Search").fill("");
    await form.getByRole("button", { name: "Show" }).click();
    await expect(page.getByTestId("log-lines")).toContainText("out of memory");
  });
});
