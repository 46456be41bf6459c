import { CanaryError } from '../errors';
import type { ChangeEvent } from '../events/emitter';
import type { Page } from '../loader/page';
import { dropCache, writeCache, type CachedConfig } from './cache';
import { fetchConfig } from './fetch';
import type { Validate } from './validator';

/** What a {@link ConfigSource} needs: the page whose config it keeps, and the page's fetch and clock. */
export interface ConfigSourceOptions {
  /** The page: its config URL, storage and the config in use. */
  page: Pick<Page, 'configUrl' | 'storage' | 'config' | 'apply' | 'cached' | 'request'>;
  /** Default: the global fetch, as it is at each request (a page may wrap it later). */
  fetch?: typeof fetch;
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
  /** A config was fetched and validated, changed or not. */
  onFetched?: () => void;
}

/** The network side of a page's config: fetches, the validator, the stale fallback and changes. */
export interface ConfigSource {
  /** Why the last fetch gave no config, for decisions of reason `fallback`. */
  error(): string | undefined;
  /**
   * Checks a cached entry with the validator once it has loaded (storage is writable by any
   * script of the origin); an invalid one is dropped and reported. Never rejects.
   */
  recheck(entry: CachedConfig, bootstrapped?: boolean): Promise<void>;
  /**
   * Fetches the config, validates it and caches it. `keep`: only cache it, for the next page load
   * (the warm start's background refresh keeps this page on the config its assets were chosen by);
   * otherwise it is applied, and a different one fires `onChange`. The first refresh takes the
   * request the page started (the cold start's).
   */
  refresh(keep?: boolean): Promise<void>;
}

/** The config source of one page. Nothing here throws at the caller; failures go to `onError`. */
export function createConfigSource(options: ConfigSourceOptions): ConfigSource {
  const { page, now, onError } = options;
  const { configUrl, storage } = page;
  let configError: string | undefined;
  let cacheRefused = false;

  // Loaded once, when a config comes from the network or after the assets of a warm start.
  let validating: Promise<Validate> | undefined;
  const validator = () =>
    (validating ??= options.loadValidator().catch((error: unknown) => {
      validating = undefined; // the next refresh asks again
      throw error;
    }));

  return {
    error: () => configError,
    recheck: (entry, bootstrapped) =>
      validator().then(
        (validate) => {
          const checked = validate(entry.config);
          if (!checked.ok) {
            const why = `(${checked.errors[0]!.path}: ${checked.errors[0]!.message})`;
            if (!bootstrapped) dropCache(storage, configUrl);
            onError(new CanaryError('config-invalid', bootstrapped ? `the bootstrap config is not valid ${why}; the server's copy needs fixing` : `the cached config is not valid ${why}; it is dropped`));
          }
        },
        () => undefined,
      ),
    async refresh(keep) {
      // The page's own request, once: its time counts from when the page sent it.
      const early = page.request;
      page.request = undefined;
      // The page's request is aborted when this refresh gives up on it (its timeout).
      const fetcher: typeof fetch = early
        ? (_, init) => (init?.signal?.addEventListener('abort', early.abort), early.sent)
        : (options.fetch ?? ((url, init) => fetch(url, init)));
      const result = await fetchConfig(configUrl, fetcher, options.timeoutMs, validator, early ? now() - early.at : 0);
      if (result.ok) {
        const entry = { ...result.value, fetchedAt: now() };
        const previous = page.config();
        if (!keep) page.apply(entry);
        if (previous && !keep && JSON.stringify(previous) !== JSON.stringify(entry.config))
          options.onChange({ revision: entry.config.revision, previousRevision: previous.revision });
        options.onFetched?.();
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
        const stale = page.config() || result.error.code === 'validator' ? undefined : page.cached(options.maxStaleMs);
        if (stale) page.apply(stale);
      }
    },
  };
}
