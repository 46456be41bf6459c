/** Buckets per feature: a bucket is 0..9999, so percentages resolve to 0.01 %. */
const BUCKETS = 10_000;

/**
 * The frozen bucketing of SPEC section 3:
 * `MurmurHash3_x86_32(UTF-8 bytes of salt + ":" + userId, seed 0) mod 10000`.
 * A user is in the canary when `bucketOf(salt, userId) < round(percentage × 100)`.
 *
 * Never throws: an argument that is not a string is hashed as its `String()` (42 as "42"), and one
 * that cannot be made text (its `toString` throws) as "".
 *
 * @example bucketOf('app', 'user-42') // → 7142, on every device and every server
 */
export function bucketOf(salt: string, userId: string): number {
  // The ASCII loop would read a number as "".
  if (typeof salt !== 'string' || typeof userId !== 'string') return bucketOf(textOf(salt), textOf(userId));
  // Non-ASCII keys (rare) take the general path through TextEncoder.
  return (hashAscii(salt, userId) ?? murmur3(`${salt}:${userId}`, 0)) % BUCKETS;
}

function textOf(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '';
  }
}

// (Two copies of the ASCII loop below, for the salt and for the id: one shared loop through
// shared state cost a quarter of the throughput.)
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

/**
 * MurmurHash3 x86_32 of the UTF-8 bytes of `text`, as an unsigned 32-bit integer: the same
 * numbers as murmurhash3js-revisited's `x86.hash32(utf8Bytes, seed)` (the tests hold it to that),
 * without its per-byte input check, which doubles the cost of a hash.
 */
export function murmur3(text: string, seed: number): number {
  const b = new TextEncoder().encode(text);
  const n = b.length;
  const tail = n & ~3;
  let h = seed | 0;
  for (let i = 0; i < tail; i += 4) h = mixBlock(h, b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24));
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
