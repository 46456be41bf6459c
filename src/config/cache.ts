import type { SafeStorage } from '../identity/safe-storage';
import { cacheKey } from '../identity/storage-keys';
import { parseConfig } from './parse';
import type { FetchedConfig } from './fetch';

/** The last good config of one config URL, as kept in storage. */
export interface CachedConfig extends FetchedConfig {
  /** Local clock (epoch ms) when it was fetched. */
  fetchedAt: number;
}

/**
 * The cached config if it was fetched less than `maxAgeMs` before `now` (and not after it),
 * re-validated (storage is writable by any script of the origin); otherwise undefined. The age is checked first: an
 * entry too old to use costs no validation.
 */
export function readCache(storage: SafeStorage, configUrl: string, now: number, maxAgeMs: number): CachedConfig | undefined {
  const { config, fetchedAt, serverDate } = storage.object<Record<string, unknown>>(cacheKey(configUrl));
  if (typeof fetchedAt !== 'number') return undefined;
  // An entry dated ahead of the clock (stored while the clock was wrong, or written by hand) has
  // no age we can know, so it is not used. Counting it as fetched `now` instead would keep it
  // "just fetched" on every page load until the clock caught up: fresh for ever, the rollback
  // bound gone. Refusing costs one fetch. NaN anywhere fails both comparisons.
  const age = now - fetchedAt;
  if (!(age >= 0 && age < maxAgeMs)) return undefined;
  const parsed = parseConfig(config);
  // The server's clock moves the ramps: a value that is not a time is as good as none.
  return parsed.ok ? { config: parsed.config, fetchedAt, serverDate: Number.isFinite(serverDate) ? (serverDate as number) : undefined } : undefined;
}

/** Keeps a fetched config for the next page loads; false when storage refused the write. */
export function writeCache(storage: SafeStorage, configUrl: string, entry: CachedConfig): boolean {
  return storage.set(cacheKey(configUrl), JSON.stringify(entry));
}
