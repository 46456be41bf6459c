import type { CanaryClient } from '../client';
import type { Decision } from '../decide/decide';
import type { Snapshot } from '../snapshot';
import type { Page } from './page';

/**
 * The client of a page whose second chunk could not load in time: it answers what runs on the
 * page (a warm start's decisions, else stable), every flag its default, so that code waiting on
 * `clientCanaryQueue` still runs. No events: the console says what happened.
 */
export function stableClient(page: Page): CanaryClient {
  const done = () => Promise.resolve();
  const decision = (feature: unknown): Decision => page.decideNow(typeof feature === 'string' ? feature : '');
  const variants = () => Object.fromEntries(Object.keys(page.config()?.features ?? {}).map((f) => [f, decision(f).variant]));
  // Nothing changes it: one snapshot for the page.
  let snapshot: Snapshot | undefined;
  return {
    ready: done,
    isCanary: (feature) => decision(feature).variant === 'canary',
    variant: (feature) => decision(feature).variant,
    decide: decision,
    flag: (_, value) => value as never,
    flags: () => ({}),
    loadAssets: (feature) => (typeof feature === 'string' ? page.loadFeature(feature) : Promise.resolve({ ok: false, loaded: [], failed: [], refused: [] })),
    override() {},
    refresh: done,
    on: () => () => undefined,
    context: () => ({ userId: page.userId, variants: variants() }),
    debug() {},
    subscribe: () => () => undefined,
    getSnapshot: () => (snapshot ??= Object.freeze({ ready: true, revision: page.config()?.revision, variants: Object.freeze(variants()), flags: Object.freeze({}) })),
  };
}
