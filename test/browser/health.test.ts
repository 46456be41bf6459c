// End to end: pages of both arms send their health records to a real collector, and the
// collector's counts per arm are what the pages did (SPEC 8, 9).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../src/collector/server';
import { bucketOf } from '../../src/decide/bucket';
import { useChromium } from '../helpers/chromium';
import { STABLE, useSites } from '../helpers/sites';

const chromium = useChromium();
const { bucket, publish, page: sitePage } = useSites();
let collector: Collector;
beforeAll(async () => {
  collector = await startCollector({ port: 0 });
});
afterAll(() => collector.close());

// A canary that throws on the loads whose URL ends in #throw: an uncaught error from its own file.
const BROKEN = '3.0.0';
const brokenJs = `window.appVersion = '${BROKEN}'; if (location.hash === '#throw') throw new Error('canary broke');\n`;

/** User ids of each arm at 50 %: the first `n` whose bucket puts them there. */
const usersOf = (arm: 'stable' | 'canary', n: number) => {
  const ids: string[] = [];
  for (let i = 0; ids.length < n; i++) if ((bucketOf('app', `user-${i}`) < 5_000) === (arm === 'canary')) ids.push(`user-${i}`);
  return ids;
};

const records = async () => Number((await (await fetch(`${collector.url}/metrics`)).text()).match(/^client_canary_records_total (\d+)/m)?.[1] ?? 0);

describe('health records end to end', () => {
  it('counts per arm what the pages did: sessions, error sessions, and served vs assigned for a guarded device', async () => {
    bucket().put(`/app/${BROKEN}/app.js`, brokenJs);
    const config = publish(
      { version: 1, revision: 'e2e-1', features: { app: { percentage: 50, stable: { assets: [`/app/${STABLE}/app.js`] }, canary: { assets: [`/app/${BROKEN}/app.js`] } } } },
      '/health/canary-config.json',
    );
    const beacon = `${collector.url}/r`;
    const [stableUsers, canaryUsers] = [usersOf('stable', 4), usersOf('canary', 4)];
    const before = await records();
    // One device per user; the canary's first two users' pages throw; the first of them loads again.
    const visit = async (userId: string, hash = '', context?: import('playwright-core').BrowserContext) => {
      const run = await chromium.open(undefined, context ? { context } : {});
      await run.page.goto(sitePage({ config, load: 'app', beacon, 'user-id': userId }) + hash);
      await run.page.waitForFunction(() => window.appVersion && window.clientCanary);
      const version = await run.page.evaluate(() => window.appVersion);
      await run.page.goto('about:blank'); // pagehide: the record leaves
      return { version, errors: run.errors, context: run.page.context() };
    };
    const ran: string[] = [];
    for (const id of stableUsers) ran.push((await visit(id)).version!);
    const crashed = await visit(canaryUsers[0]!, '#throw');
    ran.push(crashed.version!);
    ran.push((await visit(canaryUsers[1]!, '#throw')).version!);
    for (const id of canaryUsers.slice(2)) ran.push((await visit(id)).version!);
    // The crashed device again: the guard pinned it to stable for this revision.
    const again = await visit(canaryUsers[0]!, '', crashed.context);
    ran.push(again.version!);
    expect(ran).toEqual([STABLE, STABLE, STABLE, STABLE, BROKEN, BROKEN, BROKEN, BROKEN, STABLE]);
    expect(crashed.errors.map((e) => e.message)).toEqual(['canary broke']);

    await expect.poll(records, { timeout: 10_000 }).toBe(before + 9);
    const summary = await (await fetch(`${collector.url}/summary?feature=app&revision=e2e-1`)).json();
    expect(summary.arms).toEqual({
      stable: { sessions: 4, errorSessions: 0, served: { stable: 4, canary: 0 }, errors: {}, vitals: {} },
      // Intent to treat: the guarded device counts in the canary arm, served stable.
      canary: { sessions: 5, errorSessions: 2, served: { stable: 1, canary: 4 }, errors: { script: 2, guard: 2 }, vitals: {} },
    });
  });
});

describe('vitals, opt in', () => {
  it('loads web-vitals as its own file after the page\'s assets, and adds FCP and TTFB (at least) to the record', async () => {
    const config = publish({ version: 1, revision: 'vitals-1', features: { app: { percentage: 0, stable: { assets: [`/app/${STABLE}/app.js`] } } } }, '/vitals/canary-config.json');
    const beacon = `${collector.url}/r`;
    const run = await chromium.open(sitePage({ config, load: 'app', beacon, vitals: '' }, { body: '<p>some text for a paint</p>' }));
    await run.page.waitForFunction(() => window.appVersion && (window.ClientCanary as { webVitals?: unknown } | undefined)?.webVitals);
    const order = await run.page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name.replace(/^.*\//, '')));
    expect(order.indexOf('client-canary.vitals.js')).toBeGreaterThan(order.indexOf('app.js'));
    const before = await records();
    await run.page.waitForTimeout(300);
    await run.page.goto('about:blank');
    await expect.poll(records, { timeout: 10_000 }).toBeGreaterThan(before);
    const metrics = await (await fetch(`${collector.url}/metrics`)).text();
    for (const name of ['FCP', 'TTFB']) expect(metrics).toMatch(new RegExp(`client_canary_vital_count\\{feature="app",revision="vitals-1",arm="stable",name="${name}"\\} 1`));
    expect(run.errors).toEqual([]);
  });
});
