import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, configFile, readJson } from '../helpers/cli';

// A collector's /summary whose counts follow the config file as it is now: N sessions split by
// the feature's percentage (or not, for srm), error rates per arm as the scenario says.
interface Scenario {
  path: string;
  sessions: number;
  rates: { canary: number; stable: number };
  /** The canary's share of sessions, when not the percentage (its pages blocked). */
  share?: number;
  /** Called on each request: someone else's edit, for the conflict case. */
  onAsk?: () => void;
}
let scenario: Scenario;
let server: Server;
let url = '';
beforeAll(async () => {
  server = createServer((_, res) => {
    scenario.onAsk?.();
    const config = JSON.parse(readFileSync(scenario.path, 'utf8'));
    const share = scenario.share ?? config.features.app.percentage / 100;
    const canary = Math.round(scenario.sessions * share);
    const arm = (sessions: number, rate: number) => ({ sessions, errorSessions: Math.round(sessions * rate), served: {}, errors: {} });
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ arms: { canary: arm(canary, scenario.rates.canary), stable: arm(scenario.sessions - canary, scenario.rates.stable) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const start = (percentage: number, rest: Partial<Scenario> = {}) => {
  const path = configFile({ version: 1, revision: 'r1', features: { app: { percentage, stable: { assets: ['app/1.js'] }, canary: { assets: ['app/2.js'] } } } });
  scenario = { path, sessions: 400_000, rates: { canary: 0.02, stable: 0.02 }, ...rest };
  return path;
};
/** Someone's edit of the file, made while watch asks for the counts (after it read the config). */
const editOnce = (path: string, change: (doc: Record<string, any>) => void) => {
  let edited = false;
  scenario.onAsk = () => {
    if (edited) return;
    edited = true;
    const doc = readJson(path);
    change(doc);
    writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`);
  };
};
const watch = (path: string, ...argv: string[]) => cli('watch', path, 'app', '--metrics', url, '--steps', '5,25,50,100', '--interval', '10ms', ...argv);

describe('client-canary watch', () => {
  it('widens a healthy canary step by step to 100 %, one line per step with its counts, each step a new revision', async () => {
    const path = start(5);
    const run = await watch(path);
    expect(run.code).toBe(0);
    expect(readJson(path).features.app.percentage).toBe(100);
    const steps = run.stdout.split('\n').filter((l) => / at \d+ %: canary/.test(l));
    expect(steps.map((l) => / at (\d+) %: .*: (\w+) → (\d+) %/.exec(l)!.slice(1))).toEqual([
      ['5', 'pass', '25'],
      ['25', 'pass', '50'],
      ['50', 'pass', '100'],
    ]);
    expect(steps[0]).toMatch(/canary 20000 sessions, 400 with errors \(2\.00 %\); stable 380000, 7600 \(2\.00 %\)/);
    expect(run.stdout).toMatch(/app\.percentage: 50 → 100/);
    expect(steps.map((l) => / app (\S+) at /.exec(l)![1])).toEqual(['r1', 'r2', 'r3']);
  });

  it('rolls a broken canary back at once and exits 4', async () => {
    const path = start(25, { rates: { canary: 0.1, stable: 0.02 } });
    const run = await watch(path);
    expect(run.code).toBe(4);
    expect(readJson(path).features.app.percentage).toBe(0);
    expect(run.stdout).toMatch(/at 25 %: canary 100000 sessions, 10000 with errors \(10\.00 %\); stable 300000, 6000 \(2\.00 %\): fail → rollback/);
  });

  it('holds on a sample-ratio mismatch instead of passing, and exits 5 after --max-holds, the percentage held', async () => {
    // The canary's pages are blocked: 1 % of the sessions for 25 % configured, error-free.
    const path = start(25, { share: 0.01, rates: { canary: 0, stable: 0.02 } });
    const run = await watch(path, '--max-holds', '2');
    expect(run.code).toBe(5);
    expect(readJson(path).features.app.percentage).toBe(25);
    expect(run.stdout.match(/: srm, hold/g)).toHaveLength(2);
    expect(run.stdout).toMatch(/hold 2 of 2 .*\n.*held 2 times in a row; stopping at 25 %/);
  });

  it('makes one step with --once and exits with the verdict: 0 pass, 5 hold', async () => {
    const path = start(5);
    expect((await watch(path, '--once')).code).toBe(0);
    expect(readJson(path).features.app.percentage).toBe(25);
    scenario.sessions = 60;
    expect((await watch(path, '--once')).code).toBe(5);
    expect(readJson(path).features.app.percentage).toBe(25);
  });

  it('stops with exit 2 and writes nothing when the config was edited since it was judged', async () => {
    // Counts of the 5 % it judged; meanwhile someone sets 7 %.
    const path = start(5, { share: 0.05 });
    editOnce(path, (doc) => {
      doc.features.app.percentage = 7;
      doc.revision = 'someone-else';
    });
    const run = await watch(path);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/changed since it was judged/);
    expect(readJson(path)).toMatchObject({ revision: 'someone-else', features: { app: { percentage: 7 } } });
  });

  it('stops with exit 2 on an edit made since it judged that kept the revision (a hand edit), and writes nothing', async () => {
    const path = start(5, { share: 0.05 });
    // An operator's rollback, by hand, with the same revision.
    editOnce(path, (doc) => (doc.features.app.percentage = 0));
    const run = await watch(path, '--once');
    expect(run.code).toBe(2);
    expect(readJson(path)).toMatchObject({ revision: 'r1', features: { app: { percentage: 0 } } });
  });

  it('judges a ramped feature without the sample-ratio test (its percentage moves within the revision)', async () => {
    const path = configFile({ version: 1, revision: 'r1', features: { app: { ramp: { start: '2020-01-01T00:00:00Z', steps: [{ after: '0m', percentage: 5 }, { after: '1h', percentage: 50 }] } } } });
    // Sessions split at 10 %: a mismatch for the ramp's 50 % now, yet no srm.
    scenario = { path: configFile({ version: 1, features: { app: { percentage: 10 } } }), sessions: 400_000, rates: { canary: 0.02, stable: 0.02 } };
    const run = await cli('analyze', path, 'app', '--metrics', url, '--json');
    const json = JSON.parse(run.stdout);
    expect(json.verdict).toBe('pass');
    expect(json.reasons).toContain('sample ratio not tested: a ramp moves the percentage within the revision');
  });

  it('starts nothing at 0 %, and is done at the last step', async () => {
    const zero = await watch(start(0));
    expect(zero.code).toBe(0);
    expect(zero.stdout).toMatch(/nothing to watch/);
    const done = await watch(start(100));
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/at 100 %: done/);
  });

  it('refuses bad steps and intervals', async () => {
    const path = start(5);
    expect((await cli('watch', path, 'app', '--metrics', url, '--steps', '50,25')).stderr).toMatch(/expected rising percentages/);
    expect((await cli('watch', path, 'app', '--metrics', url)).stderr).toMatch(/--steps is required/);
    expect((await cli('watch', path, 'app', '--metrics', url, '--steps', '5', '--interval', 'soon')).stderr).toMatch(/--interval soon/);
  });
});
