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
 * The cached config if it was fetched less than `maxAgeMs` before `now`, re-validated (storage is
 * writable by any script of the origin); otherwise undefined. The age is checked first: an
 * entry too old to use costs no validation.
 */
export function readCache(storage: SafeStorage, configUrl: string, now: number, maxAgeMs: number): CachedConfig | undefined {
  const entry = storage.object<Partial<CachedConfig>>(cacheKey(configUrl));
  const parsed = now - entry.fetchedAt! < maxAgeMs ? parseConfig(entry.config) : undefined;
  return parsed?.ok ? { config: parsed.config, fetchedAt: entry.fetchedAt!, serverDate: entry.serverDate } : undefined;
}

/** Keeps a fetched config for the next page loads; false when storage refused the write. */
export function writeCache(storage: SafeStorage, configUrl: string, entry: CachedConfig): boolean {
  return storage.set(cacheKey(configUrl), JSON.stringify(entry));
}
