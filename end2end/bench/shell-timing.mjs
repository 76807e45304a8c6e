// Time to first byte and to interactive of the portal shell, measured in
// Debian's Chromium against a running portal (make dev, or any AIGOV_URL).
// Baseline in the same run: the same measurements for /healthz (TTFB) and
// for a static page-less fetch, so figures read as ratios.
//
//   set -a; . .dev/env; set +a; node end2end/bench/shell-timing.mjs [runs]
import { launchChromium, signIn } from "./browser.mjs";

const base = process.env.AIGOV_URL ?? "http://127.0.0.1:3000";
const runs = Number(process.argv[2] ?? "20");

const browser = await launchChromium();
const page = await browser.newPage();
await signIn(page, base);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const p95 = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))];
};

const ttfb = [], interactive = [], healthTtfb = [];
for (let i = 0; i < runs; i++) {
  await page.goto(`${base}/`);
  await page.getByTestId("theme-toggle").waitFor({ state: "visible" });
  const timing = await page.evaluate(() => {
    const [nav] = performance.getEntriesByType("navigation");
    return { ttfb: nav.responseStart - nav.requestStart, now: performance.now() };
  });
  ttfb.push(timing.ttfb);
  interactive.push(timing.now);
  const health = await page.evaluate(async () => {
    const start = performance.now();
    const response = await fetch("/healthz", { cache: "no-store" });
    await response.text();
    return performance.now() - start;
  });
  healthTtfb.push(health);
}
await browser.close();

const fmt = (ms) => `${ms.toFixed(1)} ms`;
console.log(`runs: ${runs}, portal: ${base}`);
console.log(`shell TTFB        median ${fmt(median(ttfb))}  p95 ${fmt(p95(ttfb))}`);
console.log(`shell interactive median ${fmt(median(interactive))}  p95 ${fmt(p95(interactive))}  (navigation start to hydrated)`);
console.log(`baseline /healthz median ${fmt(median(healthTtfb))}  p95 ${fmt(p95(healthTtfb))}  (fetch round trip)`);
console.log(`ratio TTFB / baseline: ${(median(ttfb) / median(healthTtfb)).toFixed(1)}x`);
