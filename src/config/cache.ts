import type { SafeStorage } from '../identity/safe-storage';
import { parseConfig } from './parse';
import type { CanaryConfig } from './schema';

/** The last good config of one config URL, as kept in storage. */
export interface CachedConfig {
  config: CanaryConfig;
  /** Local clock (epoch ms) when it was fetched. */
  fetchedAt: number;
  /** The server's `Date` at that moment, when the browser could read it. */
  serverDate: number | undefined;
}

export const cacheKey = (configUrl: string): string => `client-canary:config:${configUrl}`;

/** The cached config, re-validated (storage is writable by anyone on the origin), or undefined. */
export function readCache(storage: SafeStorage, configUrl: string): CachedConfig | undefined {
  const entry = storage.object<Partial<CachedConfig>>(cacheKey(configUrl));
  const parsed = typeof entry.fetchedAt === 'number' ? parseConfig(entry.config) : undefined;
  return parsed?.ok ? { config: parsed.config, fetchedAt: entry.fetchedAt!, serverDate: entry.serverDate } : undefined;
}

export function writeCache(storage: SafeStorage, configUrl: string, entry: CachedConfig): boolean {
  return storage.set(cacheKey(configUrl), JSON.stringify(entry));
}
