// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { createGuard } from '../../src/assets/guard';
import { safeStorage } from '../../src/identity/safe-storage';
import { GUARD_KEY } from '../../src/identity/storage-keys';
import { MemoryStorage } from '../helpers/memory-storage';

/** One device: each `page()` is a new page load (a new guard) over the same storage. */
function device(limit: number, memory = new MemoryStorage()) {
  const storage = safeStorage(() => memory);
  return { memory, page: () => createGuard(storage, limit) };
}

describe('createGuard', () => {
  it('does not pin a feature before limit failures for a revision', () => {
    const { page } = device(3);
    const guard = page();
    guard.trip('app', 'r1');
    guard.trip('app', 'r1');
    expect(page().pinned('r1')).toEqual([]);
  });

  it('pins a feature after limit failures for a revision', () => {
    const { page } = device(2);
    page().trip('app', 'r1');
    page().trip('app', 'r1');
    expect(page().pinned('r1')).toEqual(['app']);
  });

  it('pins from the next page: the page whose canary failed keeps it unpinned', () => {
    const { page } = device(1);
    const guard = page();
    guard.trip('app', 'r1');
    expect(guard.pinned('r1')).toEqual([]);
    expect(page().pinned('r1')).toEqual(['app']);
  });

  it('unpins a feature when the config revision changes', () => {
    const { page } = device(1);
    page().trip('app', 'r1');
    expect(page().pinned('r1')).toEqual(['app']);
    expect(page().pinned('r2')).toEqual([]);
  });

  it('counts failures of a new revision from zero', () => {
    const { page } = device(2);
    page().trip('app', 'r1');
    page().trip('app', 'r2');
    expect(page().pinned('r2')).toEqual([]);
    page().trip('app', 'r2');
    expect(page().pinned('r2')).toEqual(['app']);
  });

  it('says a failure is worth reporting while it counts towards the limit, and not after', () => {
    const guard = device(2).page();
    expect([guard.trip('app', 'r1'), guard.trip('app', 'r1'), guard.trip('app', 'r1')]).toEqual([true, true, false]);
  });

  it('counts each feature apart', () => {
    const { page } = device(2);
    const guard = page();
    guard.trip('app', 'r1');
    guard.trip('app', 'r1');
    guard.trip('search', 'r1');
    expect(page().pinned('r1')).toEqual(['app']);
  });

  it('takes a config without a revision for a revision of its own', () => {
    const { page } = device(1);
    page().trip('app', undefined);
    expect(page().pinned(undefined)).toEqual(['app']);
    expect(page().pinned('r1')).toEqual([]);
  });

  it('keeps counting on this page when storage refuses writes, and pins nothing later', () => {
    const { memory, page } = device(1);
    memory.failWrites = true;
    const guard = page();
    expect([guard.trip('app', 'r1'), guard.trip('app', 'r1')]).toEqual([true, false]);
    expect(page().pinned('r1')).toEqual([]);
  });

  it('reads a stored guard that is not JSON as no failures', () => {
    const memory = new MemoryStorage();
    memory.setItem(GUARD_KEY, '{not json');
    const { page } = device(1, memory);
    expect(page().pinned('r1')).toEqual([]);
    expect(page().trip('app', 'r1')).toBe(true);
  });

  it('reads a stored entry that is not an object as no failures of that feature', () => {
    const memory = new MemoryStorage();
    memory.setItem(GUARD_KEY, JSON.stringify({ app: null, search: 'x', other: { revision: 'r1', count: 1 } }));
    const { page } = device(1, memory);
    expect(page().pinned('r1')).toEqual(['other']);
  });
});
