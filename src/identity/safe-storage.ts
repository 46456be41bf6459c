/** Storage access that survives browsers that throw (Safari private mode, blocked storage, quota). */
export interface SafeStorage {
  get(key: string): string | null;
  /** false when the browser refused the write. */
  set(key: string, value: string): boolean;
  remove(key: string): void;
  /** The stored JSON object under `key` (on a null prototype), or an empty one when missing or broken. */
  object<T extends object>(key: string): T;
}

/**
 * Wraps a Storage, or a function that finds one (reading `window.localStorage` itself can throw),
 * so that no access ever throws. A missing storage reads as empty and refuses writes.
 */
export function safeStorage(find: () => Storage | null | undefined): SafeStorage {
  const attempt = <T>(use: (storage: Storage) => T, otherwise: T): T => {
    try {
      const storage = find();
      return storage ? use(storage) : otherwise;
    } catch {
      return otherwise;
    }
  };
  return {
    get: (key) => attempt((s) => s.getItem(key), null),
    set: (key, value) => attempt((s) => (s.setItem(key, value), true), false),
    remove: (key) => attempt((s) => s.removeItem(key), undefined),
    object: <T extends object>(key: string): T =>
      attempt((s) => {
        const value: unknown = JSON.parse(s.getItem(key) ?? '{}');
        return Object.assign(Object.create(null) as T, value && typeof value === 'object' ? value : {});
      }, Object.create(null) as T),
  };
}
