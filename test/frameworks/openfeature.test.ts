// CanaryProvider under the real @openfeature/web-sdk: values, variants, reasons, context, events, hooks.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ErrorCode, InMemoryProvider, OpenFeature, ProviderEvents, ProviderStatus, type Hook } from '@openfeature/web-sdk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bucketOf } from '../../src/decide/bucket';
import { decide } from '../../src/decide/decide';
import { CanaryProvider } from '../../src/openfeature/provider';
import { useBucket } from '../helpers/bucket';
import { userIds } from '../helpers/configs';
import { MemoryStorage } from '../helpers/memory-storage';
import { readmeBlock } from '../helpers/readme';

const bucket = useBucket({ cacheControl: 'no-store' });

const config = (searchPercentage = 50, revision = 'of1') => ({
  version: 1,
  revision,
  features: {
    search: { percentage: searchPercentage, stable: { flags: { searchLimit: 20, ranker: 'bm25' } }, canary: { flags: { searchLimit: 50, ranker: 'neural', fuzzy: true } } },
    checkout: { percentage: 0, allow: ['qa-1'], match: { country: ['NZ'] }, stable: { flags: { newCheckout: false } }, canary: { flags: { newCheckout: true } } },
    legacy: { enabled: false, percentage: 100, stable: { flags: { oldNav: true } }, canary: { flags: { oldNav: false } } },
  },
});

let path = 0;
const publish = (json: unknown, at = `/of${++path}/canary-config.json`) => {
  bucket().put(at, JSON.stringify(json));
  return bucket().url(at);
};

let domain = 0;
/** A provider in a domain of its own (OpenFeature's API is one global), set and ready. */
async function start(options: Partial<ConstructorParameters<typeof CanaryProvider>[0]> = {}, context?: Record<string, string>) {
  const name = `d${++domain}`;
  const provider = new CanaryProvider({ configUrl: publish(config()), storage: new MemoryStorage(), ...options });
  if (context) await OpenFeature.setContext(name, context);
  await OpenFeature.setProviderAndWait(name, provider);
  return { provider, client: OpenFeature.getClient(name), name };
}

afterEach(async () => {
  vi.restoreAllMocks();
  await OpenFeature.clearProviders();
});

describe('CanaryProvider', () => {
  it("the README's example runs as written: targetingKey is the user id", async () => {
    const configUrl = publish(config());
    const code = readmeBlock('### OpenFeature', 'ts')
      .replace('https://my-bucket.s3.amazonaws.com/canary-config.json', configUrl)
      .replace("from 'client-canary/openfeature'", `from '${resolve('src/openfeature/provider.ts')}'`);
    expect(code).toContain(configUrl);
    mkdirSync('test/.recipes', { recursive: true });
    const file = resolve(`test/.recipes/openfeature-${Date.now()}.ts`);
    writeFileSync(file, `${code}\nexport { limit, provider };\n`);
    const { limit, provider } = (await import(/* @vite-ignore */ file)) as { limit: number; provider: CanaryProvider };
    const expected = decide(config() as never, 'search', { userId: 'user-42' }).variant === 'canary' ? 50 : 20;
    expect(limit).toBe(expected);
    expect(provider.client.context().userId).toBe('user-42');
  });

  it('values each flag in the chosen variant of its feature, with the variant and SPLIT, as decide() does', async () => {
    const seen = new Set<string>();
    for (const userId of userIds(12)) {
      const { client, name } = await start({}, { targetingKey: userId });
      const variant = decide(config() as never, 'search', { userId }).variant;
      seen.add(variant);
      const details = client.getNumberDetails('searchLimit', 0);
      expect(details).toMatchObject({ value: variant === 'canary' ? 50 : 20, variant, reason: 'SPLIT' });
      expect(details.flagMetadata).toMatchObject({ feature: 'search', reason: 'rollout', bucket: bucketOf('search', userId), percentage: 50, revision: 'of1' });
      expect(client.getStringValue('ranker', 'none')).toBe(variant === 'canary' ? 'neural' : 'bm25');
      // Declared by the canary only: the stable variant leaves it to the default.
      expect(client.getBooleanDetails('fuzzy', false)).toMatchObject({ value: variant === 'canary', variant, reason: variant === 'canary' ? 'SPLIT' : 'DEFAULT' });
      // The feature itself is a flag too.
      expect(client.getStringValue('search', 'x')).toBe(variant);
      expect(client.getBooleanValue('search', false)).toBe(variant === 'canary');
      await OpenFeature.setProviderAndWait(name, new InMemoryProvider({}));
    }
    expect(seen).toEqual(new Set(['stable', 'canary']));
  });

  it('maps targeting, the kill switch, overrides and errors to OpenFeature reasons and codes', async () => {
    const { client, provider } = await start({}, { targetingKey: 'someone', country: 'NZ' });
    expect(client.getBooleanDetails('newCheckout', false)).toMatchObject({ value: false, variant: 'stable', reason: 'SPLIT' });
    await OpenFeature.setContext(`d${domain}`, { targetingKey: 'qa-1' });
    expect(client.getBooleanDetails('newCheckout', false)).toMatchObject({ value: true, variant: 'canary', reason: 'TARGETING_MATCH' });
    await OpenFeature.setContext(`d${domain}`, { targetingKey: 'someone', country: 'AU' });
    expect(client.getBooleanDetails('newCheckout', true)).toMatchObject({ value: false, variant: 'stable', reason: 'TARGETING_MATCH', flagMetadata: expect.objectContaining({ reason: 'unmatched' }) });
    expect(client.getBooleanDetails('oldNav', false)).toMatchObject({ value: true, variant: 'stable', reason: 'DISABLED' });
    provider.client.override('search', 'canary');
    expect(client.getNumberDetails('searchLimit', 0)).toMatchObject({ value: 50, variant: 'canary', reason: 'STATIC' });
    expect(client.getNumberDetails('nope', 7)).toMatchObject({ value: 7, reason: 'ERROR', errorCode: ErrorCode.FLAG_NOT_FOUND });
    expect(client.getStringDetails('searchLimit', 'x')).toMatchObject({ value: 'x', reason: 'ERROR', errorCode: ErrorCode.TYPE_MISMATCH });
    expect(client.getObjectDetails('searchLimit', {})).toMatchObject({ value: {}, errorCode: ErrorCode.TYPE_MISMATCH });
  });

  it('re-decides when the context changes, and sends an exposure for the new user', async () => {
    const [a, b] = userIds(200).reduce<[string?, string?]>(([x, y], id) => {
      const v = decide(config() as never, 'search', { userId: id }).variant;
      return [x ?? (v === 'canary' ? id : undefined), y ?? (v === 'stable' ? id : undefined)];
    }, []);
    const { client, provider, name } = await start({}, { targetingKey: a! });
    const exposures: { userId: string; variant: string }[] = [];
    provider.client.on('exposure', (e) => exposures.push(e));
    expect(client.getNumberValue('searchLimit', 0)).toBe(50);
    await OpenFeature.setContext(name, { targetingKey: b! });
    expect(client.getNumberValue('searchLimit', 0)).toBe(20);
    await Promise.resolve();
    expect(exposures).toEqual([expect.objectContaining({ userId: a, variant: 'canary' }), expect.objectContaining({ userId: b, variant: 'stable' })]);
    // No targetingKey: back to the device's own sticky id.
    await OpenFeature.setContext(name, {});
    expect(provider.client.context().userId).not.toBe(b);
  });

  it('says CONFIGURATION_CHANGED with the flags a new config changed, STALE on a failed refresh, READY after', async () => {
    const at = `/events${++path}/canary-config.json`;
    const { client, provider } = await start({ configUrl: publish(config(0, 'e1'), at) }, { targetingKey: 'user-e' });
    const events: { type: string; flagsChanged?: string[] }[] = [];
    for (const type of [ProviderEvents.ConfigurationChanged, ProviderEvents.Stale, ProviderEvents.Ready, ProviderEvents.Error])
      client.addHandler(type, (details) => {
        const changed = details && 'flagsChanged' in details ? (details.flagsChanged as string[] | undefined) : undefined;
        events.push(changed ? { type, flagsChanged: changed } : { type });
      });
    await vi.waitFor(() => expect(events).toContainEqual({ type: ProviderEvents.Ready }));
    events.length = 0;
    publish(config(100, 'e2'), at);
    await provider.client.refresh();
    await vi.waitFor(() => expect(events).toHaveLength(1));
    expect(events[0]).toEqual({ type: ProviderEvents.ConfigurationChanged, flagsChanged: expect.arrayContaining(['search', 'searchLimit', 'ranker', 'fuzzy']) });
    expect(client.getNumberValue('searchLimit', 0)).toBe(50);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    bucket().put(at, '{ not json');
    await provider.client.refresh();
    await vi.waitFor(() => expect(client.providerStatus).toBe(ProviderStatus.STALE));
    // The copy in use still decides.
    expect(client.getNumberValue('searchLimit', 0)).toBe(50);
    publish(config(100, 'e2'), at);
    await provider.client.refresh();
    await vi.waitFor(() => expect(client.providerStatus).toBe(ProviderStatus.READY));
    expect(events.map((e) => e.type)).toEqual([ProviderEvents.ConfigurationChanged, ProviderEvents.Stale, ProviderEvents.Ready]);
  });

  it('without any config: ready, then ERROR; flags are the fallback\'s (DEFAULT) or not found', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const fallback = { search: { flags: { searchLimit: 10 } } };
    const { client } = await start({ configUrl: bucket().url('/missing/canary-config.json'), fallback, timeoutMs: 500 });
    await vi.waitFor(() => expect(client.providerStatus).toBe(ProviderStatus.ERROR));
    expect(client.getNumberDetails('searchLimit', 0)).toMatchObject({ value: 10, variant: 'stable', reason: 'DEFAULT' });
    expect(client.getStringDetails('ranker', 'bm25')).toMatchObject({ value: 'bm25', errorCode: ErrorCode.FLAG_NOT_FOUND, errorMessage: expect.stringContaining('no config') });
  });

  it("keeps the bootstrap's attributes under a context, and a context change is no configuration change", async () => {
    const kiwi = { version: 1 as const, features: { kiwi: { percentage: 100, match: { country: ['NZ'] }, stable: { flags: { kiwiFlag: false } }, canary: { flags: { kiwiFlag: true } } }, search: config().features.search } };
    const { client, name } = await start({ bootstrap: { config: kiwi, userId: 'srv', attributes: { country: 'NZ' } } }, { targetingKey: 'srv' });
    expect(client.getBooleanDetails('kiwiFlag', false)).toMatchObject({ value: true, variant: 'canary' });
    const events: string[] = [];
    for (const type of [ProviderEvents.ConfigurationChanged, ProviderEvents.ContextChanged]) client.addHandler(type, () => events.push(type));
    // Users until searchLimit flips: a context change that changes a flag.
    const before = client.getNumberValue('searchLimit', 0);
    for (const userId of userIds(50)) {
      await OpenFeature.setContext(name, { targetingKey: userId });
      if (client.getNumberValue('searchLimit', 0) !== before) break;
    }
    expect(client.getNumberValue('searchLimit', 0)).not.toBe(before);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e === ProviderEvents.ContextChanged)).toBe(true);
  });

  it('lets a hook tag an error tracker with every evaluation', async () => {
    const tracker: Record<string, unknown> = {};
    const hook: Hook = { after: (hookContext, details) => void (tracker[hookContext.flagKey] = details.variant) };
    const { client } = await start({}, { targetingKey: 'tagged' });
    client.addHooks(hook);
    client.getNumberValue('searchLimit', 0);
    client.getBooleanValue('newCheckout', false);
    expect(tracker).toEqual({ searchLimit: decide(config() as never, 'search', { userId: 'tagged' }).variant, newCheckout: 'stable' });
  });
});
