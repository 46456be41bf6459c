import type { Variant } from './decide/decide';
import type { SafeStorage } from './identity/safe-storage';
import { OVERRIDES_KEY } from './identity/storage-keys';


export type Overrides = Record<string, Variant>;

/**
 * Reads `?canary=app:canary,search:stable` (or `?canary=reset`) into the tab's stored overrides and
 * returns them. Entries that are not `feature:stable|canary` are ignored. `param` false (or empty)
 * reads no query parameter: only overrides made by `override()` in this tab apply.
 */
export function readOverrides(session: SafeStorage, search: string, param: string | false): Overrides {
  const value = param ? new URLSearchParams(search).get(param) : null;
  if (value === 'reset') session.remove(OVERRIDES_KEY);
  const stored = session.object<Overrides>(OVERRIDES_KEY);
  if (value && value !== 'reset') {
    for (const pair of value.split(',')) {
      const [feature, variant] = pair.split(':');
      if (feature && (variant === 'stable' || variant === 'canary')) stored[feature] = variant;
    }
    session.set(OVERRIDES_KEY, JSON.stringify(stored));
  }
  return stored;
}

/** Sets or clears (null) one override for this tab; returns the tab's overrides. */
export function storeOverride(session: SafeStorage, feature: string, variant: Variant | null): Overrides {
  const stored = session.object<Overrides>(OVERRIDES_KEY);
  if (variant) stored[feature] = variant;
  else delete stored[feature];
  session.set(OVERRIDES_KEY, JSON.stringify(stored));
  return stored;
}
