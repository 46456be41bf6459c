import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_CONFIG_BYTES } from '../../src/cli/size';
import { cli, configFile, readJson } from '../helpers/cli';

/** A valid config whose 2-space JSON is a little under `bytes` long (212 at most): a long allow list. */
function configOfSize(bytes: number) {
  const config = { version: 1, revision: 'r1', features: { app: { percentage: 5, allow: [] as string[] } } };
  const size = () => JSON.stringify(config, null, 2).length + 1;
  // Each id is 200 characters: 212 bytes with its quotes, indent, comma and newline.
  while (size() + 212 <= bytes) config.features.app.allow.push(`${String(config.features.app.allow.length).padStart(6, '0')}-${'u'.repeat(193)}`);
  return config;
}

describe('the 256 KiB that browsers accept', () => {
  it('is the SDK\'s limit', () => {
    expect(MAX_CONFIG_BYTES).toBe(256 * 1024);
  });

  it('refuses a write whose result is over it (exit 1) with the size, and leaves the file as it was', async () => {
    const config = configOfSize(MAX_CONFIG_BYTES - 300);
    const path = configFile(config);
    const before = readFileSync(path);
    expect(before.length).toBeLessThan(MAX_CONFIG_BYTES);
    const run = await cli('allow', 'add', path, 'app', 'x'.repeat(200), 'y'.repeat(200));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^client-canary: refusing to write: the result would be 26\d{4} bytes \(256\.\d KiB\), over the 262144 bytes \(256 KiB\) that browsers accept; .* is unchanged$/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect((await cli('allow', 'add', path, 'app', '--dry-run', 'x'.repeat(200), 'y'.repeat(200))).code).toBe(1);
  });

  it('writes a result of exactly 256 KiB', async () => {
    const path = configFile(configOfSize(MAX_CONFIG_BYTES - 150));
    const text = readFileSync(path, 'utf8');
    // Ids that bring the written file (revision r1 → r2, same length) to the byte; an id takes
    // 12 bytes besides its text, and at most 256 characters.
    const room = MAX_CONFIG_BYTES - text.length - 12;
    const ids = room <= 256 ? ['z'.repeat(room)] : ['y'.repeat(128), 'z'.repeat(room - 12 - 128)];
    const run = await cli('allow', 'add', path, 'app', ...ids);
    expect(run.stderr).toBe('');
    expect(readFileSync(path).length).toBe(MAX_CONFIG_BYTES);
  });

  it('validate says a config over it is refused by browsers', async () => {
    const path = configFile(configOfSize(MAX_CONFIG_BYTES + 500));
    const run = await cli('validate', path);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is 26\d{4} bytes; browsers refuse a config over 262144 bytes \(256 KiB\)$/);
  });
});

describe('revisions at the limits, through a write', () => {
  it('bumps a numeric suffix past 2^53 to the next integer', async () => {
    const path = configFile({ version: 1, revision: 'v9007199254740992', features: { app: { percentage: 1 } } });
    const run = await cli('set', path, 'app', '2');
    expect(run.stdout).toContain('revision: "v9007199254740992" → "v9007199254740993"');
    expect(readJson(path).revision).toBe('v9007199254740993');
  });

  it('bumps a revision of 256 characters within 256', async () => {
    const revision = `${'r'.repeat(255)}9`;
    const path = configFile({ version: 1, revision, features: { app: { percentage: 1 } } });
    const run = await cli('set', path, 'app', '2');
    expect(run.code).toBe(0);
    expect(readJson(path).revision).toBe(`${'r'.repeat(254)}10`);
  });
});
