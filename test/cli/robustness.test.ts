import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse';
import { cli } from '../helpers/cli';

const directory = mkdtempSync(join(tmpdir(), 'client-canary-robust-'));
let files = 0;
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Every edit command, on feature "app" ({path} is the file). */
const EDITS: string[][] = [
  ['set', '{path}', 'app', '5'],
  ['rollback', '{path}', '--all'],
  ['rollback', '{path}', 'app'],
  ['ship', '{path}', 'app', 'app/2.0.0/app.js', '--percentage', '1'],
  ['promote', '{path}', 'app', '--force'],
  ['promote', '{path}', 'app'],
  ['ramp', '{path}', 'app', '--preset', 'all-at-once'],
  ['kill', '{path}', 'app'],
  ['revive', '{path}', 'app'],
  ['feature', 'add', '{path}', 'fresh', '--stable-assets', 'a.js'],
  ['feature', 'remove', '{path}', 'app', '--force'],
  ['flag', 'set', '{path}', 'app', 'f', 'true'],
  ['flag', 'set', '{path}', 'app', 'f', 'x', '--variant', 'stable'],
  ['flag', 'unset', '{path}', 'app', 'f'],
  ['allow', 'add', '{path}', 'app', 'u1'],
  ['allow', 'remove', '{path}', 'app', 'u1'],
  ['deny', 'add', '{path}', 'app', 'u1'],
  ['deny', 'remove', '{path}', 'app', 'u1'],
];

// Any JSON, and JSON shaped like a config with any JSON in each place, so that the edits meet
// the badly nested files people write ("canary": 5, "stable": [], "allow": "qa").
const any = fc.jsonValue({ maxDepth: 3 });
const names = fc.oneof({ arbitrary: fc.constantFrom('app', 'f'), weight: 4 }, { arbitrary: fc.constantFrom('other', '__proto__', 'constructor'), weight: 1 });
// Mostly the right shape, so that the deeper places are reached too.
const some = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ arbitrary: any, weight: 1 }, { arbitrary, weight: 4 });
const variant = some(fc.record({ assets: some(fc.array(some(fc.constant('a.js')))), flags: some(fc.dictionary(names, some(fc.boolean()))) }, { requiredKeys: [] }));
const list = some(fc.array(some(fc.constantFrom('u1', 'u2'))));
const feature = some(
  fc.record(
    { percentage: some(fc.constantFrom(0, 5, 100)), enabled: some(fc.boolean()), ramp: any, allow: list, deny: list, stable: variant, canary: variant },
    { requiredKeys: [] },
  ),
);
const document = some(fc.record({ version: some(fc.constant(1)), revision: some(fc.constantFrom('r1', 'v9')), features: some(fc.dictionary(names, feature)) }, { requiredKeys: ['features'] }));

// And valid configs, so that the edits are seen to succeed too.
const validVariant = (flag: string) => fc.record({ assets: fc.array(fc.constantFrom('a.js', 'b.css')), flags: fc.dictionary(fc.constant(flag), fc.oneof(fc.boolean(), fc.integer(), fc.string())) }, { requiredKeys: [] });
const validFeature = (flag: string) =>
  fc.record(
    { percentage: fc.constantFrom(0, 5, 100), enabled: fc.boolean(), allow: fc.array(fc.constantFrom('u1', 'u2')), deny: fc.array(fc.constantFrom('u1', 'u3')), stable: validVariant(flag), canary: validVariant(flag) },
    { requiredKeys: [] },
  );
const valid = fc.record({ version: fc.constant(1), revision: fc.constantFrom('r1', 'v9', 'v9007199254740992'), features: fc.record({ app: validFeature('f'), other: validFeature('g') }, { requiredKeys: [] }) }, { requiredKeys: ['version', 'features'] });

describe('every edit on any JSON document', () => {
  it.each(EDITS.map((argv) => [argv.join(' ').replace('{path}', '<file>'), argv] as const))(
    '%s: succeeds with a valid config, or exits 1 with a one-line message and the file unchanged',
    async (_name, argv) => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(document, valid), async (doc) => {
          const path = join(directory, `${files++}.json`);
          const text = JSON.stringify(doc, null, 2);
          writeFileSync(path, text);
          const run = await cli(...argv.map((a) => (a === '{path}' ? path : a)));
          const after = readFileSync(path, 'utf8');
          expect(run.stderr).not.toContain('unexpected error');
          if (run.code === 0) {
            expect(parseConfig(JSON.parse(after)).ok).toBe(true);
            return;
          }
          expect(run.code).toBe(1);
          const [message, ...details] = run.stderr.split('\n');
          expect(message).toMatch(/^client-canary: \S/);
          // What follows the message is the list of validation errors, one indented path each.
          for (const line of details) expect(line).toMatch(/^ {2}\S/);
          expect(after).toBe(text);
        }),
        { numRuns: 60 },
      );
    },
  );

  it.each([
    ['"canary": 5', { app: { percentage: 5, canary: 5 } }, 'client-canary: feature "app" has no canary variant to promote'],
    ['"stable": [] (and a canary)', { app: { percentage: 5, stable: [], canary: { assets: ['b.js'] } } }, ''],
    ['a feature that is a number', { app: 7 }, 'client-canary: features.app is a number, not an object; fix it by hand (client-canary validate shows every error)'],
    ['a feature that is null', { app: null }, 'client-canary: features.app is null, not an object; fix it by hand (client-canary validate shows every error)'],
  ])('promote on a file with %s ends in one clear line or a valid config', async (_what, features, message) => {
    const path = join(directory, `${files++}.json`);
    writeFileSync(path, JSON.stringify({ version: 1, features }));
    const run = await cli('promote', path, 'app');
    expect(run.stderr).toBe(message);
    expect(run.code).toBe(message ? 1 : 0);
  });
});
