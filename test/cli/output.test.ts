import { describe, expect, it } from 'vitest';
import { describeChange } from '../../src/cli/edit';
import { escapeText, escapingOutput, quote } from '../../src/cli/output';
import { cli, configFile } from '../helpers/cli';

const ESC = '\x1b';
// What a terminal must never receive from a config: C0 (ESC, BEL, CR, backspace), DEL, C1 (CSI),
// line separators and bidirectional overrides.
const RAW = /[\0-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const hostile = `${ESC}]0;pwned\x07${ESC}[2J\r\x9b31m\u202e`;

const config = () => ({
  version: 1,
  revision: `r1${hostile}`,
  features: {
    app: {
      percentage: 5,
      salt: `salt${hostile}`,
      allow: [`qa${hostile}`],
      stable: { assets: [`app/1.0.0/app.js?${encodeURIComponent(hostile)}`], flags: { note: `old${hostile}` } },
      canary: { assets: ['app/1.1.0/app.js'], flags: { note: `new${hostile}\nsecond line` } },
    },
  },
});

describe('escaping what the config says', () => {
  it('writes control characters as JSON escapes, and keeps plain text as it is', () => {
    expect(escapeText(`a${ESC}[31mb`)).toBe('a\\u001b[31mb');
    expect(escapeText('a\nb\tc\x7f\x9b\u2028\u202e')).toBe('a\\u000ab\\u0009c\\u007f\\u009b\\u2028\\u202e');
    expect(escapeText('https://cdn.example.com/app/1.5.0/app.js é 日本')).toBe('https://cdn.example.com/app/1.5.0/app.js é 日本');
    expect(quote(`x${ESC}\x9b`)).toBe('"x\\u001b\\u009b"');
    expect(JSON.parse(quote(`x${ESC}\x9b\u2028`))).toBe(`x${ESC}\x9b\u2028`);
  });

  it('describes a change with its values escaped', () => {
    const line = describeChange({ path: 'revision', before: `r1${hostile}`, after: 'r2' });
    expect(line).not.toMatch(RAW);
    expect(line).toBe('revision: "r1\\u001b]0;pwned\\u0007\\u001b[2J\\r\\u009b31m\\u202e" → "r2"');
  });

  it('lets no raw control character through the last guard, newlines between lines aside', () => {
    const lines: string[] = [];
    const out = escapingOutput({ log: (l) => lines.push(l), error: (l) => lines.push(l) });
    out.log(`one${ESC}[2J\ntwo\r`);
    out.error('\x9b');
    expect(lines).toEqual(['one\\u001b[2J\ntwo\\u000d', '\\u009b']);
  });

  it.each([
    ['status', ['status']],
    ['status --json', ['status', '--json']],
    ['validate', ['validate']],
    ['decide', ['decide', '--feature', 'app', '--user', `u${hostile}`]],
    ['a change (set)', ['set', '{path}', 'app', '6']],
    ['a change (flag set)', ['flag', 'set', '{path}', 'app', 'note', `x${hostile}`]],
    ['a refusal that echoes an argument', ['set', '{path}', `app${hostile}`, '6']],
    ['a refusal that echoes a --variant', ['flag', 'set', '{path}', 'app', 'note', 'x', '--variant', hostile]],
  ])('prints %s without a raw control character', async (_what, argv) => {
    const path = configFile(config());
    const args = argv.includes('{path}') ? argv.map((a) => (a === '{path}' ? path : a)) : [argv[0]!, path, ...argv.slice(1)];
    const run = await cli(...args);
    for (const line of `${run.stdout}\n${run.stderr}`.split('\n')) expect(line).not.toMatch(RAW);
    expect(`${run.stdout}${run.stderr}`).toContain('\\u001b');
  });

  it('keeps one line per feature in the status table, whatever newlines the config holds', async () => {
    const run = await cli('status', configFile(config()));
    expect(run.stdout.split('\n')).toHaveLength(4); // revision, head, rule, app
    expect(run.stdout).toContain('new\\u001b]0;pwned');
  });

  it('keeps JSON output JSON, with the same text after parsing', async () => {
    const run = await cli('status', configFile(config()), '--json');
    const json = JSON.parse(run.stdout);
    expect(json.revision).toBe(`r1${hostile}`);
    expect(json.features[0].flags.canary.note).toBe(`new${hostile}\nsecond line`);
  });

  it('escapes a key the schema refuses in the list of validation errors', async () => {
    const bad = { version: 1, features: { [`x${ESC}[31m`]: { percentage: 5 } } };
    const run = await cli('validate', configFile(bad));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('features.x\\u001b[31m: invalid name');
    expect(run.stderr).not.toMatch(RAW);
  });
});
