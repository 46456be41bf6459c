// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { safeStorage } from '../src/identity/safe-storage';
import { OVERRIDES_KEY, OVERRIDES_USED_KEY } from '../src/identity/storage-keys';
import { readOverrides, storeOverride } from '../src/overrides';
import { createCanary } from '../src/create-canary';
import { MemoryStorage } from './helpers/memory-storage';

/** A tab: its sessionStorage (counting reads) and the origin's localStorage. */
function tab(local = new MemoryStorage()) {
  const session = new MemoryStorage();
  let sessionReads = 0;
  const counted = safeStorage(() => {
    sessionReads++;
    return session;
  });
  return { session, local, counted, marks: safeStorage(() => local), reads: () => sessionReads };
}

describe('readOverrides', () => {
  it('reads the query into the tab and keeps it for the next page of the tab', () => {
    const t = tab();
    expect({ ...readOverrides(t.counted, t.marks, '?canary=app:canary,bad,x:blue,search:stable', 'canary') }).toEqual({ app: 'canary', search: 'stable' });
    expect(t.local.getItem(OVERRIDES_USED_KEY)).toBe('1');
    expect({ ...readOverrides(t.counted, t.marks, '', 'canary') }).toEqual({ app: 'canary', search: 'stable' });
    expect({ ...readOverrides(t.counted, t.marks, '?canary=reset', 'canary') }).toEqual({});
    expect(t.session.getItem(OVERRIDES_KEY)).toBeNull();
  });

  it('does not touch sessionStorage on a page without the parameter until this origin has stored overrides', () => {
    const t = tab();
    expect({ ...readOverrides(t.counted, t.marks, '?q=shoes', 'canary') }).toEqual({});
    expect(t.reads()).toBe(0);
    storeOverride(t.counted, t.marks, 'app', 'canary');
    expect({ ...readOverrides(t.counted, t.marks, '', 'canary') }).toEqual({ app: 'canary' });
    expect(t.reads()).toBeGreaterThan(0);
  });

  it('reads no parameter when turned off, and still the overrides made by override()', () => {
    const t = tab();
    storeOverride(t.counted, t.marks, 'app', 'stable');
    expect({ ...readOverrides(t.counted, t.marks, '?canary=app:canary', false) }).toEqual({ app: 'stable' });
    storeOverride(t.counted, t.marks, 'app', null);
    expect({ ...readOverrides(t.counted, t.marks, '', 'canary') }).toEqual({});
  });
});

describe('overrides with storage of the app\'s own', () => {
  it('reads the tab\'s overrides on every page, with a new store each load or none', async () => {
    sessionStorage.clear();
    const config = { version: 1, features: { app: { percentage: 0 } } };
    const fetch = (async () => new Response(JSON.stringify(config))) as typeof globalThis.fetch;
    createCanary({ configUrl: 'https://cdn.example/c.json', storage: new MemoryStorage(), fetch }).override('app', 'canary');
    const next = createCanary({ configUrl: 'https://cdn.example/c.json', storage: new MemoryStorage(), fetch });
    await next.ready();
    expect(next.decide('app')).toMatchObject({ variant: 'canary', reason: 'override' });
    sessionStorage.clear();
    createCanary({ configUrl: 'https://cdn.example/c.json', storage: null, fetch }).override('app', 'stable');
    const none = createCanary({ configUrl: 'https://cdn.example/c.json', storage: null, fetch });
    await none.ready();
    expect(none.decide('app')).toMatchObject({ variant: 'stable', reason: 'override' });
  });
});
