import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCanary, type CanaryOptions } from '../src/index';
import { cacheKey } from '../src/identity/storage-keys';
import { writeCache } from '../src/config/cache';
import type { CanaryConfig } from '../src/config/schema';
import { safeStorage } from '../src/identity/safe-storage';
import { bucketOf } from '../src/decide/bucket';
import { decide } from '../src/decide/decide';
import { useBucket } from './helpers/bucket';
import { oneFeature, userIds } from './helpers/configs';
import { MemoryStorage } from './helpers/memory-storage';

const bucket = useBucket();

const config = {
  version: 1,
  revision: 'r1',
  features: {
    app: { percentage: 50, stable: { flags: { newCheckout: false, theme: 'light' } }, canary: { flags: { newCheckout: true, theme: 'dark', limit: 5 } } },
    search: { percentage: 0 },
  },
};

let path = 0;
/** Puts `json` at a fresh path of the bucket and returns its URL. */
const publish = (json: unknown = config): string => {
  const key = `/c${++path}/canary-config.json`;
  bucket().put(key, typeof json === 'string' ? json : JSON.stringify(json));
  return bucket().url(key);
};

const start = (options: Partial<CanaryOptions> & { configUrl: string }) =>
  createCanary({ storage: new MemoryStorage(), ...options });

afterEach(() => vi.restoreAllMocks());

describe('createCanary over a fetched config', () => {
  it('decides each user as the pure decide() does for the same config', async () => {
    const configUrl = publish();
    for (const userId of userIds(40)) {
      const client = start({ configUrl, userId });
      await client.ready();
      const expected = decide(oneFeature({ percentage: 50 }), 'app', { userId }).variant;
      expect(client.variant('app')).toBe(expected);
      expect(client.isCanary('app')).toBe(expected === 'canary');
      expect(client.decide('app')).toMatchObject({ reason: 'rollout', bucket: bucketOf('app', userId), percentage: 50, revision: 'r1', userIdSource: 'option' });
    }
  });

  it('fetches once, without credentials and with cache: no-cache', async () => {
    const configUrl = publish();
    const calls: [string, RequestInit | undefined][] = [];
    const client = start({ configUrl, fetch: (url, init) => (calls.push([String(url), init]), fetch(url, init)) });
    await client.ready();
    expect(calls).toHaveLength(1);
    expect(calls[0]![1]).toMatchObject({ cache: 'no-cache', credentials: 'omit' });
    expect(calls[0]![1]!.headers).toBeUndefined();
  });

  it('gives flags of the chosen variant, and the default for a missing or mistyped flag', async () => {
    const configUrl = publish();
    const [canaryUser, stableUser] = [userIds(100).find((u) => bucketOf('app', u) < 5000)!, userIds(100).find((u) => bucketOf('app', u) >= 5000)!];
    const canary = start({ configUrl, userId: canaryUser });
    const stable = start({ configUrl, userId: stableUser });
    await Promise.all([canary.ready(), stable.ready()]);
    expect(canary.flag('newCheckout', false)).toBe(true);
    expect(stable.flag('newCheckout', true)).toBe(false);
    expect(canary.flag('theme', 'x')).toBe('dark');
    expect(canary.flag('theme', 0)).toBe(0); // wrong type → default
    expect(stable.flag('limit', 9)).toBe(9); // declared by the canary only
    expect(canary.flag('limit', 9)).toBe(5);
    expect(canary.flag('nope', 'd')).toBe('d');
    expect(canary.flag('toString', 'd')).toBe('d');
    expect(canary.flags()).toEqual({ newCheckout: true, theme: 'dark', limit: 5 });
    expect(stable.flags()).toEqual({ newCheckout: false, theme: 'light' });
  });

  it('hears the first exposures with a listener added right after the start, in the same task', async () => {
    const storage = new MemoryStorage();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined); // no document here: assets are refused
    const configUrl = publish({ ...config, features: { ...config.features, app: { ...config.features.app, stable: { assets: ['a.js'] }, canary: { assets: ['b.js'] } } } });
    await start({ configUrl, storage, userId: 'u' }).ready(); // caches the config
    const warm = createCanary({ configUrl, storage, userId: 'u', loadAssets: true, fetch: () => new Promise(() => undefined) });
    const heard: string[] = [];
    warm.on('exposure', (e) => heard.push(e.feature)); // after createCanary decided synchronously
    await Promise.resolve();
    expect(heard).toEqual(['app']);
  });

  it('fires one exposure per feature, with what the decision used, and stops after unsubscribe', async () => {
    const client = start({ configUrl: publish(), userId: 'user-7' });
    const exposures: unknown[] = [];
    const off = client.on('exposure', (e) => exposures.push(e));
    await client.ready();
    client.isCanary('app');
    client.variant('app');
    client.flag('theme', 'light');
    await Promise.resolve(); // events arrive in a microtask
    expect(exposures).toEqual([{ feature: 'app', variant: client.variant('app'), reason: 'rollout', bucket: bucketOf('app', 'user-7'), percentage: 50, revision: 'r1', userId: 'user-7' }]);
    off();
    client.isCanary('search');
    await Promise.resolve();
    expect(exposures).toHaveLength(1);
  });

  it('applies overrides from the option and from override(), and clears them with null', async () => {
    const client = start({ configUrl: publish(), userId: 'user-1', overrides: { search: 'canary' } });
    await client.ready();
    expect(client.decide('search')).toMatchObject({ variant: 'canary', reason: 'override' });
    client.override('app', 'canary');
    expect(client.decide('app')).toMatchObject({ variant: 'canary', reason: 'override' });
    client.override('app', 'stable');
    expect(client.variant('app')).toBe('stable');
    client.override('app', null);
    expect(client.decide('app').reason).toBe('rollout');
  });

  it('gives context() for an error tracker and a debug() table', async () => {
    const client = start({ configUrl: publish(), userId: 'user-3' });
    await client.ready();
    expect(client.context()).toEqual({ userId: 'user-3', variants: { app: client.variant('app'), search: 'stable' } });
    const table = vi.spyOn(console, 'table').mockImplementation(() => undefined);
    client.debug();
    expect(table).toHaveBeenCalledWith([expect.objectContaining({ feature: 'app' }), expect.objectContaining({ feature: 'search' })]);
  });

  it('answers unknown for a feature missing from the config', async () => {
    const client = start({ configUrl: publish(), userId: 'u' });
    await client.ready();
    expect(client.decide('other')).toMatchObject({ variant: 'stable', reason: 'unknown' });
  });
});

describe('createCanary when things go wrong', () => {
  const failures: [string, () => string, Partial<CanaryOptions>, string][] = [
    ['HTTP 500', () => (bucket().fault('/f500.json', { status: 500 }), bucket().url('/f500.json')), {}, 'config-fetch'],
    ['HTTP 403 (a missing key on S3)', () => bucket().url('/missing/canary-config.json'), {}, 'config-fetch'],
    ['a timeout', () => (bucket().fault('/slow.json', { delayMs: 500 }), bucket().url('/slow.json')), { timeoutMs: 100 }, 'config-fetch'],
    ['invalid JSON', () => (bucket().fault('/bad.json', { invalidJson: true }), bucket().url('/bad.json')), {}, 'config-invalid'],
    ['a schema error', () => publish({ version: 1, features: { app: { percentage: 500 } } }), {}, 'config-invalid'],
    ['a body over 256 KiB', () => (bucket().fault('/big.json', { oversize: 300 * 1024 }), bucket().url('/big.json')), {}, 'config-invalid'],
    ['a truncated body', () => (bucket().put('/cut.json', JSON.stringify(config)), bucket().fault('/cut.json', { truncate: true }), bucket().url('/cut.json')), {}, 'config-'],
    ['a closed port', () => 'http://127.0.0.1:9/canary-config.json', {}, 'config-fetch'],
  ];

  it.each(failures)('ends in stable "fallback" on %s, with an error event', async (_name, url, extra, code) => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const errors: { code: string; message: string }[] = [];
    const configUrl = url();
    const client = start({ configUrl, userId: 'u', ...extra });
    client.on('error', (e) => errors.push(e));
    await expect(client.ready()).resolves.toBeUndefined();
    expect(client.decide('app')).toMatchObject({ variant: 'stable', reason: 'fallback', error: errors[0]!.message });
    expect(client.isCanary('app')).toBe(false);
    expect(client.flag('newCheckout', false)).toBe(false);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code.startsWith(code)).toBe(true);
    expect(errors[0]!.message).toContain(configUrl);
  });

  it('never throws at the page, even when a listener throws or arguments are nonsense', async () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    vi.spyOn(console, 'table').mockImplementation(() => undefined);
    const client = start({ configUrl: publish(), userId: 'u' });
    client.on('exposure', () => {
      throw new Error('listener bug');
    });
    await client.ready();
    const nonsense = [undefined, null, 42, {}, '__proto__', 'constructor'] as unknown as string[];
    for (const value of nonsense) {
      expect(client.isCanary(value)).toBe(false);
      expect(client.variant(value)).toBe('stable');
      expect(client.decide(value).variant).toBe('stable');
      expect(client.flag(value, 3)).toBe(3);
      expect(() => client.override(value, 'canary' as never)).not.toThrow();
      expect(() => client.on(value as never, 5 as never)).not.toThrow();
      await expect(client.loadAssets(value)).resolves.toMatchObject({ loaded: [] });
    }
    expect(() => client.context()).not.toThrow();
    expect(() => client.debug()).not.toThrow();
    await Promise.resolve();
    expect(consoleError).toHaveBeenCalledWith('client-canary: an "exposure" listener threw', expect.any(Error));
  });

  it('reports a missing configUrl and stays stable', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const client = createCanary({ configUrl: '', storage: null, userId: 'u' });
    await client.ready();
    expect(client.decide('app').reason).toBe('fallback');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('configUrl is required'));
  });

  it('starts (and says what is missing) even when called without options from plain JavaScript', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const client = (createCanary as (options?: unknown) => ReturnType<typeof createCanary>)();
    await client.ready();
    expect(client.decide('app').reason).toBe('fallback');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('configUrl is required'));
  });

  it('hashes a number user id from plain JavaScript as its text, not as an empty id', async () => {
    const client = start({ configUrl: publish(), userId: 42 as unknown as string });
    await client.ready();
    expect(client.decide('app').bucket).toBe(bucketOf('app', '42'));
  });

  it('uses the fallback flags when no config is usable', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const client = start({ configUrl: bucket().url('/nothing.json'), userId: 'u', fallback: { app: { flags: { theme: 'light' } } } });
    await client.ready();
    expect(client.flag('theme', 'x')).toBe('light');
    expect(client.flags()).toEqual({ theme: 'light' });
  });
});

describe('the config cache', () => {
  const cached = (storage: MemoryStorage, configUrl: string, fetchedAt: number, revision: string, app?: object) =>
    writeCache(safeStorage(() => storage), configUrl, { config: { ...config, revision, ...(app && { features: { app } }) } as CanaryConfig, fetchedAt, serverDate: undefined });

  it('uses a stale cached config when the fetch fails, up to maxStaleMs', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const configUrl = bucket().url('/gone/canary-config.json'); // 403
    const storage = new MemoryStorage();
    cached(storage, configUrl, 1_000, 'old');
    const now = () => 1_000 + 3 * 864e5; // three days later: stale, but within 7 days
    const client = start({ configUrl, storage, userId: 'u', now });
    await client.ready();
    expect(client.decide('app')).toMatchObject({ reason: 'rollout', revision: 'old' });
  });

  it('gives up a cached config older than maxStaleMs: fallback', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const configUrl = bucket().url('/gone/canary-config.json');
    const storage = new MemoryStorage();
    cached(storage, configUrl, 1_000, 'old');
    const client = start({ configUrl, storage, userId: 'u', now: () => 1_000 + 8 * 864e5 });
    await client.ready();
    expect(client.decide('app').reason).toBe('fallback');
  });

  it('fetches a cached config older than maxAgeMs before deciding, and uses the fresh one', async () => {
    const configUrl = publish({ ...config, revision: 'new' });
    const storage = new MemoryStorage();
    cached(storage, configUrl, 1_000, 'old');
    const client = start({ configUrl, storage, userId: 'u', now: () => 1_000 + 61_000 });
    expect(client.decide('app').reason).toBe('fallback'); // not decided yet: waiting for the fetch
    await client.ready();
    expect(client.decide('app').revision).toBe('new');
  });

  it('keeps this page on the cached config while the background refresh caches the new one', async () => {
    const configUrl = publish({ ...config, revision: 'new' });
    const storage = new MemoryStorage();
    cached(storage, configUrl, 1_000, 'old');
    let fetched!: Promise<unknown>;
    const client = start({ configUrl, storage, userId: 'u', now: () => 2_000, fetch: (url, init) => (fetched = fetch(url, init)) });
    expect(client.decide('app').revision).toBe('old');
    await fetched;
    await expect.poll(() => storage.getItem(cacheKey(configUrl))).toContain('"new"');
    expect(client.decide('app').revision).toBe('old');
    const changes: unknown[] = [];
    client.on('change', (e) => changes.push(e));
    await client.refresh(); // an explicit refresh applies it
    expect(client.decide('app').revision).toBe('new');
    expect(changes).toEqual([{ revision: 'new', previousRevision: 'old' }]);
  });

  it('decides a warm start from a stamped cached config, then drops it when the validator refuses it', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const configUrl = publish();
    const storage = new MemoryStorage();
    cached(storage, configUrl, 1_000, 'tampered', { percentage: 900 });
    const errors: string[] = [];
    const client = start({ configUrl, storage, userId: 'u', now: () => 2_000 });
    client.on('error', (e) => errors.push(e.message));
    expect(client.decide('app').revision).toBe('tampered');
    await expect.poll(() => errors).toContainEqual(expect.stringContaining('the cached config is not valid (features.app.percentage'));
    // Dropped, then replaced by the background refresh's fetched config.
    await expect.poll(() => storage.getItem(cacheKey(configUrl))).toContain('"r1"');
    expect(warn).toHaveBeenCalled();
  });

  it('ignores a cached entry that is not a valid config', async () => {
    const configUrl = publish();
    const storage = new MemoryStorage();
    storage.setItem(cacheKey(configUrl), JSON.stringify({ config: { version: 1, features: { app: { percentage: 900 } } }, fetchedAt: 1_000 }));
    const calls: string[] = [];
    const client = start({ configUrl, storage, userId: 'u', now: () => 2_000, fetch: (url, init) => (calls.push(String(url)), fetch(url, init)) });
    await client.ready();
    expect(calls).toHaveLength(1); // fetched before deciding: the broken entry was not trusted
    expect(client.decide('app').revision).toBe('r1');
  });

  it('decides synchronously from a fresh cached config without any request, then refreshes', async () => {
    const configUrl = publish();
    const storage = new MemoryStorage();
    let now = 1_000_000;
    await start({ configUrl, storage, userId: 'u', now: () => now }).ready();
    expect(storage.getItem(cacheKey(configUrl))).toContain('"r1"');
    const calls: string[] = [];
    now += 1000;
    const warmStart = createCanary({ configUrl, storage, userId: 'u', now: () => now, fetch: (url, init) => (calls.push(String(url)), fetch(url, init)) });
    // Decided before any await; the order against the request is asserted in Chromium
    // (test/browser/caching.test.ts: the asset tags go in before the one config request).
    expect(warmStart.decide('app').reason).toBe('rollout');
    expect(calls).toHaveLength(1); // the background refresh
  });
});

describe('the cold start\'s own request', () => {
  it('is aborted when the timeout passes, as a request of the client\'s would be', async () => {
    const signals: (AbortSignal | null | undefined)[] = [];
    const hung = ((_url: string, init?: RequestInit) => (signals.push(init?.signal), new Promise<Response>(() => undefined))) as typeof globalThis.fetch;
    const client = createCanary({ configUrl: 'https://cdn.example/c.json', timeoutMs: 50, storage: new MemoryStorage(), fetch: hung });
    await client.ready();
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(true);
    expect(client.decide('app').reason).toBe('fallback');
  });
});
