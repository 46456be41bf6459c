// What an app that imports from npm pays: the built entry (dist/index.js), resolved by package
// name as an app's bundler resolves it, tree-shaken and minified. npm test builds first.
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { rollup, type OutputChunk } from 'rollup';
import { afterAll, describe, expect, it } from 'vitest';

/** gzip budgets (issue 10): the decision path, and what createCanary loads at once, bundled from npm. */
const DECIDE_BUDGET = 1_500;
const CREATE_BUDGET = 5_000;

// An app of its own: `client-canary` is found in its node_modules (a link to this package), so
// the package's exports map and its "sideEffects" field apply as they do for a real app.
const app = mkdtempSync(join(tmpdir(), 'canary-app-'));
mkdirSync(join(app, 'node_modules'));
symlinkSync(resolve('.'), join(app, 'node_modules', 'client-canary'), 'dir');
afterAll(() => rmSync(app, { recursive: true, force: true }));

/** Bundles `source` as the app's entry: its chunks, minified, with their gzip sizes. */
async function bundle(source: string) {
  const entry = join(app, `entry-${Math.random().toString(36).slice(2)}.js`);
  writeFileSync(entry, source);
  const build = await rollup({ input: entry, plugins: [nodeResolve({ browser: true })], onwarn: () => undefined });
  try {
    const { output } = await build.generate({ format: 'es', plugins: [terser({ compress: { passes: 2 }, format: { comments: false } })] });
    const chunks = output.filter((file): file is OutputChunk => file.type === 'chunk');
    return chunks.map((chunk) => ({ chunk, gzip: gzipSync(chunk.code, { level: 9 }).length }));
  } finally {
    await build.close();
  }
}

/** True when zod's code is in `code`: its internals all carry `_zod`, and its errors name it. */
const hasZod = (code: string) => /_zod|\bzod\b/i.test(code);

describe('the npm entry in an app bundle', () => {
  it(`bundles decide and bucketOf alone without zod, under ${DECIDE_BUDGET.toLocaleString('en')} bytes gzip`, async () => {
    const chunks = await bundle("export { decide, bucketOf } from 'client-canary';\n");
    expect(chunks).toHaveLength(1);
    const [{ chunk, gzip }] = chunks as [(typeof chunks)[0]];
    expect(hasZod(chunk.code), 'zod is in the decide bundle').toBe(false);
    expect(chunk.dynamicImports).toEqual([]);
    expect(gzip).toBeLessThanOrEqual(DECIDE_BUDGET);
    console.log(`decide + bucketOf bundled from npm: ${gzip} bytes gzip`);
  });

  it(`keeps the validator of createCanary in a chunk that loads on import(), zod in neither, the main chunk under ${CREATE_BUDGET.toLocaleString('en')} bytes gzip`, async () => {
    const chunks = await bundle("export { createCanary } from 'client-canary';\n");
    // What loads at once: the entry and what it imports statically (rollup may share code out of
    // the entry into a chunk both the entry and the validator import). The rest loads on import().
    const byName = new Map(chunks.map((c) => [c.chunk.fileName, c]));
    const main = new Set([chunks.find(({ chunk }) => chunk.isEntry)!]);
    for (const c of main) for (const name of c.chunk.imports) main.add(byName.get(name)!);
    const lazy = chunks.filter((c) => !main.has(c));
    for (const { chunk } of chunks) expect(hasZod(chunk.code), `zod is in ${chunk.fileName}`).toBe(false);
    expect(lazy).toHaveLength(1);
    expect([...main].flatMap(({ chunk }) => chunk.dynamicImports)).toEqual([lazy[0]!.chunk.fileName]);
    // The checker's words are in the lazy chunk only.
    for (const { chunk } of main) expect(chunk.code).not.toContain('check the spelling');
    expect(lazy[0]!.chunk.code).toContain('check the spelling');
    const gzip = [...main].reduce((sum, c) => sum + c.gzip, 0);
    console.log(`createCanary bundled from npm: ${gzip} bytes gzip loaded at once (${main.size} chunks), the validator chunk ${lazy[0]!.gzip} bytes gzip`);
    expect(gzip).toBeLessThanOrEqual(CREATE_BUDGET);
  });
});
