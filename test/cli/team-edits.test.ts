import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse';
import { flagValue } from '../../src/cli/edits/flag';
import { cli, configFile, readJson } from '../helpers/cli';

const config = () => ({
  version: 1,
  revision: 'r7',
  features: {
    app: {
      percentage: 5,
      allow: ['qa-alice'],
      stable: { assets: ['app/1.0.0/app.js'], flags: { checkout: 'old' } },
      canary: { assets: ['app/1.1.0/app.js'], flags: { checkout: 'new' } },
    },
    search: { percentage: 0 },
  },
});

/** Runs a command on a fresh file with `config()`; returns the run and the file's path. */
async function edit(...argv: string[]) {
  const path = configFile(config());
  const [first, second, ...rest] = argv;
  const run = await cli(first!, second!, path, ...rest);
  return { run, path, json: readJson(path), unchanged: readFileSync(path, 'utf8') === `${JSON.stringify(config(), null, 2)}\n` };
}

describe('feature add and feature remove', () => {
  it('adds a feature at the end, at 0 % with its stable assets, validated and revision-bumped', async () => {
    const { run, json } = await edit('feature', 'add', 'checkout', '--stable-assets', 'checkout/1.0.0/c.js, checkout/1.0.0/c.css');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('checkout: (none) → {"percentage":0,"stable":{"assets":["checkout/1.0.0/c.js","checkout/1.0.0/c.css"]}}');
    expect(Object.keys(json.features)).toEqual(['app', 'search', 'checkout']);
    expect(json.revision).toBe('r8');
    expect(parseConfig(json).ok).toBe(true);
  });

  it('adds a feature with its first percentage', async () => {
    const { json } = await edit('feature', 'add', 'checkout', '--percentage', '2.5');
    expect(json.features.checkout).toEqual({ percentage: 2.5 });
  });

  it.each([
    ['a feature the config has', ['app'], 'client-canary: feature "app" exists; change it with the other commands, or remove it first'],
    ['a name the schema refuses', ['no spaces'], 'features.no spaces: invalid name'],
    ['a name JavaScript objects use', ['__proto__'], 'client-canary: "__proto__" cannot name a feature: JavaScript objects use it'],
  ])('refuses to add %s and leaves the file as it was', async (_what, rest, message) => {
    const { run, unchanged } = await edit('feature', 'add', ...rest);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
    expect(unchanged).toBe(true);
  });

  it('removes a feature that reaches nobody', async () => {
    const { run, json } = await edit('feature', 'remove', 'search');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('search: {"percentage":0} → (none)');
    expect(Object.keys(json.features)).toEqual(['app']);
  });

  it('refuses to remove a feature that still reaches canary users, unless --force', async () => {
    const refused = await edit('feature', 'remove', 'app');
    expect(refused.run.code).toBe(1);
    expect(refused.run.stderr).toBe('client-canary: feature "app" is at 5 %: roll it back or promote it first, or remove it anyway with --force');
    expect(refused.unchanged).toBe(true);
    const forced = await edit('feature', 'remove', 'app', '--force');
    expect(forced.run.code).toBe(0);
    expect(Object.keys(forced.json.features)).toEqual(['search']);
  });

  it('says which features exist when asked to remove an unknown one', async () => {
    const { run } = await edit('feature', 'remove', 'serch');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('client-canary: unknown feature "serch"; the config has "app", "search"');
  });
});

describe('flag set and flag unset', () => {
  it.each([
    ['true', true],
    ['false', false],
    ['12.5', 12.5],
    ['-3', -3],
    ['1e3', 1000],
    ['007', '007'],
    ['1.', '1.'],
    ['dark', 'dark'],
    ['', ''],
    ['True', 'True'],
  ])('reads %j as %j', (text, value) => {
    expect(flagValue(text)).toBe(value);
  });

  it('keeps any value text with --string', () => {
    expect(flagValue('true', true)).toBe('true');
    expect(flagValue('42', true)).toBe('42');
  });

  it('sets a flag on the canary by default, typed, creating the variant and its flags', async () => {
    const { run, json } = await edit('flag', 'set', 'search', 'instant', 'true');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('search.canary.flags.instant: (none) → true');
    expect(json.features.search.canary).toEqual({ flags: { instant: true } });
    expect(json.revision).toBe('r8');
  });

  it('sets a flag on the stable variant with --variant stable, and text with --string', async () => {
    const { json } = await edit('flag', 'set', 'app', 'build', '2024', '--variant', 'stable', '--string');
    expect(json.features.app.stable.flags).toEqual({ checkout: 'old', build: '2024' });
    expect(json.features.app.canary.flags).toEqual({ checkout: 'new' });
  });

  it('refuses a flag that another feature declares, naming its path', async () => {
    const { run, unchanged } = await edit('flag', 'set', 'search', 'checkout', 'x');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('features.search.canary.flags.checkout: expected a flag declared by one feature only: "checkout" is already declared by feature "app"');
    expect(unchanged).toBe(true);
  });

  it('refuses a --variant other than stable or canary', async () => {
    const { run } = await edit('flag', 'set', 'app', 'x', '1', '--variant', 'beta');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('client-canary: --variant: expected "stable" or "canary", got "beta"');
  });

  it('refuses, in one line, a variant that is not an object', async () => {
    const path = configFile({ version: 1, features: { app: { stable: [] } } });
    const run = await cli('flag', 'set', path, 'app', 'x', '1', '--variant', 'stable');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('client-canary: features.app.stable is an array, not an object; fix it by hand (client-canary validate shows every error)');
  });

  it('unsets a flag from both variants, and from one with --variant', async () => {
    const both = await edit('flag', 'unset', 'app', 'checkout');
    expect(both.run.code).toBe(0);
    expect(both.run.stdout).toContain('app.stable.flags.checkout: "old" → (none)');
    expect(both.run.stdout).toContain('app.canary.flags.checkout: "new" → (none)');
    expect(both.json.features.app.stable).toEqual({ assets: ['app/1.0.0/app.js'] });
    const one = await edit('flag', 'unset', 'app', 'checkout', '--variant', 'canary');
    expect(one.json.features.app.stable.flags).toEqual({ checkout: 'old' });
    expect(one.json.features.app.canary).toEqual({ assets: ['app/1.1.0/app.js'] });
  });

  it('refuses to unset a flag the feature lacks, listing the ones it has', async () => {
    const { run } = await edit('flag', 'unset', 'app', 'chekout');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('client-canary: feature "app" has no flag "chekout"; its flags: "checkout"');
  });
});

describe('allow and deny lists', () => {
  it('adds ids at the end, once each, and says nothing changed when all are there', async () => {
    const { run, json, path } = await edit('allow', 'add', 'app', 'qa-bob', 'qa-alice', 'qa-bob', 'qa-carol');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('app.allow: ["qa-alice"] → ["qa-alice","qa-bob","qa-carol"]');
    expect(json.features.app.allow).toEqual(['qa-alice', 'qa-bob', 'qa-carol']);
    const again = await cli('allow', 'add', path, 'app', 'qa-bob');
    expect(again.stdout).toBe('nothing to change');
  });

  it('creates a deny list, and removes an emptied one', async () => {
    const { json, path } = await edit('deny', 'add', 'app', 'vip-dan');
    expect(json.features.app.deny).toEqual(['vip-dan']);
    expect((await cli('deny', 'remove', path, 'app', 'vip-dan', 'nobody')).code).toBe(0);
    expect(readJson(path).features.app).not.toHaveProperty('deny');
    expect((await cli('deny', 'remove', path, 'app', 'vip-dan')).stdout).toBe('nothing to change');
  });

  it('removes ids and keeps the others in order', async () => {
    const path = configFile({ ...config(), features: { app: { allow: ['a', 'b', 'c', 'd'] } } });
    expect((await cli('allow', 'remove', path, 'app', 'c', 'a')).code).toBe(0);
    expect(readJson(path).features.app.allow).toEqual(['b', 'd']);
  });

  it('refuses an id longer than the schema allows, with its path', async () => {
    const { run, unchanged } = await edit('allow', 'add', 'app', 'x'.repeat(257));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('features.app.allow[1]: expected a text of at most 256 characters');
    expect(unchanged).toBe(true);
  });

  it('asks for at least one id', async () => {
    const { run } = await edit('deny', 'add', 'app');
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')[0]).toBe('client-canary: missing <user-id>');
  });

  it('refuses, in one line, a list that is not a list of ids', async () => {
    const path = configFile({ version: 1, features: { app: { allow: 'qa-alice' } } });
    const run = await cli('allow', 'add', path, 'app', 'qa-bob');
    expect(run.stderr).toBe('client-canary: features.app.allow is a string, not a list of user ids; fix it by hand');
  });
});
