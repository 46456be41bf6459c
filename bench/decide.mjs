// Decisions per second of the published decide(), on the ESM build: 1,000,000 distinct user ids,
// and one user asking again and again. Median of 5 rounds after a warm-up round.
import { decide, parseConfig } from '../dist/index.js';

const parsed = parseConfig({
  version: 1,
  revision: 'bench',
  features: { app: { percentage: 10, salt: 'app-2026-11', stable: { flags: { x: false } }, canary: { flags: { x: true } } } },
});
if (!parsed.ok) throw new Error('bench config is invalid');
const config = parsed.config;
const N = 1_000_000;
// Ids as they arrive from storage, a cookie or a request: flat strings. (Strings glued together by
// a template literal are V8 cons strings, which every charCodeAt walks; JSON makes them flat.)
const ids = JSON.parse(JSON.stringify(Array.from({ length: N }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)));

function round(pickId) {
  let canary = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) if (decide(config, 'app', { userId: pickId(i) }).variant === 'canary') canary++;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { perSecond: N / seconds, canary };
}

function measure(label, pickId) {
  round(pickId); // warm-up: two rounds, so the optimising compiler has settled
  round(pickId);
  const rounds = Array.from({ length: 5 }, () => round(pickId));
  const median = rounds.map((r) => r.perSecond).sort((a, b) => a - b)[2];
  console.log(`${label.padEnd(28)} ${(median / 1e6).toFixed(2)} M decisions/s  (canary share ${(rounds[0].canary / N * 100).toFixed(2)} %)`);
}

console.log(`decide() on ${process.version}, ${N.toLocaleString('en')} decisions a round, median of 5 rounds`);
measure('distinct user ids', (i) => ids[i]);
measure('one repeated user', () => ids[42]);
