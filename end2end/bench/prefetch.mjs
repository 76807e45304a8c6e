// Whether fetching an area's chunk when a link is pointed at helps: the time
// from a click in the navigation to the next page's heading, in another area
// than the page the person is on, with and without the pointer resting on
// the link first. Each run starts in a fresh browser context (nothing
// cached) on `/`, signed in as carol (who sees every section).
//
// "click only" clicks the link from script, with no pointer events, so no
// prefetch starts; "pointer, then click" moves the pointer onto the link,
// waits 150 ms (a quick person's hover before the click), then clicks. The
// baseline in the same run: a /healthz fetch from the page after each
// navigation. Figures on loopback and under Chrome's 20 Mbit/s, 40 ms
// round-trip emulation.
//
//   set -a; . .dev/env; set +a
//   AIGOV_URL=http://127.0.0.1:3000 node end2end/bench/prefetch.mjs [runs]
import { freshPage, launchChromium, ms, networks, quantile, signIn } from "./browser.mjs";

const base = process.env.AIGOV_URL ?? "http://127.0.0.1:3000";
const runs = Number(process.argv[2] ?? "20");
const hoverMs = 150;
const targets = [
  { link: "Namespaces", heading: "Namespaces" },
  { link: "Compliance", heading: "Compliance" },
];
const browser = await launchChromium();
const signedIn = await browser.newContext();
await signIn(await signedIn.newPage(), base, "carol");
const storageState = await signedIn.storageState();
await signedIn.close();

/** Opens `/` in a fresh context and waits until it has hydrated. */
async function freshHome(conditions) {
  const { context, page } = await freshPage(browser, storageState, conditions);
  await page.goto(`${base}/`);
  await page.locator('[data-testid="theme-toggle"]:not([hidden])').waitFor();
  return { context, page };
}

/** Follows the navigation link `target.link`, after resting the pointer on
 *  it when `hover`; answers the ms from the click to the next page's
 *  heading, and a /healthz fetch after it. */
async function navigate(page, target, hover) {
  const link = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: target.link, exact: true });
  if (hover) {
    await link.hover();
    await page.waitForTimeout(hoverMs);
  }
  await link.evaluate((a) => {
    window.__clickAt = performance.now();
    a.click();
  });
  await page.waitForFunction(
    (heading) => document.querySelector("main h1")?.textContent === heading,
    target.heading,
    { timeout: 60_000, polling: "raf" },
  );
  return page.evaluate(async () => {
    const shown = performance.now() - window.__clickAt;
    const start = performance.now();
    await (await fetch("/healthz", { cache: "no-store" })).text();
    return { shown, healthz: performance.now() - start };
  });
}

console.log(`portal ${base}, ${runs} navigations each, pointer resting ${hoverMs} ms`);
console.log("| network | to | click only median / p95 | pointer, then click median / p95 | ratio of medians | /healthz median |");
console.log("| --- | --- | --- | --- | --- | --- |");
for (const { name, conditions } of networks) {
  for (const target of targets) {
    const plain = [], hovered = [], health = [];
    for (let i = 0; i < runs; i++) {
      // Alternate which way goes first, so neither gains from the other.
      for (const hover of i % 2 ? [true, false] : [false, true]) {
        const { context, page } = await freshHome(conditions);
        const result = await navigate(page, target, hover);
        (hover ? hovered : plain).push(result.shown);
        health.push(result.healthz);
        await context.close();
      }
    }
    const ratio = quantile(hovered, 0.5) / quantile(plain, 0.5);
    console.log(
      `| ${name} | ${target.link} | ${ms(quantile(plain, 0.5))} / ${ms(quantile(plain, 0.95))} | ` +
        `${ms(quantile(hovered, 0.5))} / ${ms(quantile(hovered, 0.95))} | ${ratio.toFixed(2)} | ` +
        `${ms(quantile(health, 0.5))} |`,
    );
  }
}
await browser.close();
