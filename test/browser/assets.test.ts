// The script tag inserting assets in Chromium: order, integrity, CSP, the origin policy.
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
    const result = await page.evaluate((configUrl) => window.ClientCanary!.createCanary!({ configUrl, userId: 'early' }).loadAssets('app'), config);
    expect(result.ok).toBe(true);
    expect(result.loaded.sort()).toEqual([bucket().url(`/app/${CANARY}/app.css`), bucket().url(`/app/${CANARY}/app.js`)]);
    expect(await loadedVersion(page)).toBe(CANARY);
    expect(errors).toEqual([]);
  });
});
