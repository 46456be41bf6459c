import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { hasOwn } from '../decide/decide';
import { CliError, EXIT } from './errors';

/** One chunk or asset of a Vite build manifest (Vite's `ManifestChunk`, the fields read here). */
export interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  css?: string[];
  imports?: string[];
  dynamicImports?: string[];
}

/** A Vite build manifest: manifest keys (source paths, or `_name.js` for shared chunks) to chunks. */
export type Manifest = Record<string, ManifestChunk>;

/** A canary asset made from a manifest: an ES-module entry, or a style sheet. */
export interface ManifestAsset {
  url: string;
  type?: 'module';
  integrity: string;
  crossorigin: 'anonymous';
}

/** A built file to ship, relative to the build's output folder. */
export interface PickedFile {
  file: string;
  kind: 'module' | 'style';
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStrings = (value: unknown) => value === undefined || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
// @vitejs/plugin-legacy's SystemJS entries (`index-legacy.html`, `main-legacy.js`): not modules.
const LEGACY = /-legacy(\.[^./]*)?$/;

/** The manifest's JSON as a `Manifest`, or a clear error naming `name` when it is something else. */
export function toManifest(json: unknown, name: string): Manifest {
  const shape = 'a Vite build manifest (build.manifest: true writes DIST/.vite/manifest.json): an object of chunks, each with a "file"';
  if (!isObject(json) || !Object.keys(json).length) throw new CliError(`${name} is not ${shape}`, EXIT.invalid);
  for (const [key, chunk] of Object.entries(json)) {
    if (!isObject(chunk) || typeof chunk.file !== 'string' || !chunk.file || !isStrings(chunk.css) || !isStrings(chunk.imports) || !isStrings(chunk.dynamicImports)) {
      throw new CliError(`${name} is not ${shape}; "${key}" is not such a chunk`, EXIT.invalid);
    }
  }
  return json as Manifest;
}

/**
 * The files a page loads itself, in order: for each entry chunk (`isEntry`), the CSS of the
 * chunks it imports statically (depth first, as Vite's own index.html puts them), its own CSS,
 * then the entry as a module. Dynamically imported chunks are left to the browser; so are static
 * JS imports (the module graph fetches them). A CSS file shared by two entries is listed once.
 */
export function pickFiles(manifest: Manifest, name = 'the manifest'): PickedFile[] {
  const entries = Object.entries(manifest).filter(([key, chunk]) => chunk.isEntry === true && !LEGACY.test(key));
  if (!entries.length) throw new CliError(`${name} has no entry chunk (no chunk with "isEntry": true); was it written by a build of the app?`, EXIT.invalid);
  const picked: PickedFile[] = [];
  const seenCss = new Set<string>();
  const addCss = (file: string) => {
    if (seenCss.has(file)) return;
    seenCss.add(file);
    picked.push({ file, kind: 'style' });
  };
  const cssOf = (key: string, seen: Set<string>) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = hasOwn(manifest, key) ? manifest[key] : undefined;
    if (!chunk) throw new CliError(`${name}: a chunk imports "${key}", which the manifest does not have`, EXIT.invalid);
    for (const imported of chunk.imports ?? []) cssOf(imported, seen);
    for (const file of chunk.css ?? []) addCss(file);
  };
  for (const [key, chunk] of entries) {
    cssOf(key, new Set());
    // A CSS file given as an entry of its own (build.rollupOptions.input) is a style sheet.
    if (/\.css$/i.test(chunk.file)) addCss(chunk.file);
    else picked.push({ file: chunk.file, kind: 'module' });
  }
  return picked;
}

/** The folder a manifest's file names are relative to: DIST for DIST/.vite/manifest.json, else the manifest's own folder. */
export function distOf(manifestPath: string): string {
  const folder = dirname(manifestPath);
  return basename(folder) === '.vite' ? dirname(folder) : folder;
}

/** Subresource Integrity of some bytes: `sha384-<base64>`. */
export const sha384 = (bytes: Uint8Array): string => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

/**
 * `ship --manifest`: the canary assets of a Vite build. Each entry becomes
 * `{ url, type: "module", integrity, crossorigin: "anonymous" }` and each of its style sheets
 * `{ url, integrity, crossorigin: "anonymous" }`; `url` is `prefix` + the file's path in the build,
 * and `integrity` the sha384 of the built file beside the manifest.
 *
 * @example
 * await assetsFromManifest('dist/.vite/manifest.json', 'app/2.0.0/');
 * // [{ url: 'app/2.0.0/assets/index-B1c2.css', integrity: 'sha384-…', crossorigin: 'anonymous' },
 * //  { url: 'app/2.0.0/assets/index-D3e4.js', type: 'module', integrity: 'sha384-…', crossorigin: 'anonymous' }]
 */
export async function assetsFromManifest(manifestPath: string, prefix: string): Promise<ManifestAsset[]> {
  if (prefix && !prefix.endsWith('/')) throw new CliError(`--prefix: "${prefix}" does not end with "/"; the build's files go under it, as in app/2.0.0/`, EXIT.invalid);
  const text = await readFile(manifestPath, 'utf8').catch((cause: NodeJS.ErrnoException) => {
    throw new CliError(`--manifest: cannot read ${manifestPath}: ${cause.code === 'ENOENT' ? 'no such file' : cause.message}`, EXIT.invalid);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new CliError(`--manifest: ${manifestPath} is not JSON: ${(cause as Error).message}`, EXIT.invalid);
  }
  const files = pickFiles(toManifest(json, manifestPath), manifestPath);
  const dist = distOf(manifestPath);
  return Promise.all(
    files.map(async ({ file, kind }) => {
      const path = join(dist, file);
      const bytes = await readFile(path).catch((cause: NodeJS.ErrnoException) => {
        throw new CliError(`${manifestPath} names ${file}, but ${path} ${cause.code === 'ENOENT' ? 'does not exist' : `cannot be read (${cause.message})`}; point --manifest at the build folder that holds the files`, EXIT.invalid);
      });
      const url = prefix + file;
      const integrity = sha384(bytes);
      return kind === 'module' ? { url, type: 'module' as const, integrity, crossorigin: 'anonymous' as const } : { url, integrity, crossorigin: 'anonymous' as const };
    }),
  );
}

/** `ship --module`: each plain `.js` URL (query and fragment aside) as `{ url, type: "module" }`; other URLs unchanged. */
export function markModules(urls: string[]): (string | { url: string; type: 'module' })[] {
  return urls.map((url) => (/\.js$/i.test(url.split(/[?#]/)[0]!) ? { url, type: 'module' as const } : url));
}

/** The options of `ship` that choose its assets. */
export interface ShipSource {
  manifest?: string | undefined;
  prefix?: string | undefined;
  module?: boolean | undefined;
}

/** `ship`'s canary assets: from `--manifest` (with `--prefix`), or the URL arguments (`--module` marks `.js` ones). */
export async function shipAssets(urls: string[], source: ShipSource): Promise<(string | ManifestAsset | { url: string; type: 'module' })[]> {
  if (source.manifest !== undefined) {
    if (urls.length) throw new CliError(`give asset URLs or --manifest, not both (got ${urls.join(' ')})`, EXIT.invalid);
    if (source.module) throw new CliError('--module is for asset URLs; --manifest marks its entries as modules itself', EXIT.invalid);
    if (source.prefix === undefined) throw new CliError('--manifest needs --prefix: where the build\'s files are, relative to the config (app/2.0.0/) or as a URL', EXIT.invalid);
    return assetsFromManifest(source.manifest, source.prefix);
  }
  if (source.prefix !== undefined) throw new CliError('--prefix goes with --manifest', EXIT.invalid);
  if (!urls.length) throw new CliError('name the canary asset URLs, or give --manifest DIST/.vite/manifest.json --prefix app/2.0.0/; see client-canary ship --help', EXIT.invalid);
  return source.module ? markModules(urls) : urls;
}
