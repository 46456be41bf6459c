// The README's script tag and config, copied as they are, on pages served under the README's own
// origins (Playwright routes them to local servers): what a new user copies must work.
import type { BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { bucketOf } from '../../src/decide/bucket';
import { UID_KEY } from '../../src/identity/storage-keys';
import { decision, loadedVersion, recordEvents, recorded } from '../helpers/app-probes';
import { useChromium } from '../helpers/chromium';
import { readmeBlock } from '../helpers/readme';
import { useSites } from '../helpers/sites';

const chromium = useChromium();
const { bucket, site } = useSites();

const tag = readmeBlock('## Script tag', 'html');
const config = readmeBlock('## The config file', 'json');
const PAGE = 'https://www.example.com/';
const app = (version: string) => `window.appVersion = ${JSON.stringify(version)}; (window.appRuns = window.appRuns || []).push(window.appVersion);`;

/** A context where the README's origins answer: the bucket from the test bucket, the CDN from the test site. */
async function readmeWorld(): Promise<BrowserContext> {
  const b = bucket();
  const s = site();
  b.put('/canary-config.json', config, { type: 'application/json' });
  b.put('/app/1.4.0/app.js', app('1.4.0'));
  b.put('/app/1.4.0/app.css', '#app { color: rgb(0, 0, 255); }');
  b.put('/app/1.5.0/app.mjs', `${app('1.5.0')} export {};`);
  s.put('/app/1.4.0/app.js', app('1.4.0 from the CDN fallback'));
  s.put('/app/1.4.0/app.css', '#app { color: rgb(0, 128, 0); }');
  s.put('/', `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">\n${tag}\n</head><body><div id="app">loading</div></body></html>`, { type: 'text/html; charset=utf-8' });
  const context = await chromium.newContext();
  const forward = (origin: string, to: string) =>
    context.route(`${origin}/**`, async (route) => {
      const url = new URL(route.request().url());
      const response = await route.fetch({ url: `${to}${url.pathname}` });
      await route.fulfill({ response });
    });
  await forward('https://my-bucket.s3.amazonaws.com', b.origin);
  await forward('https://cdn.example.com', s.origin);
  await forward('https://www.example.com', s.origin);
  return context;
}

/** A user id whose bucket of feature "app" is in (canary) or out of the README's 5 %. */
const userAt = (canary: boolean) => Array.from({ length: 1000 }, (_, i) => `reader-${i}`).find((id) => (bucketOf('app', id) < 500) === canary)!;

const openAs = async (userId: string) => {
  const context = await readmeWorld();
  const run = await chromium.open(undefined, { context });
  await run.page.addInitScript(([key, id]) => localStorage.setItem(key!, id!), [UID_KEY, userId]);
  await recordEvents(run.page);
  await run.page.goto(PAGE);
  return run;
};

describe("the README's script tag and config, copied as they are", () => {
  it('run the stable app for a user outside the 5 %, from the bucket, with its style sheet', async () => {
    const { page, errors } = await openAs(userAt(false));
    expect(await loadedVersion(page)).toBe('1.4.0');
    expect(await page.evaluate(() => getComputedStyle(document.getElementById('app')!).color)).toBe('rgb(0, 0, 255)');
    expect(await decision(page)).toMatchObject({ variant: 'stable', reason: 'rollout', revision: '2026-11-26.1' });
    expect((await recorded(page)).errors).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('give a user inside the 5 % an app that runs, never a blank page', async () => {
    const { page, errors } = await openAs(userAt(true));
    // The README's canary is a module, in CORS mode: it runs, once, cross-origin from the bucket.
    expect(await loadedVersion(page)).toBe('1.5.0');
    expect(await page.evaluate(() => window.appRuns)).toEqual(['1.5.0']);
    expect(await decision(page)).toMatchObject({ variant: 'canary', reason: 'rollout' });
    expect(errors).toEqual([]);
  });

  it('load the data-fallback assets from the CDN when the bucket cannot answer', async () => {
    const b = bucket();
    b.fault('/canary-config.json', { status: 503 });
    try {
      const { page, errors } = await openAs(userAt(false));
      expect(await loadedVersion(page)).toBe('1.4.0 from the CDN fallback');
      expect(await page.evaluate(() => getComputedStyle(document.getElementById('app')!).color)).toBe('rgb(0, 128, 0)');
      expect(await decision(page)).toMatchObject({ variant: 'stable', reason: 'fallback' });
      expect(errors).toEqual([]);
    } finally {
      b.fault('/canary-config.json', undefined);
    }
  });
});
