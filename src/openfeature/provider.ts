/**
 * `client-canary/openfeature`: an OpenFeature web provider over a client-canary client. Rules are
 * evaluated on the page, from the static JSON file; `@openfeature/web-sdk` is an optional peer.
 *
 * @example
 * await OpenFeature.setProviderAndWait(new CanaryProvider({ configUrl: '/canary-config.json' }));
 * OpenFeature.getClient().getNumberValue('searchLimit', 20);
 */
import {
  OpenFeatureEventEmitter,
  ProviderEvents,
  type EvaluationContext,
  type JsonValue,
  type Provider,
  type ResolutionDetails,
} from '@openfeature/web-sdk';
import type { CanaryClient, CanaryOptions, ClientLink } from '../client';
import { startClient } from '../create-canary';
import type { Attributes } from '../decide/decide';
import type { Fallback } from '../decide/flags';
import type { Page } from '../loader/page';
import type { Snapshot } from '../snapshot';
import { resolveFlag, type FlagSource } from './resolve';

/** Failures of the config itself; others (an asset, a canary's error) leave the flags as they are. */
const CONFIG_FAILURES = new Set(['config-fetch', 'config-invalid', 'validator']);

/** The context's `targetingKey` is the user id; its other string, number and boolean fields are the attributes. */
function contextOf(context: EvaluationContext | undefined, base: Attributes | undefined): { userId: string | undefined; attributes: Attributes | undefined } {
  const { targetingKey, ...rest } = context ?? {};
  const attributes: Attributes = { ...base };
  for (const [name, value] of Object.entries(rest))
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') attributes[name] = value;
    else if (value instanceof Date) attributes[name] = value.toISOString();
  return { userId: typeof targetingKey === 'string' && targetingKey ? targetingKey : undefined, attributes: Object.keys(attributes).length ? attributes : undefined };
}

/** Flags and features whose value differs between two snapshots. */
function changedKeys(before: Snapshot, after: Snapshot): string[] {
  const keys = new Set([...Object.keys(before.flags), ...Object.keys(after.flags), ...Object.keys(before.variants), ...Object.keys(after.variants)]);
  return [...keys].filter((k) => before.flags[k] !== after.flags[k] || before.variants[k] !== after.variants[k]);
}

/** An OpenFeature web provider: `new CanaryProvider(options)` takes the options of createCanary. */
export class CanaryProvider implements Provider {
  readonly metadata = { name: 'client-canary' } as const;
  readonly runsOn = 'client' as const;
  readonly events = new OpenFeatureEventEmitter();
  /** The client behind the provider: `on('exposure')`, `context()`, `loadAssets()`, `override()`. */
  readonly client: CanaryClient;
  readonly #page: Page;
  readonly #options: CanaryOptions;
  readonly #identify: (userId: string | undefined, attributes: Attributes | undefined) => void;
  readonly #stop: (() => void)[] = [];
  readonly #source: FlagSource;
  #initialized = false;
  #closed = false;
  #degraded = false;
  #identifying = false;
  /** The attributes the page started with (the option's, else the bootstrap's): a context adds to them. */
  readonly #attributes: Attributes | undefined;
  #seen: Snapshot;
  #identity = '';

  constructor(options: CanaryOptions) {
    this.#options = options && typeof options === 'object' ? options : ({} as CanaryOptions);
    const link: ClientLink = { fetched: () => this.#fetched() };
    const { client, page } = startClient(this.#options, link);
    this.client = client;
    this.#page = page;
    this.#identify = link.identify!;
    const fallback = this.#options.fallback && typeof this.#options.fallback === 'object' ? (this.#options.fallback as Fallback) : undefined;
    this.#source = { config: () => (page.settled() ? page.config() : null), fallback, decide: (feature) => client.decide(feature) };
    this.#seen = client.getSnapshot();
    this.#attributes = page.attributes;
    this.#identity = JSON.stringify(contextOf(undefined, this.#attributes));
    this.#stop.push(
      client.subscribe(() => this.#changed()),
      client.on('error', (error) => {
        if (!this.#initialized || this.#closed || !CONFIG_FAILURES.has(error.code)) return;
        this.#degraded = true;
        // A copy of the config still decides (a stale one): stale; none at all: an error.
        this.events.emit(this.#page.config() ? ProviderEvents.Stale : ProviderEvents.Error, { message: error.message });
      }),
    );
  }

  async initialize(context?: EvaluationContext): Promise<void> {
    this.#setContext(context);
    await this.client.ready();
    this.#seen = this.client.getSnapshot();
    this.#initialized = true;
    // The page works without a config (stable, the fallback's flags): the SDK says ready, and then
    // this provider says why flags are defaults. After the SDK's own ready, which follows this promise.
    if (!this.#page.config()) {
      this.#degraded = true;
      const message = `client-canary: no config could be read from ${this.#page.configUrl || '(no configUrl)'}; flags are the fallback's`;
      setTimeout(() => this.#closed || !this.#degraded || this.events.emit(ProviderEvents.Error, { message }));
    }
  }

  /** Re-decides for the new context; no reconciling state: deciding is synchronous. */
  onContextChange(_: EvaluationContext, next: EvaluationContext): void {
    this.#setContext(next);
  }

  async onClose(): Promise<void> {
    this.#closed = true;
    for (const stop of this.#stop.splice(0)) stop();
  }

  resolveBooleanEvaluation(key: string, defaultValue: boolean): ResolutionDetails<boolean> {
    return resolveFlag(this.#source, key, defaultValue, 'boolean');
  }

  resolveStringEvaluation(key: string, defaultValue: string): ResolutionDetails<string> {
    return resolveFlag(this.#source, key, defaultValue, 'string');
  }

  resolveNumberEvaluation(key: string, defaultValue: number): ResolutionDetails<number> {
    return resolveFlag(this.#source, key, defaultValue, 'number');
  }

  resolveObjectEvaluation<T extends JsonValue>(key: string, defaultValue: T): ResolutionDetails<T> {
    return resolveFlag(this.#source, key, defaultValue, 'object');
  }


  #setContext(context: EvaluationContext | undefined) {
    const next = contextOf(context, this.#attributes);
    const identity = JSON.stringify(next);
    if (identity === this.#identity) return;
    this.#identity = identity;
    // The SDK says "context changed" itself; what the change did to flags is not a config change.
    this.#identifying = true;
    try {
      this.#identify(next.userId, next.attributes);
    } finally {
      this.#identifying = false;
      this.#seen = this.client.getSnapshot();
    }
  }

  #changed() {
    const now = this.client.getSnapshot();
    const before = this.#seen;
    this.#seen = now;
    if (!this.#initialized || this.#closed || this.#identifying || !before.ready) return;
    const flagsChanged = changedKeys(before, now);
    if (flagsChanged.length) this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged });
  }

  #fetched() {
    if (!this.#initialized || this.#closed || !this.#degraded) return;
    this.#degraded = false;
    this.events.emit(ProviderEvents.Ready);
  }
}
