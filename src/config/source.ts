import { CanaryError } from '../errors';
import type { ChangeEvent } from '../events/emitter';
import type { SafeStorage } from '../identity/safe-storage';
import { dropCache, readCache, writeCache, type CachedConfig } from './cache';
import { fetchConfig } from './fetch';
import type { CanaryConfig } from './schema';
import type { Validate } from './validator';

/** What a {@link ConfigSource} needs: where the config lives, and the page's fetch, storage and clock. */
export interface ConfigSourceOptions {
  /** The absolute URL of `canary-config.json`. */
  configUrl: string;
  /** Default: the global fetch, as it is at each request (a page may wrap it later). */
  fetch?: typeof fetch;
  storage: SafeStorage;
  now: () => number;
  timeoutMs: number;
  /** A cached config younger than this stands in when the fetch fails. */
  maxStaleMs: number;
  /** The validator chunk, loaded on first use (a fresh `import()` or script each call). */
  loadValidator: () => Promise<Validate>;
  /** True when the page turned storage off (`storage: null`): a refused write is expected, not reported. */
  storageOff?: boolean;
  /** Each failure, once per occurrence: the caller reports it (console, `error` event, beacon). */
  onError: (error: CanaryError) => void;
  /** A fetched config that differs from the one in use. */
  onChange: (event: ChangeEvent) => void;
}

/** The config lifecycle of one client: the cached copy, fetches, the stale fallback and changes. */
export interface ConfigSource {
  /** The config in use; null until one is fetched or taken from the cache. */
  config(): CanaryConfig | null;
  /** Server clock minus local clock when the config in use was fetched (0 when unknown). */
  clockOffset(): number;
  /** Why the last fetch gave no config, for decisions of reason `fallback`. */
  error(): string | undefined;
  /** The cached config if fetched less than `maxAgeMs` ago (the warm start), not yet in use. */
  cached(maxAgeMs: number): CachedConfig | undefined;
  /** Puts a cached or fetched entry in use. */
  apply(entry: CachedConfig): void;
  /**
   * Checks a cached entry with the validator once it has loaded (storage is writable by any
   * script of the origin); an invalid one is dropped and reported. Never rejects.
   */
  recheck(entry: CachedConfig): Promise<void>;
  /**
   * Fetches the config, validates it and caches it. `keep`: only cache it, for the next page load
   * (the warm start's background refresh keeps this page on the config its assets were chosen by);
   * otherwise it is applied, and a different one fires `onChange`.
   */
  refresh(keep?: boolean): Promise<void>;
}

/** The config source of one client. Nothing here throws at the caller; failures go to `onError`. */
export function createConfigSource(options: ConfigSourceOptions): ConfigSource {
  const { configUrl, storage, now, onError } = options;
  let config: CanaryConfig | null = null;
  let clockOffset = 0;
  let configError: string | undefined;
  let cacheRefused = false;

  // Loaded once, when a config comes from the network or after the assets of a warm start.
  let validating: Promise<Validate> | undefined;
  const validator = () =>
    (validating ??= options.loadValidator().catch((error: unknown) => {
      validating = undefined; // the next refresh asks again
      throw error;
    }));

  const apply = (entry: CachedConfig) => {
    config = entry.config;
    clockOffset = entry.serverDate === undefined ? 0 : entry.serverDate - entry.fetchedAt;
  };

  return {
    config: () => config,
    clockOffset: () => clockOffset,
    error: () => configError,
    cached: (maxAgeMs) => readCache(storage, configUrl, now(), maxAgeMs),
    apply,
    recheck: (entry) =>
      validator().then(
        (validate) => {
          const checked = validate(entry.config);
          if (!checked.ok) {
            dropCache(storage, configUrl);
            onError(new CanaryError('config-invalid', `the cached config is not valid (${checked.errors[0]!.path}: ${checked.errors[0]!.message}); it is dropped`));
          }
        },
        () => undefined,
      ),
    async refresh(keep) {
      const result = await fetchConfig(configUrl, options.fetch ?? fetch.bind(globalThis), options.timeoutMs, validator);
      if (result.ok) {
        const entry = { ...result.value, fetchedAt: now() };
        const previous = config;
        if (!keep) apply(entry);
        if (previous && !keep && JSON.stringify(previous) !== JSON.stringify(entry.config))
          options.onChange({ revision: entry.config.revision, previousRevision: previous.revision });
        // Said once: storage that refuses refuses every time.
        if (!writeCache(storage, configUrl, entry) && !options.storageOff && !cacheRefused) {
          cacheRefused = true;
          onError(new CanaryError('storage', 'the config could not be cached: storage refused the write'));
        }
      } else {
        onError(result.error);
        configError = result.error.message;
        // A stale copy stands in for a config the network did not give, not for one the validator
        // could not check: that one may be the rollback, and stable is the safe side.
        const stale = config || result.error.code === 'validator' ? undefined : readCache(storage, configUrl, now(), options.maxStaleMs);
        if (stale) apply(stale);
      }
    },
  };
}
