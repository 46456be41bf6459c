import fc from 'fast-check';
import murmurhash from 'murmurhash3js-revisited';
import { describe, expect, it } from 'vitest';
import { bucketOf, murmur3 } from '../../src/decide/bucket';
import vectors from '../fixtures/vectors.json';

const utf8 = new TextEncoder();

describe('murmur3 (MurmurHash3 x86_32 over UTF-8)', () => {
  it.each(vectors.murmur)('hashes $input with seed $seed to $hash', ({ input, seed, hash }) => {
    expect(murmur3(input, seed)).toBe(Number(hash));
  });

  it('gives the same numbers as murmurhash3js-revisited x86.hash32 on the UTF-8 bytes of any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.integer({ min: 0, max: 0xffffffff }), (text, seed) => {
        expect(murmur3(text, seed)).toBe(murmurhash.x86.hash32(utf8.encode(text), seed));
      }),
      { numRuns: 5000 },
    );
  });

  it('encodes a lone surrogate as U+FFFD, as TextEncoder does', () => {
    expect(murmur3('a\uD800b', 0)).toBe(murmur3('a\uFFFDb', 0));
    expect(murmur3('a\uDC00', 0)).toBe(murmurhash.x86.hash32(utf8.encode('a\uDC00'), 0));
  });
});

describe('bucketOf', () => {
  it.each(vectors.bucket)('puts $userId of salt $salt in bucket $bucket', ({ salt, userId, key, hash, bucket }) => {
    expect(murmur3(key, 0)).toBe(hash);
    expect(bucketOf(salt, userId)).toBe(bucket);
  });

  it('gives the same bucket when asked again, after another question or not', () => {
    const first = bucketOf('app', 'user-42');
    bucketOf('other', 'user-7');
    expect(bucketOf('app', 'user-42')).toBe(first);
    expect(bucketOf('app', 'user-42')).toBe(murmur3('app:user-42', 0) % 10_000);
  });

  it('equals the reference hash of salt + ":" + userId mod 10000 for any mix of salts and ids', () => {
    // Interleaved salts and ids, ASCII and not, exercise the memo and the per-salt prefix state.
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('app', 'app-2026-11', 'ß', '', 'x'.repeat(9)), fc.string({ unit: 'binary', maxLength: 24 })), { minLength: 1, maxLength: 20 }), (pairs) => {
        for (const [salt, userId] of pairs) expect(bucketOf(salt, userId)).toBe(murmurhash.x86.hash32(utf8.encode(`${salt}:${userId}`), 0) % 10_000);
      }),
      { numRuns: 1000 },
    );
  });

  it('leaves the fast path at any character above ASCII, wherever it falls in a block of four', () => {
    for (const c of ['\u0080', '\u00ff', '\u0100', '\u0800', '\uffff', '😀']) {
      for (let at = 0; at < 8; at++) {
        const userId = `${'a'.repeat(at)}${c}${'b'.repeat(7 - at)}`;
        for (const salt of ['app', 'ab', 'abc:d']) expect(bucketOf(salt, userId)).toBe(murmurhash.x86.hash32(utf8.encode(`${salt}:${userId}`), 0) % 10_000);
      }
    }
  });

  it('always lands in 0..9999', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (salt, userId) => {
        const bucket = bucketOf(salt, userId);
        expect(Number.isInteger(bucket) && bucket >= 0 && bucket < 10_000).toBe(true);
      }),
    );
  });
});
