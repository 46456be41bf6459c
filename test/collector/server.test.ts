import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../src/collector/server';
import { healthRecord } from '../helpers/records';

const dir = mkdtempSync(join(tmpdir(), 'collector-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const running: Collector[] = [];
afterEach(async () => Promise.all(running.splice(0).map((c) => c.close())));

async function collector(options: Parameters<typeof startCollector>[0] = {}) {
  const c = await startCollector({ port: 0, ...options });
  running.push(c);
  return c;
}
const post = (c: Collector, body: unknown, headers: Record<string, string> = { 'Content-Type': 'text/plain;charset=UTF-8' }) =>
  fetch(`${c.url}/r`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers });
const metricValue = (metrics: string, line: string) => Number(metrics.split('\n').find((l) => l.startsWith(`${line} `))?.split(' ')[1]);

describe('the collector', () => {
  it('counts records per arm: sessions, error sessions, served, errors by kind; /summary and /metrics agree', async () => {
    const c = await collector();
    expect((await post(c, healthRecord('stable'))).status).toBe(204);
    expect((await post(c, healthRecord('canary'))).status).toBe(204);
    const crash = { kind: 'script' as const, feature: 'app', message: 'x is undefined', source: 'https://cdn.example/app.js' };
    expect((await post(c, healthRecord('canary', { errors: [crash, { kind: 'csp', message: 'script-src' }] }, { served: 'stable', reason: 'guarded' }))).status).toBe(204);
    // A later record of the last session: its exposure counted already, one more error.
    expect((await post(c, healthRecord('canary', { seq: 1, errors: [{ kind: 'rejection', message: 'nope' }] }, { first: false, errorSession: false }))).status).toBe(204);
    const summary = await (await fetch(`${c.url}/summary?feature=app&revision=r1`)).json();
    expect(summary).toEqual({
      feature: 'app',
      revision: 'r1',
      arms: {
        stable: { sessions: 1, errorSessions: 0, served: { stable: 1, canary: 0 }, errors: {}, vitals: {} },
        canary: { sessions: 2, errorSessions: 1, served: { stable: 1, canary: 1 }, errors: { script: 1, csp: 1, rejection: 1 }, vitals: {} },
      },
    });
    expect((await (await fetch(`${c.url}/summary?feature=app&revision=r2`)).json()).arms.canary.sessions).toBe(0);
    expect((await (await fetch(`${c.url}/summary?feature=app`)).json()).arms.canary.sessions).toBe(2);
    const metrics = await (await fetch(`${c.url}/metrics`)).text();
    expect(metricValue(metrics, 'client_canary_sessions_total{feature="app",revision="r1",arm="canary"}')).toBe(2);
    expect(metricValue(metrics, 'client_canary_error_sessions_total{feature="app",revision="r1",arm="canary"}')).toBe(1);
    expect(metricValue(metrics, 'client_canary_served_total{feature="app",revision="r1",arm="canary",served="stable"}')).toBe(1);
    expect(metricValue(metrics, 'client_canary_errors_total{feature="app",revision="r1",arm="canary",kind="csp"}')).toBe(1);
    expect(metricValue(metrics, 'client_canary_records_total')).toBe(4);
  });

  it('keeps each vital\'s samples per bucket in /summary, as the histogram of /metrics has them', async () => {
    const c = await collector();
    const vitals = [
      { name: 'LCP' as const, value: 1200 },
      { name: 'LCP' as const, value: 30_000 },
      { name: 'CLS' as const, value: 0.02 },
    ];
    expect((await post(c, healthRecord('canary', { vitals }))).status).toBe(204);
    const summary = await (await fetch(`${c.url}/summary?feature=app`)).json();
    const lcp = summary.arms.canary.vitals.LCP as number[];
    // Buckets …, 1000, 1800, … 16000, then above: 1200 in (1000, 1800], 30000 above them all.
    expect(lcp).toHaveLength(18);
    expect(lcp[12]).toBe(1);
    expect(lcp[17]).toBe(1);
    expect(lcp.reduce((a, b) => a + b)).toBe(2);
    expect(summary.arms.canary.vitals.CLS[1]).toBe(1);
    const metrics = await (await fetch(`${c.url}/metrics`)).text();
    expect(metricValue(metrics, 'client_canary_vital_bucket{le="1800",feature="app",revision="r1",arm="canary",name="LCP"}')).toBe(1);
    expect(metricValue(metrics, 'client_canary_vital_count{feature="app",revision="r1",arm="canary",name="LCP"}')).toBe(2);
  });

  it('refuses what is not a record, says why, counts it by reason, and keeps nothing of it', async () => {
    const out = join(dir, 'refused.ndjson');
    const c = await collector({ out });
    const cases: [unknown, number, RegExp, Record<string, string>?][] = [
      ['{not json', 400, /not JSON/],
      [{ ...healthRecord('canary'), v: 2 }, 400, /^not a health record v1: v: /],
      [{ ...healthRecord('canary'), session: 'user@example.com' }, 400, /session/],
      [healthRecord('canary', {}, { feature: 'my app' }), 400, /exposures\.0\.feature/],
      ['x'.repeat(70 * 1024), 413, /at most 65536 bytes/],
      [healthRecord('canary'), 415, /text\/plain or application\/json/, { 'Content-Type': 'application/x-www-form-urlencoded' }],
    ];
    for (const [body, status, message, headers] of cases) {
      const res = await post(c, body, headers);
      expect(res.status, String(message)).toBe(status);
      expect(await res.text()).toMatch(message);
    }
    const metrics = await (await fetch(`${c.url}/metrics`)).text();
    expect(metricValue(metrics, 'client_canary_rejected_records_total{reason="schema"}')).toBe(3);
    expect(metricValue(metrics, 'client_canary_rejected_records_total{reason="json"}')).toBe(1);
    expect(metricValue(metrics, 'client_canary_rejected_records_total{reason="too-large"}')).toBe(1);
    expect(metricValue(metrics, 'client_canary_records_total')).toBe(0);
    await c.close();
    running.pop();
    expect(readFileSync(out, 'utf8')).toBe('');
  });

  it('answers 400 to a request target that is no URL, 413 to a chunked body past the cap, 400 to a feature twice in a record, and stays up', async () => {
    const c = await collector();
    const { port } = new URL(c.url);
    const raw = (text: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.write(text));
        let answer = '';
        socket.on('data', (chunk) => (answer += chunk.toString()));
        socket.on('close', () => resolve(answer));
        socket.on('error', () => resolve(answer));
        setTimeout(() => socket.end(), 300);
      });
    for (const target of ['//%zz', '//[', '//a:xx/']) expect(await raw(`GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400/);
    const chunk = 'x'.repeat(16 * 1024);
    const chunked = `POST /r HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n${`${(16 * 1024).toString(16)}\r\n${chunk}\r\n`.repeat(6)}0\r\n\r\n`;
    expect(await raw(chunked)).toMatch(/^HTTP\/1\.1 413/);
    const twice = healthRecord('canary');
    twice.exposures = [twice.exposures[0]!, twice.exposures[0]!];
    const res = await post(c, twice);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/a feature appears twice/);
    expect((await post(c, healthRecord('canary'))).status).toBe(204);
    expect((await (await fetch(`${c.url}/summary?feature=app`)).json()).arms.canary.sessions).toBe(1);
  });

  it('appends every accepted record to --out as one line of JSON', async () => {
    const out = join(dir, 'records.ndjson');
    const c = await collector({ out });
    const records = [healthRecord('stable'), healthRecord('canary')];
    for (const r of records) expect((await post(c, r, { 'Content-Type': 'application/json' })).status).toBe(204);
    await c.close();
    running.pop();
    expect(readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l))).toEqual(records);
  });

  it('answers CORS for any origin by default, and only for --allow-origin origins when given', async () => {
    const open = await collector();
    const res = await post(open, healthRecord('canary'), { 'Content-Type': 'application/json', Origin: 'https://shop.example' });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const preflight = await fetch(`${open.url}/r`, { method: 'OPTIONS', headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST');
    const closed = await collector({ allowOrigins: ['https://shop.example'] });
    const ok = await post(closed, healthRecord('canary'), { 'Content-Type': 'text/plain', Origin: 'https://shop.example' });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const other = await post(closed, healthRecord('canary'), { 'Content-Type': 'text/plain', Origin: 'https://evil.example' });
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('survives a flood of garbage and a client that never finishes its request, and still counts', async () => {
    const c = await collector({ requestTimeoutMs: 500 });
    // A slow client: headers begun, never finished.
    const { port } = new URL(c.url);
    const slow = connect(Number(port), '127.0.0.1');
    slow.write('POST /r HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"v":');
    const closed = new Promise<void>((resolve) => slow.on('close', () => resolve()));
    const garbage = ['', 'null', '[]', '{"v":1}', '\u0000'.repeat(1000), JSON.stringify({ ...healthRecord('canary'), exposures: Array(100).fill(healthRecord('canary').exposures[0]) })];
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => post(c, garbage[i % garbage.length]).then((r) => r.status)));
    expect(new Set(answers)).toEqual(new Set([400]));
    expect((await post(c, healthRecord('canary'))).status).toBe(204);
    await closed;
    expect((await (await fetch(`${c.url}/summary?feature=app`)).json()).arms.canary.sessions).toBe(1);
  });
});
