import { describe, expect, it } from 'vitest';
import { readCache, writeCache } from '../../src/config/cache';
import { safeStorage } from '../../src/identity/safe-storage';
import { cacheKey } from '../../src/identity/storage-keys';
import { oneFeature } from '../helpers/configs';
import { MemoryStorage } from '../helpers/memory-storage';

const url = 'https://cdn.example.com/canary-config.json';
const now = Date.parse('2026-11-26T10:00:00Z');
const minute = 60_000;
const week = 7 * 864e5;

/** A storage holding `entry` (any JSON, as a script of the origin could write it) for `url`; stamped as writeCache stamps, unless `stamp` says otherwise. */
function storing(entry: object, stamp: unknown = 'client-canary/1') {
  const memory = new MemoryStorage();
  memory.setItem(cacheKey(url), JSON.stringify({ ...entry, stamp }));
  return safeStorage(() => memory);
}

describe('readCache', () => {
  it('gives back an entry fetched less than maxAgeMs ago, as written', () => {
    const memory = new MemoryStorage();
    const storage = safeStorage(() => memory);
    const entry = { config: oneFeature(), fetchedAt: now - 30e3, serverDate: now - 29e3 };
    expect(writeCache(storage, url, entry)).toBe(true);
    expect(readCache(storage, url, now, minute)).toEqual(entry);
  });

  it('finds nothing in an empty storage', () => {
    expect(readCache(safeStorage(() => new MemoryStorage()), url, now, week)).toBeUndefined();
  });

  it('refuses an entry as old as maxAgeMs or older', () => {
    const storage = storing({ config: oneFeature(), fetchedAt: now - minute });
    expect(readCache(storage, url, now, minute)).toBeUndefined();
    expect(readCache(storage, url, now, minute + 1)).toBeDefined();
  });

  it.each([
    ['a second', 1e3],
    ['a day', 864e5],
    ['a thousand years', 1000 * 365 * 864e5],
  ])('refuses an entry dated %s ahead of the clock, for maxAgeMs and maxStaleMs alike', (_, ahead) => {
    const storage = storing({ config: oneFeature(), fetchedAt: now + ahead });
    expect(readCache(storage, url, now, minute)).toBeUndefined();
    expect(readCache(storage, url, now, week)).toBeUndefined();
  });

  it('uses an entry fetched at this very millisecond', () => {
    expect(readCache(storing({ config: oneFeature(), fetchedAt: now }), url, now, minute)).toBeDefined();
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['text', String(now)],
    ['a list holding the right time', [now]],
  ])('refuses an entry whose fetchedAt is %s', (_, fetchedAt) => {
    expect(readCache(storing({ config: oneFeature(), fetchedAt }), url, now, week)).toBeUndefined();
  });

  it('refuses every entry when the clock is not a number', () => {
    expect(readCache(storing({ config: oneFeature(), fetchedAt: now }), url, Number.NaN, week)).toBeUndefined();
  });

  it('refuses an entry whose config is not of the shape writeCache writes', () => {
    for (const config of [{ version: 2, features: {} }, { version: 1 }, { version: 1, features: [] }, 'config', null])
      expect(readCache(storing({ config, fetchedAt: now }), url, now, minute)).toBeUndefined();
  });

  it('refuses an entry without the stamp of writeCache (an older SDK, or another script of the origin)', () => {
    expect(readCache(storing({ config: oneFeature(), fetchedAt: now }, null), url, now, minute)).toBeUndefined();
    expect(readCache(storing({ config: oneFeature(), fetchedAt: now }, 'client-canary/0'), url, now, minute)).toBeUndefined();
    expect(readCache(storing({ config: oneFeature(), fetchedAt: now }), url, now, minute)).toBeDefined();
  });

  it('drops a serverDate that is not a finite number, so it cannot skew the ramps', () => {
    expect(readCache(storing({ config: oneFeature(), fetchedAt: now, serverDate: 'soon' }), url, now, minute)).toMatchObject({ serverDate: undefined });
  });
});
