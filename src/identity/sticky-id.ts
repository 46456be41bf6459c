import type { UserIdSource } from '../decide/decide';
import type { SafeStorage } from './safe-storage';
import { UID_COOKIE, UID_KEY } from './storage-keys';

/** What a sticky id may be: what the SDK makes, and what a server may hand it. */
export const ID_PATTERN = /^[\w.:@-]{1,128}$/;

interface StickyId {
  userId: string;
  source: UserIdSource;
}

/**
 * The sticky user id of SPEC section 5: the app's own id wins; otherwise one random id kept in
 * localStorage and mirrored in a first-party cookie that a server or edge can read. When both
 * refuse, the id lives in memory for this page.
 *
 * The first read of `document.cookie` on a page costs Chromium a synchronous trip to the network
 * process (about 0.8 ms): an id found in localStorage is mirrored in the cookie after the current
 * task (the loader's asset tags are in by then), not before.
 */
export function stickyUserId(userId: string | undefined, storage: SafeStorage, doc: Document | undefined): StickyId {
  // String(): a number id from plain JavaScript must not hash as the empty id.
  if (userId) return { userId: String(userId), source: 'option' };
  const stored = storage.get(UID_KEY);
  if (stored && ID_PATTERN.test(stored)) {
    setTimeout(() => readCookie(doc) === stored || writeCookie(doc, stored));
    return { userId: stored, source: 'storage' };
  }
  const cookie = readCookie(doc);
  const found = cookie && ID_PATTERN.test(cookie) ? cookie : undefined;
  const id = found ?? randomId();
  const inStorage = storage.set(UID_KEY, id);
  const inCookie = id === cookie || writeCookie(doc, id);
  return { userId: id, source: found ? 'cookie' : inStorage || inCookie ? 'generated' : 'memory' };
}

function readCookie(doc: Document | undefined): string | null {
  try {
    const match = doc?.cookie.match(new RegExp(`(?:^|;\\s*)${UID_COOKIE}=([^;]*)`));
    return match ? decodeURIComponent(match[1]!) : null;
  } catch {
    return null;
  }
}

/** Mirrors `id` in the first-party cookie; false when the page refuses it. */
export function writeCookie(doc: Document | undefined, id: string): boolean {
  try {
    if (!doc) return false;
    const secure = doc.location?.protocol === 'https:' ? '; Secure' : '';
    doc.cookie = `${UID_COOKIE}=${encodeURIComponent(id)}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`;
    return readCookie(doc) === id;
  } catch {
    return false;
  }
}

/** crypto.randomUUID where it exists (secure contexts), else 16 random bytes as hex. */
function randomId(): string {
  return crypto.randomUUID?.() ?? Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => (b + 256).toString(16).slice(1)).join('');
}
