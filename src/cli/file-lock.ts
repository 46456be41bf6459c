import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';

export interface FileLockOptions {
  /** How long to wait for a lock that a live process holds, in milliseconds (default 10 000). */
  waitMs?: number;
  /**
   * A lock file left untouched this long is stale, whoever wrote it (default 20 000 ms). A holder
   * touches its lock every quarter of this, so only a dead or frozen holder's lock grows this old.
   */
  staleMs?: number;
}

/** The lock stayed held by a live process for longer than `waitMs`. */
export class FileLockBusyError extends Error {
  override name = 'FileLockBusyError';
  readonly code = 'lock-busy';
  constructor(
    readonly lockPath: string,
    readonly owner: string,
  ) {
    super(`${lockPath} is held by ${owner}`);
  }
}

/** What a lock file holds: who took it, and a token that tells this lock from any later one. */
interface Owner {
  pid: number;
  host: string;
  token: string;
}

/**
 * Runs `task` while holding an exclusive lock on `path`, shared by every process that locks the
 * same path: a `<path>.lock` file created with O_EXCL. The lock is released however `task` ends.
 * A lock whose holder died (same host, no such process) or that nobody touched for `staleMs` is
 * broken, so a killed process never blocks the next one for ever.
 *
 * @example
 * await withFileLock('canary-config.json', async () => {
 *   // compare what is on disk with what was read, then write
 * });
 */
export async function withFileLock<T>(path: string, task: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const release = await acquire(`${path}.lock`, options.waitMs ?? 10_000, options.staleMs ?? 20_000);
  try {
    return await task();
  } finally {
    await release();
  }
}

async function acquire(lockPath: string, waitMs: number, staleMs: number): Promise<() => Promise<void>> {
  const owner: Owner = { pid: process.pid, host: hostname(), token: randomBytes(12).toString('hex') };
  const content = JSON.stringify(owner);
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    if (await create(lockPath, content)) break;
    const holder = await inspect(lockPath);
    if (!holder) continue; // released in between: try again at once
    if (isStale(holder, staleMs)) {
      await breakStale(lockPath, holder);
      continue;
    }
    if (Date.now() >= deadline) throw new FileLockBusyError(lockPath, describeOwner(holder.text));
    // Holders keep it for milliseconds: short waits, with jitter so two waiters do not keep colliding.
    await sleep(Math.min(5 * 2 ** attempt, 100) * (0.5 + Math.random()));
  }
  // A slow disk or a paused holder must not look dead: keep the lock's mtime fresh while held.
  const timer = setInterval(() => {
    const now = new Date();
    utimes(lockPath, now, now).catch(() => undefined);
  }, staleMs / 4);
  timer.unref();
  return async () => {
    clearInterval(timer);
    // Only our own lock: had it been broken as stale and taken since, it belongs to someone else.
    if ((await readFile(lockPath, 'utf8').catch(() => undefined)) === content) await unlink(lockPath).catch(() => undefined);
  };
}

/** Creates the lock file with our content; false when it exists already. */
async function create(lockPath: string, content: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(lockPath, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(content);
    await handle.close();
    return true;
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(lockPath).catch(() => undefined);
    throw error;
  }
}

interface Holder {
  text: string;
  owner: Owner | undefined;
  mtimeMs: number;
  dev: number;
  ino: number;
}

/** The current lock file, or undefined when there is none. */
async function inspect(lockPath: string): Promise<Holder | undefined> {
  try {
    const info = await stat(lockPath);
    const text = await readFile(lockPath, 'utf8');
    return { text, owner: parseOwner(text), mtimeMs: info.mtimeMs, dev: info.dev, ino: info.ino };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function isStale(holder: Holder, staleMs: number): boolean {
  const { owner } = holder;
  if (owner && owner.host === hostname() && !isAlive(owner.pid)) return true;
  // Another host's lock, a half-written one, or a pid taken over by another process: by age.
  return Date.now() - holder.mtimeMs > staleMs;
}

/**
 * Removes a stale lock, and only that one. Renaming first makes the removal atomic: of two
 * processes breaking the same stale lock, one moves it; if what was moved is not the lock judged
 * stale (another process broke it and took a new one in between), it is linked back in place.
 */
async function breakStale(lockPath: string, stale: Holder): Promise<void> {
  const grave = `${lockPath}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(lockPath, grave);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    const moved = await inspect(grave);
    const same = moved && moved.dev === stale.dev && moved.ino === stale.ino && moved.text === stale.text;
    if (!same) await link(grave, lockPath).catch(() => undefined);
  } finally {
    await unlink(grave).catch(() => undefined);
  }
}

function parseOwner(text: string): Owner | undefined {
  try {
    const value = JSON.parse(text) as Partial<Owner>;
    return typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.token === 'string' ? (value as Owner) : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describeOwner(text: string): string {
  const owner = parseOwner(text);
  return owner ? `process ${owner.pid} on ${owner.host}` : 'another process';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
