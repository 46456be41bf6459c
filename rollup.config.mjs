import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';
import { chunkScript } from './scripts/rollup-chunk-script.mjs';

// zod's own sources trip these two; they are noise, not problems of ours.
const onwarn = (warning, warn) => {
  if (warning.code === 'CIRCULAR_DEPENDENCY' || warning.code === 'INVALID_ANNOTATION') return;
  warn(warning);
};

const ts = (include = ['src/**/*.ts']) => typescript({ tsconfig: './tsconfig.json', include, noEmit: false, declaration: false, allowJs: false });

/** Writes dist/canary-config.schema.json from the zod schema that the ESM build exports. */
const jsonSchema = () => ({
  name: 'json-schema',
  // Once, after the ESM file is written (this hook runs for each output).
  async writeBundle(output) {
    if (output.format !== 'es') return;
    const { toJsonSchema, healthRecordSchema } = await import(`${pathToFileURL('dist/index.js').href}?t=${Date.now()}`);
    const { toJSONSchema } = await import('zod/mini');
    await writeFile('dist/canary-config.schema.json', `${JSON.stringify(toJsonSchema(), null, 2)}\n`);
    await writeFile('dist/health-record.schema.json', `${JSON.stringify({ ...toJSONSchema(healthRecordSchema), title: 'client-canary health record, beacon format v1' }, null, 2)}\n`);
  },
});

const minify = () => terser({ ecma: 2020, module: false, compress: { passes: 3 }, format: { comments: false } });

/**
 * The npm build's chunks: parseConfig and the zod schemas (zod stays external); the client's
 * compact checker with the rules it shares with the schema (loaded by a dynamic import); and the
 * small constants that the client, the checker and the schemas share (durations, names, the
 * record's limits). Left to rollup, the shared modules would join one of their users, and the
 * entry (or the checker) would import zod statically through them.
 */
const npmChunks = (id) =>
  /\/src\/(config\/(parse|schema)|health\/record-schema)\.ts$/.test(id)
    ? 'schema'
    : /\/src\/config\/(check|rules)\.ts$/.test(id)
      ? 'check'
      : /\/src\/(decide\/duration|config\/names|health\/record)\.ts$/.test(id)
        ? 'shared'
        : undefined;

/** The script-tag builds load web-vitals from client-canary.vitals.js beside them (built first). */
const vitalsScript = () =>
  chunkScript({ swap: 'src/health/vitals-source', by: 'src/health/vitals-script.ts', integrityModule: 'client-canary:vitals-integrity', exportName: 'VITALS_INTEGRITY', file: 'dist/client-canary.vitals.js' });

/** Points src/global.ts's import of './index' at the rolled types beside it in dist/. */
const publicTypes = (file) => (id) => (id.endsWith('/src/index') || id === './index' ? file : id);

export default [
  {
    // Three entries: the SDK, client-canary/openfeature and client-canary/server, sharing chunks.
    input: { index: 'src/index.ts', openfeature: 'src/openfeature/provider.ts', server: 'src/server/index.ts' },
    external: ['zod/mini', 'web-vitals', '@openfeature/web-sdk'],
    // The validator (parse.ts, the schema, zod) in a chunk of its own: createCanary loads it with a
    // dynamic import(), so an app's bundler keeps zod out of the app's main chunk.
    output: [
      { dir: 'dist', format: 'es', sourcemap: true, entryFileNames: '[name].js', chunkFileNames: 'chunks/[name].js', manualChunks: npmChunks },
      { dir: 'dist', format: 'cjs', sourcemap: true, interop: 'auto', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name].cjs', manualChunks: npmChunks },
    ],
    plugins: [ts(), jsonSchema()],
    onwarn,
  },
  {
    // Google's web-vitals for the script tag (data-vitals): the second chunk loads it after the
    // page's assets, and carries its integrity.
    input: 'src/vitals-entry.ts',
    output: { file: 'dist/client-canary.vitals.js', format: 'iife', name: 'ClientCanary', extend: true, sourcemap: true, plugins: [minify()] },
    plugins: [resolve({ browser: true }), ts()],
    onwarn,
  },
  {
    // The loader's second chunk: the rest of the client and the validator; adds attachClient,
    // parseConfig and CanaryError to window.ClientCanary. Built before the loader, which carries
    // its integrity. No zod: the compact checker (src/config/check.ts) validates.
    input: 'src/validate.ts',
    output: { file: 'dist/client-canary.validate.js', format: 'iife', name: 'ClientCanary', extend: true, sourcemap: true, inlineDynamicImports: true, plugins: [minify()] },
    plugins: [
      vitalsScript(),
      resolve({ browser: true }),
      ts(),
    ],
    onwarn,
  },
  {
    // The loader: the script tag's critical path, with no validator (SPEC 12).
    input: 'src/browser.ts',
    // extend: a second copy of the tag adds to window.ClientCanary instead of replacing it.
    output: { file: 'dist/client-canary.min.js', format: 'iife', name: 'ClientCanary', extend: true, sourcemap: true, plugins: [minify()] },
    plugins: [
      chunkScript({ swap: 'src/loader/rest', by: 'src/loader/rest-script.ts', integrityModule: 'client-canary:rest-integrity', exportName: 'REST_INTEGRITY', file: 'dist/client-canary.validate.js' }),
      resolve({ browser: true }),
      ts(),
    ],
    onwarn,
  },
  {
    // The all-in-one build: the loader and its second chunk in one file.
    input: 'src/browser-full.ts',
    output: { file: 'dist/client-canary.full.min.js', format: 'iife', name: 'ClientCanary', extend: true, sourcemap: true, inlineDynamicImports: true, plugins: [minify()] },
    plugins: [
      vitalsScript(),
      resolve({ browser: true }),
      ts(),
    ],
    onwarn,
  },
  {
    // The CLI, for Node: never part of the browser bundle.
    // cli.js is the bin; cli-main.js exports main() for programs (the demo's rollout console).
    input: { cli: 'src/cli/bin.ts', 'cli-main': 'src/cli/main.ts' },
    external: (id) => id === 'zod/mini' || id === 'prom-client' || id.startsWith('node:') || id.startsWith('@aws-sdk/'),
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'cli-[name].js', banner: (chunk) => (chunk.name === 'cli' ? '#!/usr/bin/env node' : '') },
    plugins: [ts()],
    onwarn,
  },
  {
    // The demo page's script (npm run demo), from plain TypeScript.
    input: 'demo/app/demo.ts',
    output: { file: 'dist/demo.js', format: 'iife', inlineDynamicImports: true },
    plugins: [ts(['demo/app/*.ts', 'src/**/*.ts'])],
    onwarn,
  },
  // The same rolled types twice: .d.ts for `import`, .d.cts for `require`. Under "type": "module"
  // a .d.ts is ESM, which a CommonJS project (module node16) refuses to import (TS1479).
  ...[
    ['index', 'src/index.ts'],
    ['openfeature', 'src/openfeature/provider.ts'],
    ['server', 'src/server/index.ts'],
  ].map(([name, input]) => ({
    input,
    external: ['zod/mini', '@openfeature/web-sdk'],
    output: [
      { file: `dist/${name}.d.ts`, format: 'es' },
      { file: `dist/${name}.d.cts`, format: 'es' },
    ],
    plugins: [dts()],
  })),
  {
    // client-canary/global: the script tag's Window globals, over the public types above.
    input: 'src/global.ts',
    external: (id) => id === './index',
    output: [
      { file: 'dist/global.d.ts', format: 'es', paths: publicTypes('./index.js') },
      { file: 'dist/global.d.cts', format: 'es', paths: publicTypes('./index.cjs') },
    ],
    plugins: [dts()],
  },
];
