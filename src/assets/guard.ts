import type { SafeStorage } from '../identity/safe-storage';

export const GUARD_KEY = 'client-canary:guard';

type Pins = Record<string, { revision: string; count: number }>;

/**
 * The device's guard: canary failures counted per feature and config revision. At `limit` the
 * feature is pinned to stable on this device until the config's `revision` changes.
 */
export interface Guard {
  /** Counts one failure; true when this one trips the guard. */
  trip(feature: string, revision: string | undefined): boolean;
  /** The features pinned for this revision. */
  pinned(revision: string | undefined): string[];
}

export function createGuard(storage: SafeStorage, limit: number): Guard {
  // Read once: storage that refuses writes still guards this page, from memory.
  const pins = storage.object<Pins>(GUARD_KEY);
  return {
    trip(feature, revision = '') {
      const entry = pins[feature];
      const count = (entry?.revision === revision ? entry.count : 0) + 1;
      pins[feature] = { revision, count };
      storage.set(GUARD_KEY, JSON.stringify(pins));
      return count === limit;
    },
    pinned(revision = '') {
      return Object.keys(pins).filter((f) => pins[f]!.revision === revision && pins[f]!.count >= limit);
    },
  };
}
