// Time to interactive of three pages in Debian's Chromium, against a running
// portal (AIGOV_URL, default http://127.0.0.1:3000): `/`, `/models` and a
// namespace's network page, each loaded `runs` times in a fresh browser
// context (nothing cached: a person's first visit), then once more in the
// same context (the bundle cached). A page is interactive when the theme
// toggle is unhidden, which only the browser bundle does once it has
// hydrated the page, after the page's own chunk has loaded.
//
// Baseline in the same run: a fetch of /healthz from the same page, after
// each load. Figures also under a 20 Mbit/s, 40 ms round-trip network
// (Chrome's own emulation), where the bytes count.
//
//   set -a; . .dev/env; set +a
//   AIGOV_URL=http://127.0.0.1:3000 node end2end/bench/interactive.mjs [runs]
import { freshPage, launchChromium, ms, networks, quantile, signIn } from "./browser.mjs";

const base = process.env.AIGOV_URL ?? "http://127.0.0.1:3000";
const runs = Number(process.argv[2] ?? "20");
const namespace = process.env.AIGOV_BENCH_NAMESPACE ?? "fraud-detection";
const paths = ["/", "/models", `/namespaces/${namespace}/network`];
const browser = await launchChromium();

// Sign in once; every measured context starts from these cookies.
const signedIn = await browser.newContext();
await signIn(await signedIn.newPage(), base);
const storageState = await signedIn.storageState();
await signedIn.close();

/** Records, from the first byte on, when the theme toggle is unhidden. */
function markInteractive() {
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      const target = record.target;
      if (target.getAttribute?.("data-testid") === "theme-toggle" && !target.hasAttribute("hidden")) {
        window.__interactiveAt = performance.now();
        observer.disconnect();
        return;
      }
    }
  });
  observer.observe(document, { subtree: true, attributes: true, attributeFilter: ["hidden"] });
}

/** Loads `path` and answers its time to interactive and the /healthz
 *  fetch after it. */
async function load(page, path) {
  await page.goto(`${base}${path}`);
  await page.waitForFunction(() => window.__interactiveAt !== undefined, null, { timeout: 60_000 });
  return page.evaluate(async () => {
    const start = performance.now();
    const response = await fetch("/healthz", { cache: "no-store" });
    await response.text();
    return { interactive: window.__interactiveAt, healthz: performance.now() - start };
  });
}

console.log(`portal ${base}, ${runs} loads each`);
console.log("| network | page | cold median / p95 | warm median / p95 | /healthz median |");
console.log("| --- | --- | --- | --- | --- |");
for (const { name, conditions } of networks) {
  for (const path of paths) {
    const cold = [], warm = [], health = [];
    for (let i = 0; i < runs; i++) {
      const { context, page } = await freshPage(browser, storageState, conditions, markInteractive);
      const fresh = await load(page, path);
      cold.push(fresh.interactive);
      health.push(fresh.healthz);
      const again = await load(page, path);
      warm.push(again.interactive);
      health.push(again.healthz);
      await context.close();
    }
    console.log(
      `| ${name} | ${path} | ${ms(quantile(cold, 0.5))} / ${ms(quantile(cold, 0.95))} | ` +
        `${ms(quantile(warm, 0.5))} / ${ms(quantile(warm, 0.95))} | ` +
        `${ms(quantile(health, 0.5))} |`,
    );
  }
}
await browser.close();
