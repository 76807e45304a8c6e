import { expect, type Page, test } from "@playwright/test";
import { signInAt } from "./sign-in";

// Every page's view is a chunk of its own (src/routes.rs), loaded with its
// route: `split___<route>_view_<hash>.<content hash>.wasm`.
const pages: { path: string; view: string; heading: RegExp }[] = [
  { path: "/", view: "home_route", heading: /Overview/ },
  { path: "/models", view: "model_catalog_route", heading: /Models/ },
  { path: "/models/fraud-detection/fraud-scorer", view: "model_detail_route", heading: /.+/ },
  { path: "/access", view: "my_access_route", heading: /My access/ },
  { path: "/reviews", view: "review_inbox_route", heading: /Reviews/ },
  { path: "/requests/fraud-detection/does-not-exist", view: "request_detail_route", heading: /.+/ },
  { path: "/namespaces", view: "namespace_list_route", heading: /Namespaces/ },
  { path: "/namespaces/fraud-detection/network", view: "namespace_network_route", heading: /.+/ },
  { path: "/namespaces/fraud-detection/compliance", view: "namespace_compliance_route", heading: /.+/ },
  { path: "/namespaces/fraud-detection/logs", view: "namespace_logs_route", heading: /.+/ },
  { path: "/namespaces/fraud-detection/exceptions", view: "namespace_exceptions_route", heading: /.+/ },
  { path: "/compliance", view: "compliance_route", heading: /Compliance/ },
  { path: "/policies", view: "policies_route", heading: /polic/i },
  { path: "/audit", view: "audit_route", heading: /Audit/ },
  { path: "/grants", view: "grants_route", heading: /Access overview/ },
  { path: "/network-guardrails", view: "network_guardrails_route", heading: /guardrails/i },
];

/** The names of the route chunks the page has fetched so far, in order. */
function recordRouteChunks(page: Page): string[] {
  const fetched: string[] = [];
  page.on("request", (request) => {
    const name = new URL(request.url()).pathname.split("/").pop() ?? "";
    const match = name.match(/^split___(.+)_view_\d+\./);
    if (match) fetched.push(match[1]);
  });
  return fetched;
}

/** Element removals under <main> from the first byte until the page has
 *  hydrated (the theme toggle is unhidden, which only the bundle does):
 *  hydration must adopt the server's HTML, never replace it. Later changes,
 *  such as a live refresh of the page's data, are not counted. */
async function watchForReplacedElements(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const removed: string[] = [];
    (window as unknown as { removedElements: string[] }).removedElements = removed;
    const observer = new MutationObserver((records) => {
      for (const record of records) {
        const target = record.target as Element;
        if (record.type === "attributes") {
          if (target.getAttribute("data-testid") === "theme-toggle" && !target.hasAttribute("hidden")) {
            observer.disconnect();
            return;
          }
          continue;
        }
        if (!target.closest?.("main")) continue;
        record.removedNodes.forEach((node) => {
          if (node.nodeType === Node.ELEMENT_NODE) removed.push((node as Element).outerHTML.slice(0, 120));
        });
      }
    });
    observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["hidden"] });
  });
}

async function expectHydrated(page: Page): Promise<void> {
  // The toggle is shown only once the bundle has taken over the page, which
  // happens after the route's chunk has loaded.
  const toggle = page.getByTestId("theme-toggle");
  await expect(toggle).toBeVisible({ timeout: 30_000 });
  await toggle.click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  await toggle.click();
  await toggle.click();
  await expect(page.locator("html")).not.toHaveAttribute("data-theme", /.+/);
}

test.describe("lazily loaded pages", () => {
  for (const { path, view, heading } of pages) {
    test(`${path} loads its own chunk and hydrates in place`, async ({ page }) => {
      const problems: string[] = [];
      page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      await watchForReplacedElements(page);
      const chunks = recordRouteChunks(page);

      await signInAt(page, "carol", path);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
      await expectHydrated(page);

      // Its own chunk, once. (Under concurrent requests the server now and
      // then also preloads a chunk another request rendered.)
      expect(chunks.filter((chunk) => chunk === view), "the page's chunk fetched once").toHaveLength(1);
      const replaced = await page.evaluate(() => (window as unknown as { removedElements: string[] }).removedElements);
      expect(replaced, "elements of the server's HTML replaced while hydrating").toEqual([]);
      expect(problems).toEqual([]);
    });
  }

  test("navigating between two pages loads the second page's chunk once", async ({ page }) => {
    const chunks = recordRouteChunks(page);
    await signInAt(page, "carol", "/");
    await expectHydrated(page);
    expect(chunks).toContain("home_route");

    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Models" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(/Models/);
    await nav.getByRole("link", { name: "Overview", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(/Overview/);
    await nav.getByRole("link", { name: "Models" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(/Models/);

    const count = (view: string) => chunks.filter((chunk) => chunk === view).length;
    expect(count("home_route"), "the first page's chunk, fetched once").toBe(1);
    expect(count("model_catalog_route"), "the second page's chunk, fetched once").toBe(1);
  });
});
