// What an app that imports from npm pays: the built entry (dist/index.js), resolved by package
// name as an app's bundler resolves it, tree-shaken and minified. Used by `npm run size` and
// test/bundle.test.ts.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { rollup } from 'rollup';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

/**
 * Bundles `source` as an app's entry (`client-canary` found in its node_modules, a link to this
 * package, so the exports map and "sideEffects" apply as for a real app).
 * @param {{ also?: string[] }} [options] `also`: other packages of this package's node_modules the app imports
 * @returns {Promise<{ chunk: import('rollup').OutputChunk, gzip: number }[]>} the chunks, minified, with their gzip sizes
 */
export async function bundleFromNpm(source, { also = [] } = {}) {
  const app = mkdtempSync(join(tmpdir(), 'canary-app-'));
  try {
    mkdirSync(join(app, 'node_modules'));
    symlinkSync(root, join(app, 'node_modules', 'client-canary'), 'dir');
    // Other packages the app imports itself (e.g. '@openfeature'), from this package's node_modules.
    for (const name of also) symlinkSync(join(root, 'node_modules', name), join(app, 'node_modules', name), 'dir');
    const entry = join(app, 'entry.js');
    writeFileSync(entry, source);
    const build = await rollup({ input: entry, plugins: [nodeResolve({ browser: true })], onwarn: () => undefined });
    try {
      const { output } = await build.generate({ format: 'es', plugins: [terser({ compress: { passes: 2 }, format: { comments: false } })] });
      return output.filter((file) => file.type === 'chunk').map((chunk) => ({ chunk, gzip: gzipSync(chunk.code, { level: 9 }).length }));
    } finally {
      await build.close();
    }
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
}

/** The chunks an app loads at once for `source` (the entry and its static imports), and the ones it loads on import(). */
export async function splitFromNpm(source, options) {
  const chunks = await bundleFromNpm(source, options);
  const byName = new Map(chunks.map((c) => [c.chunk.fileName, c]));
  const main = new Set([chunks.find(({ chunk }) => chunk.isEntry)]);
  for (const c of main) for (const name of c.chunk.imports) main.add(byName.get(name));
  return { main: [...main], lazy: chunks.filter((c) => !main.has(c)), gzip: [...main].reduce((sum, c) => sum + c.gzip, 0) };
}
