import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The built CLI (npm run build), as people run it: two real processes on one file.
const CLI = resolve('dist/cli.js');
const RUNS = 50;

const config = () => ({
  version: 1,
  revision: '2026-11-01.1',
  features: {
    app: { percentage: 5, stable: { assets: ['app/1.0.0/app.js'] }, canary: { assets: ['app/1.1.0/app.js'] } },
    search: { percentage: 20 },
  },
});

interface Exit {
  code: number;
  stderr: string;
}

const run = (...args: string[]) =>
  new Promise<Exit>((done) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' } }, (error, _stdout, stderr) => {
      done({ code: error ? Number((error as { code?: number }).code ?? -1) : 0, stderr });
    });
  });

const directory = mkdtempSync(join(tmpdir(), 'client-canary-race-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe.skipIf(!existsSync(CLI))('two client-canary processes editing one file at once', () => {
  it('never both report success with one edit lost: each race applies both edits or refuses one with exit 2', { timeout: 90_000 }, async () => {
    const counts = { runs: 0, bothApplied: 0, setRefused: 0, killRefused: 0, silentLosses: 0 };
    const unexpected: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const path = join(directory, `race-${i}.json`);
      writeFileSync(path, `${JSON.stringify(config(), null, 2)}\n`);
      const percentage = String(30 + (i % 50));
      const [set, kill] = await Promise.all([run('set', path, 'app', percentage), run('kill', path, 'search')]);
      const app = JSON.parse(readFileSync(path, 'utf8')).features;
      const setApplied = app.app.percentage === Number(percentage);
      const killApplied = app.search.enabled === false;
      counts.runs++;
      if (set.code === 0 && kill.code === 0) {
        if (setApplied && killApplied) counts.bothApplied++;
        else counts.silentLosses++;
      } else if (set.code === 2 && kill.code === 0 && killApplied && !setApplied) {
        expect(set.stderr).toBe(`client-canary: ${path} changed since it was read; run again\n`);
        counts.setRefused++;
      } else if (kill.code === 2 && set.code === 0 && setApplied && !killApplied) {
        expect(kill.stderr).toBe(`client-canary: ${path} changed since it was read; run again\n`);
        counts.killRefused++;
      } else {
        unexpected.push(`run ${i}: set ${set.code} ${set.stderr.trim()} / kill ${kill.code} ${kill.stderr.trim()} / set applied ${setApplied}, kill applied ${killApplied}`);
      }
    }
    console.log(`race: ${JSON.stringify(counts)}`);
    expect(unexpected).toEqual([]);
    expect(counts.silentLosses).toBe(0);
    expect(counts.bothApplied + counts.setRefused + counts.killRefused).toBe(RUNS);
    // No lock, temporary or stale file is left beside the configs.
    expect(readdirSync(directory).filter((name) => !/^race-\d+\.json$/.test(name))).toEqual([]);
  });
});
