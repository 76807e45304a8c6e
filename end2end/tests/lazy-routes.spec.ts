import { expect, type Page, test } from "@playwright/test";
import { signInAt } from "./sign-in";

// Pages are split by area (src/routes.rs): each page loads its area's chunk,
// `split_<area>_<hash>.<content hash>.wasm`, with its route.
const pages: { path: string; area: string; heading: RegExp }[] = [
  { path: "/", area: "home_area", heading: /Overview/ },
  { path: "/models", area: "access_area", heading: /Models/ },
  { path: "/models/fraud-detection/fraud-scorer", area: "access_area", heading: /.+/ },
  { path: "/access", area: "access_area", heading: /My access/ },
  { path: "/reviews", area: "review_area", heading: /Reviews/ },
  { path: "/requests/fraud-detection/does-not-exist", area: "access_area", heading: /.+/ },
  { path: "/namespaces", area: "namespace_area", heading: /Namespaces/ },
  { path: "/namespaces/fraud-detection/network", area: "namespace_area", heading: /.+/ },
  { path: "/namespaces/fraud-detection/compliance", area: "namespace_area", heading: /.+/ },
  { path: "/namespaces/fraud-detection/logs", area: "namespace_area", heading: /.+/ },
  { path: "/namespaces/fraud-detection/exceptions", area: "namespace_area", heading: /.+/ },
  { path: "/compliance", area: "oversight_area", heading: /Compliance/ },
  { path: "/policies", area: "oversight_area", heading: /polic/i },
  { path: "/audit", area: "oversight_area", heading: /Audit/ },
  { path: "/grants", area: "oversight_area", heading: /Access overview/ },
  { path: "/network-guardrails", area: "oversight_area", heading: /guardrails/i },
  { path: "/recertifications", area: "recertification_area", heading: /Recertifications/ },
];

/** The areas whose chunks the page has fetched so far, in order. */
function recordRouteChunks(page: Page): string[] {
  const fetched: string[] = [];
  page.on("request", (request) => {
    const name = new URL(request.url()).pathname.split("/").pop() ?? "";
    const match = name.match(/^split_(\w+?_area)_\d+\./);
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
  for (const { path, area, heading } of pages) {
    test(`${path} loads its area's chunk and hydrates in place`, async ({ page }) => {
      const problems: string[] = [];
      page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      // The content security policy refuses inline styles and scripts: a page
      // that still uses one loses it (a chart's bars, say) and says so here.
      page.on("console", (message) => {
        if (message.type() === "error" && message.text().includes("Content Security Policy")) {
          problems.push(`refused by the content security policy: ${message.text().slice(0, 160)}`);
        }
      });
      await watchForReplacedElements(page);
      const chunks = recordRouteChunks(page);

      await signInAt(page, "carol", path);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
      await expectHydrated(page);

      // Its area's chunk, once. (Under concurrent requests the server now
      // and then also preloads a chunk another request rendered.)
      expect(chunks.filter((chunk) => chunk === area), "the area's chunk fetched once").toHaveLength(1);
      const replaced = await page.evaluate(() => (window as unknown as { removedElements: string[] }).removedElements);
      expect(replaced, "elements of the server's HTML replaced while hydrating").toEqual([]);
      expect(problems).toEqual([]);
    });
  }

  test("navigating loads another area's chunk once, and a page of the same area nothing more", async ({ page }) => {
    const chunks = recordRouteChunks(page);
    await signInAt(page, "carol", "/");
    await expectHydrated(page);
    expect(chunks).toContain("home_area");

    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Models" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(/Models/);
    await nav.getByRole("link", { name: "Overview", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(/Overview/);
    await nav.getByRole("link", { name: "Models" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(/Models/);
    await nav.getByRole("link", { name: "My access" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(/My access/);

    const count = (area: string) => chunks.filter((chunk) => chunk === area).length;
    expect(count("home_area"), "the first page's area, fetched once").toBe(1);
    expect(count("access_area"), "the models' area, fetched once for two of its pages").toBe(1);
    expect(chunks.filter((chunk) => chunk !== "home_area" && chunk !== "access_area")).toEqual([]);
  });

  test("pointing at a link or focusing it fetches its area's chunk before the click", async ({ page }) => {
    const chunks = recordRouteChunks(page);
    await signInAt(page, "carol", "/");
    await expectHydrated(page);
    const nav = page.getByRole("navigation", { name: "Main" });

    await nav.getByRole("link", { name: "Compliance", exact: true }).hover();
    await expect.poll(() => chunks.includes("oversight_area"), { message: "fetched on pointing" }).toBe(true);
    await nav.getByRole("link", { name: "Namespaces", exact: true }).focus();
    await expect.poll(() => chunks.includes("namespace_area"), { message: "fetched on focus" }).toBe(true);
    expect(chunks, "no area that was not pointed at").not.toContain("access_area");

    // Following the link uses the chunk already fetched.
    await nav.getByRole("link", { name: "Compliance", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(/Compliance/);
    expect(chunks.filter((chunk) => chunk === "oversight_area")).toHaveLength(1);
  });
});
