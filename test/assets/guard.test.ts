// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { createAssetLoader } from '../../src/assets/chain';
import { createGuard, watchCanaryErrors } from '../../src/assets/guard';
import { createOriginPolicy } from '../../src/assets/policy';
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

describe('watchCanaryErrors', () => {
  const cdn = 'https://cdn.example.com';

  /** A window of its own, and a loader that has run the canary of "app" (URL with a fragment). */
  async function watching() {
    const win = new EventTarget() as unknown as Window;
    const assets = createAssetLoader(document, undefined, createOriginPolicy(undefined, `${cdn}/canary-config.json`), vi.fn());
    await assets.loadChain('app', [{ name: 'canary', assets: [`${cdn}/c.js#v2`], base: cdn }]);
    await assets.loadChain('lib', [{ name: 'stable', assets: [`${cdn}/s.js`], base: cdn }]);
    const onError = vi.fn();
    watchCanaryErrors(win, assets.canaryOf, onError);
    return { win, onError };
  }
  const thrown = (filename: string) => new ErrorEvent('error', { filename, message: 'boom' });

  it.each([`${cdn}/c.js`, `${cdn}/c.js#v2`])('calls back with the feature for an error thrown by the canary script %s', async (filename) => {
    const { win, onError } = await watching();
    const event = thrown(filename);
    win.dispatchEvent(event);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith('app', event);
  });

  it.each([`${cdn}/s.js`, 'https://other.example.com/c.js', `${cdn}/c.js?x=1`, ''])('ignores an error thrown from %j, not a canary URL', async (filename) => {
    const { win, onError } = await watching();
    win.dispatchEvent(thrown(filename));
    expect(onError).not.toHaveBeenCalled();
  });

  it('ignores an error event without a filename (a failed resource, not a thrown error)', async () => {
    const { win, onError } = await watching();
    win.dispatchEvent(new Event('error'));
    expect(onError).not.toHaveBeenCalled();
  });

  it('does nothing without a window', () => {
    expect(() => watchCanaryErrors(undefined, () => 'app', vi.fn())).not.toThrow();
  });
});
