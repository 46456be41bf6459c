import { createConfigSource } from './config/source';
import { loadValidator } from './config/validator';
import type { FlagValue } from './config/schema';

export type { AssetResult } from './assets/chain';
import { decide, hasOwn, type Attributes, type Decision, type Variant } from './decide/decide';
import { allFlags, featuresOf, flagValue, type Fallback } from './decide/flags';
import { CanaryError } from './errors';
import { createEmitter, type EventName, type Listener } from './events/emitter';
import { createBeacon } from './events/beacon';
import { createAssetLoader, type AssetLoader, type AssetResult, type Step } from './assets/chain';
import { createGuard, watchCanaryErrors } from './assets/guard';
import { currentScript } from './assets/current-script';
import { createOriginPolicy } from './assets/policy';
import { readOptions } from './options';
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
  /** Origins assets may come from, e.g. `['https://cdn.example.com']`; others are refused, except the config file's own origin. */
  allowedOrigins?: string[];
  /** CSP nonce for inserted tags; by default the nonce of the script that calls createCanary (the loader's own tag). */
  nonce?: string;
  /** Exposures and errors are sent here with `navigator.sendBeacon` when the page is hidden. */
  beaconUrl?: string;
  /** Query parameter of QA overrides (default `canary`); false turns query-string overrides off. */
  overrideParam?: string | false;
  overrides?: Overrides;
  /** Canary failures on this device before it is pinned to stable (default 1). */
  guardErrors?: number;
  /** Per feature, the page's own stable assets and flags: the last step of the fallback chain, and the flags when no config is usable. */
  fallback?: Fallback;
  /** Features whose assets start loading as soon as decided: true for every feature that has assets. */
  loadAssets?: boolean | string[];
  fetch?: typeof fetch;
  /** Storage for the user id, cached config and guard (default localStorage; null for none). */
  storage?: Storage | null;
  now?: () => number;
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
  const now = typeof options.now === 'function' ? options.now : Date.now;
  const storage = safeStorage(() => (options.storage === undefined ? win?.localStorage : options.storage));
  const session = safeStorage(() => win?.sessionStorage);
  const emitter = createEmitter();
  const beacon = typeof options.beaconUrl === 'string' && options.beaconUrl && win ? createBeacon(options.beaconUrl, win) : undefined;

  const emitError = (error: CanaryError) => {
    console.warn(`client-canary: ${error.message}`);
    emitter.emit('error', error);
    beacon?.('error', error);
  };
  const report = (...args: ConstructorParameters<typeof CanaryError>) => emitError(new CanaryError(...args));

  const { timeoutMs, maxAgeMs, maxStaleMs, guardErrors, refreshIntervalMs, allowedOrigins, overrideParam } = readOptions(options, (message) => report('options', message));
  const guard = createGuard(storage, guardErrors);
  const { userId, source: userIdSource } = stickyUserId(typeof options.userId === 'string' || typeof options.userId === 'number' ? options.userId : undefined, storage, doc);
  const fallback = options.fallback && typeof options.fallback === 'object' ? options.fallback : undefined;
  let overrides: Overrides = { ...options.overrides, ...readOverrides(session, win?.location.search ?? '', overrideParam) };

  let settled = false;
  // The variant each feature was last exposed with: a new one is a new exposure.
  const exposed = new Map<string, Variant>();
  // Each feature's fallback chain runs once per page.
  const loading = new Map<string, Promise<AssetResult>>();
  // Features whose canary was skipped on this page: stable assets run, so they decide stable.
  const failedOver = new Set<string>();
  // The variant whose assets run on this page, per feature.
  const ran = new Map<string, Variant>();

  const decideNow = (feature: string): Decision => {
    const config = source.config();
    const d = decide(settled ? config : null, feature, {
      userId,
      userIdSource,
      attributes: options.attributes,
      now: now() + source.clockOffset(),
      overrides,
      guarded: guard.pinned(config?.revision),
    });
    // What runs on the page wins: a canary skipped by the fallback chain is stable, and a feature
    // whose assets ran keeps the variant that ran (an override or a new config set later takes
    // effect on the next page load).
    if (failedOver.has(feature) && d.variant === 'canary') Object.assign(d, { variant: 'stable', reason: 'guarded' });
    const ranAs = ran.get(feature);
    if (ranAs && d.variant !== ranAs) d.variant = ranAs;
    // A fallback says what made it one: decide's own reason (a config it could not read) first.
    if (d.reason === 'fallback') d.error ??= source.error();
    return d;
  };

  // A decision that the page acts on: an exposure when the feature is first used, and again
  // whenever its variant changed since.
  const use = (feature: string): Decision => {
    const d = decideNow(feature);
    if (settled && exposed.get(feature) !== d.variant) {
      exposed.set(feature, d.variant);
      const { userIdSource: _source, error: _error, ...decision } = d;
      const event = { ...decision, userId };
      emitter.emit('exposure', event);
      beacon?.('exposure', event);
    }
    return d;
  };

  // Reported while counting towards the guard's limit; a canary throwing in a loop says it once.
  const failCanary = (feature: string, ...error: ConstructorParameters<typeof CanaryError>) => {
    if (guard.trip(feature, source.config()?.revision)) report(...error);
  };

  let configUrl = '';
  let nonce = typeof options.nonce === 'string' ? options.nonce : undefined;
  let started: Promise<void>;
  let assets: AssetLoader;

  // The fallback chain of SPEC 6: the chosen variant, the config's stable, the page's fallback.
  const runChain = async (feature: string): Promise<AssetResult> => {
    const config = source.config();
    const spec = config && hasOwn(config.features, feature) ? config.features[feature] : undefined;
    if (config && !spec) report('options', `"${feature}" is not a feature of the config (it has ${Object.keys(config.features).map((f) => `"${f}"`).join(', ') || 'none'}); its fallback loads`, { feature });
    const steps: Step[] = [];
    if (spec) {
      const d = use(feature);
      // A canary variant without assets (flags only, or just promoted) runs the stable assets.
      if (d.variant === 'canary' && spec.canary?.assets?.length) steps.push({ name: 'canary', assets: spec.canary.assets, base: configUrl });
      steps.push({ name: 'stable', assets: spec.stable?.assets, base: configUrl });
    }
    steps.push({ name: 'fallback', assets: hasOwn(fallback, feature) ? fallback![feature]?.assets : undefined, base: doc?.baseURI ?? configUrl });
    const result = await assets.loadChain(feature, steps);
    if (result.ran) ran.set(feature, result.ran === 'canary' ? 'canary' : 'stable');
    const canary = result.skipped.find((skip) => skip.step === 'canary');
    if (canary) {
      failedOver.add(feature);
      failCanary(feature, 'asset-load', `canary assets of "${feature}" did not run (${canary.why}); ${result.ran ?? 'nothing'} runs instead`, { feature });
      use(feature);
    }
    // Every step failed: say so, unless the feature simply has no assets in the variant chosen.
    if (!result.ran && (!spec || result.skipped.some((skip) => !skip.missing)))
      report('asset-load', `no assets of "${feature}" could run: ${result.skipped.map((s) => `${s.step}: ${s.why}`).join('; ')}`, { feature });
    return result;
  };
  const loadFeature = (feature: string): Promise<AssetResult> => {
    let load = loading.get(feature);
    if (!load) loading.set(feature, (load = runChain(feature)));
    return load;
  };

  // Nothing is decided until settled: no features, no flags.
  const settledConfig = () => (settled ? source.config() : null);
  const settledFallback = () => (settled ? fallback : undefined);
  const features = () => featuresOf(settledConfig(), settledFallback());
  const chosen = (feature: string) => use(feature).variant;

  // The features whose assets load when none is named: those with assets in either variant.
  const withAssets = () => {
    const config = source.config();
    return features().filter((f) => !config || config.features[f]?.stable?.assets?.length || config.features[f]?.canary?.assets?.length);
  };

  const loadAssets = async (feature?: string): Promise<AssetResult> =>
    merge(await Promise.all((feature !== undefined ? [feature] : withAssets()).map(loadFeature)));

  const settle = () => {
    settled = true;
    const load = options.loadAssets;
    const named = Array.isArray(load) ? load.filter((f): f is string => typeof f === 'string') : load ? withAssets() : [];
    for (const feature of named) loadFeature(feature).catch(() => undefined);
  };

  try {
    if (!options.configUrl || typeof options.configUrl !== 'string') throw new Error('configUrl is required');
    configUrl = new URL(options.configUrl, doc?.baseURI).href;
    nonce ??= currentScript(doc)?.nonce || undefined;
  } catch (cause) {
    report('options', `could not start: ${describe(cause)}; check configUrl ("${describe(options.configUrl)}")`, { cause });
  }
  const source = createConfigSource({
    configUrl,
    fetch: options.fetch,
    storage,
    now,
    timeoutMs,
    maxStaleMs,
    loadValidator,
    storageOff: options.storage === null,
    onError: emitError,
    onChange: (event) => emitter.emit('change', event),
  });
  assets = createAssetLoader(doc, nonce, createOriginPolicy(allowedOrigins, configUrl), report);
  if (configUrl) {
    watchCanaryErrors(win, assets.canaryOf, (feature, event) =>
      failCanary(feature, 'canary-error', `canary code of "${feature}" threw: ${event.message}`, { feature, url: event.filename, cause: event.error }),
    );
    const cached = source.cached(maxAgeMs);
    // A cached config without a feature the page names (added since) would give that feature only
    // its fallback: the network decides instead.
    const named = Array.isArray(options.loadAssets) ? options.loadAssets : [];
    if (cached && named.every((f) => hasOwn(cached.config.features, f))) {
      // Fresh: decide and insert the asset tags before anything touches the network.
      source.apply(cached);
      settle();
      started = Promise.resolve();
      // After the asset tags: the validator checks the cached copy, then a refresh caches the
      // current config for the next page load.
      void source.recheck(cached);
      void source.refresh(true);
    } else {
      started = source.refresh().then(settle);
    }
    if (win && refreshIntervalMs) win.setInterval(() => void source.refresh(), refreshIntervalMs);
  } else {
    started = Promise.resolve().then(settle);
  }

  // The page never sees a throw: every public method answers stable when something goes wrong.
  const safely = <R>(run: () => R, otherwise: () => R): R => {
    try {
      return run();
    } catch (cause) {
      try {
        report('options', `internal error: ${describe(cause)}`, { cause });
      } catch {
        // A console that throws is the page's own business.
      }
      return otherwise();
    }
  };
  // Arguments from plain JavaScript can be anything: a feature or flag name that is not a string is no name.
  const nameOf = (value: unknown): string => (typeof value === 'string' ? value : '');

  return {
    ready: () => started.catch(() => undefined),
    isCanary: (feature) => safely(() => use(nameOf(feature)).variant === 'canary', () => false),
    variant: (feature) => safely(() => use(nameOf(feature)).variant, () => 'stable'),
    decide: (feature) => safely(() => use(nameOf(feature)), () => decide(null, nameOf(feature), { userId, userIdSource })),
    flag: <T extends FlagValue>(name: string, defaultValue: T): T =>
      safely(() => {
        const value = flagValue(settledConfig(), settledFallback(), nameOf(name), chosen);
        return typeof value === typeof defaultValue ? (value as T) : defaultValue;
      }, () => defaultValue),
    flags: () => safely(() => allFlags(settledConfig(), settledFallback(), chosen), () => ({})),
    // Called before the config is known, it waits for it rather than guess.
    loadAssets: (feature) =>
      started.then(() => loadAssets(feature === undefined ? undefined : nameOf(feature))).catch((cause) => {
        report('asset-load', `could not load assets: ${describe(cause)}`, { cause });
        return { ...merge([]), ok: false };
      }),
    override: (feature, variant) =>
      safely(() => {
        if (!nameOf(feature) || (variant !== null && variant !== 'stable' && variant !== 'canary'))
          throw new TypeError('override(feature, variant) takes a feature name and "stable", "canary" or null');
        overrides = { ...options.overrides, ...storeOverride(session, nameOf(feature), variant) };
      }, () => undefined),
    refresh: () => (configUrl ? source.refresh() : Promise.resolve()).catch(() => undefined),
    on: (event, listener) =>
      safely(() => {
        if (typeof listener !== 'function') throw new TypeError(`on("${nameOf(event)}", listener): the listener is a function`);
        return emitter.on(event, listener);
      }, () => () => undefined),
    context: () =>
      safely(
        () => ({ userId, variants: Object.fromEntries(features().map((f) => [f, decideNow(f).variant])) }),
        () => ({ userId, variants: {} }),
      ),
    debug: () => safely(() => console.table(features().map(decideNow)), () => undefined),
  };
}

/** Text of anything, for a message: values whose toString throws (or symbols) included. */
function describe(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
