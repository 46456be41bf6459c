// The whole loop in Chromium (SPEC 10): pages send their health records to a collector, and
// `client-canary watch` (run with --once, as a CI schedule would, between bursts of traffic)
// widens a healthy canary, rolls a broken one back, and holds when the canary's arm is missing.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../src/collector/server';
import { bucketOf } from '../../src/decide/bucket';
import { cli } from '../helpers/cli';
import { useChromium } from '../helpers/chromium';
import { STABLE, useSites } from '../helpers/sites';

const chromium = useChromium();
const { bucket, publish, page: sitePage } = useSites();
let collector: Collector;
beforeAll(async () => {
  collector = await startCollector({ port: 0 });
  bucket().put(`/app/${BROKEN}/app.js`, `window.appVersion = '${BROKEN}'; if (location.hash === '#throw') throw new Error('canary broke');\n`);
  bucket().put(`/app/${GOOD}/app.js`, `window.appVersion = '${GOOD}';\n`);
});
afterAll(() => collector.close());

const GOOD = '2.1.0';
const BROKEN = '3.0.0';

/** A config file the CLI edits, served by the bucket after each edit. */
function rollout(name: string, canaryVersion: string, percentage: number) {
  const file = join(mkdtempSync(join(tmpdir(), 'rollout-')), 'canary-config.json');
  const path = `/${name}/canary-config.json`;
  writeFileSync(file, `${JSON.stringify({ version: 1, revision: `${name}-1`, features: { app: { percentage, stable: { assets: [`/app/${STABLE}/app.js`] }, canary: { assets: [`/app/${canaryVersion}/app.js`] } } } }, null, 2)}\n`);
  const url = publish(JSON.parse(readFileSync(file, 'utf8')), path);
  const sync = () => publish(JSON.parse(readFileSync(file, 'utf8')), path);
  const read = () => JSON.parse(readFileSync(file, 'utf8')) as { revision: string; features: { app: { percentage: number } } };
  return { file, url, sync, read };
}

let nextUser = 0;
/** `n` new user ids whose bucket puts them in `arm` at `percentage`. */
const usersOf = (arm: 'stable' | 'canary', n: number, percentage: number) => {
  const ids: string[] = [];
  while (ids.length < n) {
    const id = `rollout-${nextUser++}`;
    if ((bucketOf('app', id) < percentage * 100) === (arm === 'canary')) ids.push(id);
  }
  return ids;
};

/** One page load of a user (its own device unless given one); the record leaves at pagehide. */
async function visit(config: string, userId: string, options: { hash?: string; context?: BrowserContext; block?: boolean } = {}) {
  const run = await chromium.open(undefined, options.context ? { context: options.context } : {});
  // A blocked page's record goes nowhere (a port nobody listens on): Chromium does not let a
  // test intercept beacons.
  const beacon = options.block ? 'http://127.0.0.1:9/r' : `${collector.url}/r`;
  await run.page.goto(sitePage({ config, load: 'app', beacon, 'user-id': userId, 'max-age': '1000' }) + (options.hash ?? ''));
  await run.page.waitForFunction(() => window.appVersion && window.clientCanary);
  const version = await run.page.evaluate(() => window.appVersion);
  await run.page.goto('about:blank');
  return { version, context: run.page.context() };
}

const recordsCounted = async () => Number((await (await fetch(`${collector.url}/metrics`)).text()).match(/^client_canary_records_total (\d+)/m)?.[1] ?? 0);

/** Traffic at the config's current percentage: `n` page loads, split between the arms as configured. */
async function traffic(config: string, percentage: number, n: number, options: { throwShare?: number; blockCanary?: boolean } = {}) {
  const canary = Math.round((n * percentage) / 100);
  const before = await recordsCounted();
  const loads = [...usersOf('canary', canary, percentage).map((id, i) => ({ id, arm: 'canary', hash: i < canary * (options.throwShare ?? 0) ? '#throw' : '' })), ...usersOf('stable', n - canary, percentage).map((id) => ({ id, arm: 'stable', hash: '' }))];
  for (const load of loads) await visit(config, load.id, { hash: load.hash, block: options.blockCanary && load.arm === 'canary' });
  const sent = options.blockCanary ? n - canary : n;
  await expect.poll(recordsCounted, { timeout: 10_000 }).toBe(before + sent);
}

const timeline: string[] = [];
const watchOnce = async (r: ReturnType<typeof rollout>, ...argv: string[]) => {
  const run = await cli('watch', r.file, 'app', '--metrics', collector.url, '--steps', '25,50,100', '--min-sessions', '5', '--once', ...argv);
  r.sync();
  timeline.push(...run.stdout.split('\n').filter((l) => / at \d+ %/.test(l)).map((l) => l.replace(/^\S+ /, '')));
  return run;
};
afterAll(() => console.log(`rollout timelines:\n${timeline.join('\n')}`));

describe('the whole loop in Chromium', { timeout: 180_000 }, () => {
  it('widens a healthy canary step by step to 100 %', async () => {
    const r = rollout('healthy', GOOD, 25);
    const started = Date.now();
    // A wide tolerance: with 20 pages a step, only a gross difference could be told from chance.
    for (const percentage of [25, 50]) {
      await traffic(r.url, percentage, 20);
      const run = await watchOnce(r, '--tolerance', '60');
      expect(run.code, run.stdout + run.stderr).toBe(0);
    }
    expect(r.read().features.app.percentage).toBe(100);
    expect((await watchOnce(r)).stdout).toMatch(/at 100 %: done/);
    timeline.push(`(healthy: 40 page loads and 3 runs of watch in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    expect((await visit(r.url, usersOf('stable', 1, 0)[0]!)).version).toBe(GOOD);
  });

  it('rolls back a canary that throws on a share of its loads; returning pages run stable after maxAgeMs', async () => {
    const r = rollout('broken', BROKEN, 50);
    const started = Date.now();
    const [returning] = usersOf('canary', 1, 50);
    const device = await visit(r.url, returning!);
    expect(device.version).toBe(BROKEN);
    await traffic(r.url, 50, 40, { throwShare: 0.5 });
    const run = await watchOnce(r);
    expect(run.code, run.stdout + run.stderr).toBe(4);
    expect(r.read().features.app.percentage).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // past data-max-age
    expect((await visit(r.url, returning!, { context: device.context })).version).toBe(STABLE);
    timeline.push(`(broken: 41 page loads, rolled back and a returning page on stable in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  });

  it('holds on srm when the canary\'s pages send nothing, instead of passing', async () => {
    const r = rollout('blocked', GOOD, 50);
    await traffic(r.url, 50, 30, { blockCanary: true });
    const run = await watchOnce(r, '--tolerance', '60', '--min-sessions', '1');
    expect(run.code, run.stdout + run.stderr).toBe(5);
    expect(run.stdout).toMatch(/at 50 %: canary 0 sessions, 0 with errors \(–\); stable 15, 0 \(0\.00 %\): srm, hold 1/);
    expect(r.read().features.app.percentage).toBe(50);
  });
});
