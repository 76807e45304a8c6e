import type { Browser, Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { signInAt, type DemoUser } from "./sign-in";

const repo = path.resolve(__dirname, "../..");

/** Runs kubectl against the devcluster as its admin; returns stdout. */
export function kubectl(args: string[], input?: string): string {
  return execFileSync(path.join(repo, "scripts/devcluster.sh"), ["kubectl", ...args], {
    input,
    stdio: ["pipe", "pipe", "pipe"],
  }).toString();
}

/** Creates `namespace`, labelled as a test's own. */
export function createTestNamespace(namespace: string): void {
  kubectl(["create", "namespace", namespace]);
  kubectl(["label", "namespace", namespace, "aigov.dev/test=true"]);
}

/** A browser context of its own for `user`, signed in and at `where`. */
export async function personAt(browser: Browser, user: DemoUser, where: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAt(page, user, where);
  return page;
}

/**
 * Creates Model `name` in `namespace`: one `viewer` level (the
 * `aigov-model-viewer` role), approved by bob, grants of at most 8h,
 * Internal data; `spec` adds to or overrides that.
 */
export function createModel(namespace: string, name: string, spec: Record<string, unknown> = {}): void {
  kubectl(
    ["apply", "-f", "-"],
    JSON.stringify({
      apiVersion: "aigov.dev/v1alpha1",
      kind: "Model",
      metadata: { name, namespace },
      spec: {
        displayName: name,
        ownerTeam: "e2e",
        dataClassification: "Internal",
        accessLevels: [{ name: "viewer", roleRef: { kind: "ClusterRole", name: "aigov-model-viewer" } }],
        approvers: { users: ["bob"] },
        maxDuration: "8h",
        ...spec,
      },
    }),
  );
}
