// The collector under load on this machine: the built CLI (`client-canary collect`) in its own
// process, fed valid health records by a bounded local load generator (16 requests in flight,
// 5 s), then its records/s and its memory (peak resident set, from /proc). Needs `npm run build`.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CONCURRENCY = 16;
const SECONDS = 5;

const child = spawn(process.execPath, ['dist/cli.js', 'collect', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve) => child.stdout.on('data', (chunk) => {
  const found = /listening on (http:\/\/\S+)/.exec(chunk.toString())?.[1];
  if (found) resolve(found);
}));
const memory = (field) => Number(/(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(field)) ?? '')?.[1] ?? NaN) / 1024;

// Records like a page's: one or two features, a few errors on some, in 4 revisions.
let n = 0;
const record = () => {
  const i = n++;
  const arm = i % 2 ? 'canary' : 'stable';
  const exposure = (feature) => ({ feature, revision: `r${i % 4}`, assigned: arm, served: arm, reason: 'rollout', bucket: i % 10_000, percentage: 50, first: true, errorSession: i % 10 === 0 });
  return JSON.stringify({
    v: 1,
    session: `bench${String(i).padStart(10, '0')}`,
    seq: 0,
    at: Date.now(),
    exposures: i % 3 ? [exposure('app')] : [exposure('app'), exposure('search')],
    errors: i % 10 === 0 ? [{ kind: 'script', feature: 'app', message: 'TypeError: x is undefined', source: 'https://cdn.example.com/app/2.0.0/app.js' }] : [],
    vitals: i % 5 === 0 ? [{ name: 'LCP', value: 1800 + (i % 700) }] : [],
    dropped: 0,
  });
};

const rssBefore = memory('VmRSS:');
const latencies = [];
let failed = 0;
const end = Date.now() + SECONDS * 1000;
const worker = async () => {
  while (Date.now() < end) {
    const t = performance.now();
    const res = await fetch(`${url}/r`, { method: 'POST', body: record(), headers: { 'Content-Type': 'text/plain' } });
    await res.arrayBuffer();
    if (res.status !== 204) failed++;
    latencies.push(performance.now() - t);
  }
};
const started = performance.now();
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
const elapsed = (performance.now() - started) / 1000;
const sorted = latencies.sort((a, b) => a - b);
const summary = await (await fetch(`${url}/summary?feature=app`)).json();
console.log(
  `collector: ${Math.round(latencies.length / elapsed)} records/s (${latencies.length} in ${elapsed.toFixed(1)} s, ${CONCURRENCY} in flight, ${failed} refused), ` +
    `latency p50 ${sorted[Math.floor(sorted.length / 2)].toFixed(2)} ms, p99 ${sorted[Math.floor(sorted.length * 0.99)].toFixed(2)} ms; ` +
    `memory ${rssBefore.toFixed(0)} MiB resident at start, ${memory('VmHWM:').toFixed(0)} MiB peak; ` +
    `counted ${summary.arms.stable.sessions + summary.arms.canary.sessions} sessions of "app"`,
);
child.kill('SIGTERM');
