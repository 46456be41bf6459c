import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse';
import { decide } from '../../src/decide/decide';
import { useBucket } from '../helpers/bucket';
import { cli, configFile, readJson } from '../helpers/cli';

const today = new Date().toISOString().slice(0, 10);
const base = () => ({
  $schema: './schema.json',
  version: 1,
  revision: `${today}.3`,
  features: {
    app: {
      percentage: 5,
      salt: 'app-1',
      stable: { assets: ['app/1.0.0/app.js'], flags: { checkout: 'old' } },
      canary: { assets: ['app/1.1.0/app.js'], flags: { checkout: 'new' } },
    },
    search: { percentage: 20, ramp: { start: '2026-11-26T10:00:00Z', steps: [{ after: '0m', percentage: 10 }] } },
  },
});

describe('writing commands', () => {
  it('set: changes the percentage, removes a ramp and says so, bumps the revision, keeps key order', async () => {
    const path = configFile(base());
    const run = await cli('set', path, 'search', '12.5');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('search.percentage: 20 → 12.5');
    expect(run.stdout).toContain('search.ramp: {"start"');
    expect(run.stdout).toContain('→ (none)');
    expect(run.stdout).toContain(`revision: "${today}.3" → "${today}.4"`);
    const text = readFileSync(path, 'utf8');
    expect(Object.keys(JSON.parse(text))).toEqual(['$schema', 'version', 'revision', 'features']);
    expect(Object.keys(JSON.parse(text).features.app)).toEqual(['percentage', 'salt', 'stable', 'canary']);
    expect(text).toBe(`${JSON.stringify({ ...base(), revision: `${today}.4`, features: { ...base().features, search: { percentage: 12.5 } } }, null, 2)}\n`);
  });

  it('rollback: percentage 0 and no ramp, for named features or --all', async () => {
    const path = configFile(base());
    expect((await cli('rollback', path, 'app')).code).toBe(0);
    expect(readJson(path).features.app.percentage).toBe(0);
    expect(readJson(path).features.search.percentage).toBe(20);
    expect((await cli('rollback', path, '--all')).code).toBe(0);
    expect(readJson(path).features.search).toEqual({ percentage: 0 });
    expect((await cli('rollback', path)).code).toBe(1);
  });

  it('ship: new canary assets, canary flags kept, with a first percentage', async () => {
    const path = configFile(base());
    const run = await cli('ship', path, 'app', 'app/1.2.0/app.js', 'app/1.2.0/app.css', '--percentage', '1');
    expect(run.code).toBe(0);
    const app = readJson(path).features.app;
    expect(app.canary).toEqual({ assets: ['app/1.2.0/app.js', 'app/1.2.0/app.css'], flags: { checkout: 'new' } });
    expect(app.percentage).toBe(1);
    const refused = await cli('ship', path, 'app', 'javascript:alert(1)');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('features.app.canary.assets[0]: expected an http(s) URL');
  });

  it('promote: a canary of flags only keeps the stable assets', async () => {
    const config = base();
    config.features.app.canary = { flags: { checkout: 'new' } } as typeof config.features.app.canary;
    const path = configFile(config);
    expect((await cli('promote', path, 'app')).code).toBe(0);
    expect(readJson(path).features.app.stable).toEqual({ assets: ['app/1.0.0/app.js'], flags: { checkout: 'new' } });
  });

  it('promote: refuses a canary at 0 % or killed, unless --force', async () => {
    const path = configFile(base());
    await cli('rollback', path, 'app');
    const before = readFileSync(path);
    const refused = await cli('promote', path, 'app');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('feature "app" is at 0 %: its canary reaches nobody; promote it anyway with --force');
    expect(readFileSync(path).equals(before)).toBe(true);
    expect((await cli('promote', path, 'app', '--force')).code).toBe(0);
  });

  it('promote: the canary becomes stable, at 0 %', async () => {
    const path = configFile(base());
    const run = await cli('promote', path, 'app');
    expect(run.code).toBe(0);
    const app = readJson(path).features.app;
    expect(app.stable).toEqual({ assets: ['app/1.1.0/app.js'], flags: { checkout: 'new' } });
    expect(app.canary).toBeUndefined();
    expect(app.percentage).toBe(0);
    expect((await cli('promote', path, 'app')).code).toBe(1); // nothing left to promote
  });

  it.each([
    ['linear-10-every-1m', 10, '9m'],
    ['linear-10-every-3m', 10, '27m'],
    ['canary-10-5m', 2, '5m'],
    ['canary-10-15m', 2, '15m'],
    ['all-at-once', 1, '0m'],
  ])('ramp --preset %s: %i steps, 100 %% at %s', async (preset, count, last) => {
    const path = configFile(base());
    expect((await cli('ramp', path, 'app', '--preset', preset, '--start', '2026-11-27T09:00:00Z')).code).toBe(0);
    const ramp = readJson(path).features.app.ramp;
    expect(ramp.start).toBe('2026-11-27T09:00:00Z');
    expect(ramp.steps).toHaveLength(count);
    expect(ramp.steps.at(-1)).toEqual({ after: last, percentage: 100 });
    expect(parseConfig(readJson(path)).ok).toBe(true);
  });

  it('ramp --steps, starting now, and the decision follows it', async () => {
    const path = configFile(base());
    expect((await cli('ramp', path, 'app', '--steps', '0m:10,30m:50,2h:100')).code).toBe(0);
    const json = readJson(path);
    expect(json.features.app.ramp.steps).toEqual([{ after: '0m', percentage: 10 }, { after: '30m', percentage: 50 }, { after: '2h', percentage: 100 }]);
    expect(Math.abs(Date.parse(json.features.app.ramp.start) - Date.now())).toBeLessThan(5000);
    const parsed = parseConfig(json);
    if (!parsed.ok) throw new Error('invalid');
    expect(decide(parsed.config, 'app', { userId: 'u', now: Date.now() + 3 * 3600e3 }).percentage).toBe(100);
  });

  it('kill and revive flip the enabled switch', async () => {
    const path = configFile(base());
    expect((await cli('kill', path, 'app')).stdout).toContain('app.enabled: (none) → false');
    expect(readJson(path).features.app.enabled).toBe(false);
    expect((await cli('revive', path, 'app')).code).toBe(0);
    expect(readJson(path).features.app.enabled).toBeUndefined();
    expect((await cli('revive', path, 'app')).stdout).toBe('nothing to change');
  });

  it.each([
    [['set', 'app', '50'], 'app.percentage: 5 → 50'],
    [['rollback', '--all'], 'search.ramp:'],
    [['promote', 'app'], 'app.canary:'],
    [['ramp', 'app', '--preset', 'canary-10-5m'], 'app.ramp: (none) →'],
    [['kill', 'app'], 'app.enabled: (none) → false'],
  ])('--dry-run of %j prints the changes and writes nothing', async (argv, change) => {
    const path = configFile(base());
    const before = readFileSync(path, 'utf8');
    const run = await cli(argv[0]!, path, ...argv.slice(1), '--dry-run');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(change);
    expect(run.stdout).toContain('dry run:');
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('init --dry-run prints the starter and writes nothing', async () => {
    const path = join(dirname(configFile({})), 'dry.json');
    const run = await cli('init', path, '--dry-run');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"version": 1');
    expect(() => statSync(path)).toThrow();
  });

  it('writes atomically: a new file renamed over the old, no temporary left, exact permissions kept', async () => {
    const path = configFile(base());
    chmodSync(path, 0o664); // group-writable: a umask of 022 would drop that bit on a plain write
    const inode = statSync(path).ino;
    await cli('set', path, 'app', '7');
    expect(readdirSync(dirname(path))).toEqual(['canary-config.json']);
    expect(statSync(path).mode & 0o777).toBe(0o664);
    expect(statSync(path).ino).not.toBe(inode);
  });

  it('edits the file a symbolic link points to, and keeps the link', async () => {
    const real = configFile(base());
    const link = join(dirname(real), 'link.json');
    symlinkSync(real, link);
    expect((await cli('set', link, 'app', '8')).code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readJson(real).features.app.percentage).toBe(8);
  });

  it('adds a missing revision right after "version"', async () => {
    const { revision: _r, ...noRevision } = base();
    const path = configFile(noRevision);
    await cli('set', path, 'app', '6');
    expect(Object.keys(readJson(path))).toEqual(['$schema', 'version', 'revision', 'features']);
    expect(readJson(path).revision).toBe(`${today}.1`);
  });
});

describe('refusals leave the file byte for byte as it was', () => {
  const refusals: [string, string[], number, RegExp][] = [
    ['percentage 101', ['set', '{path}', 'app', '101'], 1, /refusing to write.*\n\s+features\.app\.percentage: expected a percentage from 0 to 100/],
    ['a percentage that is not a number', ['set', '{path}', 'app', 'ten'], 1, /"ten" is not a percentage/],
    ['three decimals', ['set', '{path}', 'app', '1.234'], 1, /at most 2 decimals/],
    ['an unknown feature', ['set', '{path}', 'checkout', '5'], 1, /unknown feature "checkout"; the config has "app", "search"/],
    ['malformed --steps', ['ramp', '{path}', 'app', '--steps', '0m:10,soon:50'], 1, /"soon:50" is not <duration>:<percentage>/],
    ['steps out of order', ['ramp', '{path}', 'app', '--steps', '1h:10,30m:50'], 1, /steps in order/],
    ['an unknown preset', ['ramp', '{path}', 'app', '--preset', 'fast'], 1, /unknown preset "fast"; presets: linear-10-every-1m/],
    ['a bad --start', ['ramp', '{path}', 'app', '--preset', 'all-at-once', '--start', 'tomorrow'], 1, /ISO 8601/],
    ['an unknown option', ['set', '{path}', 'app', '5', '--percent', '5'], 1, /Unknown option '--percent'/],
    ['an extra argument', ['kill', '{path}', 'app', 'search'], 1, /kill takes at most 2 arguments, got/],
    ['a hexadecimal percentage', ['set', '{path}', 'app', '0x10'], 1, /"0x10" is not a percentage/],
    ['a preset named like a built-in', ['ramp', '{path}', 'app', '--preset', 'toString'], 1, /unknown preset "toString"/],
    ['promoting a feature without a canary', ['promote', '{path}', 'search'], 1, /no canary variant to promote/],
    ['rolling back an unknown feature', ['rollback', '{path}', 'app', 'nope'], 1, /unknown feature "nope"/],
  ];

  it.each(refusals)('on %s', async (_name, argv, code, message) => {
    const path = configFile(base(), `${JSON.stringify(base(), null, 4)}\n`); // 4 spaces: any rewrite would show
    const before = readFileSync(path);
    const run = await cli(...argv.map((a) => a.replace('{path}', path)));
    expect(run.code).toBe(code);
    expect(`${run.stderr}`).toMatch(message);
    expect(run.stderr.split('\n')[0]).toMatch(/^client-canary: /);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace for a user's mistake
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses to edit a file that is not JSON, and to overwrite with init', async () => {
    const path = configFile(undefined, '{ "version": 1, "features": {');
    const run = await cli('set', path, 'app', '5');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is not valid JSON/);
    expect(readFileSync(path, 'utf8')).toBe('{ "version": 1, "features": {');
    const init = await cli('init', path);
    expect(init.code).toBe(1);
    expect(init.stderr).toContain('exists; pass --force to overwrite it');
    expect(readFileSync(path, 'utf8')).toBe('{ "version": 1, "features": {');
  });

  it('reads a file that starts with a byte order mark, as browsers do', async () => {
    const path = configFile(undefined, `\uFEFF${JSON.stringify(base())}`);
    expect((await cli('validate', path)).code).toBe(0);
  });

  it('says a missing --users-file in one line, not with a stack', async () => {
    const run = await cli('decide', configFile(base()), '--feature', 'app', '--users-file', '/nonexistent/users.txt');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('client-canary: --users-file: cannot read /nonexistent/users.txt: no such file');
  });

  it('says a missing file cannot be reached (exit 3)', async () => {
    const run = await cli('status', '/nonexistent/canary-config.json');
    expect(run.code).toBe(3);
    expect(run.stderr).toBe('client-canary: cannot read /nonexistent/canary-config.json: no such file');
  });
});

describe('reading commands', () => {
  it('validate: exit 0 when valid; every error with its path otherwise', async () => {
    expect((await cli('validate', configFile(base()))).code).toBe(0);
    const bad = base() as any;
    bad.features.app.percentage = 120;
    bad.features.app.salat = 'x';
    const run = await cli('validate', configFile(bad));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('invalid (2 errors)');
    expect(run.stderr).toContain('features.app.percentage: expected a percentage from 0 to 100');
    expect(run.stderr).toContain('features.app: unknown key "salat"');
  });

  it('status: a table, and --json with configured and effective percentages', async () => {
    const path = configFile(base());
    const table = await cli('status', path, '--now', '2026-11-26T12:00:00Z');
    expect(table.stdout).toMatch(/^app\s+yes\s+5\s+5\s+app-1\s+0\s+0\s+app\/1\.0\.0\/app\.js\s+app\/1\.1\.0\/app\.js/m);
    expect(table.stdout).toMatch(/^search\s+yes\s+ramp\s+10\s+search/m);
    const json = JSON.parse((await cli('status', path, '--json', '--now', '2026-11-26T09:00:00Z')).stdout);
    expect(json.features[1]).toMatchObject({ feature: 'search', percentage: 20, effectivePercentage: 0 });
    expect(json.features[0]).toMatchObject({ feature: 'app', enabled: true, salt: 'app-1', allow: 0, deny: 0, flags: { stable: { checkout: 'old' }, canary: { checkout: 'new' } } });
  });

  it('simulate: the canary share is near the percentage, with a histogram', async () => {
    const run = await cli('simulate', configFile(base()), '--users', '20000', '--feature', 'app');
    expect(run.code).toBe(0);
    const share = Number(/app: canary ([\d.]+) %/.exec(run.stdout)![1]);
    expect(Math.abs(share - 5)).toBeLessThan(0.8);
    expect(run.stdout.split('\n').filter((l) => /^\s+\d+-\d+ #*/.test(l))).toHaveLength(20);
    expect(run.stdout).toMatch(/^\s+0-499 #+\s+\d+ canary$/m);
    expect(run.stdout).toMatch(/^\s+500-999 #+\s+\d+$/m);
  });

  it('decide: the pure decision as JSON, for one user or many', async () => {
    const path = configFile(base());
    const one = JSON.parse((await cli('decide', path, '--feature', 'app', '--user', 'user-42', '--now', '2026-11-26T12:00:00Z')).stdout);
    const parsed = parseConfig(base());
    if (!parsed.ok) throw new Error('invalid');
    expect(one).toEqual(JSON.parse(JSON.stringify(decide(parsed.config, 'app', { userId: 'user-42', now: Date.parse('2026-11-26T12:00:00Z') }))));
    const usersFile = join(dirname(path), 'users.txt');
    writeFileSync(usersFile, 'a\r\nb\r\nc\r\n'); // CRLF lines: the ids are a, b, c
    const many = JSON.parse((await cli('decide', path, '--feature', 'app', '--users-file', usersFile)).stdout);
    expect(many.map((d: { bucket: number }) => d.bucket)).toEqual(['a', 'b', 'c'].map((u) => decide(parsed.config, 'app', { userId: u }).bucket));
    const matched = { ...base(), features: { app: { ...base().features.app, percentage: 100, match: { country: ['NZ'] } } } };
    const matchPath = configFile(matched);
    const nz = JSON.parse((await cli('decide', matchPath, '--feature', 'app', '--user', 'u', '--attr', 'country=NZ')).stdout);
    const us = JSON.parse((await cli('decide', matchPath, '--feature', 'app', '--user', 'u', '--attr', 'country=US')).stdout);
    expect([nz.variant, us.reason]).toEqual(['canary', 'unmatched']);
  });

  it('schema: prints the JSON Schema that the package ships', async () => {
    const printed = (await cli('schema')).stdout;
    expect(JSON.parse(printed)).toEqual(JSON.parse(readFileSync('dist/canary-config.schema.json', 'utf8')));
  });

  it('init: refuses a remote target rather than overwrite a live config', async () => {
    const run = await cli('init', 's3://bucket/canary-config.json');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('init writes a local file');
  });

  it('init: a starter config that validates, with $schema', async () => {
    const path = join(dirname(configFile({})), 'new.json');
    expect((await cli('init', path)).code).toBe(0);
    expect(readJson(path).$schema).toMatch(/canary-config\.schema\.json$/);
    expect((await cli('validate', path)).code).toBe(0);
  });

  it('--help for every command, with examples', async () => {
    for (const command of ['validate', 'status', 'set', 'rollback', 'ship', 'promote', 'ramp', 'kill', 'revive', 'simulate', 'decide', 'schema', 'init']) {
      const run = await cli(command, '--help');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^client-canary ${command}`));
      expect(run.stdout).toMatch(/Examples?:\n  client-canary /);
    }
    expect((await cli('--help')).stdout).toContain('Exit codes: 0 done (or pass), 1 invalid input or config, 2 conflict (changed since read), 3 target or metrics unreachable, 4 canary failed');
    expect((await cli('frobnicate')).code).toBe(1);
  });
});

describe('the installed binary', () => {
  it('runs as client-canary with exit codes, through the package bin', () => {
    const bin = JSON.parse(readFileSync('package.json', 'utf8')).bin['client-canary'];
    const path = configFile(base());
    expect(execFileSync(process.execPath, [bin, 'validate', path], { encoding: 'utf8' })).toMatch(/^valid: 2 feature/);
    const refused = spawnSync(process.execPath, [bin, 'set', path, 'app', '101'], { encoding: 'utf8' });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^client-canary: refusing to write/);
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
  });
});

describe('an http(s) target', () => {
  const bucket = useBucket();

  it('reads (validate, status, decide) and refuses to write', async () => {
    bucket().put('/canary-config.json', JSON.stringify(base()));
    const url = bucket().url('/canary-config.json');
    expect((await cli('validate', url)).code).toBe(0);
    expect((await cli('status', url, '--json')).code).toBe(0);
    const decided = JSON.parse((await cli('decide', url, '--feature', 'app', '--user', 'user-42', '--now', '2026-11-26T12:00:00Z')).stdout);
    expect(decided).toMatchObject({ feature: 'app', reason: 'rollout', percentage: 5, revision: `${today}.3` });
    const write = await cli('set', url, 'app', '9');
    expect(write.code).toBe(1);
    expect(write.stderr).toBe('client-canary: an http(s) target is read-only: edit the file, or use its s3://bucket/key');
    // Refused before anything is printed: no change looks made.
    expect(write.stdout).toBe('');
    const missing = await cli('validate', bucket().url('/missing.json'));
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('answered HTTP 403');
  });

  it('adds the cause with --verbose, and only then', async () => {
    const quiet = await cli('status', 'http://127.0.0.1:9/canary-config.json');
    const verbose = await cli('status', 'http://127.0.0.1:9/canary-config.json', '--verbose');
    expect(quiet.code).toBe(3);
    expect(quiet.stderr.split('\n')).toHaveLength(1);
    expect(verbose.stderr.split('\n').length).toBeGreaterThan(1);
  });
});
