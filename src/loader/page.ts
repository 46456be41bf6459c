/**
 * The critical path of a page (SPEC 12): the sticky id, the overrides, the guard, the cached
 * config, the decisions and the fallback chain of each feature, and a buffer of what happened
 * before the rest of the client (events, refresh, the API) is attached. No validator, no events:
 * the script-tag loader is this module and little more.
 */
import type { CanaryOptions } from '../client';
import type { CachedConfig } from '../config/cache';
import { readCache } from '../config/cache';
import type { ReadBootstrap } from '../config/bootstrap';
import type { CanaryConfig } from '../config/schema';
import { createAssetLoader, type AssetLoader, type ChainResult, type Step } from '../assets/chain';
import { currentScript } from '../assets/current-script';
import { createGuard, type Guard } from '../assets/guard';
import { createOriginPolicy } from '../assets/policy';
import { decide, hasOwn, type Attributes, type Decision, type UserIdSource, type Variant } from '../decide/decide';
import type { CanaryErrorCode } from '../errors';
import { safeStorage, type SafeStorage } from '../identity/safe-storage';
import { stickyUserId } from '../identity/sticky-id';
import { readOverrides, type Overrides } from '../overrides';
import { bufferPageErrors, type PageErrors } from './page-errors';

/** What the page needs of createCanary's options; values are checked here, and reported by the client. */
export type PageOptions = Pick<
  CanaryOptions,
  'configUrl' | 'userId' | 'attributes' | 'maxAgeMs' | 'allowedOrigins' | 'nonce' | 'overrideParam' | 'overrides' | 'guardErrors' | 'fallback' | 'loadAssets' | 'fetch' | 'storage' | 'now'
>;

/** A failure met before the client was attached, as `new CanaryError(...report)` takes it. */
export type Report = [code: CanaryErrorCode, message: string, detail?: { cause?: unknown; feature?: string; url?: string }];

/** What the page tells the client: a decision acted on (an exposure), or a failure. */
export interface PageSink {
  exposure(decision: Decision): void;
  error(...report: Report): void;
}

/** One page's state and its critical-path actions. Nothing here throws at the caller. */
export interface Page {
  /** Whom the page decides for; the client may decide for another user later (an OpenFeature context). */
  userId: string;
  userIdSource: UserIdSource;
  attributes: Attributes | undefined;
  /** The absolute config URL; '' when the option was missing or not a URL (reported). */
  readonly configUrl: string;
  readonly storage: SafeStorage;
  readonly session: SafeStorage;
  /** Where the mark of stored overrides lives: localStorage, or the session's when storage is off. */
  readonly marks: SafeStorage;
  readonly guard: Guard;
  readonly assets: AssetLoader;
  readonly errors: PageErrors;
  /** The cold start's config request, started with the page; the first refresh takes it (and may abort it). */
  request: { sent: Promise<Response>; at: number; abort(): void } | undefined;
  /** The fresh cached (or bootstrapped) config the page was decided by (a warm start), to be checked by the validator. */
  warm: CachedConfig | undefined;
  /** True when `warm` is the `bootstrap` option's config, not the cache's. */
  bootstrapped: boolean;
  overrides: Overrides;
  /** The config in use; null until one is fetched or taken from the cache. */
  config(): CanaryConfig | null;
  /** Server clock minus local clock of the config in use (0 when unknown). */
  clockOffset(): number;
  apply(entry: CachedConfig): void;
  /** The cached config if fetched less than `maxAgeMs` ago. */
  cached(maxAgeMs: number): CachedConfig | undefined;
  /** True once decisions are made: a config is in use, or none could be had. */
  settled(): boolean;
  /** Decides with what there is (the config in use) and inserts the named features' assets. Once. */
  settle(): void;
  /** The decision the page acts on now, without an exposure. */
  decideNow(feature: string): Decision;
  /** The decision of bucketing, the lists and targeting alone (no override, guard or fallback chain): the arm. */
  assigned(feature: string): Decision;
  /** The decision the page acts on: an exposure when the feature is first used or its variant changed. */
  use(feature: string): Decision;
  /** Runs the fallback chain of `feature`, once per page. */
  loadFeature(feature: string): Promise<ChainResult>;
  /** The chains started so far (the page's assets), settled or not. */
  chains(): Promise<ChainResult>[];
  /** The features whose assets load when none is named: those with assets in either variant. */
  withAssets(features: string[]): string[];
  /** Failures and exposures go to `sink` from now on, those buffered first. */
  attach(sink: PageSink): void;
  report(...report: Report): void;
}

const DEFAULT_MAX_AGE_MS = 60_000;

/**
 * Starts a page: id, overrides, guard, the warm start from a bootstrap (read by the caller: the
 * loader has no bootstrap option) or a fresh cached config, or the cold start's request.
 */
export function startPage(options: PageOptions, boot?: ReadBootstrap): Page {
  const win = typeof window === 'object' ? window : undefined;
  const doc = win?.document;
  const now = typeof options.now === 'function' ? options.now : Date.now;
  const storage = safeStorage(() => (options.storage === undefined ? win?.localStorage : options.storage));
  const session = safeStorage(() => win?.sessionStorage);
  // The mark that saves reading sessionStorage lives in the page's localStorage only: with storage
  // of the app's own (or none), the tab's overrides are always read.
  const marks = options.storage === undefined ? storage : session;
  const param = options.overrideParam;
  const maxAgeMs = options.maxAgeMs;
  const guardErrors = options.guardErrors;
  const given = typeof options.userId === 'string' || typeof options.userId === 'number' ? options.userId : undefined;
  const { userId, source: userIdSource } = stickyUserId(given, storage, doc);
  const fallback = options.fallback && typeof options.fallback === 'object' ? options.fallback : undefined;

  // Until the client is attached, its events wait here, in order.
  let sink: PageSink | undefined;
  const pending: [keyof PageSink, unknown[]][] = [];
  const tell = (kind: keyof PageSink, ...args: unknown[]) => (sink ? (sink[kind] as (...a: unknown[]) => void)(...args) : pending.push([kind, args]));
  const report = (...args: Report) => tell('error', ...args);

  let configUrl = '';
  let nonce = typeof options.nonce === 'string' ? options.nonce : undefined;
  try {
    if (!options.configUrl || typeof options.configUrl !== 'string') throw new Error('configUrl is required');
    configUrl = new URL(options.configUrl, doc?.baseURI).href;
    nonce ??= currentScript(doc)?.nonce || undefined;
  } catch (cause) {
    report('options', `could not start: ${textOf(cause)}; check configUrl ("${textOf(options.configUrl)}")`, { cause });
  }

  let config: CanaryConfig | null = null;
  let clockOffset = 0;
  let settled = false;
  const guard = createGuard(storage, typeof guardErrors === 'number' && guardErrors >= 1 ? guardErrors : 1);
  // The variant (and user) each feature was last exposed with: a new one is a new exposure.
  const exposed = new Map<string, string>();
  // Each feature's fallback chain runs once per page.
  const loading = new Map<string, Promise<ChainResult>>();
  // Features whose canary was skipped on this page: stable assets run, so they decide stable.
  const failedOver = new Set<string>();
  // The variant whose assets run on this page, per feature.
  const ran = new Map<string, Variant>();
  const assets = createAssetLoader(doc, nonce, createOriginPolicy(options.allowedOrigins, configUrl), report);

  // Reported while counting towards the guard's limit; a canary throwing in a loop says it once.
  const failCanary = (feature: string, ...error: Report) => {
    if (guard.trip(feature, config?.revision)) report(...error);
  };
  const errors: PageErrors = { list: [], dropped: 0 };

  const decideNow = (feature: string): Decision => {
    const d = decide(settled ? config : null, feature, {
      userId: page.userId,
      userIdSource: page.userIdSource,
      attributes: page.attributes,
      now: now() + clockOffset,
      overrides: page.overrides,
      guarded: guard.pinned(config?.revision),
    });
    // What runs on the page wins: a canary skipped by the fallback chain is stable, and a feature
    // whose assets ran keeps the variant that ran (an override or a new config set later takes
    // effect on the next page load).
    if (failedOver.has(feature) && d.variant === 'canary') Object.assign(d, { variant: 'stable', reason: 'guarded' });
    const ranAs = ran.get(feature);
    if (ranAs && d.variant !== ranAs) d.variant = ranAs;
    return d;
  };

  const use = (feature: string): Decision => {
    const d = decideNow(feature);
    const mark = `${d.variant} ${page.userId}`;
    if (settled && exposed.get(feature) !== mark) {
      exposed.set(feature, mark);
      tell('exposure', d);
    }
    return d;
  };

  // The fallback chain of SPEC 6: the chosen variant, the config's stable, the page's fallback.
  const runChain = async (feature: string): Promise<ChainResult> => {
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

  const loadFeature = (feature: string): Promise<ChainResult> => {
    let load = loading.get(feature);
    if (!load) loading.set(feature, (load = runChain(feature)));
    return load;
  };

  const withAssets = (features: string[]) =>
    features.filter((f) => !config || config.features[f]?.stable?.assets?.length || config.features[f]?.canary?.assets?.length);

  const cached = (maxAge: number) => readCache(storage, configUrl, now(), maxAge);

  const page: Page = {
    userId,
    userIdSource,
    attributes: options.attributes ?? boot?.attributes,
    configUrl,
    storage,
    session,
    marks,
    guard,
    assets,
    errors,
    request: undefined,
    warm: undefined,
    bootstrapped: false,
    overrides: { ...options.overrides, ...readOverrides(session, marks, win?.location.search ?? '', param === undefined ? 'canary' : typeof param === 'string' && param) },
    config: () => config,
    clockOffset: () => clockOffset,
    apply(entry) {
      config = entry.config;
      clockOffset = entry.serverDate === undefined ? 0 : entry.serverDate - entry.fetchedAt;
    },
    cached,
    settled: () => settled,
    settle() {
      if (settled) return;
      settled = true;
      const load = options.loadAssets;
      const named = Array.isArray(load) ? load.filter((f): f is string => typeof f === 'string') : load ? withAssets(Object.keys(config?.features ?? fallback ?? {})) : [];
      for (const feature of named) loadFeature(feature).catch(() => undefined);
    },
    decideNow,
    assigned: (feature) => decide(settled ? config : null, feature, { userId: page.userId, userIdSource: page.userIdSource, attributes: page.attributes, now: now() + clockOffset }),
    use,
    loadFeature,
    chains: () => [...loading.values()],
    withAssets,
    attach(next) {
      sink = next;
      for (const [kind, args] of pending.splice(0)) tell(kind, ...args);
    },
    report,
  };

  if (boot) {
    // A server rendered the config into the page: decided at once, as from a fresh cached copy.
    page.warm = boot.entry;
    page.bootstrapped = true;
    page.apply(boot.entry);
    page.settle();
  } else if (configUrl) {
    const entry = cached(typeof maxAgeMs === 'number' && maxAgeMs >= 0 ? maxAgeMs : DEFAULT_MAX_AGE_MS);
    // A cached config without a feature the page names (added since) would give that feature only
    // its fallback: the network decides instead.
    const named = Array.isArray(options.loadAssets) ? options.loadAssets : [];
    if (entry && named.every((f) => hasOwn(entry.config.features, f))) {
      // Warm: decide and insert the asset tags before anything touches the network.
      page.warm = entry;
      page.apply(entry);
      page.settle();
    } else {
      // Cold: the request leaves now, while the validator loads.
      try {
        const controller = new AbortController();
        const sent = (options.fetch ?? fetch)(configUrl, { cache: 'no-cache', credentials: 'omit', signal: controller.signal });
        sent.catch(() => undefined);
        page.request = { sent, at: now(), abort: () => controller.abort() };
      } catch {
        // The client's refresh asks again, and says why.
      }
    }
  }
  // Listening costs Chromium about half a millisecond: after the warm start's tags, in the same
  // task, so that no error of the page can happen in between.
  bufferPageErrors(win, errors, assets, (feature, event) =>
    failCanary(feature, 'canary-error', `canary code of "${feature}" threw: ${event.message}`, { feature, url: event.filename, cause: event.error }),
  );
  return page;
}

/** Text of anything, for a message: values whose toString throws (or symbols) included. */
export function textOf(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
