// The demo's "watch" switch: simulated traffic (page loads of random users, posted to the demo's
// collector as health records, decided by the real `decide`) and `client-canary watch --once`
// on the bucket's config every few seconds, as a CI schedule would run it.
import { readFileSync } from 'node:fs';

const SESSIONS_PER_SECOND = 60;
const WATCH_EVERY_MS = 4000;

/**
 * @param {{ main: (argv: string[], out: object) => Promise<number>, decide: Function, configPath: string, collectorUrl: string, publish: () => void }} options
 */
export function createWatchLoop({ main, decide, configPath, collectorUrl, publish }) {
  const lines = [];
  const timers = [];
  let sessions = 0;

  // One second of traffic: each simulated page load sends one record, in the arm `decide` gives it.
  const traffic = async () => {
    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    const broken = JSON.stringify(config.features.app?.canary ?? {}).includes('broken');
    const records = Array.from({ length: SESSIONS_PER_SECOND }, () => {
      const d = decide(config, 'app', { userId: `sim-${Math.random().toString(36).slice(2)}` });
      const failed = Math.random() < (d.variant === 'canary' && broken ? 0.4 : 0.02);
      return {
        v: 1,
        session: `sim${String(++sessions).padStart(12, '0')}`,
        seq: 0,
        at: Date.now(),
        exposures: [{ feature: 'app', revision: d.revision, assigned: d.variant, served: d.variant, reason: d.reason, bucket: d.bucket, percentage: d.percentage, first: true, errorSession: failed }],
        errors: failed ? [{ kind: 'script', feature: 'app', message: 'simulated crash' }] : [],
        vitals: [],
        dropped: 0,
      };
    });
    await Promise.all(records.map((r) => fetch(`${collectorUrl}/r`, { method: 'POST', body: JSON.stringify(r) }).catch(() => undefined)));
  };

  const step = async () => {
    const out = [];
    await main(['watch', configPath, 'app', '--metrics', collectorUrl, '--steps', '5,25,50,100', '--once', '--min-sessions', '100', '--tolerance', '1'], { log: (l) => out.push(l), error: (l) => out.push(l) });
    publish();
    lines.push(...out.map((l) => l.replace(configPath, 'canary-config.json')));
    lines.splice(0, Math.max(0, lines.length - 12));
  };

  return {
    get on() {
      return timers.length > 0;
    },
    start() {
      if (timers.length) return;
      lines.push('watch on: 60 simulated page loads a second, watch --once every 4 s');
      timers.push(setInterval(() => void traffic(), 1000), setInterval(() => void step(), WATCH_EVERY_MS));
    },
    stop() {
      timers.splice(0).forEach(clearInterval);
      lines.push('watch off');
    },
    log: () => lines.join('\n'),
  };
}
