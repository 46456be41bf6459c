// The cached config in Chromium: the warm start, the rollback bound, polling.
import { describe, expect, it } from 'vitest';
import { decision, loadedVersion } from '../helpers/app-probes';
import { useChromium } from '../helpers/chromium';
import { appConfig, CANARY, STABLE, useSites } from '../helpers/sites';

const chromium = useChromium();
const { bucket, publish, page: sitePage } = useSites();

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
          const client = window.ClientCanary!.createCanary!({ configUrl, refreshIntervalMs: 200, userId: 'u' });
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
