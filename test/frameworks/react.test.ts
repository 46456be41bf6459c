// @vitest-environment happy-dom
// Real React 19 over subscribe/getSnapshot, with the README's hook as written.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { act, createElement, useSyncExternalStore } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CanaryClient } from '../../src/client';
import { createCanary } from '../../src/index';
import { useBucket } from '../helpers/bucket';
import { MemoryStorage } from '../helpers/memory-storage';
import { readmeBlock } from '../helpers/readme';

// happy-dom's fetch serves a fresh cached response despite `cache: 'no-cache'` (Chromium revalidates).
const bucket = useBucket({ cacheControl: 'no-store' });
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const appConfig = (percentage: number, revision: string, extra: object = {}) => ({
  version: 1,
  revision,
  features: { app: { percentage, stable: { flags: { tone: 'calm' } }, canary: { flags: { tone: 'bold' } }, ...extra } },
});

let path = 0;
const publish = (config: unknown, at = `/react${++path}/canary-config.json`) => {
  bucket().put(at, JSON.stringify(config));
  return bucket().url(at);
};

let root: Root | undefined;
afterEach(() => {
  act(() => root?.unmount());
  root = undefined;
  document.body.replaceChildren();
  // Overrides live in the tab's sessionStorage, whichever storage a client is given.
  sessionStorage.clear();
  localStorage.clear();
});

/** Renders `render()` into a fresh root; returns the element and how many times it rendered. */
function mount(render: () => string) {
  const element = document.createElement('div');
  document.body.append(element);
  let renders = 0;
  const App = () => {
    renders++;
    return createElement('p', null, render());
  };
  act(() => {
    root = createRoot(element);
    root.render(createElement(App));
  });
  return { text: () => element.textContent, renders: () => renders };
}

/** The README's recipe, verbatim but for the config URL and the package's path. */
async function readmeHook(configUrl: string) {
  const code = readmeBlock('### React', 'ts')
    .replace('https://my-bucket.s3.amazonaws.com/canary-config.json', configUrl)
    .replace("from 'client-canary'", `from '${resolve('src/index.ts')}'`);
  expect(code).toContain(configUrl);
  mkdirSync('test/.recipes', { recursive: true });
  const file = resolve(`test/.recipes/react-hook-${Date.now()}.ts`);
  writeFileSync(file, code);
  return (await import(/* @vite-ignore */ file)) as { canary: CanaryClient; useCanary: () => ReturnType<CanaryClient['getSnapshot']>; useVariant: (f: string) => string };
}

describe('React over subscribe / getSnapshot', () => {
  let recipe: Awaited<ReturnType<typeof readmeHook>>;
  let configUrl = '';
  beforeAll(async () => {
    configUrl = publish(appConfig(100, 'r1'), '/readme-react/canary-config.json');
    recipe = await readmeHook(configUrl);
  });

  it("the README's hook: stable until ready, then the canary the SDK decided; a new config flips it", async () => {
    const errors = vi.spyOn(console, 'error');
    const view = mount(() => `${recipe.useVariant('app')} ${String(recipe.useCanary().flags.tone)}`);
    // A cold load: nothing decided yet.
    expect(view.text()).toBe('stable undefined');
    await act(() => recipe.canary.ready());
    expect(view.text()).toBe('canary bold');
    // The rollback reaches the mounted component.
    publish(appConfig(0, 'r2'), '/readme-react/canary-config.json');
    await act(() => recipe.canary.refresh());
    expect(view.text()).toBe('stable calm');
    expect(recipe.canary.getSnapshot()).toMatchObject({ ready: true, revision: 'r2', variants: { app: 'stable' } });
    // React's error #185 (a new snapshot on every call) would show here, or loop for ever.
    expect(view.renders()).toBeLessThan(10);
    expect(errors).not.toHaveBeenCalled();
  });

  it('keeps the snapshot object while nothing changes, and freezes it', async () => {
    const client = createCanary({ configUrl: publish(appConfig(100, 's1')), storage: new MemoryStorage(), userId: 'u1' });
    await client.ready();
    const first = client.getSnapshot();
    expect(client.getSnapshot()).toBe(first);
    client.isCanary('app');
    client.flags();
    expect(client.getSnapshot()).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.variants) && Object.isFrozen(first.flags)).toBe(true);
    // A refresh that brings the same config is no change.
    const listener = vi.fn();
    client.subscribe(listener);
    await client.refresh();
    expect(listener).not.toHaveBeenCalled();
    expect(client.getSnapshot()).toBe(first);
  });

  it('tells subscribers of an override, and reading the snapshot is no exposure', async () => {
    const client = createCanary({ configUrl: publish(appConfig(0, 'o1')), storage: new MemoryStorage(), userId: 'u2' });
    const exposures = vi.fn();
    client.on('exposure', exposures);
    await client.ready();
    const view = mount(() => useSyncExternalStore(client.subscribe, client.getSnapshot).variants.app ?? 'none');
    expect(view.text()).toBe('stable');
    act(() => client.override('app', 'canary'));
    expect(view.text()).toBe('canary');
    await Promise.resolve();
    expect(exposures).not.toHaveBeenCalled();
  });

  it('re-renders when a ramp step passes, from one timer at the step (no polling)', async () => {
    const start = new Date(Date.now() + 400).toISOString();
    const ramp = { ramp: { start, steps: [{ after: '0ms', percentage: 100 }] } };
    const config = { version: 1, revision: 'ramp', features: { app: { ...ramp, stable: { flags: { tone: 'calm' } }, canary: { flags: { tone: 'bold' } } } } };
    const client = createCanary({ configUrl: publish(config), storage: new MemoryStorage(), userId: 'u3' });
    await client.ready();
    const timers = vi.spyOn(window, 'setTimeout');
    const view = mount(() => String(useSyncExternalStore(client.subscribe, client.getSnapshot).flags.tone));
    expect(view.text()).toBe('calm');
    // The store's timers (its function is `check`), not React's or this test's.
    const ours = () => timers.mock.calls.filter(([fn, ms]) => typeof fn === 'function' && fn.name === 'check' && typeof ms === 'number' && ms > 100);
    const waits = ours();
    expect(waits).toHaveLength(1);
    // On the server's clock (the Date header, whole seconds): up to a second later than ours.
    expect(waits[0]![1]).toBeLessThanOrEqual(1401);
    await act(() => new Promise((done) => setTimeout(done, waits[0]![1]! + 100)));
    expect(view.text()).toBe('bold');
    // Past the last step there is nothing left to wait for: no timer since.
    expect(ours()).toHaveLength(1);
  });

  it('tells subscribers of the first config that arrives after a start without one', async () => {
    let offline = true;
    const configUrl = publish(appConfig(100, 'late'));
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const client = createCanary({ configUrl, storage: new MemoryStorage(), userId: 'u5', fetch: (url, init) => (offline ? Promise.reject(new TypeError('offline')) : fetch(url, init)) });
    const view = mount(() => String(useSyncExternalStore(client.subscribe, client.getSnapshot).flags.tone));
    await act(() => client.ready());
    expect(view.text()).toBe('undefined');
    offline = false;
    await act(() => client.refresh());
    expect(view.text()).toBe('bold');
  });

  it('survives a listener that throws, and a listener that is not a function', async () => {
    const client = createCanary({ configUrl: publish(appConfig(100, 't1')), storage: new MemoryStorage(), userId: 'u4' });
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const heard = vi.fn();
    client.subscribe(() => {
      throw new Error('boom');
    });
    const off = client.subscribe(heard);
    expect(() => client.subscribe(42 as never)()).not.toThrow();
    await client.ready();
    expect(heard).toHaveBeenCalledTimes(1);
    off();
    client.override('app', 'stable');
    expect(heard).toHaveBeenCalledTimes(1);
  });
});
