import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bucketOf } from '../../src/decide/bucket';
import { decision, loadedVersion, recordEvents, recorded } from '../helpers/app-probes';
import { useChromium } from '../helpers/chromium';
import { appConfig, CANARY, STABLE, useSites } from '../helpers/sites';

const chromium = useChromium();
const { bucket, site, publish, page: sitePage } = useSites();

declare global {
  interface Window {
    order?: string[];
  }
}

describe('the script tag in Chromium', () => {
  it('loads the stable or canary app as bucketOf says, for many user ids', async () => {
    const config = publish(appConfig({ percentage: 30 }), '/many/canary-config.json');
    const ids = Array.from({ length: 16 }, (_, i) => `visitor-${i}`);
    for (const userId of ids) {
      const { page, errors } = await chromium.open(sitePage({ config, 'user-id': userId }));
      const expected = bucketOf('app', userId) < 3000 ? CANARY : STABLE;
      expect(await loadedVersion(page)).toBe(expected);
      expect(await decision(page)).toMatchObject({ reason: 'rollout', bucket: bucketOf('app', userId) });
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('runs three scripts in order, applies a style sheet and a module, and inserts each asset once', async () => {
    const b = bucket();
    b.put('/order/s1.js', "(window.order = window.order || []).push('s1');");
    b.put('/order/s2.js', "(window.order = window.order || []).push('s2');");
    b.put('/order/s3.js', "(window.order = window.order || []).push('s3');");
    b.put('/order/m.mjs', "(window.order = window.order || []).push('module'); export {};");
    b.put('/order/style.css', 'body { background-color: rgb(1, 2, 3); }');
    // The first script is the slowest: only async = false keeps the order.
    b.fault('/order/s1.js', { delayMs: 300 });
    const config = publish(
      { version: 1, features: { bundle: { percentage: 100, canary: { assets: ['s1.js', 's2.js', 's3.js', 'style.css', 'm.mjs'] } } } },
      '/order/canary-config.json',
    );
    const { page, errors } = await chromium.open(sitePage({ config, load: 'bundle' }));
    await page.waitForFunction(() => (window.order?.length ?? 0) >= 4);
    const order = await page.evaluate(() => window.order!);
    expect(order.filter((x) => x !== 'module')).toEqual(['s1', 's2', 's3']);
    expect(order).toContain('module');
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(1, 2, 3)');
    const tags = () => page.evaluate(() => document.querySelectorAll('[data-client-canary]').length);
    expect(await tags()).toBe(5);
    const requests = b.count('/order/s1.js');
    const again = await page.evaluate(() => window.clientCanary!.loadAssets());
    expect(again.ok).toBe(true);
    expect(again.loaded).toHaveLength(5);
    expect(await tags()).toBe(5);
    expect(b.count('/order/s1.js')).toBe(requests);
    expect(await page.evaluate(() => document.querySelector('script[data-client-canary]')!.getAttribute('type'))).toBeNull();
    expect(await page.evaluate(() => (document.querySelector('script[src$="m.mjs"]') as HTMLScriptElement).type)).toBe('module');
    expect(errors).toEqual([]);
  });

  it('loads stable instead of a canary script with the wrong integrity, reports it, and is guarded on the next load', async () => {
    const config = publish(
      appConfig({ percentage: 100, canary: { assets: [{ url: `/app/${CANARY}/app.js`, integrity: 'sha384-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }] } }),
      '/integrity/canary-config.json',
    );
    const context = await chromium.newContext();
    const url = sitePage({ config });
    const first = await chromium.open(undefined, { context });
    await recordEvents(first.page);
    await first.page.goto(url);
    expect(await loadedVersion(first.page)).toBe(STABLE);
    expect((await recorded(first.page)).errors).toContain('asset-load');
    expect(await first.page.evaluate(() => window.appRuns)).toEqual([STABLE]);
    // This page runs stable now, and says so.
    expect(await decision(first.page)).toMatchObject({ variant: 'stable', reason: 'guarded' });
    expect(first.errors).toEqual([]);
    const second = await chromium.open(url, { context });
    expect(await loadedVersion(second.page)).toBe(STABLE);
    expect(await decision(second.page)).toMatchObject({ variant: 'stable', reason: 'guarded' });
  });

  it('loads a cross-origin script whose integrity is right, in CORS mode without being told', async () => {
    const body = `(function(){ window.appVersion = 'sri'; })();`;
    bucket().put('/sri/app.js', body);
    const integrity = `sha384-${createHash('sha384').update(body).digest('base64')}`;
    // No crossorigin in the config: integrity needs CORS mode, which the SDK then asks for.
    const config = publish({ version: 1, features: { app: { percentage: 100, canary: { assets: [{ url: 'app.js', integrity }] } } } }, '/sri/canary-config.json');
    const { page, errors } = await chromium.open(sitePage({ config }));
    expect(await loadedVersion(page)).toBe('sri');
    expect(errors).toEqual([]);
  });

  it('works on a page with a strict CSP (nonce, no unsafe-eval) without a single violation', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/csp/canary-config.json');
    const csp = `default-src 'none'; script-src 'nonce-r4nd0m'; style-src 'nonce-r4nd0m'; connect-src ${bucket().origin}; img-src data:`;
    const { page, errors } = await chromium.open();
    await page.addInitScript(() => {
      (window as unknown as { violations: string[] }).violations = [];
      document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { violations: string[] }).violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(sitePage({ config }, { nonce: 'r4nd0m', headers: { 'Content-Security-Policy': csp } }));
    expect(await loadedVersion(page)).toBe(CANARY);
    expect(await page.evaluate(() => getComputedStyle(document.getElementById('app')!).color)).toBe('rgb(255, 0, 0)');
    expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('refuses an asset from an origin outside data-allowed-origins and loads stable', async () => {
    site().put('/elsewhere/app.js', "window.appVersion = 'elsewhere';");
    const config = publish(appConfig({ percentage: 100, canary: { assets: [site().url('/elsewhere/app.js')] } }), '/origins/canary-config.json');
    const { page, errors } = await chromium.open();
    await recordEvents(page);
    await page.goto(sitePage({ config, 'allowed-origins': bucket().origin }));
    expect(await loadedVersion(page)).toBe(STABLE);
    expect(site().count('/elsewhere/app.js')).toBe(0);
    expect((await recorded(page)).errors).toContain('asset-refused');
    expect(errors).toEqual([]);
  });
});

describe('asset policy', () => {
  it('reads data-allowed-origins as origins, so a trailing slash still allows the bucket', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/slash/canary-config.json');
    const { page, errors } = await chromium.open(sitePage({ config, 'allowed-origins': `${bucket().origin}/` }));
    expect(await loadedVersion(page)).toBe(CANARY);
    expect(errors).toEqual([]);
  });

  it('runs none of the canary assets when one of them is refused, and stable instead', async () => {
    site().put('/elsewhere/extra.js', "window.extraRan = true;");
    const canary = { assets: [site().url('/elsewhere/extra.js'), `/app/${CANARY}/app.js`] };
    const config = publish(appConfig({ percentage: 100, canary }), '/all-or-nothing/canary-config.json');
    const canaryRequests = bucket().count(`/app/${CANARY}/app.js`);
    const { page, errors } = await chromium.open(sitePage({ config, 'allowed-origins': bucket().origin }));
    expect(await loadedVersion(page)).toBe(STABLE);
    expect(await page.evaluate(() => window.appRuns)).toEqual([STABLE]);
    expect(bucket().count(`/app/${CANARY}/app.js`)).toBe(canaryRequests);
    expect(errors).toEqual([]);
  });

  it('loads by default only features that have assets, so a flag-only feature is not exposed', async () => {
    const config = publish(
      { version: 1, features: { ...appConfig({ percentage: 100 }).features, flagsOnly: { percentage: 100, canary: { flags: { x: true } } } } },
      '/default-load/canary-config.json',
    );
    const { page, errors } = await chromium.open();
    await recordEvents(page);
    await page.goto(sitePage({ config }));
    expect(await loadedVersion(page)).toBe(CANARY);
    expect((await recorded(page)).exposed).toEqual(['app']);
    expect(errors).toEqual([]);
  });

  it('waits for the config when loadAssets() is called before ready()', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/early/canary-config.json');
    bucket().fault('/early/canary-config.json', { delayMs: 300 });
    const { page, errors } = await chromium.open(sitePage({}, { body: '' }));
    const result = await page.evaluate((configUrl) => window.ClientCanary!.createCanary({ configUrl, userId: 'early' }).loadAssets('app'), config);
    expect(result.ok).toBe(true);
    expect(result.loaded.sort()).toEqual([bucket().url(`/app/${CANARY}/app.css`), bucket().url(`/app/${CANARY}/app.js`)]);
    expect(await loadedVersion(page)).toBe(CANARY);
    expect(errors).toEqual([]);
  });
});

describe('a config that cannot be used', () => {
  const broken: [string, (path: string) => void][] = [
    ['HTTP 500', (p) => bucket().fault(p, { status: 500 })],
    ['HTTP 403', (p) => bucket().delete(p)],
    ['a timeout', (p) => bucket().fault(p, { delayMs: 3000 })],
    ['invalid JSON', (p) => bucket().fault(p, { invalidJson: true })],
    ['a schema error', (p) => bucket().put(p, JSON.stringify({ version: 1, features: { app: { percentage: 'fifty' } } }))],
    ['a truncated body', (p) => bucket().fault(p, { truncate: true })],
    ['an oversized body', (p) => bucket().fault(p, { oversize: 300 * 1024 })],
  ];

  it.each(broken)('on %s still gives a working page: the fallback assets, stable, no uncaught error', async (name, breakIt) => {
    const path = `/broken-${name.replace(/\W+/g, '-')}/canary-config.json`;
    const config = publish(appConfig({ percentage: 100 }), path);
    breakIt(path);
    const fallback = [bucket().url(`/app/${STABLE}/app.js`), bucket().url(`/app/${STABLE}/app.css`)].join(',');
    const { page, errors } = await chromium.open(sitePage({ config, load: 'app', fallback, timeout: '500' }));
    expect(await loadedVersion(page)).toBe(STABLE);
    expect(await decision(page)).toMatchObject({ variant: 'stable', reason: 'fallback' });
    expect(await page.evaluate(() => getComputedStyle(document.getElementById('app')!).color)).toBe('rgb(0, 0, 255)');
    expect(errors).toEqual([]);
  });

  it('reports a missing data-config on the console with what to write, and still loads the fallback', async () => {
    const fallback = bucket().url(`/app/${STABLE}/app.js`);
    const { page, errors, console } = await chromium.open(sitePage({ load: 'app', fallback }));
    expect(await loadedVersion(page)).toBe(STABLE);
    expect(console.join('\n')).toMatch(/error: client-canary: .*data-config="https:\/\//);
    expect(errors).toEqual([]);
  });

  it('reports a bad data-timeout and uses the default', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/bad-attr/canary-config.json');
    const { page, errors, console } = await chromium.open(sitePage({ config, timeout: 'soon' }));
    expect(await loadedVersion(page)).toBe(CANARY);
    expect(console.join('\n')).toContain('data-timeout="soon" is not a number of milliseconds: write e.g. data-timeout="1500"');
    expect(errors).toEqual([]);
  });
});

describe('caching and the rollback bound', () => {
  it('makes exactly one config request on a cold start and none before the asset tags on a warm one', async () => {
    const path = '/warm/canary-config.json';
    const config = publish(appConfig({ percentage: 100 }), path);
    const url = sitePage({ config, 'max-age': '60000' });
    const context = await chromium.newContext();
    const b = bucket();
    const before = b.count(path);
    const cold = await chromium.open(url, { context });
    expect(await loadedVersion(cold.page)).toBe(CANARY);
    expect(b.count(path) - before).toBe(1);
    await cold.page.close();

    // Warm: the config now answers after 2 s; the app must not wait for it.
    b.fault(path, { delayMs: 2000 });
    const start = b.log.length;
    const warm = await chromium.open(undefined, { context });
    await warm.page.addInitScript(() => {
      // The order in which the page inserts asset tags and calls fetch, as it happens.
      const steps: string[] = ((window as unknown as { steps: string[] }).steps = []);
      const append = Node.prototype.appendChild;
      Node.prototype.appendChild = function <T extends Node>(this: Node, node: T): T {
        if (node instanceof Element && node.hasAttribute('data-client-canary')) steps.push('asset');
        return append.call(this, node) as T;
      };
      const originalFetch = window.fetch;
      window.fetch = (...args) => (steps.push('fetch'), originalFetch(...args));
    });
    await warm.page.goto(url);
    expect(await loadedVersion(warm.page)).toBe(CANARY);
    // The app ran before the (slow) config answered; the one config request came after the tags.
    const steps = await warm.page.evaluate(() => (window as unknown as { steps: string[] }).steps);
    expect(steps.slice(0, 2)).toEqual(['asset', 'asset']);
    expect(steps.filter((step) => step === 'fetch')).toHaveLength(1);
    await expect.poll(() => b.log.slice(start).filter((r) => r.path === path).length).toBe(1);
    b.fault(path, undefined);
  });

  it('rolls a returning canary user back on the first load after maxAgeMs, not before', async () => {
    const path = '/rollback/canary-config.json';
    const maxAge = 1500;
    const config = publish(appConfig({ percentage: 100 }), path);
    const url = sitePage({ config, 'max-age': String(maxAge) });
    const context = await chromium.newContext();
    const first = await chromium.open(url, { context });
    expect(await loadedVersion(first.page)).toBe(CANARY);
    const loadedAt = Date.now();
    await first.page.close();

    publish(appConfig({ percentage: 0 }), path); // the rollback: one edit of the JSON
    const early = await chromium.open(url, { context });
    expect(Date.now() - loadedAt).toBeLessThan(maxAge);
    expect(await loadedVersion(early.page)).toBe(CANARY);
    await early.page.close();

    await new Promise((resolve) => setTimeout(resolve, maxAge - (Date.now() - loadedAt) + 100));
    const late = await chromium.open(url, { context });
    expect(await loadedVersion(late.page)).toBe(STABLE);
    expect(await decision(late.page)).toMatchObject({ reason: 'rollout', percentage: 0 });
    expect(late.errors).toEqual([]);
  });

  it.each([
    ['two days ahead', 2 * 864e5],
    ['two days behind', -2 * 864e5],
  ])('runs ramps on the server clock (Date header) when the device clock is %s', async (_name, skew) => {
    const start = new Date(Date.now() - 10 * 60e3).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const ramp = { start, steps: [{ after: '0m', percentage: 10 }, { after: '1d', percentage: 100 }] };
    const config = publish(appConfig({ ramp }), `/clock${skew > 0 ? 'ahead' : 'behind'}/canary-config.json`);
    const { page, errors } = await chromium.open();
    // The device's clock: 100 % by it when ahead, 0 % (before the start) when behind.
    await page.clock.setFixedTime(Date.now() + skew);
    await page.goto(sitePage({ config, 'user-id': 'clock-user' }));
    expect(await decision(page)).toMatchObject({ reason: 'rollout', percentage: 10 });
    expect(errors).toEqual([]);
  });

  it('fires change when a polled config changes', async () => {
    const path = '/poll/canary-config.json';
    const config = publish(appConfig({ percentage: 10 }, 'p1'), path);
    const { page, errors } = await chromium.open(sitePage({}, { body: '<div id="none"></div>' }));
    const changed = page.evaluate(
      (configUrl) =>
        new Promise<unknown>((resolve) => {
          const client = window.ClientCanary!.createCanary({ configUrl, refreshIntervalMs: 200, userId: 'u' });
          client.on('change', resolve);
        }),
      config,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    publish(appConfig({ percentage: 20 }, 'p2'), path);
    expect(await changed).toEqual({ revision: 'p2', previousRevision: 'p1' });
    expect(errors).toEqual([]);
  });
});

describe('the guard', () => {
  it('pins a device to stable after its canary script throws, until the revision changes', async () => {
    const path = '/guard/canary-config.json';
    bucket().put('/guard/broken.js', "window.appVersion = 'broken'; throw new Error('canary bug');");
    const broken = (revision: string) => appConfig({ percentage: 100, canary: { assets: ['broken.js'] } }, revision);
    const config = publish(broken('g1'), path);
    const url = sitePage({ config, 'max-age': '0' });
    const context = await chromium.newContext();

    const first = await chromium.open(url, { context });
    expect(await loadedVersion(first.page)).toBe('broken');
    await first.page.waitForFunction(() => localStorage.getItem('client-canary:guard')?.includes('g1'));
    expect(first.errors.map((e) => e.message)).toEqual(['canary bug']); // the canary's own error, not the SDK's
    // The canary code already runs on this page: its decision stays; the pin is for the next load.
    expect(await decision(first.page)).toMatchObject({ variant: 'canary', reason: 'rollout' });
    await first.page.close();

    const second = await chromium.open(url, { context });
    expect(await loadedVersion(second.page)).toBe(STABLE);
    expect(await decision(second.page)).toMatchObject({ variant: 'stable', reason: 'guarded' });
    await second.page.close();

    publish(broken('g2'), path); // a new release clears the pin
    const third = await chromium.open(url, { context });
    expect(await loadedVersion(third.page)).toBe('broken');
    expect(await decision(third.page)).toMatchObject({ variant: 'canary', reason: 'rollout', revision: 'g2' });
  });
});

describe('the guard, reporting', () => {
  it('reports a canary that keeps throwing once, not once per throw', async () => {
    bucket().put('/noisy/noisy.js', "window.appVersion = 'noisy'; for (let i = 0; i < 5; i++) setTimeout(() => { throw new Error('again ' + i); }, 10 * i);");
    const config = publish(appConfig({ percentage: 100, canary: { assets: ['noisy.js'] } }), '/noisy/canary-config.json');
    const { page, errors } = await chromium.open();
    await recordEvents(page);
    await page.goto(sitePage({ config }));
    expect(await loadedVersion(page)).toBe('noisy');
    await page.waitForTimeout(200);
    expect((await recorded(page)).errors).toEqual(['canary-error']);
    expect(errors.map((e) => e.message)).toEqual(['again 0', 'again 1', 'again 2', 'again 3', 'again 4']); // the canary's own
  });
});

describe('QA overrides', () => {
  it('forces canary for this tab with ?canary=app:canary and clears it with ?canary=reset', async () => {
    const config = publish(appConfig({ percentage: 0 }), '/override/canary-config.json');
    const url = sitePage({ config });
    const { page, errors } = await chromium.open(`${url}?canary=app:canary`);
    expect(await loadedVersion(page)).toBe(CANARY);
    expect(await decision(page)).toMatchObject({ reason: 'override' });
    await page.goto(url); // same tab: kept in sessionStorage
    expect(await loadedVersion(page)).toBe(CANARY);
    await page.goto(`${url}?canary=reset`);
    expect(await loadedVersion(page)).toBe(STABLE);
    await page.goto(url);
    expect(await decision(page)).toMatchObject({ reason: 'rollout', variant: 'stable' });
    const other = await chromium.open(url); // another tab (and profile) never saw the override
    expect(await loadedVersion(other.page)).toBe(STABLE);
    expect(errors).toEqual([]);
  });
});

describe('events', () => {
  it('sends exposure and error beacons when the page is left', async () => {
    const config = publish(appConfig({ percentage: 100, canary: { assets: ['missing/app.js'] } }, 'b1'), '/beacon/canary-config.json');
    const beacon = bucket().url('/beacon');
    const { page, errors } = await chromium.open(sitePage({ config, beacon, 'user-id': 'beacon-user' }));
    expect(await loadedVersion(page)).toBe(STABLE);
    const posted = bucket().posts.length;
    await page.goto('about:blank');
    await expect.poll(() => bucket().posts.length, { timeout: 5000 }).toBeGreaterThan(posted);
    const events = bucket().posts.slice(posted).flatMap((p) => JSON.parse(p.body) as Record<string, unknown>[]);
    expect(bucket().posts[posted]!.type).toMatch(/^text\/plain/);
    expect(events).toContainEqual(expect.objectContaining({ type: 'exposure', feature: 'app', variant: 'canary', reason: 'rollout', revision: 'b1', userId: 'beacon-user' }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'error', code: 'asset-load', feature: 'app' }));
    expect(errors).toEqual([]);
  });

  it('sends the batch when the page is hidden (a tab switch), not only when it is left', async () => {
    const config = publish(appConfig({ percentage: 0 }, 'h1'), '/hidden/canary-config.json');
    const beacon = bucket().url('/beacon-hidden');
    const { page, errors } = await chromium.open(sitePage({ config, beacon, 'user-id': 'hidden-user' }));
    expect(await loadedVersion(page)).toBe(STABLE);
    const before = bucket().posts.filter((p) => p.path === '/beacon-hidden').length;
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await expect.poll(() => bucket().posts.filter((p) => p.path === '/beacon-hidden').length, { timeout: 5000 }).toBe(before + 1);
    const events = JSON.parse(bucket().posts.filter((p) => p.path === '/beacon-hidden').at(-1)!.body) as Record<string, unknown>[];
    expect(events).toEqual([expect.objectContaining({ type: 'exposure', feature: 'app', variant: 'stable', revision: 'h1', userId: 'hidden-user' })]);
    expect(errors).toEqual([]);
  });

  it('gives context() with the variants of the page for an error tracker', async () => {
    const config = publish(appConfig({ percentage: 100 }), '/context/canary-config.json');
    const { page, errors } = await chromium.open(sitePage({ config, 'user-id': 'ctx' }));
    await loadedVersion(page);
    expect(await page.evaluate(() => window.clientCanary!.context())).toEqual({ userId: 'ctx', variants: { app: 'canary' } });
    expect(await page.evaluate(() => window.clientCanary!.flag('tone', 'none'))).toBe('bold');
    expect(errors).toEqual([]);
  });
});

