// The Vite app of test/apps/vite-app: built for real with Vite's JS API, and uploaded to a bucket.
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, relative, resolve } from 'node:path';
import { build } from 'vite';

declare global {
  interface Window {
    appEntryUrl?: string;
    lazyChunkUrl?: string;
  }
}

export const VITE_APP = resolve('test/apps/vite-app');

/** Builds the app as `version` (its main.js reads __APP_VERSION__) into a fresh folder; returns the folder. */
export async function buildViteApp(version: string): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), `vite-app-${version}-`));
  await build({
    root: VITE_APP,
    base: './',
    configFile: false,
    logLevel: 'silent',
    define: { __APP_VERSION__: JSON.stringify(version) },
    build: { manifest: true, outDir, emptyOutDir: true },
  });
  return outDir;
}

/** Every file under `dir`, as paths relative to it with forward slashes. */
export function filesOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'));
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
};

/**
 * Uploads a build folder under `prefix` with the Content-Type a browser needs (a module script
 * must be served as JavaScript, a cross-origin style sheet as text/css); returns the keys.
 */
export async function uploadBuild(client: S3Client, bucket: string, dir: string, prefix: string): Promise<string[]> {
  const files = filesOf(dir);
  await Promise.all(
    files.map((file) =>
      client.send(new PutObjectCommand({ Bucket: bucket, Key: prefix + file, Body: readFileSync(join(dir, file)), ContentType: TYPES[extname(file)] ?? 'application/octet-stream' })),
    ),
  );
  return files.map((file) => prefix + file);
}
