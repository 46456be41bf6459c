import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse';
import example from '../fixtures/spec-example.json';

type Json = Record<string, unknown>;
const withApp = (app: Json): unknown => ({ version: 1, features: { app } });
const errorsOf = (json: unknown) => {
  const result = parseConfig(json);
  if (result.ok) throw new Error('expected the config to be rejected');
  return result.errors;
};

describe('parseConfig', () => {
  it('accepts the example config of the spec, $schema included', () => {
    const result = parseConfig(example);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.config.features.app!.ramp!.steps).toHaveLength(3);
  });

  it('accepts a minimal config and leaves defaults to the decision', () => {
    expect(parseConfig({ version: 1, features: {} })).toEqual({ ok: true, config: { version: 1, features: {} } });
  });

  it.each([
    ['a wrong version', { version: 2, features: {} }, 'version', 'expected 1'],
    ['missing features', { version: 1 }, 'features', 'is required'],
    ['a percentage as text', withApp({ percentage: '5' }), 'features.app.percentage', 'expected number, got string'],
    ['a percentage over 100', withApp({ percentage: 101 }), 'features.app.percentage', 'a percentage from 0 to 100'],
    ['a negative percentage', withApp({ percentage: -1 }), 'features.app.percentage', 'a percentage from 0 to 100'],
    ['a percentage with 3 decimals', withApp({ percentage: 1.234 }), 'features.app.percentage', 'at most 2 decimals'],
    ['a percentage of 1.005', withApp({ percentage: 1.005 }), 'features.app.percentage', 'at most 2 decimals'],
    ['a percentage of 0.001', withApp({ percentage: 0.001 }), 'features.app.percentage', 'at most 2 decimals'],
    ['a percentage with 9 decimals', withApp({ percentage: 5.000000001 }), 'features.app.percentage', 'at most 2 decimals'],
    ['a typo in a key', withApp({ percentag: 5 }), 'features.app', 'unknown key "percentag"'],
    ['a typo at the top', { version: 1, features: {}, revison: 'x' }, '(top level)', 'unknown key "revison"'],
    ['a bad feature name', { version: 1, features: { 'my app': {} } }, 'features.my app', 'invalid name'],
    ['a javascript: asset', withApp({ stable: { assets: ['javascript:alert(1)'] } }), 'features.app.stable.assets[0]', 'http(s) URL'],
    ['a data: asset', withApp({ canary: { assets: [{ url: 'data:text/javascript,1' }] } }), 'features.app.canary.assets[0].url', 'http(s) URL'],
    ['a URL with a newline', withApp({ stable: { assets: ['java\nscript:alert(1)'] } }), 'features.app.stable.assets[0]', 'http(s) URL'],
    ['an asset of unknown type', withApp({ stable: { assets: [{ url: 'a.js', type: 'wasm' }] } }), 'features.app.stable.assets[0].type', '"script" or "module" or "style"'],
    ['an asset object without url', withApp({ stable: { assets: [{ type: 'module' }] } }), 'features.app.stable.assets[0].url', 'is required'],
    ['an asset that is a number', withApp({ stable: { assets: [5] } }), 'features.app.stable.assets[0]', 'expected string or object, got number'],
    ['a null flag', withApp({ stable: { flags: { a: null } } }), 'features.app.stable.flags.a', 'expected boolean or number or string, got null'],
    ['a bad duration', withApp({ ramp: { start: '2026-11-26T10:00:00Z', steps: [{ after: '5 min', percentage: 5 }] } }), 'features.app.ramp.steps[0].after', 'a duration such as'],
    ['a start without a zone', withApp({ ramp: { start: '2026-11-26T10:00:00', steps: [{ after: '0m', percentage: 5 }] } }), 'features.app.ramp.start', 'ISO 8601'],
    ['an impossible start date', withApp({ ramp: { start: '2026-13-45T10:00:00Z', steps: [{ after: '0m', percentage: 5 }] } }), 'features.app.ramp.start', 'a date-time that exists'],
    ['ramp steps out of order', withApp({ ramp: { start: '2026-11-26T10:00:00Z', steps: [{ after: '1h', percentage: 5 }, { after: '30m', percentage: 50 }] } }), 'features.app.ramp.steps', 'in order'],
    ['a ramp without steps', withApp({ ramp: { start: '2026-11-26T10:00:00Z', steps: [] } }), 'features.app.ramp.steps', 'at least one step'],
    ['a disabled flag as text', withApp({ enabled: 'false' }), 'features.app.enabled', 'expected boolean, got string'],
    ['a placeholder integrity, which browsers would ignore', withApp({ canary: { assets: [{ url: 'a.mjs', integrity: 'sha384-…' }] } }), 'features.app.canary.assets[0].integrity', 'Subresource Integrity metadata'],
    ['an integrity of an unknown hash', withApp({ canary: { assets: [{ url: 'a.js', integrity: 'md5-abc' }] } }), 'features.app.canary.assets[0].integrity', 'Subresource Integrity metadata'],
  ])('rejects %s, naming the path and what was expected', (_name, json, path, message) => {
    const errors = errorsOf(json);
    expect(errors).toContainEqual({ path, message: expect.stringContaining(message) });
  });

  it('rejects a flag declared by two features, naming both', () => {
    const json = { version: 1, features: { a: { stable: { flags: { checkout: false } } }, b: { canary: { flags: { checkout: true } } } } };
    expect(errorsOf(json)).toEqual([{ path: 'features.b.canary.flags.checkout', message: expect.stringMatching(/"checkout" is already declared by feature "a"/) }]);
  });

  it('accepts integrity metadata as browsers read it: one or more hashes, with options', () => {
    const sha384 = `sha384-${'A'.repeat(63)}B`;
    for (const integrity of [sha384, `sha256-abc= ${sha384}`, `sha512-x+/y==?ct=text/javascript`])
      expect(parseConfig(withApp({ canary: { assets: [{ url: 'a.js', integrity }] } })).ok, integrity).toBe(true);
  });

  it('allows one feature to declare a flag in both variants', () => {
    expect(parseConfig(withApp({ stable: { flags: { x: false } }, canary: { flags: { x: true } } })).ok).toBe(true);
  });

  it.each([0, 0.01, 0.07, 0.29, 33.33, 99.99, 100])('accepts the percentage %s', (percentage) => {
    expect(parseConfig(withApp({ percentage })).ok).toBe(true);
  });

  it('accepts every percentage written with 2 decimals, and refuses any number a little off one', () => {
    const off = fc.double({ min: 1e-12, max: 4e-3, noNaN: true });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), off, fc.boolean(), (n, delta, up) => {
        // As an editor writes it, and as JSON.parse reads it.
        expect(parseConfig(withApp({ percentage: JSON.parse((n / 100).toFixed(2)) })).ok).toBe(true);
        const near = n / 100 + (up ? delta : -delta);
        if (near >= 0 && near <= 100) expect(errorsOf(withApp({ percentage: near }))).toEqual([{ path: 'features.app.percentage', message: expect.stringContaining('at most 2 decimals') }]);
      }),
      { numRuns: 2000 },
    );
  });

  const features = (name: string) => `{"version":1,"features":{${JSON.stringify(name)}:{}}}`;
  const flags = (name: string) => `{"version":1,"features":{"app":{"stable":{"flags":{${JSON.stringify(name)}:true}}}}}`;
  const canaryFlags = (name: string) => `{"version":1,"features":{"app":{"canary":{"flags":{${JSON.stringify(name)}:true}}}}}`;
  const match = (name: string) => `{"version":1,"features":{"app":{"match":{${JSON.stringify(name)}:["x"]}}}}`;
  it.each([
    ['feature', '__proto__', features, 'features.__proto__'],
    ['feature', 'constructor', features, 'features.constructor'],
    ['feature', 'prototype', features, 'features.prototype'],
    ['flag', '__proto__', flags, 'features.app.stable.flags.__proto__'],
    ['flag', 'constructor', flags, 'features.app.stable.flags.constructor'],
    ['flag', 'prototype', canaryFlags, 'features.app.canary.flags.prototype'],
    ['match attribute', '__proto__', match, 'features.app.match.__proto__'],
    ['match attribute', 'constructor', match, 'features.app.match.constructor'],
    ['match attribute', 'prototype', match, 'features.app.match.prototype'],
  ])('refuses a %s named %s, naming its path', (_place, name, config, path) => {
    // JSON.parse makes "__proto__" an own key, as in a fetched config.
    expect(errorsOf(JSON.parse(config(name)))).toEqual([{ path, message: 'invalid name: expected a name other than "__proto__", "constructor", "prototype"' }]);
  });

  it('accepts names that only contain a reserved one', () => {
    for (const name of ['constructors', 'prototype2', 'Constructor', 'proto']) {
      for (const config of [features, flags, match]) expect(parseConfig(JSON.parse(config(name))).ok, config(name)).toBe(true);
    }
  });

  it('reports a __proto__ name together with the other errors of the config', () => {
    const json = JSON.parse('{"version":1,"features":{"__proto__":{},"app":{"percentage":101,"stable":{"flags":{"__proto__":1}}}}}');
    expect(errorsOf(json).map((e) => e.path)).toEqual(['features.__proto__', 'features.app.stable.flags.__proto__', 'features.app.percentage']);
  });

  it('reports every error at once, not only the first', () => {
    expect(errorsOf(withApp({ percentage: 101, enabled: 1, salt: 5 }))).toHaveLength(3);
  });

  it('accepts relative and protocol-relative asset URLs, resolved later against the config URL', () => {
    expect(parseConfig(withApp({ stable: { assets: ['app/1.4.0/app.js', '/x.css', '//cdn.example.com/a.js', 'http://a.example/b.mjs'] } })).ok).toBe(true);
  });
});

describe('parseConfig on hostile input', () => {
  it('never throws and always returns a result, whatever it is given', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.jsonValue().map((v) => ({ version: 1, features: { app: v } }))), (input) => {
        const result = parseConfig(input);
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) for (const e of result.errors) expect(typeof e.path === 'string' && e.message.length > 0).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('does not pollute prototypes through __proto__ keys, and returns a clean object', () => {
    const inputs = [
      '{"version":1,"features":{},"__proto__":{"polluted":1}}',
      '{"version":1,"features":{"__proto__":{"polluted":1}}}',
      '{"version":1,"features":{"app":{"match":{"__proto__":["x"]},"stable":{"flags":{"__proto__":1,"constructor":2}}}}}',
      '{"version":1,"features":{"app":{"__proto__":{"percentage":100}}}}',
    ];
    for (const text of inputs) {
      const result = parseConfig(JSON.parse(text));
      if (result.ok) {
        expect(Object.getPrototypeOf(result.config)).toBe(Object.prototype);
        const app = result.config.features.app;
        if (app) {
          expect(Object.getPrototypeOf(app)).toBe(Object.prototype);
          expect(app.percentage).toBeUndefined();
          expect(Object.getPrototypeOf(app.match ?? {})).toBe(Object.prototype);
          expect(Object.getPrototypeOf(app.stable?.flags ?? {})).toBe(Object.prototype);
        }
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).percentage).toBeUndefined();
  });

  it('rejects a 10 MB string without echoing it back', () => {
    const huge = 'x'.repeat(10 * 1024 * 1024);
    for (const json of [{ version: 1, revision: huge, features: {} }, withApp({ salt: huge }), withApp({ stable: { assets: [`https://a.example/${huge}`] } })]) {
      const errors = errorsOf(json);
      expect(errors.length).toBeGreaterThan(0);
      expect(JSON.stringify(errors).length).toBeLessThan(1000);
    }
  });

  it('survives deep nesting', () => {
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const result = parseConfig({ version: 1, features: { app: deep } });
    expect(result.ok).toBe(false);
    let deepArray: unknown = [];
    for (let i = 0; i < 100_000; i++) deepArray = [deepArray];
    expect(parseConfig(deepArray).ok).toBe(false);
  });
});
