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
// Floors: a script that inserts a tag at once (what a cached script costs to fetch and start,
// whatever it holds), and the same after one localStorage read, which a warm start cannot skip
// (the cached config and the sticky id live there; Chromium's first access of a page's
// localStorage is a synchronous trip to the browser process).
const insert = `const s = document.createElement("script"); s.src = ${JSON.stringify(bucket.url('/app/1.0.0/app.js'))}; s.setAttribute("data-client-canary", ""); document.head.appendChild(s);`;
site.put('/floor.js', insert);
site.put('/floor-storage.js', `localStorage.getItem("client-canary:uid"); ${insert}`);
// One page per build: the loader (the validator chunk loads beside it) and the all-in-one file.
const BUILDS = { loader: 'client-canary.min.js', 'all-in-one': 'client-canary.full.min.js', floor: 'floor.js', 'floor + localStorage': 'floor-storage.js' };
for (const [name, file] of Object.entries(BUILDS))
  site.put(
    `/${name}.html`,
    // t0 is taken just before the script runs; the script itself comes from the HTTP cache.
    `<!doctype html><html><head><link rel="icon" href="data:,"><script>window.t0 = performance.now();</script>` +
      `<script src="/${file}" data-config="${configUrl}" data-max-age="600000"></script></head><body></body></html>`,
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

async function load(name, cold) {
  if (cold) await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('client-canary:config:')).forEach((k) => localStorage.removeItem(k)));
  await page.goto(site.url(`/${name}.html`));
  await page.waitForFunction(() => window.appVersion);
  return page.evaluate(() => window.tInsert - window.t0);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const mode of ['warm', 'cold']) {
  // The builds take turns, load by load, so that both see the same machine.
  const times = Object.fromEntries(Object.keys(BUILDS).filter((name) => mode === 'warm' || !name.startsWith('floor')).map((name) => [name, []]));
  const names = Object.keys(BUILDS).filter((name) => mode === 'warm' || !name.startsWith('floor'));
  for (const name of names) await load(name, false); // warms the HTTP cache and the config cache
  for (let i = 0; i < LOADS; i++) for (const name of names) times[name].push(await load(name, mode === 'cold'));
  for (const [name, xs] of Object.entries(times)) {
    if (name.startsWith('floor') && mode === 'cold') continue;
    console.log(`${mode.padEnd(5)} ${name.padEnd(20)} start → first asset tag: median ${median(xs).toFixed(2)} ms (min ${Math.min(...xs).toFixed(2)}, max ${Math.max(...xs).toFixed(2)}, ${LOADS} loads)`);
  }
}
// Warm loads must not wait for the network: the config request of each warm load is the
// background refresh, which starts after the tags are in (the Chromium tests assert the order).
await browser.close();
await Promise.all([bucket.close(), site.close()]);
