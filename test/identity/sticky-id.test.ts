// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { safeStorage } from '../../src/identity/safe-storage';
import { stickyUserId } from '../../src/identity/sticky-id';
import { UID_COOKIE, UID_KEY } from '../../src/identity/storage-keys';
import { MemoryStorage } from '../helpers/memory-storage';

const clearCookie = () => (document.cookie = `${UID_COOKIE}=; Path=/; Max-Age=0`);
const cookieValue = () => document.cookie.match(new RegExp(`${UID_COOKIE}=([^;]*)`))?.[1];

describe('stickyUserId', () => {
  let store: MemoryStorage;
  beforeEach(() => {
    store = new MemoryStorage();
    clearCookie();
  });

  it('lets the application id win over everything stored', () => {
    store.setItem(UID_KEY, 'stored-id');
    expect(stickyUserId('app-user', safeStorage(() => store), document)).toEqual({ userId: 'app-user', source: 'option' });
  });

  it('creates a random id once, keeps it in localStorage and mirrors it in the cookie', () => {
    const first = stickyUserId(undefined, safeStorage(() => store), document);
    expect(first.source).toBe('generated');
    expect(first.userId).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(store.getItem(UID_KEY)).toBe(first.userId);
    expect(cookieValue()).toBe(first.userId);
    expect(stickyUserId(undefined, safeStorage(() => store), document)).toEqual({ userId: first.userId, source: 'storage' });
  });

  it('mirrors an id found in localStorage in the cookie after the call, without reading the cookie during it', async () => {
    store.setItem(UID_KEY, 'stored-id');
    let reads = 0;
    let jar = '';
    const doc = {
      location: { protocol: 'https:' },
      get cookie() {
        reads++;
        return jar;
      },
      set cookie(value: string) {
        jar = value.split(';')[0]!;
      },
    } as unknown as Document;
    expect(stickyUserId(undefined, safeStorage(() => store), doc)).toEqual({ userId: 'stored-id', source: 'storage' });
    expect(reads).toBe(0);
    await new Promise((resolve) => setTimeout(resolve));
    expect(jar).toBe(`${UID_COOKIE}=stored-id`);
  });

  it('gives every device its own id', () => {
    const a = stickyUserId(undefined, safeStorage(() => new MemoryStorage()), undefined).userId;
    const b = stickyUserId(undefined, safeStorage(() => new MemoryStorage()), undefined).userId;
    expect(a).not.toBe(b);
  });

  it('reads the cookie when localStorage lost the id, and writes it back', () => {
    document.cookie = `${UID_COOKIE}=from-cookie; Path=/`;
    expect(stickyUserId(undefined, safeStorage(() => store), document)).toEqual({ userId: 'from-cookie', source: 'cookie' });
    expect(store.getItem(UID_KEY)).toBe('from-cookie');
  });

  it('survives storage whose reads and writes throw, through the cookie', () => {
    store.failReads = true;
    store.failWrites = true;
    const id = stickyUserId(undefined, safeStorage(() => store), document);
    expect(id.source).toBe('generated');
    expect(cookieValue()).toBe(id.userId);
    expect(stickyUserId(undefined, safeStorage(() => store), document)).toEqual({ userId: id.userId, source: 'cookie' });
  });

  it('survives a localStorage getter that throws (blocked storage)', () => {
    const id = stickyUserId(undefined, safeStorage(() => { throw new DOMException('denied', 'SecurityError'); }), document);
    expect(id.source).toBe('generated');
    expect(cookieValue()).toBe(id.userId);
  });

  it('keeps the id in memory for this page when storage and cookies both refuse', () => {
    store.failWrites = true;
    const noCookies = { get cookie(): string { throw new DOMException('denied', 'SecurityError'); }, set cookie(_v: string) { throw new DOMException('denied', 'SecurityError'); } } as unknown as Document;
    const id = stickyUserId(undefined, safeStorage(() => store), noCookies);
    expect(id.source).toBe('memory');
    expect(id.userId.length).toBeGreaterThanOrEqual(32);
  });

  it('writes the cookie for the whole site for a year, SameSite=Lax, and Secure on https only', () => {
    for (const protocol of ['https:', 'http:']) {
      let written = '';
      const doc = {
        location: { protocol },
        get cookie() {
          return written.split(';')[0]!;
        },
        set cookie(value: string) {
          written = value;
        },
      } as unknown as Document;
      const id = stickyUserId(undefined, safeStorage(() => null), doc);
      expect(written).toBe(`${UID_COOKIE}=${id.userId}; Path=/; Max-Age=31536000; SameSite=Lax${protocol === 'https:' ? '; Secure' : ''}`);
    }
  });

  it('ignores a tampered stored id and makes a new one', () => {
    store.setItem(UID_KEY, '<script>');
    const id = stickyUserId(undefined, safeStorage(() => store), document);
    expect(id.userId).not.toBe('<script>');
    expect(id.source).toBe('generated');
  });
});
