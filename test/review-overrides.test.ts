// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { safeStorage } from '../src/identity/safe-storage';
import { OVERRIDES_KEY } from '../src/identity/storage-keys';
import { readOverrides } from '../src/overrides';
import { createCanary } from '../src/create-canary';
import { MemoryStorage } from './helpers/memory-storage';

describe('review: overrides lost', () => {
  it('a tab override is kept in sessionStorage but no longer read when localStorage refuses the mark (quota/full)', () => {
    const session = new MemoryStorage();
    const local = new MemoryStorage();
    local.failWrites = true; // full localStorage: QuotaExceededError
    const s = safeStorage(() => session), l = safeStorage(() => local);
    expect({ ...readOverrides(s, l, '?canary=app:canary', 'canary') }).toEqual({ app: 'canary' });
    expect(session.getItem(OVERRIDES_KEY)).toBe('{"app":"canary"}'); // stored for the tab...
    expect({ ...readOverrides(s, l, '', 'canary') }).toEqual({}); // ...BUG: the next page of the tab drops it
  });

  it('createCanary with a custom (non-persistent) storage: override() does not survive a reload of the tab', async () => {
    sessionStorage.clear();
    const config = { version: 1, features: { app: { percentage: 0 } } };
    const fetch = (async () => new Response(JSON.stringify(config))) as typeof globalThis.fetch;
    const first = createCanary({ configUrl: 'https://cdn.example/c.json', storage: new MemoryStorage(), fetch });
    first.override('app', 'canary');
    expect(sessionStorage.getItem(OVERRIDES_KEY)).toBe('{"app":"canary"}');
    // next page load of the same tab: a new in-memory store (e.g. storage kept off until consent)
    const second = createCanary({ configUrl: 'https://cdn.example/c.json', storage: new MemoryStorage(), fetch });
    await second.ready();
    expect(second.decide('app')).toMatchObject({ variant: 'stable', reason: 'rollout' }); // BUG: the tab's override is ignored
    // control: with storage: null on both loads (mark kept in sessionStorage) the override survives
    sessionStorage.clear();
    createCanary({ configUrl: 'https://cdn.example/c.json', storage: null, fetch }).override('app', 'canary');
    const third = createCanary({ configUrl: 'https://cdn.example/c.json', storage: null, fetch });
    await third.ready();
    expect(third.decide('app')).toMatchObject({ variant: 'canary', reason: 'override' });
  });
});
