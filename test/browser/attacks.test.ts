// Adversarial review of the script-tag loader: each test is an attack on the promise "every
// failure ends in one complete variant, never a blank page, never an uncaught error", or on the
// origin policy / Trusted Types / cache trust. Each asserts the behaviour the product should have.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useChromium } from '../helpers/chromium';
import { appConfig, CANARY, STABLE, useSites } from '../helpers/sites';

const chromium = useChromium();
const { bucket, site, publish, page: sitePage } = useSites();

const LOADER = () => readFileSync(resolve('dist', 'client-canary.min.js'));
const VALIDATOR = () => readFileSync(resolve('dist', 'client-canary.validate.js'));
const stableUrls = () => [bucket().url(`/app/${STABLE}/app.js`), bucket().url(`/app/${STABLE}/app.css`)].join(',');
const messages = (errors: Error[]) => errors.map((e) => e.message);
const settle = (page: Page, ms = 300) => page.evaluate((t) => new Promise((r) => setTimeout(r, t)), ms);
const runs = (page: Page) => page.evaluate(() => window.appRuns ?? []);
const colorOfApp = (page: Page) => page.evaluate(() => getComputedStyle(document.getElementById('app')!).color);
const BLUE = 'rgb(0, 0, 255)';

/** A raw HTML page on the site. */
let pages = 0;
const rawPage = (html: string, headers?: Record<string, string>) => {
  const path = `/attack-${++pages}.html`;
  site().put(path, `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">${html}`, { type: 'text/html; charset=utf-8' });
  if (headers) site().fault(path, { headers });
  return site().url(path);
};
const attrs = (a: Record<string, string>) => Object.entries(a).map(([k, v]) => ` data-${k}="${v}"`).join('');

/** Init script: a stamped cache entry for `configUrl`, as writeCache writes it, `ageMs` old. */
const seedCache = (page: Page, configUrl: string, config: unknown, ageMs: number) =>
  page.addInitScript(
    ([key, value, age]) => {
      const entry = JSON.parse(value as string);
      entry.fetchedAt = Date.now() - (age as number);
      localStorage.setItem(key as string, JSON.stringify(entry));
    },
    [`client-canary:config:${configUrl}`, JSON.stringify({ config, serverDate: undefined, stamp: 'client-canary/1' }), ageMs] as const,
  );

describe('the loader as pages really include it', () => {
  it('reads its own tag when loaded with async', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/atk/async/canary-config.json');
    const url = rawPage(`<script async src="/client-canary.min.js"${attrs({ config, load: 'app' })}></script></head><body><div id="app"></div></body></html>`);
    const { page, errors } = await chromium.open(url);
    await page.waitForFunction(() => window.appVersion);
    await settle(page);
    expect(await runs(page)).toEqual([CANARY]);
    expect(messages(errors)).toEqual([]);
  });

  it('reads its own tag when injected by another script', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/atk/injected/canary-config.json');
    const url = rawPage(
      `<script>var s=document.createElement('script');s.src='/client-canary.min.js';s.dataset.config=${JSON.stringify(config)};s.dataset.load='app';document.head.appendChild(s);</script></head><body><div id="app"></div></body></html>`,
    );
    const { page, errors } = await chromium.open(url);
    await page.waitForFunction(() => window.appVersion);
    await settle(page);
    expect(await runs(page)).toEqual([CANARY]);
    expect(messages(errors)).toEqual([]);
  });

  it('resolves a relative data-config against the page, and relative assets against the config', async () => {
    site().put('/atk/rel/canary-config.json', JSON.stringify(appConfig({ percentage: 100, canary: { assets: [bucket().url(`/app/${CANARY}/app.js`)] } })), { type: 'application/json' });
    const url = rawPage(`<script src="/client-canary.min.js"${attrs({ config: 'atk/rel/canary-config.json', load: 'app' })}></script></head><body><div id="app"></div></body></html>`);
    const { page, errors } = await chromium.open(url);
    await page.waitForFunction(() => window.appVersion);
    expect(await runs(page)).toEqual([CANARY]);
    expect(messages(errors)).toEqual([]);
  });

  it('refuses hostile data-fallback URLs (javascript:, data:) and ends without an uncaught error', async () => {
    const config = bucket().url('/atk/hostile-fb/missing.json');
    const url = sitePage({ config, load: 'app', fallback: "javascript:window.pwned=1,data:text/javascript,window.pwned=2" });
    const { page, errors } = await chromium.open(url);
    await page.evaluate(() => window.clientCanary!.ready());
    await settle(page);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(messages(errors)).toEqual([]);
  });
});

describe('the validator chunk', () => {
  it('on a cold start with the validator missing (404/403 beside the loader), ends on data-fallback without an uncaught error', async () => {
    site().put('/atk/noval/client-canary.min.js', LOADER());
    const config = publish(appConfig({ percentage: 100 }), '/atk/noval/canary-config.json');
    const url = rawPage(`<script src="/atk/noval/client-canary.min.js"${attrs({ config, load: 'app', fallback: stableUrls() })}></script></head><body><div id="app"></div></body></html>`);
    const { page, errors } = await chromium.open(url);
    await page.waitForFunction(() => window.appVersion);
    await settle(page);
    expect(await runs(page)).toEqual([STABLE]);
    expect(messages(errors)).toEqual([]);
  });

  it('on a cold start with a validator whose bytes a CDN rewrote (integrity mismatch), ends on data-fallback', async () => {
    site().put('/atk/badval/client-canary.min.js', LOADER());
    site().put('/atk/badval/client-canary.validate.js', Buffer.concat([VALIDATOR(), Buffer.from('\n/* cdn */\n')]));
    const config = publish(appConfig({ percentage: 100 }), '/atk/badval/canary-config.json');
    const url = rawPage(`<script src="/atk/badval/client-canary.min.js"${attrs({ config, load: 'app', fallback: stableUrls() })}></script></head><body><div id="app"></div></body></html>`);
    const { page, errors } = await chromium.open(url);
    await page.waitForFunction(() => window.appVersion);
    await settle(page);
    expect(await runs(page)).toEqual([STABLE]);
    expect(messages(errors)).toEqual([]);
  });

  it('on a warm start with the validator missing, still runs the cached variant without an uncaught error', async () => {
    site().put('/atk/warmnoval/client-canary.min.js', LOADER());
    const config = publish(appConfig({ percentage: 100 }), '/atk/warmnoval/canary-config.json');
    const url = rawPage(`<script src="/atk/warmnoval/client-canary.min.js"${attrs({ config, load: 'app', fallback: stableUrls() })}></script></head><body><div id="app"></div></body></html>`);
    const run = await chromium.open();
    await seedCache(run.page, config, appConfig({ percentage: 100 }), 1000);
    await run.page.goto(url);
    await run.page.waitForFunction(() => window.appVersion);
    await settle(run.page);
    expect(await runs(run.page)).toEqual([CANARY]);
    expect(messages(run.errors)).toEqual([]);
  });
});

describe('cache entries', () => {
  it('does not use a cache entry written for another configUrl', async () => {
    const config = publish(appConfig({ percentage: 0 }), '/atk/other-url/canary-config.json');
    const run = await chromium.open();
    await seedCache(run.page, bucket().url('/atk/other-url/elsewhere.json'), appConfig({ percentage: 100 }), 1000);
    await run.page.goto(sitePage({ config, load: 'app' }));
    await run.page.waitForFunction(() => window.appVersion);
    await settle(run.page);
    expect(await runs(run.page)).toEqual([STABLE]);
    expect(messages(run.errors)).toEqual([]);
  });

  it('does not trust an unstamped entry (an older SDK or a hand-written one): the cold path decides', async () => {
    const config = publish(appConfig({ percentage: 0 }), '/atk/unstamped/canary-config.json');
    const run = await chromium.open();
    await run.page.addInitScript(
      ([key, value]) => localStorage.setItem(key, value.replace('NOW', String(Date.now() - 1000))),
      [`client-canary:config:${config}`, `{"config":${JSON.stringify(appConfig({ percentage: 100 }))},"fetchedAt":NOW}`] as const,
    );
    await run.page.goto(sitePage({ config, load: 'app' }));
    await run.page.waitForFunction(() => window.appVersion);
    await settle(run.page);
    expect(await runs(run.page)).toEqual([STABLE]);
    expect(messages(run.errors)).toEqual([]);
  });

  it('a warm start whose cached config has a feature the fresh config dropped runs the cached assets once, no error', async () => {
    const config = publish({ version: 1, revision: 'r2', features: {} }, '/atk/dropped/canary-config.json');
    const run = await chromium.open();
    await seedCache(run.page, config, appConfig({ percentage: 100 }), 1000);
    await run.page.goto(sitePage({ config, load: 'app', fallback: stableUrls() }));
    await run.page.waitForFunction(() => window.appVersion);
    await settle(run.page);
    expect(await runs(run.page)).toEqual([CANARY]);
    expect(messages(run.errors)).toEqual([]);
  });
});

describe('assets shared between variants', () => {
  it('a canary that lists the same script URL as stable, and fails, runs that shared script once and then stable', async () => {
    bucket().put('/atk/shared/shared.js', '(window.sharedRuns = window.sharedRuns || 0), window.sharedRuns++;');
    bucket().fault('/atk/shared/missing.js', { status: 404 });
    const config = publish(
      appConfig({ percentage: 100, canary: { assets: ['shared.js', 'missing.js'] }, stable: { assets: ['shared.js', `/app/${STABLE}/app.js`, `/app/${STABLE}/app.css`] } }),
      '/atk/shared/canary-config.json',
    );
    const { page, errors } = await chromium.open(sitePage({ config, load: 'app' }));
    await page.waitForFunction(() => window.appVersion);
    await settle(page);
    expect(await runs(page)).toEqual([STABLE]);
    expect(await page.evaluate(() => (window as unknown as { sharedRuns: number }).sharedRuns)).toBe(1);
    await expect.poll(() => colorOfApp(page)).toBe(BLUE);
    expect(messages(errors)).toEqual([]);
  });
});

describe('the Trusted Types policy', () => {
  it('with an origin policy, refuses (and does not sign) a canary script from an origin outside it; stable runs', async () => {
    const config = publish(
      appConfig({ percentage: 100, canary: { assets: [site().url('/atk/tt/evil.js')] } }),
      '/atk/tt/canary-config.json',
    );
    site().put('/atk/tt/evil.js', 'window.pwned = true;');
    const url = sitePage(
      { config, load: 'app', 'allowed-origins': bucket().origin },
      { headers: { 'Content-Security-Policy': "require-trusted-types-for 'script'; trusted-types client-canary" } },
    );
    const { page, errors } = await chromium.open(url);
    await page.waitForFunction(() => window.appVersion);
    await settle(page);
    expect(await page.evaluate(() => (window as unknown as { pwned?: boolean }).pwned)).toBeUndefined();
    expect(await runs(page)).toEqual([STABLE]);
    expect(messages(errors)).toEqual([]);
  });
});
