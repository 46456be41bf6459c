import type { FlagValue } from './config/schema';
import type { Variant } from './decide/decide';

/** What the page decided, as React's `useSyncExternalStore` takes it: frozen, the same object until something changes. */
export interface Snapshot {
  /** False until decisions are possible (the config fetched, cached or given up). */
  readonly ready: boolean;
  /** The revision of the config in use; undefined without one. */
  readonly revision: string | undefined;
  /** Each feature's variant, as it runs on the page. Reading it is not an exposure. */
  readonly variants: Readonly<Record<string, Variant>>;
  /** Every feature's flags in its chosen variant. */
  readonly flags: Readonly<Record<string, FlagValue>>;
}

/** The store behind `subscribe` / `getSnapshot`. */
export interface SnapshotStore {
  subscribe(listener: () => void): () => void;
  getSnapshot(): Snapshot;
  /** Something may have changed (ready, a new config, an override, a guard): listeners hear of a real change. */
  check(): void;
}

/** The largest delay a timer holds (about 24.8 days). */
const MAX_DELAY = 2 ** 31 - 1;

/**
 * Snapshots of `read()`: a new frozen object only when its content differs from the last one.
 * While anyone listens, a timer waits for the next ramp step (`msToNextStep`), so that a step
 * passing is a change like any other; no polling.
 */
export function createSnapshotStore(read: () => Snapshot, msToNextStep: () => number | undefined, timers: Pick<typeof globalThis, 'setTimeout' | 'clearTimeout'> | undefined): SnapshotStore {
  const listeners = new Set<() => void>();
  let current: Snapshot | undefined;
  let key = '';
  // The snapshot listeners last heard of: a change is measured from it, whoever read the newer one first.
  let told: Snapshot | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const getSnapshot = (): Snapshot => {
    const next = read();
    const nextKey = JSON.stringify([next.ready, next.revision ?? null, next.variants, next.flags]);
    if (!current || nextKey !== key) {
      key = nextKey;
      current = Object.freeze({ ...next, variants: Object.freeze({ ...next.variants }), flags: Object.freeze({ ...next.flags }) });
    }
    return current;
  };

  const wait = () => {
    if (timer !== undefined) timers?.clearTimeout(timer);
    timer = undefined;
    const ms = listeners.size ? msToNextStep() : undefined;
    // One millisecond past the boundary: the step has passed when the timer fires.
    if (ms !== undefined && timers) timer = timers.setTimeout(check, Math.min(Math.max(ms + 1, 0), MAX_DELAY));
  };

  // Called from the client's promise chains and event listeners: never throws (a config that the
  // validator has not seen yet, a bootstrap, can hold anything).
  function check() {
    let after: Snapshot;
    try {
      after = getSnapshot();
      wait();
    } catch {
      return;
    }
    if (told && after !== told) {
      told = after;
      for (const listener of [...listeners]) {
        try {
          listener();
        } catch (error) {
          console.error('client-canary: a subscribe listener threw', error);
        }
      }
    }
  }

  return {
    subscribe(listener) {
      if (typeof listener !== 'function') return () => undefined;
      // React reads the snapshot again after subscribing: a change before now is its own to see.
      if (!listeners.size) told = getSnapshot();
      listeners.add(listener);
      wait();
      return () => {
        listeners.delete(listener);
        wait();
      };
    },
    getSnapshot,
    check,
  };
}
