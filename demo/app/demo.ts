// The demo page: shows what the SDK decided for this browser, the events as they happen, and a
// rollout console that edits the bucket's config through the client-canary CLI (demo/serve.mjs).
// Plain DOM, no framework; built by rollup into dist/demo.js.
import type {} from '../../src/browser';
import { cacheKey, UID_COOKIE, UID_KEY } from '../../src/identity/storage-keys';
import type { CanaryClient, CanaryConfig } from '../../src/index';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
// The loader's own tag says where the config is and how long a cached one is trusted. (This
// script runs before that tag is parsed: read it once the page is there.)
const loader = () => document.querySelector<HTMLScriptElement>('script[data-config]')!.dataset;
const configUrl = () => new URL(loader().config!, location.href).href;
const maxAgeMs = () => Number(loader().maxAge ?? 60_000);
const COHORT = 10_000;

/** Where the console's results are logged, among the page's events. */
let logConsole: (text: string) => void = () => undefined;
/** The bucket's revision, as the console last saw it. */
let bucketRevision: string | undefined;

interface ConsoleAnswer {
  code: number;
  output: string;
  config?: CanaryConfig;
}

(window.clientCanaryQueue ||= []).push((client) => {
  // Subscribed in the same task as the client's start: the first exposures are heard too.
  const log = (kind: string, text: string) => {
    const item = document.createElement('li');
    item.className = kind;
    item.textContent = `${new Date().toLocaleTimeString()} ${kind}: ${text}`;
    const list = $('events');
    if (list) list.prepend(item);
    else pending.push(item);
  };
  const pending: HTMLLIElement[] = [];
  client.on('exposure', (e) => log('exposure', `${e.feature} → ${e.variant} (${e.reason}, bucket ${e.bucket}, ${e.percentage} %, revision ${e.revision})`));
  client.on('error', (e) => log('error', `${e.code}: ${e.message}`));
  // (No 'change' listener: without refreshIntervalMs a page keeps the config it decided with.)
  logConsole = (text) => log('console', text);
  const start = () => {
    $('events').append(...pending.reverse());
    void showUser(client);
    wireUserButtons(client);
    void wireConsole();
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
});

async function showUser(client: CanaryClient): Promise<void> {
  await client.ready();
  const app = client.decide('app');
  const checkout = client.decide('checkout');
  const threshold = Math.round(app.percentage * 100);
  $('user-id').textContent = `${client.context().userId} (from ${app.userIdSource})`;
  // In or out of the rollout only says something when the rollout decided.
  const verdict = app.reason === 'rollout' ? (app.bucket! < threshold ? 'in' : 'out') : `not by bucket: ${app.reason}`;
  $('bucket').textContent = app.bucket === null ? 'none: no config' : `${app.bucket} of 0–9999; canary below ${threshold} (${app.percentage} %) → ${verdict}`;
  $('feature-app').textContent = `${app.variant} (${app.reason})`;
  $('feature-app').dataset.variant = app.variant;
  $('feature-checkout').textContent = `${checkout.variant} (${checkout.reason})`;
  $('flags').textContent = JSON.stringify(client.flags());
  document.body.dataset.bucket = String(app.bucket);
  // The app's own script says which version ran.
  const loaded = () => (window as { appVersion?: string }).appVersion;
  for (let i = 0; i < 100 && !loaded(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  $('loaded').textContent = loaded() ? `version ${loaded()}` : 'none yet';
  const tick = () => {
    let cached: { fetchedAt?: number; config?: { revision?: string } } = {};
    try {
      cached = JSON.parse(localStorage.getItem(cacheKey(configUrl())) ?? '{}') as typeof cached;
    } catch {
      // an unreadable cache reads as none
    }
    const age = cached.fetchedAt ? Date.now() - cached.fetchedAt : undefined;
    const when =
      age === undefined
        ? 'nothing is cached'
        : age < maxAgeMs()
          ? `a reload within ${((maxAgeMs() - age) / 1000).toFixed(0)} s decides from the cache (revision ${cached.config?.revision}, fetched ${(age / 1000).toFixed(0)} s ago), without the network`
          : `the cache is older than maxAgeMs (${maxAgeMs() / 1000} s): the next reload fetches the bucket's config first`;
    // The rollback bound: a change in the bucket reaches this browser at the latest on its first
    // load after maxAgeMs; sooner when a background refresh already cached it.
    $('config-age').textContent = `this page: revision ${app.revision}; bucket: ${bucketRevision ?? '…'}. ${when[0]!.toUpperCase()}${when.slice(1)}.`;
  };
  tick();
  setInterval(tick, 500);
}

function wireUserButtons(client: CanaryClient): void {
  $('reload').onclick = () => location.assign(location.pathname);
  $('new-user').onclick = () => {
    localStorage.removeItem(UID_KEY);
    document.cookie = `${UID_COOKIE}=; Path=/; Max-Age=0`;
    location.assign(location.pathname);
  };
  $('force-canary').onclick = () => (client.override('app', 'canary'), location.assign(location.pathname));
  $('force-stable').onclick = () => (client.override('app', 'stable'), location.assign(location.pathname));
  $('reset-overrides').onclick = () => location.assign(`${location.pathname}?canary=reset`);
}

async function wireConsole(): Promise<void> {
  const slider = $<HTMLInputElement>('percentage');
  let config: CanaryConfig | undefined;

  const show = (next: CanaryConfig | undefined) => {
    config = next;
    const app = next?.features.app;
    if (!next || !app) return;
    bucketRevision = next.revision;
    const ramp = app.ramp ? `, ramp ${app.ramp.steps.map((s) => `${s.after}:${s.percentage}`).join(' ')}` : '';
    const canary = app.canary?.assets?.map((a) => (typeof a === 'string' ? a : a.url)).join(' ') ?? 'none';
    $('config-line').textContent = `revision ${next.revision} · app ${app.percentage ?? 0} %${ramp}${app.enabled === false ? ' · KILLED' : ''} · canary ${canary}`;
    slider.value = String(app.percentage ?? 0);
    drawCohort(next);
  };
  const run = async (command: string, args: Record<string, unknown> = {}) => {
    const response = await fetch('/api/console', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ command, ...args }) });
    const answer = (await response.json()) as ConsoleAnswer;
    $('cli-output').textContent = answer.output;
    $('cli-output').dataset.code = String(answer.code);
    show(answer.config ?? config);
    if (command !== 'watch-log') logConsole(answer.code === 0 ? `${command}: the bucket is at revision ${bucketRevision}` : `${command} refused (exit ${answer.code})`);
  };

  // The slider previews what "Set percentage" would do (it removes a ramp, like the CLI).
  slider.oninput = () => {
    const app = config?.features.app;
    if (config && app) drawCohort({ ...config, features: { ...config.features, app: { ...app, percentage: Number(slider.value), ramp: undefined } } });
  };
  // A ramp moves by itself: redraw as time passes.
  setInterval(() => {
    if (config?.features.app?.ramp) drawCohort(config);
  }, 1000);
  $('set').onclick = () => run('set', { percentage: Number(slider.value) });
  $('rollback').onclick = () => run('rollback');
  $('promote').onclick = () => run('promote');
  $('kill').onclick = () => run('kill');
  $('revive').onclick = () => run('revive');
  $('ramp').onclick = () => run('ramp', { preset: $<HTMLSelectElement>('preset').value });
  $('ship').onclick = () => run('ship');
  $('broken').onclick = () => run('broken');
  $('reset-demo').onclick = () => run('reset');
  // The watch switch: the server runs the controller; the console shows its lines as they come.
  let following: ReturnType<typeof setInterval> | undefined;
  $<HTMLInputElement>('watch').onchange = async () => {
    const on = $<HTMLInputElement>('watch').checked;
    await run('watch', { on });
    clearInterval(following);
    if (on) following = setInterval(() => void run('watch-log'), 2000);
  };

  const response = await fetch(configUrl(), { cache: 'no-store' });
  show((await response.json()) as CanaryConfig);
  wireHealth();
}

interface Arm {
  sessions: number;
  errorSessions: number;
  served: { stable: number; canary: number };
}

/** The collector's counts per arm for the bucket's revision, every 2 s (GET /summary). */
function wireHealth(): void {
  const summaryUrl = () => new URL(`summary?feature=app&revision=${encodeURIComponent(bucketRevision ?? '')}`, new URL('.', loader().beacon!)).href;
  const render = (arm: 'stable' | 'canary', counts: Arm) => {
    const row = $(`health-${arm}`);
    const rate = counts.sessions ? `${((100 * counts.errorSessions) / counts.sessions).toFixed(1)} %` : '–';
    const cells = [counts.sessions, counts.errorSessions, rate, `${counts.served.stable} / ${counts.served.canary}`];
    row.querySelectorAll('td').forEach((td, i) => (td.textContent = String(cells[i])));
    Object.assign(row.dataset, { sessions: String(counts.sessions), errorSessions: String(counts.errorSessions) });
  };
  const poll = async () => {
    try {
      const summary = (await (await fetch(summaryUrl(), { cache: 'no-store' })).json()) as { arms: Record<'stable' | 'canary', Arm> };
      render('stable', summary.arms.stable);
      render('canary', summary.arms.canary);
      $('health-revision').textContent = `(revision ${bucketRevision})`;
    } catch {
      // The collector is the demo's own; a missed poll is retried.
    }
  };
  void poll();
  setInterval(() => void poll(), 2000);
}

// What each simulated user got at the last drawing, to show who just joined (or left).
let previous: boolean[] = [];

/**
 * 10,000 simulated users, each a square, coloured by the variant `decide` gives them now (ramp,
 * kill switch and all), as every browser would. Squares that just joined the canary are light
 * orange: raising the percentage only ever adds squares.
 */
function drawCohort(config: CanaryConfig): void {
  const canvas = $<HTMLCanvasElement>('cohort');
  const context = canvas.getContext('2d');
  const api = window.ClientCanary;
  if (!context || !api || !config.features.app) return;
  const side = Math.sqrt(COHORT);
  const cell = canvas.width / side;
  const now = Date.now();
  let canary = 0;
  let percentage = 0;
  const current: boolean[] = [];
  for (let i = 0; i < COHORT; i++) {
    const d = api.decide(config, 'app', { userId: `simulated-user-${i}`, now });
    percentage = d.percentage;
    const isCanary = (current[i] = d.variant === 'canary');
    if (isCanary) canary++;
    const was = previous[i] ?? isCanary;
    context.fillStyle = isCanary ? (was ? '#d9480f' : '#ffa94d') : was ? '#74a9f0' : '#1f5fbf';
    context.fillRect((i % side) * cell, Math.floor(i / side) * cell, cell - 0.5, cell - 0.5);
  }
  previous = current;
  $('percentage-value').textContent = `${percentage} %`;
  $('cohort-count').textContent = `(${canary.toLocaleString('en')} canary at ${percentage} %)`;
  $('cohort-count').dataset.canary = String(canary);
}
