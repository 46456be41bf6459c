import type { SafeStorage } from '../identity/safe-storage';
import { GUARD_KEY } from '../identity/storage-keys';

type Pins = Record<string, { revision: string; count: number }>;

/**
 * The device's guard: canary failures counted per feature and config revision. At `limit` the
 * feature is pinned to stable on this device until the config's `revision` changes.
 */
export interface Guard {
  /** Counts one failure; true while failures are still counting towards the limit (report those). */
  trip(feature: string, revision: string | undefined): boolean;
  /** The features pinned for this revision when the page started. */
  pinned(revision: string | undefined): string[];
}

/** The guard of this device, kept in storage (or in memory for this page when storage refuses). */
export function createGuard(storage: SafeStorage, limit: number): Guard {
  const pins = storage.object<Pins>(GUARD_KEY);
  // Pins count from the next page load: a canary already running on this page stays decided as
  // it started (trip() replaces entries, so a shallow copy is a snapshot).
  const atStart = { ...pins };
  return {
    trip(feature, revision = '') {
      const entry = pins[feature];
      const count = (entry?.revision === revision && typeof entry.count === 'number' ? entry.count : 0) + 1;
      pins[feature] = { revision, count };
      storage.set(GUARD_KEY, JSON.stringify(pins));
      return count <= limit;
    },
    pinned(revision = '') {
      // Storage is writable by any script of the origin: an entry of another shape pins nothing.
      return Object.keys(atStart).filter((f) => atStart[f]?.revision === revision && atStart[f]!.count >= limit);
    },
  };
}
