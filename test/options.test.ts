import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { readOptions } from '../src/options';

const MAX_DELAY = 2 ** 31 - 1;
const numeric = ['timeoutMs', 'maxAgeMs', 'maxStaleMs', 'guardErrors', 'refreshIntervalMs'] as const;
const defaults = { timeoutMs: 1500, maxAgeMs: 60_000, maxStaleMs: 7 * 864e5, guardErrors: 1, refreshIntervalMs: 0, allowedOrigins: undefined, overrideParam: 'canary' };

/** readOptions with its complaints collected. */
function read(options: Record<string, unknown>) {
  const complain = vi.fn<(message: string) => void>();
  const value = readOptions(options, complain);
  return { value, complaints: complain.mock.calls.map(([message]) => message) };
}

describe('readOptions: numbers', () => {
  it('gives the defaults, without a complaint, when nothing is set', () => {
    expect(read({})).toEqual({ value: defaults, complaints: [] });
  });

  it('keeps numbers of 0 or more as given', () => {
    const { value, complaints } = read({ timeoutMs: 0, maxAgeMs: 0, maxStaleMs: 1234.5, guardErrors: 3, refreshIntervalMs: 0 });
    expect(value).toMatchObject({ timeoutMs: 0, maxAgeMs: 0, maxStaleMs: 1234.5, guardErrors: 3, refreshIntervalMs: 0 });
    expect(complaints).toEqual([]);
  });

  const bad: [string, unknown][] = [
    ['a string', '3000'],
    ['NaN', NaN],
    ['a negative number', -1],
    ['-Infinity', -Infinity],
    ['null', null],
    ['true', true],
    ['an object', { ms: 5 }],
  ];
  describe.each(numeric)('%s', (key) => {
    it.each(bad)('reports %s and uses the default', (_what, given) => {
      const { value, complaints } = read({ [key]: given });
      expect(value[key]).toBe(defaults[key]);
      expect(complaints).toHaveLength(1);
      expect(complaints[0]).toMatch(new RegExp(`^${key}: expected a number of 0 or more`));
    });
  });

  it.each([2 ** 31, 1e12, Infinity])('holds a timeoutMs of %d to the largest timer delay, 2^31 - 1', (timeoutMs) => {
    expect(read({ timeoutMs })).toEqual({ value: { ...defaults, timeoutMs: MAX_DELAY }, complaints: [] });
  });

  it.each([
    [1, 1000],
    [999, 1000],
    [1000, 1000],
    [30_000, 30_000],
    [2 ** 40, MAX_DELAY],
  ])('holds a refreshIntervalMs of %d to %d, between a second and the largest timer delay', (given, expected) => {
    expect(read({ refreshIntervalMs: given }).value.refreshIntervalMs).toBe(expected);
  });

  it('takes a refreshIntervalMs of 0 for off', () => {
    expect(read({ refreshIntervalMs: 0 })).toEqual({ value: defaults, complaints: [] });
  });

  it('counts at least one failure before the guard pins', () => {
    expect(read({ guardErrors: 0 }).value.guardErrors).toBe(1);
  });
});

describe('readOptions: allowedOrigins', () => {
  it('reports a string and reads it as one origin', () => {
    const { value, complaints } = read({ allowedOrigins: 'https://cdn.example.com' });
    expect(value.allowedOrigins).toEqual(['https://cdn.example.com']);
    expect(complaints).toEqual([expect.stringMatching(/^allowedOrigins: expected a list of origins/)]);
  });

  it('reports a value that is neither a list nor a string and admits no extra origin', () => {
    const { value, complaints } = read({ allowedOrigins: { 'https://cdn.example.com': true } });
    expect(value.allowedOrigins).toEqual([]);
    expect(complaints).toHaveLength(1);
  });

  it('writes origins as browsers do: trailing slash, path and default port dropped, host in lower case', () => {
    const { value, complaints } = read({
      allowedOrigins: ['https://cdn.example.com/', 'https://static.example.net/assets/v1/app.js', 'HTTPS://Img.Example.ORG:443', 'http://localhost:5173/'],
    });
    expect(value.allowedOrigins).toEqual(['https://cdn.example.com', 'https://static.example.net', 'https://img.example.org', 'http://localhost:5173']);
    expect(complaints).toEqual([]);
  });

  it('reports and drops each entry that is not an origin, keeping the others', () => {
    const { value, complaints } = read({
      allowedOrigins: ['https://cdn.example.com', 'cdn.example.com', 42, null, 'data:text/javascript,1', 'javascript:alert(1)', ''],
    });
    expect(value.allowedOrigins).toEqual(['https://cdn.example.com']);
    expect(complaints).toHaveLength(6);
    expect(complaints[0]).toBe('allowedOrigins: "cdn.example.com" is not an origin; write e.g. "https://cdn.example.com"');
    expect(complaints[1]).toMatch(/^allowedOrigins: number is not an origin/);
  });
});

describe('readOptions: overrideParam', () => {
  it('uses "canary" when not set', () => {
    expect(read({}).value.overrideParam).toBe('canary');
  });

  it('keeps a parameter name as given', () => {
    expect(read({ overrideParam: 'qa' })).toEqual({ value: { ...defaults, overrideParam: 'qa' }, complaints: [] });
  });

  it('turns query overrides off for false, without a complaint', () => {
    expect(read({ overrideParam: false })).toEqual({ value: { ...defaults, overrideParam: false }, complaints: [] });
  });

  it.each([
    ['an empty string', ''],
    ['null', null],
    ['true', true],
    ['0', 0],
    ['a list', ['canary']],
  ])('reports %s and turns query overrides off, never "any parameter"', (_what, overrideParam) => {
    const { value, complaints } = read({ overrideParam });
    expect(value.overrideParam).toBe(false);
    expect(complaints).toEqual([expect.stringMatching(/^overrideParam: expected a query parameter name/)]);
  });

  it('reports a bigint and turns query overrides off, without throwing', () => {
    const complain = vi.fn();
    expect(() => readOptions({ overrideParam: 10n }, complain)).not.toThrow();
    expect(complain).toHaveBeenCalledTimes(1);
  });

  it('reports an object that cannot be written as JSON and turns query overrides off, without throwing', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    let value: unknown;
    expect(() => (value = readOptions({ overrideParam: circular }, () => {}).overrideParam)).not.toThrow();
    expect(value).toBe(false);
  });
});

describe('readOptions: any value', () => {
  it('never throws, complains with strings, and answers values of the right kind', () => {
    const keys = [...numeric, 'allowedOrigins', 'overrideParam'] as const;
    const anyOptions = fc.record(Object.fromEntries(keys.map((key) => [key, fc.anything()])) as Record<(typeof keys)[number], fc.Arbitrary<unknown>>, {
      requiredKeys: [],
    });
    fc.assert(
      fc.property(anyOptions, (options) => {
        const complaints: unknown[] = [];
        const o = readOptions(options, (message) => complaints.push(message));
        const counts = (n: number) => typeof n === 'number' && n >= 0;
        return (
          numeric.every((key) => counts(o[key])) &&
          o.timeoutMs <= MAX_DELAY &&
          o.guardErrors >= 1 &&
          (o.refreshIntervalMs === 0 || (o.refreshIntervalMs >= 1000 && o.refreshIntervalMs <= MAX_DELAY)) &&
          (o.allowedOrigins === undefined || (Array.isArray(o.allowedOrigins) && o.allowedOrigins.every((origin) => typeof origin === 'string' && origin !== 'null'))) &&
          (o.overrideParam === false || (typeof o.overrideParam === 'string' && o.overrideParam !== '')) &&
          complaints.every((message) => typeof message === 'string')
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('readOptions for ages', () => {
  it('keeps a maxStaleMs of 30 days: only timers are held to the largest delay', () => {
    const complaints: string[] = [];
    expect(readOptions({ maxStaleMs: 30 * 864e5, maxAgeMs: 2 ** 40 }, (m) => complaints.push(m))).toMatchObject({ maxStaleMs: 30 * 864e5, maxAgeMs: 2 ** 40 });
    expect(complaints).toEqual([]);
  });
});
