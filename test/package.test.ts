// The npm package as an adopter gets it (npm test builds first): `npm pack` of the built package,
// installed from the tarball into a fresh directory, then its CLI run by npx and its types checked
// by the repository's own TypeScript from ESM, CommonJS and script-tag consumers.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve('.');
const tsc = resolve('node_modules/typescript/bin/tsc');

// `npm test` runs this file under npm, whose npm_* variables (npm_config_local_prefix above all)
// would make the child npm act on this repository: keep only the ones that say how to reach the registry.
const keep = new Set(['npm_config_cache', 'npm_config_cafile', 'npm_config_userconfig', 'npm_config_globalconfig', 'npm_config_registry', 'npm_config_proxy', 'npm_config_https_proxy', 'npm_config_noproxy']);
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'INIT_CWD' && (!/^npm_/i.test(name) || keep.has(name.toLowerCase()))));

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, out: `${result.stdout}${result.stderr}`, stdout: result.stdout };
}

interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string }[];
}

let work: string;
let consumer: string;
let packed: Packed;
let paths: string[];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'client-canary-package-'));
  consumer = join(work, 'consumer');
  // The JSON of a real pack lists what is in the tarball that is installed below (as --dry-run would).
  const pack = run('npm', ['pack', '--json', '--pack-destination', work], repo);
  if (pack.code !== 0) throw new Error(`npm pack failed:\n${pack.out}`);
  [packed] = JSON.parse(pack.stdout) as Packed[];
  paths = packed.files.map((file) => file.path);
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), `${JSON.stringify({ name: 'consumer', private: true })}\n`);
  // zod comes from the npm cache when it is there (--prefer-offline), from the registry otherwise.
  // With the OpenFeature web SDK, as an app that uses client-canary/openfeature has it (an optional peer).
  const install = run('npm', ['install', join(work, packed.filename), '@openfeature/web-sdk@1', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], consumer);
  if (install.code !== 0) throw new Error(`npm install of the tarball failed:\n${install.out}`);
  console.log(`npm pack: ${packed.filename}, ${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${packed.entryCount} files`);
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Writes a consumer package: its package.json says whether its files are ESM or CommonJS. */
function writeConsumer(dir: string, packageJson: object, files: Record<string, string>) {
  mkdirSync(join(consumer, dir), { recursive: true });
  writeFileSync(join(consumer, dir, 'package.json'), `${JSON.stringify(packageJson)}\n`);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(consumer, dir, file), text);
}

/**
 * One TypeScript program over consumer files (their package.json decides ESM or CommonJS per file,
 * so one run covers both), by the repository's own tsc; memoized, as a full check takes seconds.
 */
const checks = new Map<string, { code: number | null; out: string; stdout: string }>();
function typecheck(name: string, compilerOptions: object, files: string[]) {
  if (!checks.has(name)) {
    const options = { strict: true, noEmit: true, lib: ['ES2022', 'DOM'], types: [], ...compilerOptions };
    writeFileSync(join(consumer, `tsconfig.${name}.json`), `${JSON.stringify({ compilerOptions: options, files })}\n`);
    checks.set(name, run(process.execPath, [tsc, '-p', `tsconfig.${name}.json`, '--pretty', 'false', '--listFiles'], consumer));
  }
  return checks.get(name)!;
}

/** The errors of one consumer directory, and those of no consumer file (options, the shipped types). */
function errorsOf(check: { out: string }, dir: string): string[] {
  const errors = check.out.split('\n').filter((line) => /\berror TS\d+/.test(line));
  return errors.filter((line) => line.startsWith(`${dir}/`) || !/^[\w-]+\/[\w-]+\.ts\(/.test(line));
}

const esmConsumer = `import { bucketOf, createCanary, parseConfig, type CanaryClient, type CanaryConfig, type Decision, type ParseResult } from 'client-canary';

const client: CanaryClient = createCanary({ configUrl: 'https://my-bucket.s3.amazonaws.com/canary-config.json' });
const decision: Decision = client.decide('app');
const result: ParseResult = parseConfig({ version: 1, features: {} });
const config: CanaryConfig | undefined = result.ok ? result.config : undefined;
const bucket: number = bucketOf('app', 'user-42');
// @ts-expect-error: a flag's default fixes its type
const wrong: string = client.flag('searchLimit', 20);
export { bucket, config, decision, wrong };
`;

const frameworksConsumer = `import { OpenFeature } from '@openfeature/web-sdk';
import { CanaryProvider } from 'client-canary/openfeature';
import { canaryForRequest, type ServerCanary } from 'client-canary/server';

const server: ServerCanary = canaryForRequest({ headers: { cookie: 'client_canary_uid=user-42' } }, { config: {} });
const provider = new CanaryProvider({ configUrl: '/canary-config.json', bootstrap: server.bootstrap });
void OpenFeature.setProviderAndWait(provider);
export const limit: number = OpenFeature.getClient().getNumberValue('searchLimit', 20);
export const snapshot = provider.client.getSnapshot().variants;
`;

const cjsConsumer = `import { createCanary, type CanaryClient } from 'client-canary';

const client: CanaryClient = createCanary({ configUrl: 'https://my-bucket.s3.amazonaws.com/canary-config.json' });
export const isCanary: boolean = client.isCanary('app');
`;

const globalConsumer = (reference: string) => `${reference}
(window.clientCanaryQueue ||= []).push((client) => client.flag('searchLimit', 20));
export const onCanary: boolean | undefined = window.clientCanary?.isCanary('app');
export const bucket: number | undefined = window.ClientCanary?.bucketOf('app', 'user-42');
`;

describe('the npm tarball', () => {
  it('holds LICENSE, README.md, the CommonJS types and the hosting guide files, and no tests or demo', () => {
    for (const path of ['LICENSE', 'README.md', 'package.json', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/global.d.ts', 'dist/global.d.cts', 'docs/s3-cors.json', 'docs/s3-bucket-policy.json', 'docs/cli-iam-policy.json', 'docs/ecs/canary-config.conf', 'docs/ecs/Dockerfile', 'docs/ecs/task-definition.json']) {
      expect(paths, path).toContain(path);
    }
    expect(paths.filter((path) => !/^(LICENSE|README\.md|package\.json|dist\/.+|docs\/.+)$/.test(path))).toEqual([]);
    expect(paths.filter((path) => /(^|\/)tests?\/|\.(test|spec)\.|fixtures|demo/.test(path))).toEqual([]);
    expect(readFileSync('LICENSE', 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 client-canary contributors\n/);
  });

  it('holds every file that package.json exports or runs', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: object; bin: Record<string, string>; main: string; module: string; types: string; typesVersions: Record<string, Record<string, string[]>> };
    const targets: string[] = [];
    const walk = (value: unknown): void => {
      if (typeof value === 'string') targets.push(value);
      else if (value && typeof value === 'object') Object.values(value).forEach(walk);
    };
    walk([pkg.exports, pkg.bin, pkg.main, pkg.module, pkg.types, pkg.typesVersions]);
    expect(targets).toContain('./dist/index.d.cts');
    for (const target of targets) expect(paths, target).toContain(target.replace(/^\.\//, ''));
  });

  it('ships every file the README hosting guide names', () => {
    const readme = readFileSync('README.md', 'utf8');
    const guide = readme.slice(readme.indexOf('\n## Hosting the config\n'), readme.indexOf('\n## ', readme.indexOf('\n## Hosting the config\n') + 1));
    const named = [...new Set(guide.match(/docs\/[\w./-]*\w/g))];
    expect(named).toEqual(expect.arrayContaining(['docs/s3-cors.json', 'docs/s3-bucket-policy.json', 'docs/cli-iam-policy.json']));
    for (const path of named) expect(paths, path).toContain(path);
  });

  it('ships policies that the S3 guide shows as they are: read-only for browsers, one key read-write for the CLI', () => {
    const readme = readFileSync('README.md', 'utf8');
    const s3 = readme.slice(readme.indexOf('\n### S3 '), readme.indexOf('\n### A path served by an ECS task'));
    const shown = [...s3.matchAll(/```json\n([^]*?)\n\s*```/g)].map((block) => JSON.parse(block[1]!) as unknown);
    const docs = (name: string) => JSON.parse(readFileSync(`docs/${name}`, 'utf8')) as { Statement: { Action: string | string[]; Resource: string | string[] }[] };
    expect(shown).toEqual([docs('s3-bucket-policy.json'), docs('s3-cors.json'), docs('cli-iam-policy.json')]);
    const actions = (name: string) => docs(name).Statement.flatMap((statement) => statement.Action);
    expect(actions('s3-bucket-policy.json')).toEqual(['s3:GetObject']);
    expect(actions('s3-bucket-policy-cloudfront.json')).toEqual(['s3:GetObject']);
    expect(actions('cli-iam-policy.json').sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(docs('cli-iam-policy.json').Statement.map((statement) => statement.Resource)).toEqual(['arn:aws:s3:::my-bucket/canary-config.json']);
  });
});

describe('the package installed from its tarball', () => {
  const reference = '/// <reference types="client-canary/global" />';
  const globalImport = "import type {} from 'client-canary/global';";
  // The full check: module nodenext, no skipLibCheck, so the shipped .d.ts and .d.cts are checked too.
  const nodenext = () => typecheck('nodenext', { module: 'nodenext' }, ['esm/index.ts', 'esm/frameworks.ts', 'cjs/index.ts', 'cjs/frameworks.ts', 'global-esm/reference.ts', 'global-esm/import.ts', 'global-cjs/reference.ts', 'global-cjs/import.ts']);
  // Quicker checks of resolution (skipLibCheck): node16, which refuses ESM types in CommonJS (TS1479), and node10.
  const node16 = () => typecheck('node16', { module: 'node16', skipLibCheck: true }, ['cjs/index.ts', 'global-none/index.ts']);
  const node10 = () => typecheck('node10', { module: 'commonjs', moduleResolution: 'node10', skipLibCheck: true }, ['global-node10/index.ts']);

  beforeAll(() => {
    writeConsumer('esm', { type: 'module' }, { 'index.ts': esmConsumer, 'frameworks.ts': frameworksConsumer });
    writeConsumer('cjs', {}, { 'index.ts': cjsConsumer, 'frameworks.ts': frameworksConsumer });
    for (const [dir, packageJson] of [['global-esm', { type: 'module' }], ['global-cjs', {}]] as const) {
      writeConsumer(dir, packageJson, { 'reference.ts': globalConsumer(reference), 'import.ts': globalConsumer(globalImport) });
    }
    writeConsumer('global-none', { type: 'module' }, { 'index.ts': globalConsumer('') });
    writeConsumer('global-node10', {}, { 'index.ts': `${reference}\n${cjsConsumer}${globalConsumer('')}` });
  });

  it('runs the CLI by npx: --help, init, then validate of what init wrote', () => {
    const help = run('npx', ['--no', '--', 'client-canary', '--help'], consumer);
    expect(help.code, help.out).toBe(0);
    expect(help.stdout).toContain('Usage: client-canary <command>');
    const init = run('npx', ['--no', '--', 'client-canary', 'init'], consumer);
    expect(init.code, init.out).toBe(0);
    expect(JSON.parse(readFileSync(join(consumer, 'canary-config.json'), 'utf8'))).toMatchObject({ version: 1 });
    const validate = run('npx', ['--no', '--', 'client-canary', 'validate', 'canary-config.json'], consumer);
    expect(validate.code, validate.out).toBe(0);
    expect(validate.stdout).toContain('valid');
  });

  it('loads by import and by require, with the same buckets', () => {
    const esm = run(process.execPath, ['--input-type=module', '-e', "import { bucketOf } from 'client-canary'; console.log(bucketOf('app', 'user-42'))"], consumer);
    const cjs = run(process.execPath, ['-e', "console.log(require('client-canary').bucketOf('app', 'user-42'))"], consumer);
    expect(esm.stdout.trim(), esm.out).toBe('7142');
    expect(cjs.stdout.trim(), cjs.out).toBe('7142');
  });

  it('loads client-canary/server and client-canary/openfeature by import and by require, deciding the same', () => {
    const config = JSON.stringify({ version: 1, features: { app: { percentage: 50, stable: { flags: { limit: 20 } }, canary: { flags: { limit: 50 } } } } });
    const server = `canaryForRequest({ headers: { cookie: 'client_canary_uid=user-42' } }, { config: ${config} })`;
    const evaluate = `const provider = new CanaryProvider({ configUrl: 'http://127.0.0.1:9/unused.json', bootstrap: ${server}.bootstrap });
      await OpenFeature.setProviderAndWait(provider);
      console.log(${server}.variant('app'), OpenFeature.getClient().getNumberValue('limit', 0));`;
    const esm = run(process.execPath, ['--input-type=module', '-e', `import { canaryForRequest } from 'client-canary/server'; import { CanaryProvider } from 'client-canary/openfeature'; import { OpenFeature } from '@openfeature/web-sdk'; ${evaluate}`], consumer);
    const cjs = run(process.execPath, ['-e', `const { canaryForRequest } = require('client-canary/server'); const { CanaryProvider } = require('client-canary/openfeature'); const { OpenFeature } = require('@openfeature/web-sdk'); (async () => { ${evaluate} })()`], consumer);
    // bucketOf('app', 'user-42') is 7142: stable at 50 %.
    expect(esm.stdout.trim(), esm.out).toBe('stable 20');
    expect(cjs.stdout.trim(), cjs.out).toBe('stable 20');
  });

  it('type-checks an ESM consumer ("type": "module", module nodenext) that uses createCanary, parseConfig, bucketOf and their types', () => {
    expect(errorsOf(nodenext(), 'esm')).toEqual([]);
    expect(nodenext().stdout).toMatch(/client-canary\/dist\/index\.d\.ts$/m);
    expect(nodenext().stdout).toMatch(/client-canary\/dist\/openfeature\.d\.ts$/m);
    expect(nodenext().stdout).toMatch(/client-canary\/dist\/server\.d\.ts$/m);
  }, 60_000);

  it('type-checks a CommonJS consumer against the .d.cts types, under module nodenext and node16', () => {
    expect(errorsOf(nodenext(), 'cjs')).toEqual([]);
    expect(nodenext().stdout).toMatch(/client-canary\/dist\/index\.d\.cts$/m);
    expect(nodenext().stdout).toMatch(/client-canary\/dist\/openfeature\.d\.cts$/m);
    // node16 refuses ESM types in a CommonJS file (TS1479): this passes only with the .d.cts.
    expect(errorsOf(node16(), 'cjs')).toEqual([]);
    expect(node16().stdout).toMatch(/client-canary\/dist\/index\.d\.cts$/m);
    expect(node16().stdout).not.toMatch(/client-canary\/dist\/index\.d\.ts$/m);
  }, 60_000);

  it('types window.clientCanary, ClientCanary and clientCanaryQueue through client-canary/global, by reference or by import, from ESM and CommonJS', () => {
    expect(errorsOf(nodenext(), 'global-esm')).toEqual([]);
    expect(errorsOf(nodenext(), 'global-cjs')).toEqual([]);
    expect(nodenext().stdout).toMatch(/client-canary\/dist\/global\.d\.ts$/m);
    expect(nodenext().stdout).toMatch(/client-canary\/dist\/global\.d\.cts$/m);
    // The same page code without client-canary/global: the globals are unknown to TypeScript.
    expect(errorsOf(node16(), 'global-none').join('\n')).toContain("Property 'clientCanary' does not exist on type 'Window & typeof globalThis'");
  }, 60_000);

  it('resolves client-canary and client-canary/global for a project on the old node10 resolution too (typesVersions)', () => {
    expect(errorsOf(node10(), 'global-node10')).toEqual([]);
    expect(node10().code).toBe(0);
    expect(node10().stdout).toMatch(/client-canary\/dist\/global\.d\.ts$/m);
  }, 60_000);
});
