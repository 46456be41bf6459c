// Checks the built package (npm test builds first): the five files, imports of the ESM and CJS
// builds by package name, and the script-tag bundle running in a DOM.
// @vitest-environment happy-dom
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { Window } from 'happy-dom';
import { describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../src/config/parse';
import example from './fixtures/spec-example.json';

// vitest runs from the package root; under happy-dom, import.meta.url is not a file URL.
const dist = (file: string) => resolve('dist', file);
const node = (args: string[]) => execFileSync(process.execPath, args, { encoding: 'utf8' });

describe('the build', () => {
  it('writes the ESM, CJS, types, script-tag and JSON Schema files', () => {
    for (const file of ['index.js', 'index.cjs', 'index.d.ts', 'client-canary.min.js', 'client-canary.validate.js', 'client-canary.full.min.js', 'canary-config.schema.json']) expect(existsSync(dist(file)), file).toBe(true);
  });

  it('imports by package name as ESM and as CJS, with the same buckets', () => {
    const esm = node(['--input-type=module', '-e', "import { bucketOf, createCanary } from 'client-canary'; console.log(typeof createCanary, bucketOf('app', 'user-42'))"]);
    const cjs = node(['-e', "const { bucketOf, createCanary } = require('client-canary'); console.log(typeof createCanary, bucketOf('app', 'user-42'))"]);
    expect(esm.trim()).toBe('function 7142');
    expect(cjs.trim()).toBe(esm.trim());
  });

  it('rolls the types into one .d.ts that names the public API', () => {
    const types = readFileSync(dist('index.d.ts'), 'utf8');
    for (const name of ['createCanary', 'parseConfig', 'bucketOf', 'decide', 'configSchema', 'CanaryOptions', 'CanaryClient', 'Decision']) expect(types).toContain(name);
    expect(types).not.toMatch(/from '\.\//);
  });

  it('ships a JSON Schema that editors can use: the spec example passes, typos and bad values do not', () => {
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync(dist('canary-config.schema.json'), 'utf8')));
    expect(validate(example)).toBe(true);
    const withApp = (app: object) => ({ version: 1, features: { app } });
    expect(validate(withApp({ percentag: 5 }))).toBe(false);
    expect(validate(withApp({ percentage: 101 }))).toBe(false);
    // Two decimals are zod's rule: JSON Schema's multipleOf would refuse 0.29 in floating point.
    for (const percentage of [0.29, 0.07, 33.33, 100]) expect(validate(withApp({ percentage }))).toBe(true);
    expect(validate(withApp({ stable: { assets: ['javascript:alert(1)'] } }))).toBe(false);
    expect(validate(withApp({ canary: { assets: [{ url: 'a.js', type: 'wasm' }] } }))).toBe(false);
    expect(validate({ version: 2, features: {} })).toBe(false);
  });

  it('ships a JSON Schema that refuses the names __proto__, constructor and prototype, as parseConfig does', () => {
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync(dist('canary-config.schema.json'), 'utf8')));
    const places = [
      (name: string) => `{"version":1,"features":{${JSON.stringify(name)}:{}}}`,
      (name: string) => `{"version":1,"features":{"app":{"stable":{"flags":{${JSON.stringify(name)}:true}}}}}`,
      (name: string) => `{"version":1,"features":{"app":{"canary":{"flags":{${JSON.stringify(name)}:true}}}}}`,
      (name: string) => `{"version":1,"features":{"app":{"match":{${JSON.stringify(name)}:["x"]}}}}`,
    ];
    for (const place of places) {
      // JSON.parse makes "__proto__" an own key, as an editor's or a CLI's JSON reader does.
      for (const name of ['__proto__', 'constructor', 'prototype']) {
        expect(validate(JSON.parse(place(name))), place(name)).toBe(false);
        expect(parseConfig(JSON.parse(place(name))).ok, place(name)).toBe(false);
      }
      expect(validate(JSON.parse(place('constructors'))), place('constructors')).toBe(true);
      expect(parseConfig(JSON.parse(place('constructors'))).ok, place('constructors')).toBe(true);
    }
  });

  it.each(['client-canary.min.js', 'client-canary.validate.js', 'client-canary.full.min.js'])('keeps eval, new Function and innerHTML out of %s', (file) => {
    const code = readFileSync(dist(file), 'utf8');
    expect(code).not.toMatch(/\beval\(|new Function|Function\(|innerHTML/);
  });

  it('keeps the validator out of the loader and zod out of both script files; the integrity the loader asks of its second chunk is the chunk\'s', () => {
    const loader = readFileSync(dist('client-canary.min.js'), 'utf8');
    const rest = readFileSync(dist('client-canary.validate.js'), 'utf8');
    expect(loader).not.toMatch(/Zod|_zod/);
    expect(rest).not.toMatch(/Zod|_zod/);
    // The checker's own words are in the second chunk, not in the loader.
    expect(loader).not.toContain('check the spelling');
    expect(rest).toContain('check the spelling');
    const integrity = `sha384-${createHash('sha384').update(readFileSync(dist('client-canary.validate.js'))).digest('base64')}`;
    expect(loader).toContain(integrity);
  });
});

describe('the script-tag bundle in a DOM', () => {
  it('defines ClientCanary, starts window.clientCanary and runs queued callbacks', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const queued: unknown[] = [];
    const w = window as unknown as Record<string, unknown>;
    w.clientCanaryQueue = [(client: unknown) => queued.push(client)];
    (0, eval)(readFileSync(dist('client-canary.min.js'), 'utf8'));
    const api = w.ClientCanary as typeof import('../src/index');
    // The loader's part of the API; its second chunk adds attachClient, parseConfig and CanaryError.
    expect(Object.keys(api).sort()).toEqual(['bucketOf', 'decide', 'effectivePercentage', 'scriptUrl', 'startPage']);
    expect(api.bucketOf('app', 'user-42')).toBe(7142);
    expect(w.clientCanary).toBeUndefined();
    // The loader inserted the chunk's tag; happy-dom fires its load without running it: run it here.
    const tag = document.querySelector('script[src$="client-canary.validate.js"]') as HTMLScriptElement;
    expect(tag.integrity).toMatch(/^sha384-/);
    (0, eval)(readFileSync(dist('client-canary.validate.js'), 'utf8'));
    expect(Object.keys(w.ClientCanary!).sort()).toEqual(['CanaryError', 'attachClient', 'bucketOf', 'createCanary', 'decide', 'effectivePercentage', 'parseConfig', 'scriptUrl', 'startPage']);
    await vi.waitFor(() => expect(w.clientCanary).toBeDefined());
    expect(queued).toEqual([w.clientCanary]);
    (w.clientCanaryQueue as { push(cb: (c: unknown) => void): void }).push((client) => queued.push(client));
    expect(queued).toHaveLength(2);
    // Evaluated without a script element: no data-config, so it says what to write and stays stable.
    expect(error).toHaveBeenCalledWith(expect.stringContaining('data-config="https://'));
    const client = w.clientCanary as import('../src/index').CanaryClient;
    await client.ready();
    expect(client.decide('app').reason).toBe('fallback');
  });
});

// A page may have added enumerable keys to Object.prototype (old libraries, polyfills) or frozen it.
// Each case runs in a fresh happy-dom Window, a V8 context of its own: polluting this worker's
// prototypes would break vitest itself.
describe('the script-tag bundle on a hostile page', () => {
  const valid = { version: 1, features: { app: { percentage: 5, match: { country: ['NZ'] }, stable: { flags: { a: 1 } } }, b: { canary: { assets: ['b.js'], flags: { c: true } } } } };
  const typo = { version: 1, features: { app: { percentag: 5 } } };
  const silent = { ...console, error: () => undefined, warn: () => undefined };

  /** Runs `prepare`, then the bundle, then ClientCanary.parseConfig on each config, all inside the window. */
  async function parseInFreshWindow(prepare: string, configs: unknown[]): Promise<unknown[]> {
    const window = new Window({ url: 'https://app.example/', console: silent });
    try {
      window.eval(prepare);
      // The loader, then its validator chunk, which extends window.ClientCanary with parseConfig.
      window.eval(readFileSync(dist('client-canary.min.js'), 'utf8'));
      window.eval(readFileSync(dist('client-canary.validate.js'), 'utf8'));
      // The configs are parsed from text in the window, so they carry its prototypes; the results leave it as text.
      const texts = JSON.stringify(configs.map((config) => JSON.stringify(config)));
      return JSON.parse(window.eval(`JSON.stringify(${texts}.map((text) => ClientCanary.parseConfig(JSON.parse(text))))`) as string);
    } finally {
      await window.happyDOM.close();
    }
  }

  it('parses a valid config, and still refuses an unknown key, with keys added to Object.prototype and Array.prototype', async () => {
    const [ok, refused] = await parseInFreshWindow('Object.prototype.polluted = 1; Array.prototype.polluted = 1; Object.prototype.percentag = 1;', [valid, typo]);
    expect(ok).toEqual({ ok: true, config: valid });
    expect(refused).toEqual({ ok: false, errors: [{ path: 'features.app', message: 'unknown key "percentag" (check the spelling)' }] });
    expect(({} as Record<string, unknown>).polluted, 'this worker stays clean').toBeUndefined();
  });

  it('parses a valid config, and still refuses an unknown key, with a frozen Object.prototype', async () => {
    const [ok, refused] = await parseInFreshWindow('Object.freeze(Object.prototype); Object.freeze(Array.prototype);', [valid, typo]);
    expect(ok).toEqual({ ok: true, config: valid });
    expect(refused).toMatchObject({ ok: false, errors: [{ path: 'features.app' }] });
  });
});
