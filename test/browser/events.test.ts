// Exposure and error beacons, and context(), in Chromium.
import { describe, expect, it } from 'vitest';
import { loadedVersion } from '../helpers/app-probes';
import { useChromium } from '../helpers/chromium';
import { appConfig, STABLE, useSites } from '../helpers/sites';

const chromium = useChromium();
const { bucket, publish, page: sitePage } = useSites();

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
