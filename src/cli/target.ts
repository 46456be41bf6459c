import { createHash, randomBytes } from 'node:crypto';
import { chmod, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { CliError, EXIT } from './errors';
import { FileLockBusyError, withFileLock } from './file-lock';
import { openS3, regionNamedBy } from './s3-client';

/** What a target holds: the text, and what tells whether it changed since it was read. */
export interface Loaded {
  text: string;
  /** S3 (and http): the ETag it was read at; a write sends it as If-Match. */
  etag?: string;
  /**
   * A file: the SHA-256 (hex) of the bytes read. A write compares it, under the file's lock, with
   * what is on disk then; with neither it nor `absent` (`init --force`) the write replaces whatever
   * is there.
   */
  sha256?: string;
  /**
   * A file: it was absent when checked (`init`). A write then refuses (exit 2), under the file's
   * lock, a file that exists by then, rather than replace what someone else just created.
   */
  absent?: boolean;
}

export interface WriteOptions {
  /** `Cache-Control: max-age` of an S3 object, in seconds. */
  maxAgeSeconds: number;
}

/** Where a config lives: a local file, an http(s) URL (read-only) or an S3 object. */
export interface Target {
  name: string;
  /** Set when writes are refused whatever the change: said before any change is printed. */
  readOnly?: string;
  read(): Promise<Loaded>;
  write(text: string, loaded: Loaded, options: WriteOptions): Promise<void>;
}

/** The target a command names: `s3://bucket/key`, an `http(s)://` URL, or else a local path. */
export function openTarget(spec: string): Target {
  if (/^s3:\/\//i.test(spec)) return s3Target(spec);
  if (/^https?:\/\//i.test(spec)) return httpTarget(spec);
  return fileTarget(spec);
}

function fileTarget(path: string): Target {
  return {
    name: path,
    async read() {
      try {
        const bytes = await readFile(path);
        return { text: bytes.toString('utf8'), sha256: sha256(bytes) };
      } catch (cause) {
        const code = (cause as NodeJS.ErrnoException).code;
        throw new CliError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : String(cause)}`, EXIT.unreachable, undefined, { cause });
      }
    },
    async write(text, loaded) {
      // A symbolic link stays a link: the file it points to is the one locked, compared and replaced.
      const real = await realpath(path).catch(() => path);
      try {
        await withFileLock(real, async () => {
          // Under the lock no other client-canary writes, so what is on disk now is what this
          // write replaces: if it is not what was read, someone else's edit would be lost.
          if (loaded.sha256 !== undefined || loaded.absent) {
            const now = await readFile(real).catch((error: NodeJS.ErrnoException) => {
              if (error.code === 'ENOENT') return undefined; // deleted since the read: a change too
              throw error;
            });
            if (loaded.absent) {
              if (now) throw new CliError(`${path} was created by another process meanwhile; it is left as it is`, EXIT.conflict);
            } else if (!now || sha256(now) !== loaded.sha256) throw new CliError(`${path} changed since it was read; run again`, EXIT.conflict);
          }
          await replace(real, text);
        });
      } catch (cause) {
        if (cause instanceof CliError) throw cause;
        if (cause instanceof FileLockBusyError) {
          throw new CliError(`${path} is being written by ${cause.owner} (${cause.lockPath}); run again`, EXIT.conflict, undefined, { cause });
        }
        throw new CliError(`cannot write ${path}: ${String(cause)}`, EXIT.unreachable, undefined, { cause });
      }
    },
  };
}

/**
 * Atomic: a temporary file beside the config, renamed over it. A reader (or a crash) never sees
 * half a file, and the file keeps its exact permissions.
 */
async function replace(real: string, text: string): Promise<void> {
  const temporary = join(dirname(real), `.${basename(real)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const mode = (await stat(real).catch(() => undefined))?.mode;
    await writeFile(temporary, text);
    if (mode !== undefined) await chmod(temporary, mode & 0o7777);
    await rename(temporary, real);
  } catch (cause) {
    await unlink(temporary).catch(() => undefined);
    throw cause;
  }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const READ_ONLY = 'an http(s) target is read-only: edit the file, or use its s3://bucket/key';

function httpTarget(url: string): Target {
  return {
    name: url,
    readOnly: READ_ONLY,
    async read() {
      let response: Response;
      try {
        response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
      } catch (cause) {
        throw new CliError(`cannot reach ${url}: ${String((cause as Error).cause ?? cause)}`, EXIT.unreachable, undefined, { cause });
      }
      if (!response.ok) throw new CliError(`${url} answered HTTP ${response.status}`, EXIT.unreachable);
      return { text: await response.text(), etag: response.headers.get('etag') ?? undefined };
    },
    async write() {
      throw new CliError(READ_ONLY, EXIT.invalid);
    },
  };
}

function s3Target(spec: string): Target {
  const match = /^s3:\/\/([^/]+)\/(.+)$/i.exec(spec);
  if (!match) throw new CliError(`"${spec}" is not s3://bucket/key`, EXIT.invalid);
  const [, bucket, key] = match as unknown as [string, string, string];
  const failure = (action: string, region: string, cause: unknown) => {
    if (cause instanceof CliError) return cause;
    const error = cause as { name?: string; $metadata?: { httpStatusCode?: number }; message?: string };
    const status = error.$metadata?.httpStatusCode;
    // 412: someone wrote since our read. 409: S3 saw a concurrent conditional write (and asks to retry).
    if (status === 412 || status === 409 || error.name === 'PreconditionFailed' || error.name === 'ConditionalRequestConflict') {
      return new CliError(`${spec} changed since it was read; run again`, EXIT.conflict, undefined, { cause });
    }
    // A redirect the SDK could not follow, or an endpoint signed for the wrong region: say where.
    const named = regionNamedBy(cause);
    if (named && named !== region && (status === 301 || status === 400)) {
      return new CliError(`cannot ${action} ${spec}: the bucket is in region ${named}, not ${region}; set AWS_REGION=${named} (or that region in your AWS profile)`, EXIT.unreachable, undefined, { cause });
    }
    return new CliError(`cannot ${action} ${spec}: ${error.name ?? 'error'}${status ? ` (HTTP ${status})` : ''}: ${error.message ?? String(cause)}`, EXIT.unreachable, undefined, { cause });
  };
  return {
    name: spec,
    async read() {
      const { sdk, s3, region } = await openS3();
      try {
        const object = await s3.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
        return { text: (await object.Body?.transformToString('utf-8')) ?? '', etag: object.ETag };
      } catch (cause) {
        throw failure('read', region, cause);
      } finally {
        s3.destroy();
      }
    },
    async write(text, loaded, options) {
      const { sdk, s3, region } = await openS3();
      // An SDK from before S3's conditional writes (November 2024) would drop IfMatch silently
      // and overwrite a colleague's edit: refuse to send such a request.
      s3.middlewareStack.add(
        (next) => async (args) => {
          const headers = (args.request as { headers: Record<string, string> }).headers;
          if (loaded.etag && !headers['if-match']) throw new CliError('this @aws-sdk/client-s3 cannot send If-Match; upgrade it (npm install @aws-sdk/client-s3@latest)', EXIT.invalid);
          return next(args);
        },
        { step: 'finalizeRequest', name: 'clientCanaryRequireIfMatch' },
      );
      try {
        await s3.send(
          new sdk.PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: text,
            ContentType: 'application/json',
            // Browsers and CloudFront revalidate in step with the SDK's maxAgeMs.
            CacheControl: `max-age=${options.maxAgeSeconds}`,
            // Refused (412) when someone else wrote the object since we read it.
            IfMatch: loaded.etag,
          }),
        );
      } catch (cause) {
        throw failure('write', region, cause);
      } finally {
        s3.destroy();
      }
    },
  };
}
