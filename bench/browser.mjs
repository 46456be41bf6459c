// In Chromium: the time from the loader script starting to its first asset tag inserted, with a
// fresh cached config (warm: no network) and without one (cold: config from a local server on
// another origin), median of 20 loads each. Needs `npm run build` and Debian's chromium.
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startBucketServer } from '../demo/bucket-server.mjs';
import { chromiumLaunchOptions } from '../scripts/chromium.mjs';

const LOADS = 20;
const [bucket, site] = await Promise.all([startBucketServer(), startBucketServer()]);
bucket.put('/app/1.0.0/app.js', 'window.appVersion = "1.0.0";');
bucket.put('/app/2.0.0/app.js', 'window.appVersion = "2.0.0";');
const configUrl = bucket.url('/canary-config.json');
bucket.put('/canary-config.json', {
  version: 1,
  features: { app: { percentage: 50, stable: { assets: ['app/1.0.0/app.js'] }, canary: { assets: ['app/2.0.0/app.js'] } } },
});
for (const file of ['client-canary.min.js', 'client-canary.validate.js', 'client-canary.full.min.js']) site.put(`/${file}`, readFileSync(new URL(`../dist/${file}`, import.meta.url)));
site.put(
  '/index.html',
  // t0 is taken just before the loader runs; the loader itself comes from the HTTP cache.
  `<!doctype html><html><head><link rel="icon" href="data:,"><script>window.t0 = performance.now();</script>` +
    `<script src="/client-canary.min.js" data-config="${configUrl}" data-max-age="600000"></script></head><body></body></html>`,
  { type: 'text/html; charset=utf-8' },
);

const browser = await chromium.launch(chromiumLaunchOptions());
const context = await browser.newContext();
await context.addInitScript(() => {
  const append = Node.prototype.appendChild;
  Node.prototype.appendChild = function (node) {
    if (node instanceof Element && node.hasAttribute('data-client-canary') && window.tInsert === undefined) window.tInsert = performance.now();
    return append.call(this, node);
  };
});
const page = await context.newPage();
const url = site.url('/index.html');

async function load(cold) {
  if (cold) await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('client-canary:config:')).forEach((k) => localStorage.removeItem(k)));
  await page.goto(url);
  await page.waitForFunction(() => window.appVersion);
  return page.evaluate(() => window.tInsert - window.t0);
}

await page.goto(url); // warms the HTTP cache for the loader and the assets
await page.waitForFunction(() => window.appVersion);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const mode of ['warm', 'cold']) {
  const times = [];
  for (let i = 0; i < LOADS; i++) times.push(await load(mode === 'cold'));
  console.log(`${mode.padEnd(5)} loader start → first asset tag: median ${median(times).toFixed(2)} ms (min ${Math.min(...times).toFixed(2)}, max ${Math.max(...times).toFixed(2)}, ${LOADS} loads)`);
}
// Warm loads must not wait for the network: the config request of each warm load is the
// background refresh, which starts after the tags are in (the Chromium tests assert the order).
await browser.close();
await Promise.all([bucket.close(), site.close()]);
