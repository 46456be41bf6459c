import type { Variant } from './decide/decide';
import type { SafeStorage } from './identity/safe-storage';
import { OVERRIDES_KEY, OVERRIDES_USED_KEY } from './identity/storage-keys';


export type Overrides = Record<string, Variant>;

/**
 * Reads `?canary=app:canary,search:stable` (or `?canary=reset`) into the tab's stored overrides and
 * returns them. Entries that are not `feature:stable|canary` are ignored. `param` false (or empty)
 * reads no query parameter: only overrides made by `override()` in this tab apply.
 *
 * The first sessionStorage access of a page costs Chromium a synchronous trip to the browser
 * process (about 1.4 ms), and overrides are rare (QA tabs): the tab's overrides are read only once
 * this origin has stored some (a mark in localStorage says so) or the URL carries the parameter.
 * `local` is where that mark lives; `session` itself for always reading.
 */
export function readOverrides(session: SafeStorage, local: SafeStorage, search: string, param: string | false): Overrides {
  const value = param && search ? new URLSearchParams(search).get(param) : null;
  if (!value && local !== session && !local.get(OVERRIDES_USED_KEY)) return Object.create(null) as Overrides;
  if (value === 'reset') session.remove(OVERRIDES_KEY);
  const stored = session.object<Overrides>(OVERRIDES_KEY);
  if (value && value !== 'reset') {
    for (const pair of value.split(',')) {
      const [feature, variant] = pair.split(':');
      if (feature && (variant === 'stable' || variant === 'canary')) stored[feature] = variant;
    }
    save(session, local, stored);
  }
  return stored;
}

/** Sets or clears (null) one override for this tab; returns the tab's overrides. */
export function storeOverride(session: SafeStorage, local: SafeStorage, feature: string, variant: Variant | null): Overrides {
  const stored = session.object<Overrides>(OVERRIDES_KEY);
  if (variant) stored[feature] = variant;
  else delete stored[feature];
  save(session, local, stored);
  return stored;
}

function save(session: SafeStorage, local: SafeStorage, overrides: Overrides): void {
  session.set(OVERRIDES_KEY, JSON.stringify(overrides));
  local.set(OVERRIDES_USED_KEY, '1');
}
