import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, configFile } from '../helpers/cli';

// A collector's GET /summary answering fixed counts per revision (the collector itself is tested
// in test/collector/); the revision a request names picks the row.
// LCP samples per bucket of VITAL_BUCKETS (…, 800, 1000, 1800, 2500, 4000, …): stable mostly
// under 1,800 ms, a slow canary mostly over 2,500.
const fast = [0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 60, 200, 400, 200, 80, 30, 10, 0];
const slow = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 10, 40, 150, 500, 200, 60, 38];
const rows: Record<string, { canary: [number, number]; stable: [number, number]; vitals?: { canary: number[]; stable: number[] } }> = {
  inconsistent: { canary: [1_000, 3_000], stable: [19_000, 0] },
  slowLcp: { canary: [20_000, 400], stable: [380_000, 7_600], vitals: { canary: slow, stable: fast.map((n) => n * 19) } },
  sameLcp: { canary: [20_000, 400], stable: [380_000, 7_600], vitals: { canary: fast, stable: fast.map((n) => n * 19) } },
  srm: { canary: [100, 2], stable: [900, 18] },
  few: { canary: [40, 0], stable: [760, 10] },
  fail: { canary: [500, 60], stable: [9_500, 190] },
  pass: { canary: [20_000, 400], stable: [380_000, 7_600] },
  wide: { canary: [500, 12], stable: [9_500, 190] },
  none: { canary: [0, 0], stable: [0, 0] },
};
let server: Server;
let url = '';
const asked: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    const q = new URL(req.url!, 'http://x').searchParams;
    asked.push(`${q.get('feature')}@${q.get('revision')}`);
    if (q.get('revision') === 'garbled') return res.writeHead(200, { 'Content-Type': 'application/json' }).end('"x"');
    const row = rows[q.get('revision') ?? ''];
    if (!row) return res.writeHead(404).end();
    const arm = ([sessions, errorSessions]: [number, number], lcp?: number[]) => ({ sessions, errorSessions, served: { stable: 0, canary: 0 }, errors: {}, vitals: lcp ? { LCP: lcp } : {} });
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ feature: q.get('feature'), revision: q.get('revision'), arms: { stable: arm(row.stable, row.vitals?.stable), canary: arm(row.canary, row.vitals?.canary) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const config = (revision: string, percentage = 5) => configFile({ version: 1, revision, features: { app: { percentage } } });

describe('client-canary analyze', () => {
  it.each([
    ['srm', 'srm', 5, /sample-ratio mismatch: the canary has 10\.00 % of the sessions for 5 % configured/],
    ['few', 'inconclusive', 5, /too few sessions: canary 40, stable 760, at least 50/],
    ['fail', 'fail', 4, /worse than stable's by more than 0\.5 points: \+10\.00 points, 98 % interval \[\+7\.\d\d, \+13\.\d\d\]/],
    ['pass', 'pass', 0, /within 0\.5 points of stable's: \+0\.00 points, 98 % interval \[-0\.2\d, \+0\.2\d\]/],
    ['wide', 'inconclusive', 5, /not yet sure either way: \+0\.40 points/],
  ])('gives the verdict of SPEC 10 on fixed counts (%s): %s, exit %i', async (revision, verdict, code, reason) => {
    const run = await cli('analyze', config(revision), 'app', '--metrics', url, '--json');
    expect(run.code).toBe(code);
    const json = JSON.parse(run.stdout);
    const row = rows[revision]!;
    expect(json).toMatchObject({
      feature: 'app',
      revision,
      percentage: 5,
      verdict,
      arms: { canary: { sessions: row.canary[0], errorSessions: row.canary[1] }, stable: { sessions: row.stable[0], errorSessions: row.stable[1] } },
    });
    expect(json.reasons[0]).toMatch(reason);
  });

  it('fails a canary whose errors pass but whose LCP is slower (rank test and median past --vital-tolerance), and passes one as fast as stable', async () => {
    const slowRun = await cli('analyze', config('slowLcp'), 'app', '--metrics', url, '--json');
    expect(slowRun.code).toBe(4);
    const slowJson = JSON.parse(slowRun.stdout);
    expect(slowJson.verdict).toBe('fail');
    expect(slowJson.reasons[0]).toMatch(/^the canary is slower on LCP: canary median \d+ against stable \d+ \(\+\d+\.\d %, rank test z = \d+\.\d\d\), beyond 10 %/);
    expect(slowJson.vitals.LCP).toMatchObject({ verdict: 'fail' });
    expect(slowJson.vitals.LCP.canaryMedian).toBeGreaterThan(2500);
    const same = await cli('analyze', config('sameLcp'), 'app', '--metrics', url, '--json');
    expect(JSON.parse(same.stdout)).toMatchObject({ verdict: 'pass', vitals: { LCP: { verdict: 'ok' } } });
    expect(JSON.parse(same.stdout).vitals.LCP.change).toBeCloseTo(0, 9);
    // A tolerance wider than the slowdown lets it through.
    expect((await cli('analyze', config('slowLcp'), 'app', '--metrics', url, '--vital-tolerance', '200')).code).toBe(0);
  });

  it('holds the counts to sense: more error sessions than sessions count as all, and an answer with no arms is unreachable', async () => {
    const run = await cli('analyze', config('inconsistent'), 'app', '--metrics', url, '--json');
    expect(JSON.parse(run.stdout)).toMatchObject({ verdict: 'fail', arms: { canary: { sessions: 1000, errorSessions: 1000 } } });
    expect(run.code).toBe(4);
    const garbled = await cli('analyze', config('garbled'), 'app', '--metrics', url);
    expect(garbled.code).toBe(3);
    expect(garbled.stderr).toMatch(/answered no counts per arm \(is it a client-canary collector\?\)/);
  });

  it('checks the sample ratio before anything, even with too few sessions, and holds on it', async () => {
    rows.tiny = { canary: [0, 0], stable: [40, 0] };
    const run = await cli('analyze', config('tiny', 50), 'app', '--metrics', url, '--json');
    expect(JSON.parse(run.stdout).verdict).toBe('srm');
    expect(run.code).toBe(5);
  });

  it('prints the counts and the verdict as text; honours --min-sessions, --tolerance and --confidence', async () => {
    const text = await cli('analyze', config('wide'), 'app', '--metrics', url);
    const [counts, verdict] = text.stdout.split('\n');
    expect(counts).toBe('app at revision wide, 5 %: canary 500 sessions, 12 with errors (2.40 %); stable 9500, 190 (2.00 %)');
    expect(verdict).toMatch(/^inconclusive: not yet sure either way: \+0\.40 points, 98 % interval \[/);
    const fewer = await cli('analyze', config('few'), 'app', '--metrics', url, '--min-sessions', '10');
    expect(fewer.stdout).toMatch(/inconclusive: not yet sure either way/);
    expect((await cli('analyze', config('wide'), 'app', '--metrics', url, '--tolerance', '3')).code).toBe(0);
    expect((await cli('analyze', config('fail'), 'app', '--metrics', url, '--confidence', '0.9999', '--tolerance', '9')).code).toBe(5);
    expect(asked).toContain('app@wide');
  });

  it('says what is wrong: no source, two sources, a bad number, an unknown feature, an unreachable collector', async () => {
    const target = config('pass');
    for (const [argv, message, code] of [
      [[], /--metrics URL \(a collector\) or --prometheus URL, one of them/, 1],
      [['--metrics', url, '--prometheus', url], /one of them/, 1],
      [['--metrics', url, '--tolerance', 'lots'], /--tolerance lots: not a valid value/, 1],
      [['--metrics', 'ftp://x'], /expected an http\(s\) URL/, 1],
      [['--metrics', 'http://127.0.0.1:1'], /cannot read the counts from collector http:\/\/127\.0\.0\.1:1/, 3],
    ] as const) {
      const run = await cli('analyze', target, 'app', ...argv);
      expect(run.stderr).toMatch(message);
      expect(run.code).toBe(code);
    }
    const unknown = await cli('analyze', target, 'search', '--metrics', url);
    expect(unknown.stderr).toMatch(/no feature "search" in the config \(it has app\)/);
  });
});
