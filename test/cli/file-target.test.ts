import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { init } from '../../src/cli/commands/init';
import { edit } from '../../src/cli/config-io';
import { CliError } from '../../src/cli/errors';
import { FileLockBusyError, withFileLock } from '../../src/cli/file-lock';
import { openTarget, type Target } from '../../src/cli/target';
import { cli, configFile, readJson } from '../helpers/cli';

const config = (percentage: number, revision = '2026-11-01.1') => ({ version: 1, revision, features: { app: { percentage } } });
const text = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const quiet = { log: () => undefined, error: () => undefined };
const options = { maxAgeSeconds: 60 };
const besides = (path: string) => readdirSync(dirname(path));

/** The error a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<CliError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
}

describe('writing a local file', () => {
  it('refuses with exit 2 a write that finds the file changed since it was read, and leaves the other writer\'s text', async () => {
    const path = configFile(config(5));
    const target = openTarget(path);
    const loaded = await target.read();
    writeFileSync(path, text(config(50, 'colleague')));
    const error = await failure(target.write(text(config(10, 'mine')), loaded, options));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`${path} changed since it was read; run again`);
    expect(readFileSync(path, 'utf8')).toBe(text(config(50, 'colleague')));
    expect(besides(path)).toEqual(['canary-config.json']);
  });

  it('refuses an edit (exit 2) when a colleague wrote between its read and its write, as `set` runs it', async () => {
    const path = configFile(config(5));
    const file = openTarget(path);
    const target: Target = {
      ...file,
      async read() {
        const loaded = await file.read();
        writeFileSync(path, text(config(50, 'colleague')));
        return loaded;
      },
    };
    const error = await failure(edit(target, {}, quiet, (doc) => [{ path: 'app.percentage', before: (doc.features as any).app.percentage, after: ((doc.features as any).app.percentage = 10) }]));
    expect(error.exitCode).toBe(2);
    expect(readJson(path)).toEqual(config(50, 'colleague'));
  });

  it('refuses a write that finds the file deleted since it was read', async () => {
    const path = configFile(config(5));
    const target = openTarget(path);
    const loaded = await target.read();
    unlinkSync(path);
    expect((await failure(target.write(text(config(10)), loaded, options))).exitCode).toBe(2);
    expect(besides(path)).toEqual([]);
  });

  it('writes when nothing changed since the read, and leaves no lock or temporary file', async () => {
    const path = configFile(config(5));
    const target = openTarget(path);
    await target.write(text(config(10)), await target.read(), options);
    expect(readJson(path)).toEqual(config(10));
    expect(besides(path)).toEqual(['canary-config.json']);
  });

  it('through a symbolic link, locks and compares the file the link points to', async () => {
    const path = configFile(config(5));
    const link = join(dirname(path), 'link.json');
    symlinkSync(path, link);
    const target = openTarget(link);
    const loaded = await target.read();
    writeFileSync(path, text(config(50, 'colleague')));
    expect((await failure(target.write(text(config(10)), loaded, options))).exitCode).toBe(2);
    await target.write(text(config(10)), await target.read(), options);
    expect(readJson(path)).toEqual(config(10));
    expect(besides(path).sort()).toEqual(['canary-config.json', 'link.json']);
  });

  it('breaks the lock a killed process left behind, at once', async () => {
    const path = configFile(config(5));
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: deadPid(), host: hostname(), token: 'killed' }));
    const target = openTarget(path);
    const started = Date.now();
    await target.write(text(config(10)), await target.read(), options);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(readJson(path)).toEqual(config(10));
    expect(besides(path)).toEqual(['canary-config.json']);
  });

  it('breaks a lock nobody touched for longer than the stale time, even from another host', async () => {
    const path = configFile(config(5));
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: process.pid, host: 'elsewhere', token: 'old' }));
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${path}.lock`, old, old);
    const target = openTarget(path);
    await target.write(text(config(10)), await target.read(), options);
    expect(readJson(path)).toEqual(config(10));
    expect(besides(path)).toEqual(['canary-config.json']);
  });

  it('waits for a lock a live process holds, then writes', async () => {
    const path = configFile(config(5));
    const target = openTarget(path);
    const loaded = await target.read();
    let writing: Promise<void> | undefined;
    await withFileLock(path, async () => {
      writing = target.write(text(config(10)), loaded, options);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(readJson(path)).toEqual(config(5));
    });
    await writing;
    expect(readJson(path)).toEqual(config(10));
    expect(besides(path)).toEqual(['canary-config.json']);
  });
});

describe('creating a local file (init)', () => {
  it('refuses with exit 2 a write meant for an absent file when the file exists by then, and leaves it', async () => {
    const path = configFile(config(50, 'colleague'));
    const error = await failure(openTarget(path).write(text(config(0)), { text: '', absent: true }, options));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`${path} was created by another process meanwhile; it is left as it is`);
    expect(readJson(path)).toEqual(config(50, 'colleague'));
    expect(besides(path)).toEqual(['canary-config.json']);
  });

  it('creates a file that is still absent, and leaves no lock or temporary file', async () => {
    const path = join(dirname(configFile({})), 'new.json');
    await openTarget(path).write(text(config(0)), { text: '', absent: true }, options);
    expect(readJson(path)).toEqual(config(0));
    expect(besides(path).sort()).toEqual(['canary-config.json', 'new.json']);
  });

  it('init refuses to overwrite a file that appeared after it checked (exit 2)', async () => {
    const path = join(dirname(configFile({})), 'appearing.json');
    const file = openTarget(path);
    // Another process creates the file between init's check and its write.
    const target: Target = {
      ...file,
      async write(...args) {
        writeFileSync(path, text(config(50, 'colleague')));
        return file.write(...args);
      },
    };
    const error = await failure(init.run({ target, args: [], values: {}, out: quiet }));
    expect(error.exitCode).toBe(2);
    expect(readJson(path)).toEqual(config(50, 'colleague'));
  });

  it('init --force replaces a file that exists', async () => {
    const path = configFile(config(50, 'colleague'));
    expect((await cli('init', path, '--force')).code).toBe(0);
    expect(readJson(path).features.app).toEqual({ percentage: 0, stable: { assets: ['app/1.0.0/app.js', 'app/1.0.0/app.css'] }, canary: { assets: ['app/1.1.0/app.js', 'app/1.1.0/app.css'] } });
  });
});

describe('withFileLock', () => {
  it('releases the lock when the task throws', async () => {
    const path = configFile(config(5));
    await expect(withFileLock(path, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(besides(path)).toEqual(['canary-config.json']);
    expect(await withFileLock(path, async () => 'again')).toBe('again');
  });

  it('gives up with FileLockBusyError, naming the holder, when a live holder keeps the lock past waitMs', async () => {
    const path = configFile(config(5));
    await withFileLock(path, async () => {
      const error = await withFileLock(path, async () => 'never', { waitMs: 50 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FileLockBusyError);
      expect((error as FileLockBusyError).message).toBe(`${path}.lock is held by process ${process.pid} on ${hostname()}`);
    });
  });

  it('lets one task at a time run, among many in one process', async () => {
    const path = configFile(config(5));
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        withFileLock(path, async () => {
          most = Math.max(most, ++inside);
          await new Promise((resolve) => setTimeout(resolve, 5));
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(besides(path)).toEqual(['canary-config.json']);
  });
});
