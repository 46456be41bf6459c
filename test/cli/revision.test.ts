import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_REVISION_LENGTH, nextRevision } from '../../src/cli/revision';
import { parseConfig } from '../../src/config/parse';

const now = new Date('2026-11-26T12:00:00Z');

// Digits and dots often, so that numbered and dated revisions come up; any text otherwise.
const revision = fc.string({ maxLength: MAX_REVISION_LENGTH, unit: fc.oneof(fc.constantFrom('9', '0', '1', '.', '-'), fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' })) });

describe('nextRevision', () => {
  it.each([
    ['2026-11-26.3', '2026-11-26.4'],
    ['2026-11-25.9', '2026-11-26.1'],
    ['v7', 'v8'],
    ['v009', 'v010'],
    ['v99', 'v100'],
    ['release', 'release.1'],
    ['', '2026-11-26.1'],
    ['v9007199254740992', 'v9007199254740993'],
    ['build-123456789012345678901234567890', 'build-123456789012345678901234567891'],
  ])('bumps %j to %j', (before, after) => {
    expect(nextRevision(before, now)).toBe(after);
  });

  it('starts a dated revision when there is none, or it is not text', () => {
    expect(nextRevision(undefined, now)).toBe('2026-11-26.1');
    expect(nextRevision(42, now)).toBe('2026-11-26.1');
  });

  it('bumps a revision of the longest length within the length, by cutting its stem', () => {
    const numbered = `${'a'.repeat(253)}999`;
    const bumped = nextRevision(numbered, now);
    expect(bumped).toBe(`${'a'.repeat(252)}1000`);
    const plain = 'x'.repeat(MAX_REVISION_LENGTH);
    expect(nextRevision(plain, now)).toBe(`${'x'.repeat(254)}.1`);
    expect(nextRevision('9'.repeat(256), now)).toBe('0'.repeat(256));
  });

  it('never cuts a stem inside a surrogate pair', () => {
    const bumped = nextRevision(`${'a'.repeat(253)}😀`, now);
    expect(bumped).toBe(`${'a'.repeat(253)}.1`);
  });

  it('always changes a revision, also one at the longest length, and keeps it valid', () => {
    fc.assert(
      fc.property(fc.oneof(revision, revision.map((r) => r.padStart(MAX_REVISION_LENGTH, 'x').slice(-MAX_REVISION_LENGTH))), (before) => {
        fc.pre(before.length <= MAX_REVISION_LENGTH);
        const after = nextRevision(before, now);
        expect(after).not.toBe(before);
        expect(after.length).toBeLessThanOrEqual(MAX_REVISION_LENGTH);
        expect(parseConfig({ version: 1, revision: after, features: {} }).ok).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
