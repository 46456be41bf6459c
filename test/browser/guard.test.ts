// The guard in Chromium: a throwing canary pins the device to stable, and says so once.
import { describe, expect, it } from 'vitest';
import { decision, loadedVersion, recordEvents, recorded } from '../helpers/app-probes';
import { useChromium } from '../helpers/chromium';
import { appConfig, STABLE, useSites } from '../helpers/sites';

const chromium = useChromium();
const { bucket, publish, page: sitePage } = useSites();

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
