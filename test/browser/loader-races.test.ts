// The loader and its second chunk when the chunk is late, hangs or is missing (found in review).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useChromium } from '../helpers/chromium';
import { appConfig, CANARY, STABLE, useSites } from '../helpers/sites';

const chromium = useChromium();
const { bucket, site, publish } = useSites();

/** A page under /<dir>/ with its own copy of the loader and the second chunk (its own faults). */
function dirPage(dir: string, attrs: Record<string, string>) {
  for (const f of ['client-canary.min.js', 'client-canary.validate.js']) site().put(`/${dir}/${f}`, readFileSync(resolve('dist', f)));
  const a = Object.entries(attrs).map(([k, v]) => ` data-${k}="${v}"`).join('');
  site().put(`/${dir}/page.html`, `<!doctype html><html><head><link rel="icon" href="data:,"><script src="/${dir}/client-canary.min.js"${a}></script></head><body><div id="app"></div></body></html>`, {
    type: 'text/html; charset=utf-8',
  });
  return site().url(`/${dir}/page.html`);
}

// Counts assignments of window.clientCanary and runs of a queued callback.
const probe = () => {
  const w = window as unknown as Record<string, unknown>;
  const sets: unknown[] = [];
  let value: unknown;
  w.sets = sets;
  Object.defineProperty(window, 'clientCanary', { configurable: true, get: () => value, set: (v) => (sets.push(v), (value = v)) });
  w.queued = 0;
  w.clientCanaryQueue = [() => (w.queued as number)++];
};
const probed = (page: import('playwright-core').Page) =>
  page.evaluate(() => ({ sets: (window as unknown as { sets: unknown[] }).sets.length, queued: (window as unknown as { queued: number }).queued }));
const cachedConfigs = (page: import('playwright-core').Page) => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('client-canary:config:')).length);

describe('a second chunk that is late, hangs or is missing', () => {
  it('late on a cold start: the page takes its fallback and one stable client; the late chunk caches the config for the next load', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/late/canary-config.json');
    const url = dirPage('late', { config, load: 'app', fallback: bucket().url(`/app/${STABLE}/app.js`), timeout: '500' });
    site().fault('/late/client-canary.validate.js', { delayMs: 1200 });
    const { page, console: printed, errors } = await chromium.open();
    await page.addInitScript(probe);
    await page.goto(url);
    await expect.poll(() => cachedConfigs(page), { timeout: 5000 }).toBe(1);
    expect(await page.evaluate(() => window.appVersion)).toBe(STABLE);
    expect(await probed(page)).toEqual({ sets: 1, queued: 1 });
    expect(await page.evaluate(() => window.clientCanary!.variant('app'))).toBe('stable');
    expect(printed.join('\n')).toMatch(/client-canary\.validate\.js did not run within 500 ms; the page runs stable/);
    expect(printed.join('\n')).not.toMatch(/timed out/);
    expect(errors).toEqual([]);
  });

  it('late on a cold start after a rollback: no stale copy of the rolled-back canary stands in', async () => {
    const on = { version: 1, revision: 'on', features: { beta: { percentage: 100, canary: { flags: { beta: true } } } } };
    const config = publish(on, '/stale/canary-config.json');
    const context = await chromium.newContext();
    const first = await chromium.open(dirPage('stale', { config, 'max-age': '1000', timeout: '500' }), { context });
    await first.page.waitForFunction(() => window.clientCanary && Object.keys(localStorage).some((k) => k.startsWith('client-canary:config:')));
    expect(await first.page.evaluate(() => window.clientCanary!.isCanary('beta'))).toBe(true);
    publish({ ...on, revision: 'off', features: { beta: { ...on.features.beta, percentage: 0 } } }, '/stale/canary-config.json');
    await new Promise((r) => setTimeout(r, 1200)); // past data-max-age: a cold start
    site().fault('/staleb/client-canary.validate.js', { delayMs: 1200 });
    const second = await chromium.open(undefined, { context });
    await second.page.goto(dirPage('staleb', { config, 'max-age': '1000', timeout: '500' }));
    await second.page.waitForTimeout(2000);
    expect(await second.page.evaluate(() => window.clientCanary!.isCanary('beta'))).toBe(false);
    expect(second.errors).toEqual([]);
  });

  it('hanging on a warm start: after timeoutMs a client answers what runs (the cached canary), and queued callbacks run', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/warmhang/canary-config.json');
    const context = await chromium.newContext();
    const first = await chromium.open(dirPage('warmhang', { config, load: 'app', timeout: '500' }), { context });
    await first.page.waitForFunction(() => window.clientCanary && Object.keys(localStorage).some((k) => k.startsWith('client-canary:config:')));
    const url2 = dirPage('warmhangb', { config, load: 'app', timeout: '500' });
    site().fault('/warmhangb/client-canary.validate.js', { hang: true });
    const second = await chromium.open(undefined, { context });
    await second.page.addInitScript(probe);
    await second.page.goto(url2, { waitUntil: 'commit' });
    await second.page.waitForFunction(() => window.clientCanary, undefined, { timeout: 5000 });
    expect(await second.page.evaluate(() => window.appVersion)).toBe(CANARY);
    expect(await probed(second.page)).toEqual({ sets: 1, queued: 1 });
    expect(await second.page.evaluate(() => [window.clientCanary!.variant('app'), window.clientCanary!.flag('tone', 'none'), window.clientCanary!.context().variants])).toEqual([
      'canary',
      'none',
      { app: 'canary' },
    ]);
    expect(second.errors).toEqual([]);
  });

  it('missing on a warm start: the client answers the cached canary that runs, not stable', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/warm404/canary-config.json');
    const context = await chromium.newContext();
    const first = await chromium.open(dirPage('warm404', { config, load: 'app' }), { context });
    await first.page.waitForFunction(() => window.clientCanary && Object.keys(localStorage).some((k) => k.startsWith('client-canary:config:')));
    const url2 = dirPage('warm404b', { config, load: 'app' });
    site().fault('/warm404b/client-canary.validate.js', { status: 404 });
    const second = await chromium.open(url2, { context });
    await second.page.waitForFunction(() => window.clientCanary);
    expect(await second.page.evaluate(() => [window.appVersion, window.clientCanary!.isCanary('app')])).toEqual([CANARY, true]);
    expect(second.errors).toEqual([]);
  });
});
