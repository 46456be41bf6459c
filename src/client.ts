import { fetchConfig } from './config/fetch';
import { readCache, writeCache, type CachedConfig } from './config/cache';
import type { Asset, CanaryConfig, FlagValue } from './config/schema';
import { decide, hasOwn, type Attributes, type Decision, type Variant } from './decide/decide';
import { CanaryError } from './errors';
import { createEmitter, type EventName, type Listener } from './events/emitter';
import { createBeacon } from './events/beacon';
import { createGuard } from './assets/guard';
import { insertAsset, refusal, resolveAsset, type ResolvedAsset } from './assets/load';
import { safeStorage } from './identity/safe-storage';
import { stickyUserId } from './identity/sticky-id';
import { readOverrides, storeOverride, type Overrides } from './overrides';

/** Options of {@link createCanary}; only `configUrl` is required. */
export interface CanaryOptions {
  /** Where `canary-config.json` lives; relative URLs resolve against the page. */
  configUrl: string;
  /** The application's own user id; otherwise a sticky random id is kept on the device. */
  userId?: string;
  /** Attributes that `match` targets, e.g. `{ country: 'NZ' }`. */
  attributes?: Attributes;
  /** Abort the config request after this long (default 1500 ms). */
  timeoutMs?: number;
  /** A cached config younger than this is used without waiting for the network (default 60 000 ms). */
  maxAgeMs?: number;
  /** A cached config younger than this is used when the fetch fails (default 7 days). */
  maxStaleMs?: number;
  /** Poll the config this often (default off); a changed config fires `change`. */
  refreshIntervalMs?: number;
  /** Origins assets may come from, e.g. `['https://cdn.example.com']`; others are refused. */
  allowedOrigins?: string[];
  /** CSP nonce for inserted tags; by default the nonce of the script that calls createCanary (the loader's own tag). */
  nonce?: string;
  /** Exposures and errors are sent here with `navigator.sendBeacon` when the page is hidden. */
  beaconUrl?: string;
  /** Query parameter of QA overrides (default `canary`). */
  overrideParam?: string;
  overrides?: Overrides;
  /** Canary failures on this device before it is pinned to stable (default 1). */
  guardErrors?: number;
  /** The stable assets and flags per feature for when no config is usable at all. */
  fallback?: Record<string, { assets?: Asset[]; flags?: Record<string, FlagValue> }>;
  /** Features whose assets start loading as soon as decided: true for every feature that has assets. */
  loadAssets?: boolean | string[];
  fetch?: typeof fetch;
  /** Storage for the user id, cached config and guard (default localStorage; null for none). */
  storage?: Storage | null;
  now?: () => number;
}

/** What {@link CanaryClient.loadAssets} did: URLs loaded, failed to load, and refused. */
export interface AssetResult {
  ok: boolean;
  loaded: string[];
  failed: string[];
  refused: string[];
}

/** The client of one page. No method throws, and `ready()` never rejects. */
export interface CanaryClient {
  /** Resolves once decisions are possible (config fetched, cached or given up); never rejects. */
  ready(): Promise<void>;
  /** True when this user gets the canary of `feature`; false on any failure. An exposure. */
  isCanary(feature: string): boolean;
  /** The variant of `feature` for this user. An exposure. */
  variant(feature: string): Variant;
  /** The whole decision, with its reason (and the error behind a `fallback`). An exposure. */
  decide(feature: string): Decision;
  /** The flag's value in the chosen variant; `defaultValue` when missing or of another type. */
  flag<T extends FlagValue>(name: string, defaultValue: T): T;
  /** The flags of every feature's chosen variant (the fallback's without a config). */
  flags(): Record<string, FlagValue>;
  /** Inserts the chosen assets of `feature` (default: every feature with assets), each once. */
  loadAssets(feature?: string): Promise<AssetResult>;
  /** Forces a variant for this tab (kept in sessionStorage); null removes the override. */
  override(feature: string, variant: Variant | null): void;
  /** Fetches the config again and applies it; a different one fires `change`. */
  refresh(): Promise<void>;
  /** Subscribes to `exposure`, `error` or `change`; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: Listener<E>): () => void;
  /** The user id and each feature's variant, to tag an error tracker. Not an exposure. */
  context(): { userId: string; variants: Record<string, Variant> };
  /** Prints a table of this page's decisions. */
  debug(): void;
}

const merge = (results: AssetResult[]): AssetResult => {
  const pick = (key: 'loaded' | 'failed' | 'refused') => results.flatMap((r) => r[key]);
  return { ok: results.every((r) => r.ok), loaded: pick('loaded'), failed: pick('failed'), refused: pick('refused') };
};

/**
 * Starts the client of a page: decides from a fresh cached config at once (no network on the
 * critical path) or fetches the config within `timeoutMs`; every failure ends in stable.
 *
 * @example
 * const canary = createCanary({ configUrl: 'https://my-bucket.s3.amazonaws.com/canary-config.json' });
 * await canary.ready();
 * if (canary.isCanary('checkout')) renderNewCheckout();
 */
export function createCanary(options: CanaryOptions = {} as CanaryOptions): CanaryClient {
  const win = typeof window === 'object' ? window : undefined;
  const doc = win?.document;
  const now = options.now ?? Date.now;
  const storage = safeStorage(() => (options.storage === undefined ? win?.localStorage : options.storage));
  const session = safeStorage(() => win?.sessionStorage);
  const emitter = createEmitter();
  const beacon = options.beaconUrl && win ? createBeacon(options.beaconUrl, win) : undefined;
  const number = (value: number | undefined, otherwise: number) => (value !== undefined && value >= 0 ? value : otherwise);
  const timeoutMs = number(options.timeoutMs, 1500);
  const maxAgeMs = number(options.maxAgeMs, 60_000);
  const maxStaleMs = number(options.maxStaleMs, 7 * 864e5);
  const guard = createGuard(storage, Math.max(1, number(options.guardErrors, 1)));
  const { userId, source: userIdSource } = stickyUserId(options.userId, storage, doc);
  let overrides: Overrides = { ...options.overrides, ...readOverrides(session, win?.location.search ?? '', options.overrideParam ?? 'canary') };

  let config: CanaryConfig | null = null;
  let cacheRefused = false;
  // Why there is no config, when a fetch failed: decisions of reason 'fallback' carry it.
  let configError: string | undefined;
  let clockOffset = 0;
  let settled = false;
  const exposed = new Set<string>();
  const inserted = new Map<string, Promise<boolean>>();
  // Canary asset URL → feature, to recognise uncaught errors thrown by canary code.
  const canaryUrls = new Map<string, string>();
  // Features whose canary assets failed on this page: stable assets run, so they decide stable.
  const failedOver: string[] = [];

  const emitError = (error: CanaryError) => {
    console.warn(`client-canary: ${error.message}`);
    emitter.emit('error', error);
    beacon?.('error', error);
  };
  const report = (...args: ConstructorParameters<typeof CanaryError>) => emitError(new CanaryError(...args));

  const decideNow = (feature: string): Decision => {
    const d = decide(settled ? config : null, feature, {
      userId,
      userIdSource,
      attributes: options.attributes,
      now: now() + clockOffset,
      overrides,
      guarded: [...guard.pinned(config?.revision), ...failedOver],
    });
    // A fallback says what made it one.
    if (d.reason == 'fallback') d.error = configError;
    return d;
  };

  // A decision that the page acts on: the first use of each feature is an exposure.
  const use = (feature: string): Decision => {
    const d = decideNow(feature);
    if (settled && !exposed.has(feature)) {
      exposed.add(feature);
      const { userIdSource: _source, error: _error, ...decision } = d;
      const event = { ...decision, userId };
      emitter.emit('exposure', event);
      beacon?.('exposure', event);
    }
    return d;
  };

  // Reported while counting towards the guard's limit; a canary throwing in a loop says it once.
  const failCanary = (feature: string, ...error: ConstructorParameters<typeof CanaryError>) => {
    if (guard.trip(feature, config?.revision)) report(...error);
  };

  const apply = (entry: CachedConfig) => {
    config = entry.config;
    clockOffset = entry.serverDate === undefined ? 0 : entry.serverDate - entry.fetchedAt;
  };

  // `keep`: only cache what was fetched, for the next page load. The warm start's background
  // refresh keeps this page on the config its assets were chosen by; polling and refresh() apply.
  const refresh = async (keep?: boolean): Promise<void> => {
    const result = await fetchConfig(configUrl, options.fetch ?? fetch.bind(globalThis), timeoutMs);
    if (result.ok) {
      const entry = { ...result.value, fetchedAt: now() };
      const previous = config;
      if (!keep) apply(entry);
      if (previous && !keep && JSON.stringify(previous) !== JSON.stringify(entry.config))
        emitter.emit('change', { revision: entry.config.revision, previousRevision: previous.revision });
      // Said once: storage that refuses (or `storage: null`) refuses every time.
      if (!writeCache(storage, configUrl, entry) && options.storage !== null && !cacheRefused) {
        cacheRefused = true;
        report('storage', 'the config could not be cached: storage refused the write');
      }
    } else {
      emitError(result.error);
      configError = result.error.message;
      const stale = config ? undefined : readCache(storage, configUrl, now(), maxStaleMs);
      if (stale) apply(stale);
    }
  };

  const insertAll = (assets: Asset[] | undefined, base: string, canaryOf?: string): Promise<AssetResult> => {
    const result: AssetResult = { ok: true, loaded: [], failed: [], refused: [] };
    const allowed: ResolvedAsset[] = [];
    for (const asset of assets ?? []) {
      let resolved: ResolvedAsset | undefined;
      let why: string | undefined;
      try {
        resolved = resolveAsset(asset, base);
        why = refusal(resolved, allowedOrigins);
      } catch {
        why = 'not a valid URL';
      }
      const url = resolved ? resolved.url : String(typeof asset === 'string' ? asset : asset.url);
      if (why || !doc) {
        result.refused.push(url);
        report('asset-refused', `asset refused: ${url}: ${why ?? 'no document'}`, { url, feature: canaryOf });
      } else allowed.push(resolved!);
    }
    // A canary is all or nothing: one refused asset and none of them runs (stable will).
    const loads = canaryOf && result.refused.length ? [] : allowed.map(({ url, ...asset }) => {
      if (canaryOf) canaryUrls.set(url, canaryOf);
      let load = inserted.get(url);
      if (!load) {
        try {
          load = insertAsset(doc!, { url, ...asset }, nonce, !!canaryOf);
        } catch {
          // e.g. a Trusted Types policy that refuses a plain src: a failed load, not a throw.
          load = Promise.resolve(false);
        }
        inserted.set(url, load);
      }
      return load.then((ok) => void (ok ? result.loaded : result.failed).push(url));
    });
    return Promise.all(loads).then(() => ((result.ok = !result.failed.length && !result.refused.length), result));
  };

  const loadFeature = async (feature: string): Promise<AssetResult> => {
    if (!config) return insertAll(options.fallback?.[feature]?.assets, doc?.baseURI ?? configUrl);
    const d = use(feature);
    const spec = hasOwn(config.features, feature) ? config.features[feature] : undefined;
    // A canary variant without assets (flags only, or just promoted) runs the stable assets.
    if (d.variant === 'stable' || !spec?.canary?.assets) return insertAll(spec?.stable?.assets, configUrl);
    const canary = await insertAll(spec?.canary?.assets, configUrl, feature);
    if (canary.ok) return canary;
    failedOver.push(feature);
    failCanary(feature, 'asset-load', `canary assets of "${feature}" failed; stable loads instead`, { feature });
    return merge([canary, await insertAll(spec?.stable?.assets, configUrl)]);
  };

  // The features of the config, or of the fallback when there is none; none until settled.
  const features = () => (settled ? Object.keys(config?.features ?? options.fallback ?? {}) : []);
  // A feature's flags: of the chosen variant (an exposure), or of the given one; the fallback's.
  const flagsOf = (feature: string, variant?: Variant) =>
    config ? config.features[feature]![variant ?? use(feature).variant]?.flags : variant === 'canary' ? undefined : options.fallback![feature]!.flags;

  // The features whose assets load when none is named: those with assets in either variant.
  const withAssets = () => features().filter((f) => !config || config.features[f]!.stable?.assets?.length || config.features[f]!.canary?.assets?.length);

  const loadAssets = async (feature?: string): Promise<AssetResult> =>
    merge(await Promise.all((feature !== undefined ? [feature] : withAssets()).map(loadFeature)));

  const settle = () => {
    settled = true;
    const load = options.loadAssets;
    if (load) for (const feature of load === true ? withAssets() : load) loadFeature(feature).catch(() => undefined);
  };

  let configUrl = '';
  let nonce = options.nonce;
  let started: Promise<void>;
  // Origins as the browser writes them: "https://cdn.example.com/" would otherwise match nothing.
  const allowedOrigins = options.allowedOrigins?.map((origin) => {
    try {
      return new URL(origin).origin;
    } catch {
      report('options', `allowedOrigins: "${origin}" is not an origin; write e.g. "https://cdn.example.com"`);
      return origin;
    }
  });
  try {
    if (!options.configUrl) throw new Error('configUrl is required');
    configUrl = new URL(options.configUrl, doc?.baseURI).href;
    nonce ??= (doc?.currentScript as HTMLScriptElement | null)?.nonce || undefined;
    win?.addEventListener('error', (event) => {
      const feature = canaryUrls.get(event.filename);
      if (feature) failCanary(feature, 'canary-error', `canary code of "${feature}" threw: ${event.message}`, { feature, url: event.filename, cause: event.error });
    });
    const cached = readCache(storage, configUrl, now(), maxAgeMs);
    if (cached) {
      // Fresh: decide and insert the asset tags before anything touches the network.
      apply(cached);
      settle();
      started = Promise.resolve();
      void refresh(true);
    } else {
      started = refresh().then(settle);
    }
    const every = number(options.refreshIntervalMs, 0);
    // At least a second; at most what a timer can hold (about 24 days; more would fire at once).
    if (win && every) win.setInterval(() => void refresh(), Math.min(Math.max(every, 1e3), 2e9));
  } catch (cause) {
    report('options', `could not start: ${String(cause)}; check configUrl ("${String(options.configUrl)}")`, { cause });
    started = Promise.resolve().then(settle);
  }

  // The page never sees a throw: every public method answers stable when something goes wrong.
  const safely = <R>(run: () => R, otherwise: R): R => {
    try {
      return run();
    } catch (cause) {
      report('options', `internal error: ${String(cause)}`, { cause });
      return otherwise;
    }
  };

  return {
    ready: () => started.catch(() => undefined),
    isCanary: (feature) => safely(() => use(feature).variant === 'canary', false),
    variant: (feature) => safely(() => use(feature).variant, 'stable'),
    decide: (feature) => safely(() => use(feature), decide(null, String(feature), { userId, userIdSource })),
    flag: <T extends FlagValue>(name: string, defaultValue: T): T =>
      safely(() => {
        // The one feature that declares the flag (in either variant), then its chosen variant's value.
        const owner = features().find((f) => hasOwn(flagsOf(f, 'stable'), name) || hasOwn(flagsOf(f, 'canary'), name));
        const flags = owner === undefined ? undefined : flagsOf(owner);
        const value = hasOwn(flags, name) ? flags![name] : undefined;
        return typeof value === typeof defaultValue ? (value as T) : defaultValue;
      }, defaultValue),
    flags: () => safely(() => Object.assign({}, ...features().map((f) => flagsOf(f))) as Record<string, FlagValue>, {}),
    // Called before the config is known, it waits for it rather than guess.
    loadAssets: (feature) =>
      started.then(() => loadAssets(feature)).catch((cause) => {
        report('asset-load', `could not load assets: ${String(cause)}`, { cause });
        return { ...merge([]), ok: false };
      }),
    override: (feature, variant) =>
      safely(() => {
        overrides = { ...options.overrides, ...storeOverride(session, feature, variant) };
      }, undefined),
    refresh: () => refresh().catch(() => undefined),
    on: (event, listener) => safely(() => emitter.on(event, listener), () => undefined),
    context: () =>
      safely(
        () => ({ userId, variants: Object.fromEntries(features().map((f) => [f, decideNow(f).variant])) }),
        { userId, variants: {} },
      ),
    debug: () => safely(() => console.table(features().map(decideNow)), undefined),
  };
}
