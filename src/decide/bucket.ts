/** Buckets per feature: a bucket is 0..9999, so percentages resolve to 0.01 %. */
export const BUCKETS = 10_000;

// The UTF-8 bytes of the key being hashed; reused, so hashing allocates nothing.
let bytes = new Uint8Array(256);
let lastSalt: string | undefined;
let lastUserId: string | undefined;
let lastBucket = 0;

/**
 * The frozen bucketing of SPEC section 3:
 * `MurmurHash3_x86_32(UTF-8 bytes of salt + ":" + userId, seed 0) mod 10000`.
 * A user is in the canary when `bucketOf(salt, userId) < round(percentage × 100)`.
 *
 * @example bucketOf('app', 'user-42') // → 7142, on every device and every server
 */
export function bucketOf(salt: string, userId: string): number {
  // Deciding several things for the same user asks again and again: answer from the last call.
  if (salt !== lastSalt || userId !== lastUserId) {
    lastBucket = (hashAscii(salt, userId) ?? hashUtf8(salt, userId)) % BUCKETS;
    lastSalt = salt;
    lastUserId = userId;
  }
  return lastBucket;
}

// The hash state after `salt:` (whole 4-byte blocks mixed in, the rest pending): every user of a
// feature shares that prefix, so only the user id is hashed per decision.
let prefixSalt: string | undefined;
let prefixH = 0;
let prefixK = 0;
let prefixN = -1;

/**
 * The hash of `salt:userId` read straight from the strings when every character is ASCII (one
 * byte each, the common case): no key string, no byte buffer. undefined at the first other one.
 */
function hashAscii(salt: string, userId: string): number | undefined {
  if (salt !== prefixSalt) {
    prefixSalt = salt;
    prefixN = -1; // not ASCII until proven
    let h = 0;
    let k = 0;
    let n = 0;
    for (let i = 0; i <= salt.length; i++) {
      const c = i < salt.length ? salt.charCodeAt(i) : 0x3a;
      if (c > 0x7f) return undefined;
      k |= c << ((n & 3) << 3);
      if ((++n & 3) === 0) {
        h = mixBlock(h, k);
        k = 0;
      }
    }
    [prefixH, prefixK, prefixN] = [h, k, n];
  }
  if (prefixN < 0) return undefined;
  let h = prefixH;
  let k = prefixK;
  let n = prefixN;
  for (let i = 0; i < userId.length; i++) {
    const c = userId.charCodeAt(i);
    if (c > 0x7f) return undefined;
    k |= c << ((n & 3) << 3);
    if ((++n & 3) === 0) {
      h = mixBlock(h, k);
      k = 0;
    }
  }
  if (n & 3) h ^= mixK(k);
  return finish(h, n);
}

/** The same hash through the UTF-8 byte buffer, for keys with non-ASCII characters. */
function hashUtf8(salt: string, userId: string): number {
  reserve(salt.length + userId.length + 1);
  let n = encodeUtf8(salt, 0);
  bytes[n++] = 0x3a;
  return hashBytes(encodeUtf8(userId, n), 0);
}

/**
 * MurmurHash3 x86_32 of the UTF-8 bytes of `text`, as an unsigned 32-bit integer: the same
 * numbers as murmurhash3js-revisited's `x86.hash32(utf8Bytes, seed)` (the tests hold it to that),
 * without its per-byte input check and a TextEncoder call per hash, which are most of the cost.
 */
export function murmur3(text: string, seed: number): number {
  reserve(text.length);
  return hashBytes(encodeUtf8(text, 0), seed);
}

function reserve(chars: number): void {
  if (bytes.length < chars * 3) bytes = new Uint8Array(chars * 3);
}

/** Writes the UTF-8 bytes of `text` at `n` and returns the new end. Lone surrogates → U+FFFD. */
function encodeUtf8(text: string, n: number): number {
  const b = bytes;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) b[n++] = c;
    else if (c < 0x800) {
      b[n++] = 0xc0 | (c >> 6);
      b[n++] = 0x80 | (c & 63);
    } else {
      if (c >= 0xd800 && c < 0xe000) {
        const low = text.charCodeAt(i + 1);
        if (c < 0xdc00 && low >= 0xdc00 && low < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + low - 0xdc00;
          i++;
          b[n++] = 0xf0 | (c >> 18);
          b[n++] = 0x80 | ((c >> 12) & 63);
        } else c = 0xfffd;
      }
      if (c < 0x10000) b[n++] = 0xe0 | (c >> 12);
      b[n++] = 0x80 | ((c >> 6) & 63);
      b[n++] = 0x80 | (c & 63);
    }
  }
  return n;
}

/** MurmurHash3 x86_32 of the first `n` bytes of the buffer. */
function hashBytes(n: number, seed: number): number {
  const b = bytes;
  const tail = n & ~3;
  let h = seed | 0;
  for (let i = 0; i < tail; i += 4) {
    h = mixBlock(h, b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24));
  }
  let k = 0;
  for (let i = n - 1; i >= tail; i--) k = (k << 8) | b[i]!;
  if (n & 3) h ^= mixK(k);
  return finish(h, n);
}

function finish(h: number, n: number): number {
  h ^= n;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function mixBlock(h: number, k: number): number {
  h ^= mixK(k);
  return (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
}

function mixK(k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  return Math.imul((k << 15) | (k >>> 17), 0x1b873593);
}
