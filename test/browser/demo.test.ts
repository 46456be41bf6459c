import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo } from '../../demo/serve.mjs';
import { bucketOf } from '../../src/decide/bucket';
import { useChromium } from '../helpers/chromium';

const chromium = useChromium();
let demo: Awaited<ReturnType<typeof startDemo>>;
const MAX_AGE_MS = 10_000; // data-max-age of the demo page

beforeAll(async () => {
  demo = await startDemo({ port: 0 });
});
afterAll(() => demo?.close());

/** A user id whose bucket for "app" is below 30 %, the demo's starting percentage. */
const canaryUser = Array.from({ length: 200 }, (_, i) => `demo-user-${i}`).find((id) => bucketOf('app', id) < 3000)!;

const openAs = async (userId: string) => {
  const run = await chromium.open();
  await run.page.setViewportSize({ width: 1280, height: 960 });
  await run.page.addInitScript((id) => {
    if (!localStorage.getItem('client-canary:uid')) localStorage.setItem('client-canary:uid', id);
  }, userId);
  await run.page.goto(`${demo.origin}/`);
  return run;
};
const shown = async (page: Page) => {
  await page.waitForFunction(() => /^version /.test(document.getElementById('loaded')?.textContent ?? ''));
  return {
    version: await page.getAttribute('#app', 'data-version'),
    variant: await page.getAttribute('#feature-app', 'data-variant'),
    bucket: Number(await page.getAttribute('body', 'data-bucket')),
    userId: (await page.textContent('#user-id'))!.split(' ')[0],
  };
};
const reloadAfterMaxAge = async (page: Page) => {
  await page.waitForTimeout(MAX_AGE_MS + 300);
  await page.click('#reload');
  await page.waitForLoadState('load');
};

describe('the demo, as a new user sees it', { timeout: 60_000 }, () => {
  it('shows the decision, the app version, the bucket; rolls back from the console on the next load after maxAgeMs', async () => {
    const { page, errors } = await openAs(canaryUser);
    const first = await shown(page);
    expect(first).toEqual({ version: '1.1.0', variant: 'canary', bucket: bucketOf('app', canaryUser), userId: canaryUser });
    expect(await page.textContent('#bucket')).toContain(`${bucketOf('app', canaryUser)} of 0–9999; canary below 3000 (30 %) → in`);
    await page.waitForFunction(() => document.querySelectorAll('#events li.exposure').length === 2);
    await page.waitForFunction(() => Number(document.getElementById('cohort-count')?.dataset.canary) > 2500);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/demo.png' });

    await page.click('#rollback');
    await page.waitForFunction(() => document.getElementById('cli-output')?.dataset.code === '0');
    expect(await page.textContent('#cli-output')).toContain('app.percentage: 30 → 0');
    expect(await page.getAttribute('#cohort-count', 'data-canary')).toBe('0');

    await page.click('#reload'); // within maxAgeMs: still the cached decision, no network first
    expect((await shown(page)).version).toBe('1.1.0');
    await reloadAfterMaxAge(page);
    expect(await shown(page)).toMatchObject({ version: '1.0.0', variant: 'stable' });
    await page.screenshot({ path: 'test-results/demo-after-rollback.png' });
    expect(errors).toEqual([]);
    await page.click('#reset-demo');
    await page.waitForFunction(() => document.getElementById('cli-output')?.textContent === 'demo config restored');
  });

  it('lets a broken canary be watched: it throws once, then the guard keeps this device on stable', async () => {
    const { page, errors } = await openAs(canaryUser);
    await shown(page);
    await page.click('#broken');
    await page.waitForFunction(() => document.getElementById('cli-output')?.dataset.code === '0');
    await reloadAfterMaxAge(page);
    expect((await shown(page)).version).toBe('9.9.9-broken');
    await page.waitForFunction(() => document.querySelector('#events li.error')?.textContent?.includes('canary-error'));
    expect(errors.map((e) => e.message)).toEqual(['the broken canary 9.9.9 crashed']);
    await page.click('#reload');
    const guarded = await shown(page);
    expect(guarded).toMatchObject({ version: '1.0.0', variant: 'stable' });
    expect(await page.textContent('#feature-app')).toBe('stable (guarded)');
    expect(await page.textContent('#bucket')).toContain('not by bucket: guarded');
    // The crashed page's health record reached the demo's collector: the console shows it in the
    // canary arm of the broken release, as a session with errors.
    await page.waitForFunction(() => Number(document.getElementById('health-canary')?.dataset.errorSessions) >= 1, undefined, { timeout: 10_000 });
    expect(await page.textContent('#health-revision')).toContain((await page.textContent('#config-line'))!.split(' ')[1]!);
    expect(Number(await page.getAttribute('#health-stable', 'data-error-sessions'))).toBe(0);
    await page.screenshot({ path: 'test-results/demo-health.png' });
    // Reset is a new release (a new revision): the pin is released and the good canary returns.
    await page.click('#reset-demo');
    await page.waitForFunction(() => document.getElementById('cli-output')?.textContent === 'demo config restored');
    await reloadAfterMaxAge(page);
    expect(await shown(page)).toMatchObject({ version: '1.1.0', variant: 'canary' });
    expect(await page.textContent('#feature-app')).toBe('canary (rollout)');
  });

  it('watches by itself: with simulated traffic, a broken canary is rolled back automatically, and the page follows', async () => {
    const { page, errors } = await openAs(canaryUser);
    await shown(page);
    await page.check('#watch');
    await page.click('#broken');
    await page.waitForFunction(() => document.getElementById('cli-output')?.textContent?.includes('fail → rollback'), undefined, { timeout: 30_000 });
    await page.waitForFunction(() => / app 0 % /.test(document.getElementById('config-line')?.textContent ?? ''), undefined, { timeout: 10_000 });
    expect(await page.getAttribute('#cohort-count', 'data-canary')).toBe('0');
    expect(await page.textContent('#cli-output')).toMatch(/at 50 %: canary \d+ sessions, \d+ with errors \(\d+\.\d\d %\); stable \d+, \d+ \(\d+\.\d\d %\): fail → rollback/);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/demo-watch.png' });
    await page.uncheck('#watch');
    await page.waitForFunction(() => document.getElementById('cli-output')?.textContent?.includes('watch off'));
    await reloadAfterMaxAge(page);
    expect(await shown(page)).toMatchObject({ version: '1.0.0', variant: 'stable' });
    expect(errors.map((e) => e.message).filter((m) => m !== 'the broken canary 9.9.9 crashed')).toEqual([]);
    await page.click('#reset-demo');
    await page.waitForFunction(() => document.getElementById('cli-output')?.textContent === 'demo config restored');
  });

  it('takes console commands from the page only: JSON bodies, and says what is wrong otherwise', async () => {
    const post = (body: string, type?: string) => fetch(`${demo.origin}/api/console`, { method: 'POST', body, headers: type ? { 'Content-Type': type } : {} });
    expect((await post('{"command":"rollback"}', 'text/plain')).status).toBe(415);
    expect((await post('not json', 'application/json')).status).toBe(400);
    expect((await post('{"command":"rm -rf"}', 'application/json')).status).toBe(400);
    expect((await fetch(`${demo.origin}/%E0%A4%A`)).status).toBe(400);
    expect((await fetch(`${demo.origin}/`)).status).toBe(200); // still up
  });
});
