// Many collectors, one Prometheus (SPEC 9): Debian's prometheus scrapes two `client-canary
// collect` processes (the built CLI) on 127.0.0.1, and sums their counts per arm.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, configFile } from '../helpers/cli';
import { readmeBlock } from '../helpers/readme';
import { healthRecord } from '../helpers/records';

const PROMETHEUS = process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus';
const children: ChildProcess[] = [];
const work = mkdtempSync(join(tmpdir(), 'prometheus-'));
let collectors: string[] = [];
let prometheus = '';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Starts the built CLI's collector on a free port; resolves with its URL once it listens. */
const startCollect = () =>
  new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/cli.js', 'collect', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    child.on('error', reject);
    child.stdout!.on('data', (chunk: Buffer) => {
      const url = /listening on (http:\/\/\S+)/.exec(chunk.toString())?.[1];
      if (url) resolve(url);
    });
  });

beforeAll(async () => {
  expect(existsSync(PROMETHEUS), `${PROMETHEUS} (apt-get install prometheus; .ci/run does)`).toBe(true);
  collectors = await Promise.all([startCollect(), startCollect()]);
  const port = await freePort();
  const targets = collectors.map((url) => `'${new URL(url).host}'`).join(', ');
  writeFileSync(join(work, 'prometheus.yml'), `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: client-canary\n    static_configs:\n      - targets: [${targets}]\n`);
  const child = spawn(PROMETHEUS, [`--config.file=${join(work, 'prometheus.yml')}`, `--storage.tsdb.path=${join(work, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  children.push(child);
  prometheus = `http://127.0.0.1:${port}`;
  for (let waited = 0; (await fetch(`${prometheus}/-/ready`).then((r) => r.status, () => 0)) !== 200; waited += 250) {
    if (waited > 20_000) throw new Error('prometheus did not get ready within 20 s');
    await new Promise((r) => setTimeout(r, 250));
  }
}, 40_000);

afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
});

const post = (collector: string, arm: 'stable' | 'canary', errors = false) =>
  fetch(`${collector}/r`, { method: 'POST', body: JSON.stringify(healthRecord(arm, errors ? { errors: [{ kind: 'script', feature: 'app', message: 'boom' }] } : {})) }).then((r) => r.status);

/** An instant query's result as { arm: value }. */
async function query(promql: string): Promise<Record<string, number>> {
  const body = (await (await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(promql)}`)).json()) as { data: { result: { metric: { arm: string }; value: [number, string] }[] } };
  return Object.fromEntries(body.data.result.map((r) => [r.metric.arm, Number(r.value[1])]));
}

describe('two collectors summed by Prometheus', () => {
  it('reads the sessions and error sessions per arm of both collectors back through Prometheus\'s HTTP API', async () => {
    const [a, b] = collectors as [string, string];
    const sent = await Promise.all([
      ...Array.from({ length: 3 }, () => post(a, 'stable')),
      post(a, 'canary'),
      post(a, 'canary', true),
      post(b, 'stable'),
      ...Array.from({ length: 3 }, () => post(b, 'canary')),
      post(b, 'canary', true),
    ]);
    expect(new Set(sent)).toEqual(new Set([204]));
    // The README's two queries, as written: sessions per arm, and the share of them with errors.
    const [sessions, errorShare] = readmeBlock('## Health records and the collector', 'promql').split('\n') as [string, string];
    await expect.poll(() => query(sessions), { timeout: 20_000, interval: 500 }).toEqual({ stable: 4, canary: 6 });
    expect(await query('sum by (arm) (client_canary_error_sessions_total{feature="app"})')).toEqual({ stable: 0, canary: 2 });
    expect(await query(errorShare)).toEqual({ stable: 0, canary: 2 / 6 });
    // The judge reads the same sums: analyze --prometheus (revision r1 of the records, 60 % to fit 6 of 10).
    const run = await cli('analyze', configFile({ version: 1, revision: 'r1', features: { app: { percentage: 60 } } }), 'app', '--prometheus', prometheus, '--json', '--min-sessions', '1');
    expect(JSON.parse(run.stdout)).toMatchObject({ verdict: 'inconclusive', arms: { stable: { sessions: 4, errorSessions: 0 }, canary: { sessions: 6, errorSessions: 2 } } });
    // Both collectors were scraped.
    const up = (await (await fetch(`${prometheus}/api/v1/query?query=up`)).json()) as { data: { result: { value: [number, string] }[] } };
    expect(up.data.result.map((r) => r.value[1])).toEqual(['1', '1']);
  });
});
