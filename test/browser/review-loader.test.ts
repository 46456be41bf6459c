// Review repros: the split loader and its second chunk.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useChromium } from '../helpers/chromium';
import { appConfig, CANARY, STABLE, useSites } from '../helpers/sites';

const chromium = useChromium();
const { bucket, site, publish } = useSites();

/** A page under /<dir>/ with its own copy of the loader and the second chunk (own faults, own HTTP cache entries). */
function dirPage(dir: string, attrs: Record<string, string>, file = 'client-canary.min.js') {
  for (const f of ['client-canary.min.js', 'client-canary.validate.js', 'client-canary.full.min.js']) site().put(`/${dir}/${f}`, readFileSync(resolve('dist', f)));
  const a = Object.entries(attrs).map(([k, v]) => ` data-${k}="${v}"`).join('');
  site().put(`/${dir}/page.html`, `<!doctype html><html><head><link rel="icon" href="data:,"><script src="/${dir}/${file}"${a}></script></head><body><div id="app"></div></body></html>`, { type: 'text/html; charset=utf-8' });
  return site().url(`/${dir}/page.html`);
}

// Counts assignments of window.clientCanary and what the queue callbacks were given.
const probe = () => {
  const w = window as unknown as Record<string, unknown>;
  const sets: string[] = [];
  let value: unknown;
  w.sets = sets;
  Object.defineProperty(window, 'clientCanary', { configurable: true, get: () => value, set: (v) => { sets.push(typeof (v as { refresh?: unknown }).refresh); value = v; } });
  w.queued = 0;
  w.clientCanaryQueue = [() => { (w.queued as number)++; }];
};

describe('review: loader races', () => {
  it('a second chunk arriving after the loader timeout: window.clientCanary is set twice, and the late client times its config request out at once', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/late/canary-config.json');
    const url = dirPage('late', { config, load: 'app', fallback: bucket().url(`/app/${STABLE}/app.js`), timeout: '500' });
    site().fault('/late/client-canary.validate.js', { delayMs: 1200 });
    const { page, console: out, errors } = await chromium.open();
    await page.addInitScript(probe);
    await page.goto(url);
    await page.waitForTimeout(2500);
    const state = await page.evaluate(() => ({
      sets: (window as unknown as { sets: string[] }).sets.length,
      queued: (window as unknown as { queued: number }).queued,
      version: window.appVersion,
      variant: window.clientCanary!.variant('app'),
      cached: Object.keys(localStorage).filter((k) => k.startsWith('client-canary:config:')).length,
    }));
    console.log(state, out);
    expect(errors).toEqual([]);
    expect(state.version).toBe(STABLE);
    expect(state.sets).toBe(2); // BUG: set twice (stable client, then the late real client)
    // BUG: the config request that arrived long ago is reported as timed out, and never cached
    expect(out.join('\n')).toMatch(/config request timed out after 500 ms/);
    expect(state.cached).toBe(0);
  });

  it('warm start with the second chunk failing: canary assets run but the client says stable', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/warm404/canary-config.json');
    const url = dirPage('warm404', { config, load: 'app' });
    const url2 = dirPage('warm404b', { config, load: 'app' });
    const context = await chromium.newContext();
    const first = await chromium.open(url, { context });
    await first.page.waitForFunction(() => window.appVersion);
    await first.page.waitForFunction(() => Object.keys(localStorage).some((k) => k.startsWith('client-canary:config:')));
    site().fault('/warm404b/client-canary.validate.js', { status: 404 });
    const second = await chromium.open(undefined, { context });
    await second.page.goto(url2);
    await second.page.waitForFunction(() => window.clientCanary);
    const state = await second.page.evaluate(() => ({ version: window.appVersion, variant: window.clientCanary!.variant('app'), tone: window.clientCanary!.flag('tone', 'none'), ctx: window.clientCanary!.context() }));
    console.log(state);
    expect(state.version).toBe(CANARY);
    expect(state.variant).toBe('stable'); // BUG: the canary runs, the client answers stable
    expect(state.tone).toBe('none');
  });

  it('warm start with a second chunk that hangs: window.clientCanary is never set, queued callbacks never run', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/warmhang/canary-config.json');
    const url = dirPage('warmhang', { config, load: 'app', timeout: '500' });
    const url2 = dirPage('warmhangb', { config, load: 'app', timeout: '500' });
    const context = await chromium.newContext();
    const first = await chromium.open(url, { context });
    await first.page.waitForFunction(() => window.clientCanary && Object.keys(localStorage).some((k) => k.startsWith('client-canary:config:')));
    site().fault('/warmhangb/client-canary.validate.js', { hang: true });
    const second = await chromium.open(undefined, { context });
    await second.page.addInitScript(probe);
    await second.page.goto(url2, { waitUntil: 'commit' });
    await second.page.waitForTimeout(4000);
    const state = await second.page.evaluate(() => ({ version: window.appVersion, has: !!window.clientCanary, queued: (window as unknown as { queued: number }).queued }));
    console.log(state);
    site().fault('/warmhangb/client-canary.validate.js', undefined);
    expect(state.version).toBe(CANARY);
    expect(state.has).toBe(false); // BUG: no client 4 s after start (timeout 500)
    expect(state.queued).toBe(0);
  });
});
