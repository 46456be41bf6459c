import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkConfig } from '../../src/config/check';
import { parseConfig } from '../../src/config/parse';

// The browser's checker against the zod schema, the source of truth: the same result, errors and
// their order included, on every config here.
const same = (json: unknown): void => {
  expect(checkConfig(json)).toEqual(parseConfig(json));
};

// Values that each rule accepts and refuses, so that generated configs reach every branch.
const junk = fc.oneof(fc.constant(null), fc.boolean(), fc.integer({ min: -5, max: 200 }), fc.double(), fc.string({ maxLength: 6 }), fc.constant([]), fc.constant({}), fc.constant(undefined));
const name = fc.constantFrom('app', 'search', 'a.b-c_d', 'my app', '', '_x', 'constructor', 'prototype', '__proto__', 'x'.repeat(65), '9z');
const url = fc.constantFrom('https://cdn.example.com/app.js', '/app.css', 'app.mjs', 'javascript:alert(1)', 'java\nscript:x', 'data:text/javascript,1', 'HTTP://X/y', 'x'.repeat(2049), '');
const sri = fc.constantFrom('sha384-abc+/=', 'sha384-…', 'sha256-a sha512-b', 'md5-x', 'sha384-' + 'A'.repeat(600));
const asset = fc.oneof(
  url,
  fc.record(
    { url, type: fc.oneof(fc.constantFrom('script', 'module', 'style', 'css'), junk), integrity: fc.oneof(sri, junk), crossorigin: fc.oneof(fc.constantFrom('anonymous', 'use-credentials', 'yes'), junk), extra: junk },
    { requiredKeys: [] },
  ),
  junk,
);
const flagValue = fc.oneof(fc.boolean(), fc.integer(), fc.double(), fc.string({ maxLength: 5 }), fc.constant('x'.repeat(4097)), junk);
const dict = <T>(value: fc.Arbitrary<T>) => fc.dictionary(name, value, { maxKeys: 3 });
const variant = fc.oneof(fc.record({ assets: fc.oneof(fc.array(asset, { maxLength: 3 }), junk), flags: fc.oneof(dict(flagValue), junk), color: junk }, { requiredKeys: [] }), junk);
const percentage = fc.oneof(fc.constantFrom(0, 5, 12.34, 100, 100.01, -1, 1.005, 0.001, 5.000000001, Infinity, NaN), junk);
const duration = fc.constantFrom('0s', '10m', '1.5h', '2d', '500ms', '10 m', '1w', '');
const ramp = fc.oneof(
  fc.record(
    {
      start: fc.oneof(fc.constantFrom('2026-11-26T10:00:00Z', '2026-02-30T10:00:00Z', '2026-11-26', '2026-11-26T10:00:00+13:00', '2026-13-01T00:00:00Z'), junk),
      steps: fc.oneof(fc.array(fc.oneof(fc.record({ after: fc.oneof(duration, junk), percentage, at: junk }, { requiredKeys: [] }), junk), { maxLength: 4 }), junk),
      every: junk,
    },
    { requiredKeys: [] },
  ),
  junk,
);
const feature = fc.oneof(
  fc.record(
    {
      percentage,
      enabled: fc.oneof(fc.boolean(), junk),
      salt: fc.oneof(fc.string(), fc.constant('s'.repeat(257)), junk),
      allow: fc.oneof(fc.array(fc.oneof(fc.string(), junk), { maxLength: 2 }), junk),
      deny: fc.oneof(fc.array(fc.string(), { maxLength: 2 }), junk),
      match: fc.oneof(dict(fc.oneof(fc.array(flagValue, { maxLength: 2 }), junk)), junk),
      ramp,
      stable: variant,
      canary: variant,
      percentag: junk,
    },
    { requiredKeys: [] },
  ),
  junk,
);
const config = fc.record(
  {
    $schema: fc.oneof(fc.constant('./canary-config.schema.json'), junk),
    version: fc.oneof(fc.constant(1), junk),
    revision: fc.oneof(fc.string(), fc.constant('r'.repeat(257)), junk),
    features: fc.oneof(dict(feature), junk),
    revison: junk,
  },
  { requiredKeys: [] },
);

describe('checkConfig (the browser validator) against parseConfig (zod)', () => {
  it('agrees on every JSON fixture of the tests', () => {
    const dir = new URL('../fixtures/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) same(JSON.parse(readFileSync(new URL(file, dir), 'utf8')));
  });

  it('agrees on generated configs, valid and broken (20,000 runs)', () => {
    fc.assert(fc.property(config, same), { numRuns: 20_000 });
  });

  it('agrees on what JSON.parse makes of hostile text: __proto__ names, deep nesting, any JSON', () => {
    same(JSON.parse('{"version":1,"features":{"__proto__":{},"app":{"stable":{"flags":{"__proto__":1}},"match":{"__proto__":[1]}}}}'));
    same(JSON.parse('{"version":1,"features":{},"__proto__":{"x":1}}'));
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = [deep];
    same({ version: 1, features: { app: { stable: { assets: deep } } } });
    fc.assert(fc.property(fc.jsonValue(), same), { numRuns: 2_000 });
    // Not JSON, but what a page may hand to ClientCanary.parseConfig: objects that are no records.
    class Flags {
      on = true;
    }
    for (const features of [new Map(), new Date(0), new Flags(), Object.create(null), { app: { stable: { flags: new Flags() } } }]) same({ version: 1, features });
  });

  it('accepts a valid config as it is, and gives the errors in order', () => {
    const valid = { version: 1, features: { app: { percentage: 5, stable: { assets: ['/a.js'], flags: { limit: 20 } } } } };
    expect(checkConfig(valid)).toEqual({ ok: true, config: valid });
    expect(checkConfig({ version: 2, features: { 'my app': {}, app: { percentage: '5', x: 1 } } })).toEqual({
      ok: false,
      errors: [
        { path: 'version', message: 'expected 1' },
        { path: 'features.my app', message: 'invalid name: expected a name of 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit' },
        { path: 'features.app.percentage', message: 'expected number, got string' },
        { path: 'features.app', message: 'unknown key "x" (check the spelling)' },
      ],
    });
  });
});
