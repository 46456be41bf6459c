// The bootstrap option: a config rendered into the page, decided by at once, then refreshed.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCanary } from '../../src/index';
import { readCache } from '../../src/config/cache';
import { safeStorage } from '../../src/identity/safe-storage';
import { useBucket } from '../helpers/bucket';
import { MemoryStorage } from '../helpers/memory-storage';

const bucket = useBucket();
const config = (percentage: number, revision: string) => ({
  version: 1 as const,
  revision,
  features: { app: { percentage, stable: { flags: { tone: 'calm' } }, canary: { flags: { tone: 'bold' } } } },
});

let path = 0;
const publish = (json: unknown) => {
  const at = `/boot${++path}/canary-config.json`;
  bucket().put(at, JSON.stringify(json));
  return bucket().url(at);
};

afterEach(() => vi.restoreAllMocks());

describe('bootstrap', () => {
  it('decides at once without waiting for a request, then refreshes as a cached config is: fetched and cached for the next load', async () => {
    const configUrl = publish(config(0, 'fetched'));
    const calls: string[] = [];
    const storage = new MemoryStorage();
    const cached = () => readCache(safeStorage(() => storage), configUrl, Date.now(), 60_000)?.config.revision;
    let answer: () => void = () => undefined;
    const slow: typeof fetch = (url, init) => (calls.push(String(url)), new Promise<void>((go) => (answer = go)).then(() => fetch(url, init)));
    const client = createCanary({ configUrl, userId: 'u', storage, bootstrap: config(100, 'rendered'), fetch: slow });
    expect(client.getSnapshot()).toMatchObject({ ready: true, revision: 'rendered', variants: { app: 'canary' }, flags: { tone: 'bold' } });
    expect(client.isCanary('app')).toBe(true);
    await client.ready();
    // The bootstrap itself is not cached: a page from a CDN's cache may carry an old one.
    expect(cached()).toBeUndefined();
    answer();
    await vi.waitFor(() => expect(cached()).toBe('fetched'));
    expect(calls).toEqual([configUrl]);
    // This page stays on what the server rendered.
    expect(client.decide('app')).toMatchObject({ variant: 'canary', revision: 'rendered' });
  });

  it('takes null (a server without a valid config) as no bootstrap, silently', async () => {
    const warn = vi.spyOn(console, 'warn');
    const client = createCanary({ configUrl: publish(config(100, 'n')), userId: 'u', storage: new MemoryStorage(), bootstrap: null as never });
    await client.ready();
    expect(client.decide('app')).toMatchObject({ variant: 'canary', revision: 'n' });
    expect(warn).not.toHaveBeenCalled();
  });

  it('does not throw at the page for a hostile bootstrap, nor leave a rejection behind', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const configUrl = publish(config(0, 'h'));
      const hostile = [
        { get config(): never { throw new Error('getter'); } },
        new Proxy({}, { has: () => { throw new Error('trap'); } }),
        { version: 1, features: { app: { ramp: { start: '2020-01-01T00:00:00Z', steps: 5 } } } },
        { version: 1, features: { app: { ramp: { start: '2020-01-01T00:00:00Z', steps: [null] } } } },
      ];
      for (const bootstrap of hostile) {
        const client = createCanary({ configUrl, userId: 'u', storage: new MemoryStorage(), bootstrap: bootstrap as never });
        client.subscribe(() => undefined);
        expect(client.variant('app')).toBe('stable');
        expect(() => client.getSnapshot()).not.toThrow();
        await client.ready();
      }
      await new Promise((done) => setTimeout(done, 300));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it("uses the app's own id from the server for this page only, not as the device's id", () => {
    const storage = new MemoryStorage();
    const configUrl = publish(config(50, 'x'));
    const client = createCanary({ configUrl, storage, bootstrap: { config: config(50, 'x'), userId: 'account 42', userIdSource: 'option' } });
    expect(client.context().userId).toBe('account 42');
    expect(client.decide('app').userIdSource).toBe('option');
    expect(storage.getItem('client-canary:uid')).not.toBe('account 42');
  });

  it("takes the server's id over a stored one, keeps it, and the app's own id over both", () => {
    const storage = new MemoryStorage();
    storage.setItem('client-canary:uid', 'old-device-id');
    const configUrl = publish(config(50, 'x'));
    const bootstrap = { config: config(50, 'x'), userId: 'server-id' };
    expect(createCanary({ configUrl, storage, bootstrap }).decide('app')).toMatchObject({ userIdSource: 'cookie' });
    expect(createCanary({ configUrl, storage, bootstrap }).context().userId).toBe('server-id');
    expect(storage.getItem('client-canary:uid')).toBe('server-id');
    expect(createCanary({ configUrl, storage, bootstrap, userId: 'account' }).context().userId).toBe('account');
    // A value that is not an id is not taken.
    expect(createCanary({ configUrl, storage: new MemoryStorage(), bootstrap: { ...bootstrap, userId: 'a b<' } }).context().userId).not.toBe('a b<');
  });

  it("decides targeting with the bootstrap's attributes unless the app gives its own", () => {
    const targeted = { version: 1 as const, features: { kiwi: { percentage: 100, match: { country: ['NZ'] } } } };
    const configUrl = publish(targeted);
    const bootstrap = { config: targeted, userId: 'k', attributes: { country: 'NZ' } };
    expect(createCanary({ configUrl, storage: new MemoryStorage(), bootstrap }).variant('kiwi')).toBe('canary');
    expect(createCanary({ configUrl, storage: new MemoryStorage(), bootstrap, attributes: { country: 'AU' } }).variant('kiwi')).toBe('stable');
  });

  it('reports a bootstrap that is not a config, and starts as without one', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const configUrl = publish(config(100, 'net'));
    const client = createCanary({ configUrl, userId: 'u', storage: new MemoryStorage(), bootstrap: { features: 'nope' } as never });
    const errors: string[] = [];
    client.on('error', (e) => errors.push(`${e.code}: ${e.message}`));
    expect(client.getSnapshot().ready).toBe(false);
    await client.ready();
    expect(client.decide('app')).toMatchObject({ variant: 'canary', revision: 'net' });
    expect(warn.mock.calls.join('\n')).toMatch(/bootstrap: expected a config/);
  });

  it('reports a bootstrap of the right shape that the validator refuses, and keeps the cache', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const configUrl = publish(config(0, 'ok'));
    const client = createCanary({ configUrl, userId: 'u', storage: new MemoryStorage(), bootstrap: { version: 1, features: { app: { percentage: 500 } } } as never });
    client.on('error', (e) => errors.push(`${e.code}: ${e.message}`));
    await vi.waitFor(() => expect(errors).toEqual([expect.stringMatching(/^config-invalid: the bootstrap config is not valid \(features\.app\.percentage/)]));
  });
});
