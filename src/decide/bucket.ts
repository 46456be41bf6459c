/** Buckets per feature: a bucket is 0..9999, so percentages resolve to 0.01 %. */
export const BUCKETS = 10_000;

let lastSalt: string | undefined;
let lastUserId: string | undefined;
let lastBucket = 0;

/**
 * The frozen bucketing of SPEC section 3:
 * `MurmurHash3_x86_32(UTF-8 bytes of salt + ":" + userId, seed 0) mod 10000`.
 * A user is in the canary when `bucketOf(salt, userId) < round(percentage × 100)`.
 *
 * @example bucketOf('app', 'user-42') // → 0..9999, the same on every device and server
 */
export function bucketOf(salt: string, userId: string): number {
  // Deciding several things for the same user asks again and again: answer from the last call.
  if (salt !== lastSalt || userId !== lastUserId) {
    lastBucket = murmur3(`${salt}:${userId}`, 0) % BUCKETS;
    lastSalt = salt;
    lastUserId = userId;
  }
  return lastBucket;
}

/**
 * MurmurHash3 x86_32 of the UTF-8 bytes of `text`, as an unsigned 32-bit integer: the same
 * numbers as murmurhash3js-revisited's `x86.hash32(utf8Bytes, seed)` (the tests hold it to that),
 * but it reads the string's bytes as it encodes them, with no byte array and no per-byte check,
 * which is most of the cost of a hash. Lone surrogates encode as U+FFFD, as in TextEncoder.
 */
export function murmur3(text: string, seed: number): number {
  let h = seed | 0;
  let k = 0; // up to four bytes, little-endian, waiting to be mixed in
  let n = 0; // bytes so far
  const push = (byte: number) => {
    k |= byte << ((n & 3) << 3);
    if ((++n & 3) === 0) {
      h ^= mixK(k);
      h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
      k = 0;
    }
  };
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) push(c);
    else if (c < 0x800) {
      push(0xc0 | (c >> 6));
      push(0x80 | (c & 63));
    } else {
      if (c >= 0xd800 && c < 0xe000) {
        const low = text.charCodeAt(i + 1);
        if (c < 0xdc00 && low >= 0xdc00 && low < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + low - 0xdc00;
          i++;
          push(0xf0 | (c >> 18));
          push(0x80 | ((c >> 12) & 63));
        } else c = 0xfffd;
      }
      if (c < 0x10000) push(0xe0 | (c >> 12));
      push(0x80 | ((c >> 6) & 63));
      push(0x80 | (c & 63));
    }
  }
  if (n & 3) h ^= mixK(k);
  h ^= n;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function mixK(k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  return Math.imul((k << 15) | (k >>> 17), 0x1b873593);
}
