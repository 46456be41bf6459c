import type { SafeStorage } from '../identity/safe-storage';
import { cacheKey } from '../identity/storage-keys';
import type { FetchedConfig } from './fetch';

/** The last good config of one config URL, as kept in storage. */
export interface CachedConfig extends FetchedConfig {
  /** Local clock (epoch ms) when it was fetched. */
  fetchedAt: number;
}

/**
 * What only `writeCache` writes, after validation: the warm start decides from the cached config
 * without a validator, so an entry without it (an older SDK's, or one a script of the origin
 * made) is not trusted, and the cold path runs.
 */
const STAMP = 'client-canary/1';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

// The shape the warm start walks without a validator: features of objects, variants of objects,
// assets in lists. Values inside are decide's and the origin policy's to judge.
const isVariant = (variant: unknown) => variant === undefined || (isRecord(variant) && (variant.assets === undefined || Array.isArray(variant.assets)));
const isFeatures = (features: unknown) => isRecord(features) && Object.values(features).every((f) => isRecord(f) && isVariant(f.stable) && isVariant(f.canary));

/** A config of the shape the page walks before the validator has checked it (a cached or bootstrapped one). */
export const hasConfigShape = (config: unknown): config is CachedConfig['config'] => isRecord(config) && config.version === 1 && isFeatures(config.features);

/**
 * The cached config if it was fetched less than `maxAgeMs` before `now` (and not after it), and
 * is what `writeCache` wrote: stamped, of the config's shape. Not validated again: `decide` takes
 * any value without throwing, and every asset URL still passes the origin policy.
 */
export function readCache(storage: SafeStorage, configUrl: string, now: number, maxAgeMs: number): CachedConfig | undefined {
  const { config, fetchedAt, serverDate, stamp } = storage.object<Record<string, unknown>>(cacheKey(configUrl));
  if (stamp !== STAMP || typeof fetchedAt !== 'number' || !hasConfigShape(config)) return undefined;
  // An entry dated ahead of the clock (stored while the clock was wrong, or written by hand) has
  // no age we can know, so it is not used. Counting it as fetched `now` instead would keep it
  // "just fetched" on every page load until the clock caught up: fresh for ever, the rollback
  // bound gone. Refusing costs one fetch. NaN anywhere fails both comparisons.
  const age = now - fetchedAt;
  if (!(age >= 0 && age < maxAgeMs)) return undefined;
  // The server's clock moves the ramps: a value that is not a time is as good as none.
  return { config, fetchedAt, serverDate: Number.isFinite(serverDate) ? (serverDate as number) : undefined };
}

/** Keeps a validated config for the next page loads; false when storage refused the write. */
export function writeCache(storage: SafeStorage, configUrl: string, entry: CachedConfig): boolean {
  return storage.set(cacheKey(configUrl), JSON.stringify({ ...entry, stamp: STAMP }));
}

/** Forgets the cached config (one that turned out invalid). */
export function dropCache(storage: SafeStorage, configUrl: string): void {
  storage.remove(cacheKey(configUrl));
}
