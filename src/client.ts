import type { Bootstrap } from './config/bootstrap';
import { createConfigSource } from './config/source';
import { loadValidator } from './config/validator';
import type { CanaryConfig, FlagValue } from './config/schema';
import type { AssetResult } from './assets/chain';
import type { Attributes, Decision, Variant } from './decide/decide';
import { allFlags, featuresOf, flagValue, type Fallback } from './decide/flags';
import { CanaryError } from './errors';
import { createEmitter, type EventName, type Listener } from './events/emitter';
import { createHealthReporter } from './health/reporter';
import { watchVitals } from './health/vitals';
import { loadWebVitals } from './health/vitals-source';
import type { Page } from './loader/page';
import { nextStepAt } from './decide/ramp';
import { readOptions } from './options';
import { createSnapshotStore, type Snapshot, type SnapshotStore } from './snapshot';
import { storeOverride, type Overrides } from './overrides';

export type { AssetResult } from './assets/chain';
export type { Bootstrap } from './config/bootstrap';
export type { Snapshot } from './snapshot';

/** Options of {@link createCanary}; only `configUrl` is required. */
export interface CanaryOptions {
  /** Where `canary-config.json` lives; relative URLs resolve against the page. */
  configUrl: string;
  /** The application's own user id; otherwise a sticky random id is kept on the device. */
  userId?: string;
  /** Attributes that `match` targets, e.g. `{ country: 'NZ' }`. */
  attributes?: Attributes;
  /**
   * A config rendered into the page by a server (`client-canary/server`): decided by at once, with
   * no request, then refreshed as a cached one is. Its `userId` is the id the server decided by.
   */
  bootstrap?: Bootstrap | CanaryConfig;
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
  /** The page's health record (exposures, errors, vitals; SPEC 8) is sent here when the page is hidden, e.g. to `client-canary collect`. */
  beaconUrl?: string;
  /** Adds LCP, INP, CLS, FCP and TTFB to the health record (Google's web-vitals, loaded after the page's assets); needs `beaconUrl`. */
  vitals?: boolean;
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

/** A flag default's kind, not its literal: `20` → number, `false` → boolean, `'calm'` → string. */
export type Widen<T extends FlagValue> = T extends boolean ? boolean : T extends number ? number : string;

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
  /** The flag's value in the chosen variant; `defaultValue` when missing or of another type. Typed by the default's kind: `flag('limit', 20)` is a number. */
  flag<T extends FlagValue>(name: string, defaultValue: T): Widen<T>;
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
  /**
   * Calls `listener` when the snapshot changes: the client becomes ready, a new config or an
   * override changes a decision or flag, a ramp step passes. For React's `useSyncExternalStore`.
   */
  subscribe(listener: () => void): () => void;
  /** What the page decided, frozen; the same object until something changes. Not an exposure. */
  getSnapshot(): Snapshot;
}

/** What other modules of this package (the OpenFeature provider) hear from and ask of a client. */
export interface ClientLink {
  /** A config was fetched (changed or not). */
  fetched?(): void;
  /** Set by attachClient: decide for another user from now on, and tell subscribers. */
  identify?(userId: string | undefined, attributes: Attributes | undefined): void;
}

const merge = (results: AssetResult[]): AssetResult => {
  const pick = (key: 'loaded' | 'failed' | 'refused') => results.flatMap((r) => r[key]);
  return { ok: results.every((r) => r.ok), loaded: pick('loaded'), failed: pick('failed'), refused: pick('refused') };
};

/**
 * The client of a started page (src/loader/page.ts): events, the config's refresh and validation,
 * and the API. The script tag's loader starts the page; client-canary.validate.js attaches this.
 */
export function attachClient(page: Page, options: CanaryOptions, link: ClientLink = {}): CanaryClient {
  const win = typeof window === 'object' ? window : undefined;
  const now = typeof options.now === 'function' ? options.now : Date.now;
  const emitter = createEmitter();
  // Made once the decisions it reads are defined; a failure reported before that changes nothing it shows.
  let snapshots: SnapshotStore | undefined;
  const health = typeof options.beaconUrl === 'string' && options.beaconUrl && win ? createHealthReporter(options.beaconUrl, win, page, now) : undefined;

  const emitError = (error: CanaryError) => {
    console.warn(`client-canary: ${error.message}`);
    emitter.emit('error', error);
    health?.error(error);
    // A guard that tripped, or a canary skipped, changes what runs.
    snapshots?.check();
  };
  const report = (...args: ConstructorParameters<typeof CanaryError>) => emitError(new CanaryError(...args));

  const { timeoutMs, maxStaleMs, refreshIntervalMs } = readOptions(options, (message) => report('options', message));
  if (options.bootstrap != null && !page.bootstrapped)
    report('config-invalid', 'bootstrap: expected a config ({ version: 1, features }) or { config, userId, serverDate } as client-canary/server renders it; it is not used');
  const { configUrl } = page;
  const fallback = options.fallback && typeof options.fallback === 'object' ? options.fallback : undefined;

  const source = createConfigSource({
    page,
    fetch: options.fetch,
    now,
    timeoutMs,
    maxStaleMs,
    loadValidator,
    storageOff: options.storage === null,
    onError: emitError,
    onChange: (event) => emitter.emit('change', event),
    // After every fetch, not only on `change`: a first config after a start without one changes
    // every decision, with no `change` to say so.
    onFetched: () => {
      snapshots?.check();
      link.fetched?.();
    },
  });

  // A fallback says what made it one: decide's own reason (a config it could not read) first.
  const withError = (d: Decision): Decision => {
    if (d.reason === 'fallback') d.error ??= source.error();
    return d;
  };
  const use = (feature: string) => withError(page.use(feature));
  const decideNow = (feature: string) => withError(page.decideNow(feature));

  page.attach({
    exposure(d) {
      const { userIdSource: _source, error: _error, ...decision } = d;
      const event = { ...decision, userId: page.userId };
      emitter.emit('exposure', event);
      health?.expose(d);
    },
    error: report,
  });

  let started: Promise<void>;
  if (!configUrl) started = Promise.resolve().then(page.settle);
  else if (page.warm) {
    started = Promise.resolve();
    // After the asset tags: the validator checks the cached (or bootstrapped) copy, then a refresh
    // caches the current config for the next page load. A bootstrap is not cached itself: a page
    // served from a CDN's cache may carry an old one.
    void source.recheck(page.warm, page.bootstrapped);
    void source.refresh(true);
  } else if (page.settled()) {
    // The loader gave up waiting for this chunk and the page took its fallback: it stays on it
    // (no stale copy stands in now), and the config is cached for the next page load.
    started = Promise.resolve();
    void source.refresh(true);
  } else started = source.refresh().then(page.settle);
  void started.then(() => snapshots?.check());
  // Vitals after the page's own assets: once decided, their chains done, and the page loaded.
  if (health && win && options.vitals === true)
    void started
      .then(() => Promise.all(page.chains()))
      .finally(() => watchVitals(win, loadWebVitals, health.vital))
      .catch(() => undefined);
  if (win && configUrl && refreshIntervalMs) win.setInterval(() => void source.refresh(), refreshIntervalMs);

  // Nothing is decided until settled: no features, no flags.
  const settledConfig = () => (page.settled() ? page.config() : null);
  const settledFallback = () => (page.settled() ? fallback : undefined);
  const features = () => featuresOf(settledConfig(), settledFallback());
  const chosen = (feature: string) => use(feature).variant;

  const variants = () => Object.fromEntries(features().map((f) => [f, decideNow(f).variant]));
  // The next ramp step of any feature, on the clock decisions use.
  const msToNextStep = () => {
    const features = settledConfig()?.features ?? {};
    const at = page.clockOffset() + now();
    let next = Infinity;
    for (const f in features) next = Math.min(next, nextStepAt(features[f]!, at) ?? Infinity);
    return next === Infinity ? undefined : next - at;
  };
  const store = (snapshots = createSnapshotStore(
    () => ({ ready: page.settled(), revision: settledConfig()?.revision, variants: variants(), flags: allFlags(settledConfig(), settledFallback(), (f) => decideNow(f).variant) }),
    msToNextStep,
    win,
  ));
  // Another user from now on: the app's id (or the page's own when undefined) and attributes. A
  // feature whose assets ran keeps its variant; the next use of each feature is a new exposure.
  const own = { userId: page.userId, userIdSource: page.userIdSource };
  link.identify = (id, attributes) => {
    Object.assign(page, id === undefined ? own : { userId: String(id), userIdSource: 'option' }, { attributes });
    store.check();
  };

  const loadAssets = async (feature?: string): Promise<AssetResult> =>
    merge(await Promise.all((feature !== undefined ? [feature] : page.withAssets(features())).map(page.loadFeature)));

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
  const stable = (feature: unknown): Decision => ({ feature: nameOf(feature), variant: 'stable', reason: 'fallback', bucket: null, percentage: 0, revision: undefined, userIdSource: page.userIdSource });

  return {
    ready: () => started.catch(() => undefined),
    isCanary: (feature) => safely(() => use(nameOf(feature)).variant === 'canary', () => false),
    variant: (feature) => safely(() => use(nameOf(feature)).variant, () => 'stable'),
    decide: (feature) => safely(() => use(nameOf(feature)), () => stable(feature)),
    flag: <T extends FlagValue>(name: string, defaultValue: T): Widen<T> =>
      safely(() => {
        const value = flagValue(settledConfig(), settledFallback(), nameOf(name), chosen);
        return (typeof value === typeof defaultValue ? value : defaultValue) as unknown as Widen<T>;
      }, () => defaultValue as unknown as Widen<T>),
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
        page.overrides = { ...options.overrides, ...storeOverride(page.session, page.marks, nameOf(feature), variant) };
        store.check();
      }, () => undefined),
    refresh: () => (configUrl ? source.refresh() : Promise.resolve()).catch(() => undefined),
    on: (event, listener) =>
      safely(() => {
        if (typeof listener !== 'function') throw new TypeError(`on("${nameOf(event)}", listener): the listener is a function`);
        return emitter.on(event, listener);
      }, () => () => undefined),
    context: () =>
      safely(
        () => ({ userId: page.userId, variants: variants() }),
        () => ({ userId: page.userId, variants: {} }),
      ),
    debug: () => safely(() => console.table(features().map(decideNow)), () => undefined),
    subscribe: (listener) => safely(() => store.subscribe(listener), () => () => undefined),
    getSnapshot: () => safely(store.getSnapshot, () => EMPTY),
  };
}

const EMPTY: Snapshot = Object.freeze({ ready: false, revision: undefined, variants: Object.freeze({}), flags: Object.freeze({}) });

/** Text of anything, for a message: values whose toString throws (or symbols) included. */
function describe(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
