import { describe, expect, it } from 'vitest';
import { readCache, writeCache, type CachedConfig } from '../../src/config/cache';
import { parseConfig } from '../../src/config/parse';
import type { CanaryConfig } from '../../src/config/schema';
import { createConfigSource, type ConfigSourceOptions } from '../../src/config/source';
import type { CanaryError } from '../../src/errors';
import type { ChangeEvent } from '../../src/events/emitter';
import { safeStorage } from '../../src/identity/safe-storage';
import { oneFeature } from '../helpers/configs';
import { MemoryStorage } from '../helpers/memory-storage';

const url = 'https://cdn.example.com/canary-config.json';
const start = Date.parse('2026-11-26T10:00:00Z');
const minute = 60_000;
const week = 7 * 864e5;

/** A config source over a fake fetch (answering `answers` in turn), memory storage and a clock the test moves. */
function setup(answers: (CanaryConfig | string | Error)[], options: Partial<ConfigSourceOptions> = {}) {
  const memory = new MemoryStorage();
  const storage = safeStorage(() => memory);
  const clock = { now: start };
  const errors: CanaryError[] = [];
  const changes: ChangeEvent[] = [];
  let requests = 0;
  const fetcher: typeof fetch = async () => {
    const answer = answers[Math.min(requests++, answers.length - 1)]!;
    if (answer instanceof Error) throw answer;
    return new Response(typeof answer === 'string' ? answer : JSON.stringify(answer), { headers: { date: new Date(clock.now + 5_000).toUTCString() } });
  };
  // The page's side of the config (src/loader/page.ts): the config in use and the cached copy.
  let config: CanaryConfig | null = null;
  let clockOffset = 0;
  const page = {
    configUrl: url,
    storage,
    request: undefined,
    config: () => config,
    apply: (entry: CachedConfig) => {
      config = entry.config;
      clockOffset = entry.serverDate === undefined ? 0 : entry.serverDate - entry.fetchedAt;
    },
    cached: (maxAgeMs: number) => readCache(storage, url, clock.now, maxAgeMs),
  };
  const network = createConfigSource({
    page,
    fetch: fetcher,
    now: () => clock.now,
    timeoutMs: 1500,
    maxStaleMs: week,
    loadValidator: () => Promise.resolve(parseConfig),
    onError: (error) => errors.push(error),
    onChange: (event) => changes.push(event),
    ...options,
  });
  const source = { ...network, config: page.config, clockOffset: () => clockOffset, cached: page.cached, apply: page.apply };
  return { source, memory, storage, clock, errors, changes, requests: () => requests };
}

describe('createConfigSource', () => {
  it('has no config before a fetch or a cached copy', () => {
    const { source } = setup([oneFeature()]);
    expect(source.config()).toBeNull();
    expect(source.clockOffset()).toBe(0);
    expect(source.error()).toBeUndefined();
  });

  it('fetches cold, applies the config with the server clock offset, and caches it for the next page', async () => {
    const { source, storage, clock } = setup([oneFeature()]);
    await source.refresh();
    expect(source.config()).toEqual(oneFeature());
    // The Date header has whole seconds: 5 s ahead, less the milliseconds it drops.
    expect(source.clockOffset()).toBe(5_000);
    expect(readCache(storage, url, clock.now, minute)?.config).toEqual(oneFeature());
  });

  it('gives a fresh cached copy for a warm start, and none once it is older than maxAgeMs', () => {
    const { source, storage, clock } = setup([]);
    writeCache(storage, url, { config: oneFeature(), fetchedAt: start - 30_000, serverDate: undefined });
    expect(source.cached(minute)?.config).toEqual(oneFeature());
    clock.now += 31_000;
    expect(source.cached(minute)).toBeUndefined();
  });

  it('keeps the config in use on a refresh with keep, and caches the new one', async () => {
    const { source, storage, clock, changes } = setup([oneFeature({ percentage: 10 }, 'r2')]);
    source.apply({ config: oneFeature(), fetchedAt: start, serverDate: undefined });
    await source.refresh(true);
    expect(source.config()?.revision).toBe('r1');
    expect(readCache(storage, url, clock.now, minute)?.config.revision).toBe('r2');
    expect(changes).toEqual([]);
  });

  it('uses a stale cached copy when the network fails, and says why', async () => {
    const { source, storage, clock, errors } = setup([new TypeError('Failed to fetch')]);
    writeCache(storage, url, { config: oneFeature(), fetchedAt: start - 3 * 864e5, serverDate: undefined });
    clock.now = start;
    await source.refresh();
    expect(source.config()).toEqual(oneFeature());
    expect(errors.map((e) => e.code)).toEqual(['config-fetch']);
    expect(source.error()).toContain('config request failed');
  });

  it('uses no stale copy when the validator could not load: that config may be the rollback', async () => {
    const { source, storage, errors } = setup([oneFeature({ percentage: 0 }, 'r2')], { loadValidator: () => Promise.reject(new Error('blocked')) });
    writeCache(storage, url, { config: oneFeature(), fetchedAt: start - 3 * 864e5, serverDate: undefined });
    await source.refresh();
    expect(source.config()).toBeNull();
    expect(errors.map((e) => e.code)).toEqual(['validator']);
  });

  it('asks for the validator again on the next refresh after it failed to load', async () => {
    let loads = 0;
    const { source } = setup([oneFeature()], { loadValidator: () => (++loads === 1 ? Promise.reject(new Error('blip')) : Promise.resolve(parseConfig)) });
    await source.refresh();
    expect(source.config()).toBeNull();
    await source.refresh();
    expect(source.config()).toEqual(oneFeature());
    expect(loads).toBe(2);
  });

  it('fires a change only when a fetched config differs from the one in use', async () => {
    const { source, changes } = setup([oneFeature(), oneFeature(), oneFeature({ percentage: 10 }, 'r2')]);
    await source.refresh(); // the first config is no change
    await source.refresh(); // the same again
    expect(changes).toEqual([]);
    await source.refresh();
    expect(changes).toEqual([{ revision: 'r2', previousRevision: 'r1' }]);
  });

  it('says once that storage refused the write, however many refreshes follow', async () => {
    const { source, memory, errors } = setup([oneFeature()]);
    memory.failWrites = true;
    for (let i = 0; i < 3; i++) await source.refresh();
    expect(errors.map((e) => e.code)).toEqual(['storage']);
    expect(source.config()).toEqual(oneFeature());
  });

  it('says nothing about refused writes when the page turned storage off', async () => {
    const { source, memory, errors } = setup([oneFeature()], { storageOff: true });
    memory.failWrites = true;
    await source.refresh();
    expect(errors).toEqual([]);
  });

  it('drops a cached copy the validator refuses once it has loaded, and reports it', async () => {
    const { source, storage, clock, errors } = setup([]);
    const bad = { version: 1, features: { app: { percentag: 5 } } } as unknown as CanaryConfig;
    writeCache(storage, url, { config: bad, fetchedAt: start, serverDate: undefined });
    const cached = source.cached(minute)!;
    source.apply(cached);
    await source.recheck(cached);
    expect(readCache(storage, url, clock.now, minute)).toBeUndefined();
    expect(errors.map((e) => e.code)).toEqual(['config-invalid']);
  });
});
