import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketOf } from '../../src/decide/bucket';
import { decide, type DecideContext } from '../../src/decide/decide';
import { effectivePercentage } from '../../src/decide/ramp';
import { oneFeature, userIds } from '../helpers/configs';

const start = Date.parse('2026-11-26T10:00:00Z');
const ramp = { start: '2026-11-26T10:00:00Z', steps: [{ after: '0m', percentage: 10 }, { after: '30m', percentage: 50 }, { after: '2h', percentage: 100 }] };

describe('decide: the order of SPEC section 4', () => {
  const everything = oneFeature({ percentage: 100, enabled: false, allow: ['u'], deny: ['u'], match: { country: ['NZ'] } });

  it('makes a disabled feature stable for everyone, allow list included', () => {
    expect(decide(everything, 'app', { userId: 'u' })).toMatchObject({ variant: 'stable', reason: 'disabled' });
  });

  it('lets the kill switch beat an override', () => {
    const d = decide(everything, 'app', { userId: 'u', overrides: { app: 'canary' } });
    expect([d.variant, d.reason]).toEqual(['stable', 'disabled']);
    expect(decide(oneFeature({ enabled: false }), 'app', { userId: 'u', overrides: { app: 'stable' } }).reason).toBe('disabled');
  });

  it('lets an override win over deny, allow, match, the guard and the rollout', () => {
    const config = oneFeature({ percentage: 0, deny: ['u'], match: { country: ['NZ'] } });
    const d = decide(config, 'app', { userId: 'u', overrides: { app: 'canary' }, guarded: ['app'] });
    expect([d.variant, d.reason]).toEqual(['canary', 'override']);
    const stable = decide(oneFeature({ percentage: 100, allow: ['u'] }), 'app', { userId: 'u', overrides: { app: 'stable' } });
    expect([stable.variant, stable.reason]).toEqual(['stable', 'override']);
  });

  it('applies an override to a feature the config does not have', () => {
    expect(decide(oneFeature(), 'search', { userId: 'u', overrides: { search: 'canary' } })).toMatchObject({ variant: 'canary', reason: 'override', bucket: null });
  });

  it('lets deny win over allow, and allow win over the percentage', () => {
    expect(decide(oneFeature({ percentage: 100, allow: ['u'], deny: ['u'] }), 'app', { userId: 'u' })).toMatchObject({ variant: 'stable', reason: 'denied' });
    expect(decide(oneFeature({ percentage: 0, allow: ['u'] }), 'app', { userId: 'u' })).toMatchObject({ variant: 'canary', reason: 'allowed' });
  });

  it('needs every match key satisfied by the attributes', () => {
    const config = oneFeature({ percentage: 100, match: { country: ['NZ', 'AU'], plan: ['pro'] } });
    expect(decide(config, 'app', { userId: 'u', attributes: { country: 'NZ', plan: 'pro' } }).variant).toBe('canary');
    expect(decide(config, 'app', { userId: 'u', attributes: { country: 'NZ' } })).toMatchObject({ variant: 'stable', reason: 'unmatched' });
    expect(decide(config, 'app', { userId: 'u', attributes: { country: 'US', plan: 'pro' } }).reason).toBe('unmatched');
    expect(decide(config, 'app', { userId: 'u' }).reason).toBe('unmatched');
  });

  it('compares match values as text, so data attributes and numbers agree', () => {
    const config = oneFeature({ percentage: 100, match: { tier: [2] } });
    expect(decide(config, 'app', { userId: 'u', attributes: { tier: '2' } }).variant).toBe('canary');
  });

  it('pins a guarded feature to stable before the rollout is consulted', () => {
    const d = decide(oneFeature({ percentage: 100 }), 'app', { userId: 'u', guarded: ['app'] });
    expect([d.variant, d.reason]).toEqual(['stable', 'guarded']);
  });

  it('decides by bucket against the percentage', () => {
    const config = oneFeature({ percentage: 37.5 });
    for (const userId of userIds(500)) {
      const d = decide(config, 'app', { userId });
      expect(d.reason).toBe('rollout');
      expect(d.bucket).toBe(bucketOf('app', userId));
      expect(d.variant).toBe(bucketOf('app', userId) < 3750 ? 'canary' : 'stable');
    }
  });

  it('uses the salt instead of the feature name when there is one', () => {
    const d = decide(oneFeature({ salt: 'app-2026-11' }), 'app', { userId: 'user-1' });
    expect(d.bucket).toBe(bucketOf('app-2026-11', 'user-1'));
    expect(d.bucket).not.toBe(bucketOf('app', 'user-1'));
  });

  it('answers stable "unknown" for a feature not in the config and "fallback" without a config', () => {
    expect(decide(oneFeature(), 'nope', { userId: 'u' })).toMatchObject({ variant: 'stable', reason: 'unknown', bucket: null });
    expect(decide(null, 'app', { userId: 'u' })).toMatchObject({ variant: 'stable', reason: 'fallback', bucket: null });
  });

  it('never reads inherited properties as features or overrides', () => {
    expect(decide(oneFeature(), 'constructor', { userId: 'u' }).reason).toBe('unknown');
    expect(decide(oneFeature(), 'app', { userId: 'u', overrides: {} }).reason).toBe('rollout');
    const inherited = Object.create({ app: 'canary' }) as Record<string, 'canary'>;
    expect(decide(oneFeature({ percentage: 0 }), 'app', { userId: 'u', overrides: inherited }).reason).toBe('rollout');
  });

  it('reports revision, percentage and the id source', () => {
    const d = decide(oneFeature({ percentage: 12.34 }, 'rev-9'), 'app', { userId: 'u', userIdSource: 'cookie' });
    expect(d).toMatchObject({ feature: 'app', revision: 'rev-9', percentage: 12.34, userIdSource: 'cookie' });
  });
});

describe('decide and bucketOf with any argument', () => {
  const boom = () => {
    throw new Error('boom');
  };
  // Throws on every read, key listing and conversion. (Not on `in`: fast-check asks that of each
  // value it generates, and decide has no use for it.)
  const trap = new Proxy({}, { get: boom, ownKeys: boom, getOwnPropertyDescriptor: boom, getPrototypeOf: boom });
  const badText = { toString: boom, valueOf: boom };
  const badGetter = Object.defineProperty({}, 'country', { get: boom, enumerable: true });
  const hostile = fc.constantFrom<unknown>(trap, badText, badGetter, Symbol('app'), Symbol.iterator, null, undefined, Number.NaN, 10n, () => 'app');
  const any = fc.oneof(fc.anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true }), hostile);
  const config = oneFeature({ percentage: 50, allow: ['a'], deny: ['d'], match: { country: ['NZ'] } });
  // A config that was never validated: any value in any field.
  const unvalidated = fc.record(
    { version: any, revision: any, features: fc.oneof(any, fc.record({ app: fc.oneof(any, fc.record({ percentage: any, enabled: any, salt: any, allow: any, deny: any, match: any, ramp: any }, { requiredKeys: [] })) })) },
    { requiredKeys: [] },
  );
  const contexts = fc.oneof(any, fc.record({ userId: fc.oneof(fc.string(), any), userIdSource: any, attributes: any, now: any, overrides: any, guarded: any }, { requiredKeys: [] }));

  const call = (c: unknown, feature: unknown, context: unknown) => decide(c as never, feature as string, context as DecideContext);

  it('never throws and always answers stable or canary, whatever the arguments', () => {
    fc.assert(
      fc.property(fc.oneof(any, unvalidated, fc.constant(config)), fc.oneof(fc.constant('app'), any), contexts, (c, feature, context) => {
        const d = call(c, feature, context);
        expect(['stable', 'canary']).toContain(d.variant);
        expect(['disabled', 'override', 'denied', 'allowed', 'unmatched', 'guarded', 'rollout', 'unknown', 'fallback']).toContain(d.reason);
        expect(typeof d.feature).toBe('string');
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['a symbol', Symbol('app')],
    ['an object whose toString throws', badText],
    ['a proxy that throws on every read', trap],
    ['a number', 7],
    ['undefined', undefined],
  ])('answers stable "unknown", with an error, for a feature that is %s', (_, feature) => {
    expect(call(config, feature, { userId: 'a' })).toMatchObject({ variant: 'stable', reason: 'unknown', bucket: null, error: 'feature is not a string' });
    expect(call(null, feature, { userId: 'a' })).toMatchObject({ variant: 'stable', reason: 'fallback' });
  });

  it.each([
    ['a symbol', Symbol('a')],
    ['an object whose toString throws', badText],
    ['a number', 7],
    ['missing', undefined],
  ])('keeps a user id that is %s out of the rollout and says so', (_, userId) => {
    const d = call(oneFeature({ percentage: 100 }), 'app', { userId });
    expect(d).toMatchObject({ variant: 'stable', reason: 'rollout', bucket: null, error: 'userId is not a string' });
    expect(call(oneFeature({ enabled: false }), 'app', { userId }).reason).toBe('disabled');
    expect(call(oneFeature(), 'app', { userId, overrides: { app: 'canary' } })).toMatchObject({ variant: 'canary', reason: 'override' });
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'user-1'],
  ])('answers stable for want of a user id when the context is %s', (_, context) => {
    expect(call(oneFeature({ percentage: 100 }), 'app', context)).toMatchObject({ variant: 'stable', reason: 'rollout', error: 'userId is not a string' });
  });

  it('answers stable "fallback" with the error when the context throws when read', () => {
    expect(call(oneFeature({ percentage: 100 }), 'app', trap)).toMatchObject({ variant: 'stable', reason: 'fallback', error: 'could not decide: boom' });
  });

  it('treats attributes that throw when read as not matching', () => {
    const d = call(config, 'app', { userId: 'u', attributes: badGetter });
    expect(d).toMatchObject({ variant: 'stable', reason: 'unmatched' });
    expect(d.error).toContain('boom');
    expect(call(config, 'app', { userId: 'u', attributes: trap }).reason).toBe('unmatched');
    expect(call(config, 'app', { userId: 'u', attributes: { country: badText } }).reason).toBe('unmatched');
  });

  it('answers stable "fallback" with the error for a config that throws when read', () => {
    expect(call(trap, 'app', { userId: 'u' })).toMatchObject({ variant: 'stable', reason: 'fallback', error: 'could not decide: boom' });
    expect(call({ version: 1, features: { app: trap } }, 'app', { userId: 'u' })).toMatchObject({ variant: 'stable', reason: 'fallback' });
  });

  it('answers "fallback" for a config that is not an object or has no features object', () => {
    for (const c of [undefined, 0, 'config', true, Symbol('c'), { version: 1 }, { features: 'app' }]) expect(call(c, 'app', { userId: 'u' }).reason).toBe('fallback');
  });

  it('does not read a deny or allow list that is not a list', () => {
    const d = call({ version: 1, features: { app: { percentage: 0, allow: 'user-1-and-more' } } }, 'app', { userId: 'user-1' });
    expect([d.variant, d.reason]).toEqual(['stable', 'rollout']);
  });

  it('gives bucketOf any argument a bucket from 0 to 9999 without throwing', () => {
    fc.assert(
      fc.property(any, any, (salt, userId) => {
        const bucket = bucketOf(salt as string, userId as string);
        expect(Number.isInteger(bucket) && bucket >= 0 && bucket < 10_000).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('buckets a value that is not text by its String(), and one that cannot be text as ""', () => {
    expect(bucketOf('app', 42 as unknown as string)).toBe(bucketOf('app', '42'));
    expect(bucketOf(7 as unknown as string, 'u')).toBe(bucketOf('7', 'u'));
    expect(bucketOf('app', Symbol('x') as unknown as string)).toBe(bucketOf('app', 'Symbol(x)'));
    expect(bucketOf('app', badText as unknown as string)).toBe(bucketOf('app', ''));
    expect(bucketOf('app', trap as unknown as string)).toBe(bucketOf('app', ''));
  });
});

describe('ramps', () => {
  const feature = oneFeature({ percentage: 3, ramp }).features.app!;

  it('is 0 before the first step and the last passed step after', () => {
    expect(effectivePercentage(feature, start - 1)).toBe(0);
    expect(effectivePercentage(feature, start)).toBe(10);
    expect(effectivePercentage(feature, start + 30 * 60e3 - 1)).toBe(10);
    expect(effectivePercentage(feature, start + 30 * 60e3)).toBe(50);
    expect(effectivePercentage(feature, start + 2 * 3600e3)).toBe(100);
    expect(effectivePercentage(feature, start + 365 * 864e5)).toBe(100);
  });

  it('stays before every step when the clock is not a number', () => {
    expect(effectivePercentage(feature, Number.NaN)).toBe(0);
  });

  it('decides with the injected now, not the clock', () => {
    const config = oneFeature({ ramp });
    expect(decide(config, 'app', { userId: 'u', now: start - 1 }).percentage).toBe(0);
    expect(decide(config, 'app', { userId: 'u', now: start + 3 * 3600e3 }).variant).toBe('canary');
  });
});

describe('rollout properties', () => {
  const percentage = fc.integer({ min: 0, max: 10_000 }).map((n) => n / 100);

  it('never moves a user from canary to stable when the percentage rises', () => {
    fc.assert(
      fc.property(fc.string(), percentage, percentage, (userId, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const before = decide(oneFeature({ percentage: low }), 'app', { userId }).variant;
        const after = decide(oneFeature({ percentage: high }), 'app', { userId }).variant;
        expect(before === 'canary' && after === 'stable').toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('never moves a user from canary to stable as time passes on a rising ramp', () => {
    const steps = fc
      .uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 6 })
      .chain((afters) => fc.array(percentage, { minLength: afters.length, maxLength: afters.length }).map((ps) => {
        const sortedAfter = [...afters].sort((x, y) => x - y);
        const sortedPs = [...ps].sort((x, y) => x - y);
        return sortedAfter.map((after, i) => ({ after: `${after}m`, percentage: sortedPs[i]! }));
      }));
    fc.assert(
      fc.property(fc.string(), steps, fc.integer({ min: -100, max: 1100 }), fc.integer({ min: 0, max: 1200 }), (userId, rampSteps, t1, dt) => {
        const config = oneFeature({ ramp: { start: '2026-11-26T10:00:00Z', steps: rampSteps } });
        const before = decide(config, 'app', { userId, now: start + t1 * 60e3 }).variant;
        const after = decide(config, 'app', { userId, now: start + (t1 + dt) * 60e3 }).variant;
        expect(before === 'canary' && after === 'stable').toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('puts nobody in the canary at 0 % and everybody at 100 %', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (userId, salt) => {
        expect(decide(oneFeature({ percentage: 0, salt }), 'app', { userId }).variant).toBe('stable');
        expect(decide(oneFeature({ percentage: 100, salt }), 'app', { userId }).variant).toBe('canary');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('distribution', () => {
  // Random ids as an application would make them; fixed seed so a failure can be replayed.
  const ids = fc.sample(fc.uuid(), { numRuns: 100_000, seed: 20261126 });

  it('puts 10 ± 0.5 % of 100,000 random ids in the canary at 10 %', () => {
    const config = oneFeature({ percentage: 10 });
    const canary = ids.filter((userId) => decide(config, 'app', { userId }).variant === 'canary').length;
    expect(Math.abs(canary / ids.length - 0.1)).toBeLessThan(0.005);
  });

  it('spreads buckets uniformly over 100 bins (chi-square, 99 degrees of freedom, p > 0.001)', () => {
    const bins = new Array<number>(100).fill(0);
    for (const userId of ids) bins[Math.floor(bucketOf('app', userId) / 100)]!++;
    const expected = ids.length / 100;
    const chiSquare = bins.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
    // The 0.999 quantile of chi-square with 99 degrees of freedom is 148.2.
    expect(chiSquare).toBeLessThan(148.2);
    // A constant or badly skewed hash would fail the above; a far too perfect one is suspect too.
    expect(chiSquare).toBeGreaterThan(60);
  });
});
