// flag()'s types: checked by `tsc --noEmit` in npm test (expectTypeOf and @ts-expect-error), on a
// real client whose values are the defaults (no config arrives).
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createCanary } from '../../src/index';

const client = createCanary({ configUrl: 'https://cdn.example/canary-config.json', storage: null, fetch: () => new Promise<Response>(() => undefined) });

describe('flag() types', () => {
  it('widens the default to its kind, so a flag is not typed as its default\'s literal', () => {
    expectTypeOf(client.flag('searchLimit', 20)).toEqualTypeOf<number>();
    expectTypeOf(client.flag('newCheckout', false)).toEqualTypeOf<boolean>();
    expectTypeOf(client.flag('tone', 'calm')).toEqualTypeOf<string>();
    let limit = client.flag('searchLimit', 20);
    limit = 50; // a number, not the literal 20
    expect(limit).toBe(50);
    expect(client.flag('searchLimit', 20)).toBe(20);
  });

  it('takes only the kinds a flag can have', () => {
    // @ts-expect-error an object is no flag value
    expect(client.flag('x', {})).toEqual({});
    // @ts-expect-error null is no flag value
    expect(client.flag('x', null)).toBeNull();
  });
});
