// @vitest-environment happy-dom
import { Window as HappyWindow } from 'happy-dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Decision } from '../../src/decide/decide';
import { CanaryError } from '../../src/errors';
import { createHealthReporter } from '../../src/health/reporter';
import type { HealthRecord } from '../../src/health/record';
import { healthRecordSchema } from '../../src/health/record-schema';
import type { Page } from '../../src/loader/page';
import type { PageErrors } from '../../src/loader/page-errors';

const url = 'https://collector.example.com/r';

let win: HappyWindow;
let sendBeacon: ReturnType<typeof vi.fn<(url: string, body: string) => boolean>>;
let fetcher: ReturnType<typeof vi.fn<(url: string, init: RequestInit) => Promise<Response>>>;

beforeEach(() => {
  win = new HappyWindow();
  sendBeacon = vi.fn<(url: string, body: string) => boolean>(() => true);
  fetcher = vi.fn<(url: string, init: RequestInit) => Promise<Response>>(() => Promise.resolve(new Response(null, { status: 204 })));
  Object.defineProperty(win.navigator, 'sendBeacon', { value: sendBeacon, configurable: true });
  Object.defineProperty(win, 'fetch', { value: fetcher, configurable: true, writable: true });
});
afterEach(() => win.happyDOM.close());

const decision = (feature: string, variant: Decision['variant'], reason: Decision['reason'] = 'rollout'): Decision => ({
  feature,
  variant,
  reason,
  bucket: 412,
  percentage: 5,
  revision: 'r1',
  userIdSource: 'storage',
});

/** A page whose user is assigned canary by the bucket (`assigned` says otherwise per feature); `served` says what runs. */
function fakePage(served: Decision['variant'] = 'canary', assignedReasons: Record<string, Decision['reason']> = {}) {
  const errors: PageErrors = { list: [], dropped: 0 };
  const page = {
    errors,
    clockOffset: () => 1_000,
    assigned: (feature: string) => decision(feature, 'canary', assignedReasons[feature] ?? 'rollout'),
    decideNow: (feature: string) => decision(feature, served, served === 'canary' ? 'rollout' : 'guarded'),
  } as unknown as Page;
  return { page, errors };
}

const hide = () => {
  Object.defineProperty(win.document, 'visibilityState', { value: 'hidden', configurable: true });
  win.document.dispatchEvent(new win.Event('visibilitychange'));
};
const leave = () => win.dispatchEvent(new win.Event('pagehide'));
const records = () => sendBeacon.mock.calls.map(([, body]) => JSON.parse(body) as HealthRecord);

describe('the health record', () => {
  it('sends one valid record when the page is hidden: exposures with the arm and what ran, the page\'s errors, and nothing again at pagehide', () => {
    const { page, errors } = fakePage('stable');
    const health = createHealthReporter(url, win as unknown as Window, page, () => 1_795_676_441_724);
    health.expose(decision('app', 'stable', 'guarded'));
    errors.list.push({ type: 'error', message: 'x is undefined', source: 'https://cdn.example/app.js', feature: 'app', at: 12 });
    health.error(new CanaryError('canary-error', 'canary code of "app" threw', { feature: 'app', url: 'https://cdn.example/app.js' }));
    health.error(new CanaryError('config-fetch', 'not a health error'));
    hide();
    leave();
    expect(records()).toHaveLength(1);
    const [record] = records();
    expect(healthRecordSchema.safeParse(record).success).toBe(true);
    expect(record).toMatchObject({
      v: 1,
      seq: 0,
      at: 1_795_676_442_724,
      exposures: [{ feature: 'app', revision: 'r1', assigned: 'canary', served: 'stable', reason: 'guarded', bucket: 412, percentage: 5, first: true, errorSession: true }],
      errors: [
        { kind: 'guard', feature: 'app', message: 'canary code of "app" threw', source: 'https://cdn.example/app.js' },
        { kind: 'script', feature: 'app', message: 'x is undefined', source: 'https://cdn.example/app.js' },
      ],
      vitals: [],
      dropped: 0,
    });
    expect(record!.session).toMatch(/^[0-9a-f]{32}$/);
    expect(sendBeacon.mock.calls[0]![0]).toBe(url);
  });

  it('counts each exposure once as a session and once as an error session, across the records of a page that lives on', () => {
    const { page, errors } = fakePage();
    const health = createHealthReporter(url, win as unknown as Window, page, () => 0);
    health.expose(decision('app', 'canary'));
    hide();
    health.expose(decision('search', 'canary'));
    errors.list.push({ type: 'rejection', message: 'nope', at: 30 });
    errors.dropped = 2;
    hide();
    hide();
    const [first, second] = records();
    expect(records()).toHaveLength(2);
    expect(first!.exposures.map((e) => [e.feature, e.first, e.errorSession])).toEqual([['app', true, false]]);
    expect(second!.seq).toBe(1);
    expect(second!.session).toBe(first!.session);
    expect(second!.exposures.map((e) => [e.feature, e.first, e.errorSession])).toEqual([
      ['app', false, true],
      ['search', true, true],
    ]);
    expect(second!.errors).toEqual([{ kind: 'rejection', message: 'nope' }]);
    expect(second!.dropped).toBe(2);
  });

  it('leaves out what has no arm: users not placed by the bucket (unknown feature, no config, lists, targeting, kill switch), a name a record cannot carry', () => {
    const { page } = fakePage('canary', { nope: 'unknown', none: 'fallback', vip: 'allowed', blocked: 'denied', elsewhere: 'unmatched', off: 'disabled' });
    const health = createHealthReporter(url, win as unknown as Window, page, () => 0);
    for (const feature of ['nope', 'none', 'vip', 'blocked', 'elsewhere', 'off', 'my app']) health.expose(decision(feature, 'canary'));
    hide();
    expect(sendBeacon).not.toHaveBeenCalled();
  });

  it('carries at most 64 features, stops at 1,000 records, and loses no count when the clock throws once', () => {
    const { page } = fakePage();
    let calls = 0;
    const health = createHealthReporter(url, win as unknown as Window, page, () => {
      if (calls++ === 0) throw new Error('clock');
      return 0;
    });
    for (let i = 0; i < 70; i++) health.expose(decision(`f${i}`, 'canary'));
    hide(); // the clock throws: nothing sent, nothing marked sent
    hide();
    expect(records()).toHaveLength(1);
    expect(records()[0]!.exposures).toHaveLength(64);
    expect(records()[0]!.exposures.every((e) => e.first)).toBe(true);
    expect(healthRecordSchema.safeParse(records()[0]).success).toBe(true);
    for (let i = 0; i < 1_005; i++) {
      health.vital({ name: 'INP', value: 10 });
      hide();
    }
    const sent = records();
    expect(sent.at(-1)!.seq).toBe(999);
    expect(sent.every((r) => healthRecordSchema.safeParse(r).success)).toBe(true);
  });

  it('keeps 20 errors and counts the rest, and splits a record over 60 KiB into valid records of the same session', () => {
    const { page, errors } = fakePage();
    const health = createHealthReporter(url, win as unknown as Window, page, () => 0);
    health.expose(decision('app', 'canary'));
    for (let i = 0; i < 25; i++) errors.list.push({ type: 'error', message: `${i}`.padEnd(1_000, 'é'), source: `https://cdn.example/${'x'.repeat(2_000)}.js`, at: i });
    hide();
    const sent = records();
    expect(sent.length).toBeGreaterThan(1);
    for (const [, body] of sendBeacon.mock.calls) expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(60 * 1024);
    for (const record of sent) expect(healthRecordSchema.safeParse(record).success).toBe(true);
    expect(sent.map((r) => r.seq)).toEqual(sent.map((_, i) => i));
    expect(new Set(sent.map((r) => r.session)).size).toBe(1);
    expect(sent.flatMap((r) => r.errors)).toHaveLength(20);
    expect(sent.reduce((n, r) => n + r.dropped, 0)).toBe(5);
    expect(sent.flatMap((r) => r.exposures).filter((e) => e.first)).toHaveLength(1);
  });

  it('falls back to fetch with keepalive when sendBeacon refuses or throws, and never throws at the page', () => {
    const { page } = fakePage();
    const health = createHealthReporter(url, win as unknown as Window, page, () => 0);
    health.expose(decision('app', 'canary'));
    sendBeacon.mockImplementation(() => {
      throw new TypeError('no beacons here');
    });
    hide();
    expect(fetcher).toHaveBeenCalledWith(url, expect.objectContaining({ method: 'POST', keepalive: true, credentials: 'omit' }));
    const broken = { ...fakePage().page, decideNow: () => { throw new Error('boom'); } } as unknown as Page;
    const other = createHealthReporter(url, win as unknown as Window, broken, () => 0);
    other.expose(decision('app', 'canary'));
    expect(() => other.flush()).not.toThrow();
  });
});
