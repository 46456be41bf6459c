// The health record beacon (SPEC 8) and context(), in Chromium.
import { describe, expect, it } from 'vitest';
import type { HealthRecord } from '../../src/health/record';
import { healthRecordSchema } from '../../src/health/record-schema';
import { loadedVersion } from '../helpers/app-probes';
import { useChromium } from '../helpers/chromium';
import { appConfig, STABLE, useSites } from '../helpers/sites';

const chromium = useChromium();
const { bucket, publish, page: sitePage } = useSites();

describe('events', () => {
  it('sends the health record when the page is left: the exposure with its arm and what ran, the failed asset', async () => {
    const config = publish(appConfig({ percentage: 100, canary: { assets: ['missing/app.js'] } }, 'b1'), '/beacon/canary-config.json');
    const beacon = bucket().url('/beacon');
    const { page, errors } = await chromium.open(sitePage({ config, beacon, 'user-id': 'beacon-user' }));
    expect(await loadedVersion(page)).toBe(STABLE);
    const posted = bucket().posts.length;
    await page.goto('about:blank');
    await expect.poll(() => bucket().posts.length, { timeout: 5000 }).toBeGreaterThan(posted);
    const records = bucket().posts.slice(posted).map((p) => JSON.parse(p.body) as HealthRecord);
    expect(bucket().posts[posted]!.type).toMatch(/^text\/plain/);
    expect(records).toHaveLength(1);
    expect(healthRecordSchema.safeParse(records[0]).success).toBe(true);
    // The canary's script is missing: the user is in the canary arm, and stable ran.
    expect(records[0]!.exposures).toEqual([expect.objectContaining({ feature: 'app', assigned: 'canary', served: 'stable', reason: 'guarded', revision: 'b1', first: true, errorSession: true })]);
    expect(records[0]!.errors).toContainEqual(expect.objectContaining({ kind: 'asset', feature: 'app' }));
    // Never the user id.
    expect(JSON.stringify(records)).not.toContain('beacon-user');
    expect(errors).toEqual([]);
  });

  it('sends the record when the page is hidden (a tab switch), not only when it is left', async () => {
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
    const record = JSON.parse(bucket().posts.filter((p) => p.path === '/beacon-hidden').at(-1)!.body) as HealthRecord;
    expect(record).toMatchObject({ v: 1, seq: 0, errors: [], exposures: [expect.objectContaining({ feature: 'app', assigned: 'stable', served: 'stable', revision: 'h1', first: true })] });
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
