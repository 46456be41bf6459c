import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { distOf, pickFiles, toManifest } from '../../src/cli/manifest';
import { cli, configFile, readJson } from '../helpers/cli';

const config = () => ({
  version: 1,
  revision: 'r1',
  features: { app: { percentage: 0, stable: { assets: ['app/1.0.0/app.js'] }, canary: { assets: ['app/1.1.0/app.js'], flags: { tone: 'bold' } } } },
});

/** A build folder as `vite build` leaves it: DIST/.vite/manifest.json and the files it names. */
function dist(manifest: unknown, files: Record<string, string>): { manifest: string; dist: string } {
  const root = mkdtempSync(join(tmpdir(), 'client-canary-dist-'));
  mkdirSync(join(root, '.vite'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  const path = join(root, '.vite', 'manifest.json');
  writeFileSync(path, typeof manifest === 'string' ? manifest : JSON.stringify(manifest, null, 2));
  return { manifest: path, dist: root };
}

// The shape Vite 8 writes for index.html → main.js, which imports a CSS file and import()s lazy.js.
const viteManifest = {
  'index.html': { file: 'assets/index-D_VcSGs-.js', name: 'index', src: 'index.html', isEntry: true, dynamicImports: ['lazy.js'], css: ['assets/index-D2jiHFuh.css'] },
  'lazy.js': { file: 'assets/lazy-BE4hVJZ0.js', name: 'lazy', src: 'lazy.js', isDynamicEntry: true, css: ['assets/lazy-C9x.css'] },
};
const viteFiles = {
  'assets/index-D_VcSGs-.js': 'console.log(import.meta.url);\n',
  'assets/index-D2jiHFuh.css': '#app { color: green }\n',
  'assets/lazy-BE4hVJZ0.js': 'export const lazy = 1;\n',
  'assets/lazy-C9x.css': '#lazy { color: red }\n',
};
const sri = (text: string) => `sha384-${createHash('sha384').update(text).digest('base64')}`;

describe('ship --manifest: the canary assets of a Vite build', () => {
  it('ships the entry as a module with the sha384 of its built file and its CSS, but not the lazily imported chunk', async () => {
    const build = dist(viteManifest, viteFiles);
    const path = configFile(config());
    const run = await cli('ship', path, 'app', '--manifest', build.manifest, '--prefix', 'app/2.0.0/', '--percentage', '5');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const app = readJson(path).features.app;
    expect(app.canary).toEqual({
      assets: [
        { url: 'app/2.0.0/assets/index-D2jiHFuh.css', integrity: sri(viteFiles['assets/index-D2jiHFuh.css']), crossorigin: 'anonymous' },
        { url: 'app/2.0.0/assets/index-D_VcSGs-.js', type: 'module', integrity: sri(viteFiles['assets/index-D_VcSGs-.js']), crossorigin: 'anonymous' },
      ],
      flags: { tone: 'bold' },
    });
    expect(app.percentage).toBe(5);
    expect(JSON.stringify(app)).not.toContain('lazy');
    expect(run.stdout).toContain('app.canary: {"assets":["app/1.1.0/app.js"]');
    expect(run.stdout).toContain('"type":"module"');
  });

  it('takes the CSS of chunks the entry imports statically, before its own, each file once', () => {
    const files = pickFiles(
      toManifest(
        {
          'main.js': { file: 'assets/main.js', isEntry: true, imports: ['_vendor.js', '_shared.js'], css: ['assets/main.css'] },
          'admin.js': { file: 'assets/admin.js', isEntry: true, imports: ['_shared.js'], css: ['assets/admin.css'] },
          '_vendor.js': { file: 'assets/vendor.js', imports: ['_shared.js'], css: ['assets/vendor.css'] },
          '_shared.js': { file: 'assets/shared.js', css: ['assets/shared.css'] },
          'page.js': { file: 'assets/page.js', isDynamicEntry: true, css: ['assets/page.css'] },
          'theme.css': { file: 'assets/theme.css', src: 'theme.css', isEntry: true },
          'main-legacy.js': { file: 'assets/main-legacy.js', isEntry: true },
        },
        'm',
      ),
    );
    expect(files).toEqual([
      { file: 'assets/shared.css', kind: 'style' },
      { file: 'assets/vendor.css', kind: 'style' },
      { file: 'assets/main.css', kind: 'style' },
      { file: 'assets/main.js', kind: 'module' },
      { file: 'assets/admin.css', kind: 'style' },
      { file: 'assets/admin.js', kind: 'module' },
      { file: 'assets/theme.css', kind: 'style' },
    ]);
  });

  it('reads the files beside DIST for DIST/.vite/manifest.json, and beside the manifest for any other name', () => {
    expect(distOf(join('build', 'web', '.vite', 'manifest.json'))).toBe(join('build', 'web'));
    expect(distOf(join('build', 'web', 'asset-manifest.json'))).toBe(join('build', 'web'));
  });

  it('refuses a manifest whose built file is missing (exit 1), naming the file, and writes nothing', async () => {
    const { 'assets/index-D2jiHFuh.css': _css, ...files } = viteFiles;
    const build = dist(viteManifest, files);
    const path = configFile(config());
    const before = readFileSync(path, 'utf8');
    const run = await cli('ship', path, 'app', '--manifest', build.manifest, '--prefix', 'app/2.0.0/');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`client-canary: ${build.manifest} names assets/index-D2jiHFuh.css, but ${join(build.dist, 'assets/index-D2jiHFuh.css')} does not exist; point --manifest at the build folder that holds the files`);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('refuses a manifest without an entry chunk (exit 1)', async () => {
    const build = dist({ 'lazy.js': viteManifest['lazy.js'] }, viteFiles);
    const run = await cli('ship', configFile(config()), 'app', '--manifest', build.manifest, '--prefix', 'app/2.0.0/');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`client-canary: ${build.manifest} has no entry chunk (no chunk with "isEntry": true); was it written by a build of the app?`);
  });

  it.each([
    ['a package.json', { name: 'app', version: '2.0.0', scripts: { build: 'vite build' } }],
    ['a canary config', config()],
    ['an array', ['assets/index.js']],
    ['an empty object', {}],
  ])('refuses JSON that is not a manifest (%s) with exit 1', async (_what, json) => {
    const build = dist(json, viteFiles);
    const run = await cli('ship', configFile(config()), 'app', '--manifest', build.manifest, '--prefix', 'app/2.0.0/');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^client-canary: \S+manifest\.json is not a Vite build manifest \(build\.manifest: true writes DIST\/\.vite\/manifest\.json\)/);
  });

  it('refuses a manifest that is not JSON, or not there, with exit 1', async () => {
    const build = dist('<html>', viteFiles);
    const garbled = await cli('ship', configFile(config()), 'app', '--manifest', build.manifest, '--prefix', 'app/2.0.0/');
    expect(garbled.code).toBe(1);
    expect(garbled.stderr).toContain(`--manifest: ${build.manifest} is not JSON`);
    const missing = await cli('ship', configFile(config()), 'app', '--manifest', join(build.dist, 'nope.json'), '--prefix', 'app/2.0.0/');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`client-canary: --manifest: cannot read ${join(build.dist, 'nope.json')}: no such file`);
  });

  it.each([
    [['--manifest', 'M'], '--manifest needs --prefix'],
    [['--manifest', 'M', '--prefix', 'app/2.0.0'], '--prefix: "app/2.0.0" does not end with "/"'],
    [['app/2.0.0/app.js', '--manifest', 'M', '--prefix', 'app/2.0.0/'], 'give asset URLs or --manifest, not both'],
    [['--manifest', 'M', '--prefix', 'app/2.0.0/', '--module'], '--module is for asset URLs'],
    [['app/2.0.0/app.js', '--prefix', 'app/2.0.0/'], '--prefix goes with --manifest'],
    [[], 'name the canary asset URLs, or give --manifest'],
  ])('refuses ship %j with exit 1: %s', async (args, message) => {
    const build = dist(viteManifest, viteFiles);
    const run = await cli('ship', configFile(config()), 'app', ...args.map((a) => (a === 'M' ? build.manifest : a)));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
  });

  it('says in its help that chunks imported by the entry are loaded by the browser and not covered by integrity', async () => {
    const run = await cli('ship', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--manifest FILE');
    expect(run.stdout.replace(/\s+/g, ' ')).toContain('Chunks that the entry imports (lazily or not) are loaded by the browser itself and are not covered by integrity');
  });
});

describe('ship --module', () => {
  it('marks plain .js URLs as modules and leaves .mjs, .css and other URLs as they are', async () => {
    const path = configFile(config());
    const run = await cli('ship', path, 'app', 'app/2.0.0/main.js?v=2', 'https://cdn.example.com/app/2.0.0/vendor.JS', 'app/2.0.0/app.mjs', 'app/2.0.0/app.css', 'app/2.0.0/js', '--module');
    expect(run.code).toBe(0);
    expect(readJson(path).features.app.canary.assets).toEqual([
      { url: 'app/2.0.0/main.js?v=2', type: 'module' },
      { url: 'https://cdn.example.com/app/2.0.0/vendor.JS', type: 'module' },
      'app/2.0.0/app.mjs',
      'app/2.0.0/app.css',
      'app/2.0.0/js',
    ]);
  });

  it('without --module keeps plain URLs as strings (classic scripts), as before', async () => {
    const path = configFile(config());
    expect((await cli('ship', path, 'app', 'app/2.0.0/main.js')).code).toBe(0);
    expect(readJson(path).features.app.canary.assets).toEqual(['app/2.0.0/main.js']);
  });
});
