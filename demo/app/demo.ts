// The demo page: shows what the SDK decided for this browser, the events as they happen, and a
// rollout console that edits the bucket's config through the client-canary CLI (demo/serve.mjs).
// Plain DOM, no framework; built by rollup into dist/demo.js.
import type {} from '../../src/browser';
import type { CanaryClient, CanaryConfig } from '../../src/index';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const MAX_AGE_MS = 10_000;
const COHORT = 10_000;

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
  client.on('change', (e) => log('change', `revision ${e.previousRevision} → ${e.revision}`));
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
  $('bucket').textContent =
    app.bucket === null ? 'none: no config' : `${app.bucket} of 0–9999; canary below ${threshold} (${app.percentage} %) → ${app.bucket < threshold ? 'in' : 'out'}`;
  $('feature-app').textContent = `${app.variant} (${app.reason})`;
  $('feature-app').dataset.variant = app.variant;
  $('feature-checkout').textContent = `${checkout.variant} (${checkout.reason})`;
  $('flags').textContent = JSON.stringify(client.flags());
  document.body.dataset.bucket = String(app.bucket);
  // The app's own script says which version ran.
  const loaded = () => (window as { appVersion?: string }).appVersion;
  for (let i = 0; i < 100 && !loaded(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  $('loaded').textContent = loaded() ? `version ${loaded()}` : 'none yet';
  const configUrl = document.querySelector<HTMLScriptElement>('script[data-config]')!.dataset.config!;
  const tick = () => {
    let fetchedAt: number | undefined;
    try {
      fetchedAt = (JSON.parse(localStorage.getItem(`client-canary:config:${configUrl}`) ?? '{}') as { fetchedAt?: number }).fetchedAt;
    } catch {
      fetchedAt = undefined;
    }
    const age = fetchedAt ? Date.now() - fetchedAt : undefined;
    $('config-age').textContent =
      age === undefined
        ? 'no cached config'
        : age < MAX_AGE_MS
          ? `cached ${(age / 1000).toFixed(0)} s ago: a reload within ${((MAX_AGE_MS - age) / 1000).toFixed(0)} s decides from this cache, no network`
          : `cached ${(age / 1000).toFixed(0)} s ago, older than maxAgeMs (10 s): the next reload fetches the config first`;
  };
  tick();
  setInterval(tick, 500);
}

function wireUserButtons(client: CanaryClient): void {
  $('reload').onclick = () => location.assign(location.pathname);
  $('new-user').onclick = () => {
    localStorage.removeItem('client-canary:uid');
    document.cookie = 'client_canary_uid=; Path=/; Max-Age=0';
    location.assign(location.pathname);
  };
  $('force-canary').onclick = () => (client.override('app', 'canary'), location.assign(location.pathname));
  $('force-stable').onclick = () => (client.override('app', 'stable'), location.assign(location.pathname));
  $('reset-overrides').onclick = () => location.assign(`${location.pathname}?canary=reset`);
}

async function wireConsole(): Promise<void> {
  const configUrl = document.querySelector<HTMLScriptElement>('script[data-config]')!.dataset.config!;
  const slider = $<HTMLInputElement>('percentage');
  let config: CanaryConfig | undefined;

  const show = (next: CanaryConfig | undefined) => {
    config = next;
    const app = next?.features.app;
    if (!next || !app) return;
    const ramp = app.ramp ? `, ramp ${app.ramp.steps.map((s) => `${s.after}:${s.percentage}`).join(' ')}` : '';
    const canary = app.canary?.assets?.map((a) => (typeof a === 'string' ? a : a.url)).join(' ') ?? 'none';
    $('config-line').textContent = `revision ${next.revision} · app ${app.percentage ?? 0} %${ramp}${app.enabled === false ? ' · KILLED' : ''} · canary ${canary}`;
    slider.value = String(app.percentage ?? 0);
    drawCohort(next, Number(slider.value));
  };
  const run = async (command: string, args: Record<string, unknown> = {}) => {
    const response = await fetch('/api/console', { method: 'POST', body: JSON.stringify({ command, ...args }) });
    const answer = (await response.json()) as ConsoleAnswer;
    $('cli-output').textContent = answer.output;
    $('cli-output').dataset.code = String(answer.code);
    show(answer.config ?? config);
  };

  slider.oninput = () => {
    $('percentage-value').textContent = `${slider.value} %`;
    if (config) drawCohort(config, Number(slider.value));
  };
  $('set').onclick = () => run('set', { percentage: Number(slider.value) });
  $('rollback').onclick = () => run('rollback');
  $('promote').onclick = () => run('promote');
  $('kill').onclick = () => run('kill');
  $('revive').onclick = () => run('revive');
  $('ramp').onclick = () => run('ramp', { preset: $<HTMLSelectElement>('preset').value });
  $('ship').onclick = () => run('ship');
  $('broken').onclick = () => run('broken');
  $('reset-demo').onclick = () => run('reset');

  const response = await fetch(configUrl, { cache: 'no-store' });
  show((await response.json()) as CanaryConfig);
}

/** 10,000 simulated users, each a square, coloured by the variant they get at `percentage`. */
function drawCohort(config: CanaryConfig, percentage: number): void {
  const canvas = $<HTMLCanvasElement>('cohort');
  const context = canvas.getContext('2d');
  const api = window.ClientCanary;
  const app = config.features.app;
  if (!context || !api || !app) return;
  const threshold = app.enabled === false ? 0 : Math.round(percentage * 100);
  const side = Math.sqrt(COHORT);
  const cell = canvas.width / side;
  let canary = 0;
  for (let i = 0; i < COHORT; i++) {
    const isCanary = api.bucketOf(app.salt ?? 'app', `simulated-user-${i}`) < threshold;
    if (isCanary) canary++;
    context.fillStyle = isCanary ? '#d9480f' : '#1f5fbf';
    context.fillRect((i % side) * cell, Math.floor(i / side) * cell, cell - 0.5, cell - 0.5);
  }
  $('percentage-value').textContent = `${percentage} %`;
  $('cohort-count').textContent = `(${canary.toLocaleString('en')} canary at ${percentage} %)`;
  $('cohort-count').dataset.canary = String(canary);
}
